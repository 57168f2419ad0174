import { lookupUrl, type LookupResult, type RegistrySource } from './lookup';
import { mergeRecords } from './merge';
import { productLinks, whoSaidIt } from './present';
import type { ToolRecord } from './types';
import { endorsedConditions, verdictFor, type ProductVerdict } from './verdict';

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

export async function cardDataFor(source: CardSource, url: string, now: number): Promise<CardData> {
  const lookup = await lookupUrl(source, url, now);
  const [first] = lookup.matches;
  const alternatives = first && NEEDS_ALTERNATIVES.has(first.verdict.state) ? await endorsedAlternatives(source, first.product.conditions, first.product.name) : [];
  return { ...lookup, alternatives, now };
}

/**
 * Up to three tools endorsed (recommended, or conditional on evidence generation) by an independent
 * issuer for any of the same conditions: recommended first, then the most conditions in common.
 */
export async function endorsedAlternatives(source: CardSource, conditions: readonly string[], excludeName: string): Promise<Alternative[]> {
  if (conditions.length === 0) return [];
  const [records, feeds] = await Promise.all([source.recordsEndorsedFor(conditions, MAX_ALTERNATIVE_CANDIDATES), source.feedSummaries()]);
  const byUrl = new Map(feeds.map((feed) => [feed.url, feed]));
  const wanted = new Set(conditions);
  const candidates: Alternative[] = [];
  for (const product of mergeRecords(records.filter((r) => byUrl.has(r.feedUrl)), byUrl)) {
    const verdict = verdictFor(product);
    if ((verdict.state !== 'recommended' && verdict.state !== 'conditional') || product.name === excludeName) continue;
    const covered = endorsedConditions(verdict.decidingClaims, product.conditions);
    const sharedConditions = [...wanted].filter((c) => covered.has(c));
    if (sharedConditions.length === 0) continue;
    candidates.push({
      name: product.name,
      state: verdict.state,
      who: whoSaidIt(verdict.decidingClaims),
      sharedConditions,
      link: productLinks(product)[0]?.url,
    });
  }
  const rank = (a: Alternative) => (a.state === 'recommended' ? 0 : 1);
  return candidates
    .sort((a, b) => rank(a) - rank(b) || b.sharedConditions.length - a.sharedConditions.length || a.name.localeCompare(b.name))
    .slice(0, MAX_ALTERNATIVES);
}
