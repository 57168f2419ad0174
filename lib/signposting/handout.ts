import { STATUS_LABELS } from '../feed/vocabulary';
import { formatPartialDate, formatTimestamp } from '../format/dates';
import { freshnessOf, type LookupMatch } from '../registry/lookup';
import { feedsBehind } from '../registry/present';
import type { FeedSummary } from '../registry/types';
import { conditionsInWords, scopeQualifiers } from '../registry/verdict';
import { endorsementSentences, endorsingClaims, oneLine, purposeSentence, signpostingFor, type PatientLink } from './patient-text';

// The printable one-page handout: the same rules as the patient text (no patient fields; only a
// current, authorised positive claim; none otherwise), with each endorsement's source spelled out,
// since paper cannot be clicked.

export interface HandoutEndorsement {
  issuer: string;
  status: string;
  /** What the endorsement covers: conditions, ages, platform, setting. */
  scope: string;
  code?: string;
  date: string;
  sourceUrl: string;
}

export type Handout =
  | {
      kind: 'handout';
      name: string;
      purpose: string;
      /** Plain sentences, as in the patient text; empty when nobody independent endorses the tool. */
      summary: string[];
      endorsements: HandoutEndorsement[];
      links: PatientLink[];
      /** The link the QR code carries, or null when the registry has none. */
      qr: PatientLink | null;
      /** For the clinician on screen only; the print style leaves these out. */
      notes: string[];
      checked: string;
    }
  | { kind: 'withheld'; name: string; reason: string };

/**
 * `chosenLink` is the link the clinician picked for the QR code; it is used only if the product
 * really has it, so a crafted handout address cannot make the page encode another link.
 */
export function handoutFor(match: LookupMatch, feeds: readonly FeedSummary[], now: number, chosenLink?: string | null): Handout {
  const name = oneLine(match.product.name);
  const signposting = signpostingFor(match);
  if (signposting.kind === 'withheld') return { kind: 'withheld', name, reason: signposting.reason };
  const { links, notes } = signposting;
  const claims = endorsingClaims(match.verdict);
  return {
    kind: 'handout',
    name,
    purpose: purposeSentence(match.product),
    summary: endorsementSentences(claims, match.product.conditions),
    endorsements: claims.map((claim) => ({
      issuer: oneLine(claim.authority.authority?.name ?? claim.issuer),
      status: STATUS_LABELS[claim.status],
      scope: oneLine([conditionsInWords(claim.conditions ?? match.product.conditions), ...scopeQualifiers(claim)].filter(Boolean).join('; ')),
      ...(claim.guidanceCode ? { code: oneLine(claim.guidanceCode) } : {}),
      date: formatPartialDate(claim.decisionDate),
      sourceUrl: claim.sourceUrl,
    })),
    links,
    qr: links.find((link) => link.url === chosenLink) ?? links[0] ?? null,
    notes,
    checked: checkedLine(match, feeds, now),
  };
}

/** "Signpost checked this on 25 November 2026 from NICE (test feed)." */
export function checkedLine(match: LookupMatch, feeds: readonly FeedSummary[], now: number): string {
  const contributing = feedsBehind(match.product, feeds);
  const { checkedAt } = freshnessOf(contributing, now);
  const when = checkedAt === null ? 'an unknown date' : formatTimestamp(new Date(checkedAt).toISOString());
  // In the product's own order: the most authoritative feed first, as merge ranks them.
  const nameOf = new Map(contributing.map((feed) => [feed.url, oneLine(feed.publisher.name)]));
  const publishers = [...new Set(match.product.records.flatMap((record) => nameOf.get(record.feedUrl) ?? []))];
  return `Signpost checked this on ${when} from ${publishers.length ? publishers.join(', ') : 'no current feed'}.`;
}

/**
 * The handout page's query string (handout.html?…) for a product (by record id), QR link and the
 * condition it is given for (recorded when printed; the background accepts only a known condition).
 */
export function handoutQuery(recordId: string, link: string | null, condition: string | null = null): string {
  const params = new URLSearchParams({ tool: recordId });
  if (link) params.set('link', link);
  if (condition) params.set('for', condition);
  return `?${params}`;
}

export function readHandoutParams(search: string): { recordId: string | null; link: string | null; condition: string | null } {
  const params = new URLSearchParams(search);
  return { recordId: params.get('tool'), link: params.get('link'), condition: params.get('for') };
}
