import type { Platform } from '../feed/vocabulary';
import { lookupUrl, platformOf, type LookupMatch, type LookupResult, type RegistrySource } from './lookup';
import { mergeRecords } from './merge';
import { productLinks, whoSaidIt } from './present';
import type { ToolRecord } from './types';
import type { AssessedClaim } from './standing';
import { endorsedConditions, isNarrowed, verdictFor, type ProductVerdict } from './verdict';

export interface Alternative {
  name: string;
  state: Extract<ProductVerdict['state'], 'recommended' | 'conditional'>;
  who: string;
  sharedConditions: string[];
  link?: string;
}

/** Everything the trust card shows, computed in the background from the on-device registry. */
export interface CardData extends LookupResult {
  alternatives: Alternative[];
  /** Computed at lookup time so the card never needs a clock of its own to say how old data is. */
  now: number;
}

export interface CardSource extends RegistrySource {
  /** Up to `limit` records whose own claims endorse the tool for any of these conditions (an index read). */
  recordsEndorsedFor(conditions: readonly string[], limit: number): Promise<ToolRecord[]>;
}

/** The verdicts for which the card offers endorsed alternatives: the tool itself is not endorsed. */
export const NEEDS_ALTERNATIVES: ReadonlySet<ProductVerdict['state']> = new Set(['no-endorsement', 'listed', 'research-only', 'not-recommended', 'withdrawn']);
const MAX_ALTERNATIVES = 3;
/** Candidates read for alternatives: plenty to find three, and a bounded read at 100k tools. */
const MAX_ALTERNATIVE_CANDIDATES = 200;

export async function cardDataFor(source: CardSource, url: string, now: number, myConditions?: readonly string[]): Promise<CardData> {
  const lookup = await lookupUrl(source, url, now, myConditions);
  const [first] = lookup.matches;
  const platform = lookup.identity ? platformOf(lookup.identity) : undefined;
  const alternatives = first && NEEDS_ALTERNATIVES.has(first.verdict.state) ? await endorsedAlternatives(source, first, now, first.product.conditions, platform) : [];
  return { ...lookup, alternatives, now };
}

/**
 * Whether an alternative's claim fits the patients the page's product is for: a claim limited to
 * a population or a setting (children only, specialist services) fits only a product whose own
 * claims carry the same limit (docs/trust-model.md §6).
 */
function fitsSamePatients(claim: AssessedClaim, current: LookupMatch): boolean {
  if (!isNarrowed(claim)) return true;
  const limit = JSON.stringify([claim.population ?? null, claim.setting ?? null]);
  return current.verdict.claims.some((own) => JSON.stringify([own.population ?? null, own.setting ?? null]) === limit);
}

/**
 * Up to three tools endorsed (recommended, or conditional on evidence generation) by an authorised
 * issuer, currently, for any of the same conditions and the same patients: recommended first, then
 * the most conditions in common. `conditions` narrows the search (the clinician's own conditions);
 * `platform`, the page's, leaves out tools endorsed only for another.
 */
export async function endorsedAlternatives(
  source: CardSource,
  current: LookupMatch,
  now: number,
  conditions: readonly string[] = current.product.conditions,
  platform?: Platform,
): Promise<Alternative[]> {
  if (conditions.length === 0) return [];
  const [records, feeds, root] = await Promise.all([source.recordsEndorsedFor(conditions, MAX_ALTERNATIVE_CANDIDATES), source.feedSummaries(), source.trustRoot()]);
  const byUrl = new Map(feeds.map((feed) => [feed.url, feed]));
  const wanted = new Set(conditions);
  const candidates: Alternative[] = [];
  for (const product of mergeRecords(records.filter((r) => byUrl.has(r.feedUrl)), byUrl, root)) {
    if (product.name === current.product.name) continue;
    // On a store page, an alternative endorsed for another platform only is no alternative.
    const verdict = verdictFor(product, { now, ...(platform ? { platform } : {}) }, byUrl);
    if ((verdict.state !== 'recommended' && verdict.state !== 'conditional') || verdict.stale.length > 0) continue;
    const fitting = verdict.decidingClaims.filter((claim) => fitsSamePatients(claim, current));
    const covered = endorsedConditions(fitting, product.conditions);
    const sharedConditions = [...wanted].filter((c) => covered.has(c));
    if (sharedConditions.length === 0) continue;
    candidates.push({
      name: product.name,
      state: verdict.state,
      who: whoSaidIt(fitting),
      sharedConditions,
      link: productLinks(product)[0]?.url,
    });
  }
  const rank = (a: Alternative) => (a.state === 'recommended' ? 0 : 1);
  return candidates
    .sort((a, b) => rank(a) - rank(b) || b.sharedConditions.length - a.sharedConditions.length || a.name.localeCompare(b.name))
    .slice(0, MAX_ALTERNATIVES);
}
