import { z } from '../zod';
import { isKnownCondition } from '../feed/conditions';
import { ENDORSEMENT_STATUSES, ISSUER_KINDS, type IssuerKind } from '../feed/vocabulary';
import { identifierKeys } from '../lookup/keys';
import type { LookupMatch } from '../registry/lookup';
import type { AssessedClaim } from '../registry/standing';
import { endorsingClaims, signpostingFor } from '../signposting/patient-text';

// One entry of the clinician's signposting record (docs/monitoring.md §1): the tool, the claims
// and verdict as shown at that moment, the condition, the channel and the day. Nothing about the
// patient and no free text: every text field comes from the public registry. The schema is strict
// (unknown keys are refused, not stripped) and checked on write and on read. Pure.

export const CHANNELS = ['text', 'qr', 'handout'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CHANNEL_LABELS: Record<Channel, string> = { text: 'Patient text copied', qr: 'QR code shown', handout: 'Handout printed' };

/** Entries older than this are deleted (docs/monitoring.md §3). */
export const RETENTION_MONTHS = 24;

/** Patient text is written only for these verdicts, so only these are ever recorded. */
export const RECORDED_VERDICTS = ['recommended', 'conditional'] as const;
export type RecordedVerdict = (typeof RECORDED_VERDICTS)[number];

export const conditionIdSchema = z.string().max(80).refine((id): boolean => isKnownCondition(id), 'not a condition Signpost knows');
const registryText = (max: number) => z.string().max(max);

export const recordedClaimSchema = z.strictObject({
  /** Signpost's own name for the authority ("NICE"), never a feed's spelling. */
  authority: registryText(200),
  kind: z.enum(ISSUER_KINDS),
  status: z.enum(ENDORSEMENT_STATUSES),
  code: registryText(100).optional(),
  decisionDate: registryText(10),
});

export const entrySchema = z.strictObject({
  id: z.uuid(),
  /** The day, in the computer's local time: YYYY-MM-DD. */
  date: z.iso.date(),
  channel: z.enum(CHANNELS),
  tool: z.strictObject({
    /** The registry record the popup signposted (`${feedUrl} ${toolId}`). */
    recordId: registryText(2200),
    name: registryText(300),
    keys: z.array(registryText(300)).max(50),
  }),
  condition: conditionIdSchema.nullable(),
  verdict: z.enum(RECORDED_VERDICTS),
  statements: z.array(z.strictObject({ who: registryText(200), status: z.enum(ENDORSEMENT_STATUSES), national: z.boolean(), text: registryText(800) })).max(3),
  claims: z.array(recordedClaimSchema).max(20),
});

export type SignpostingEntry = z.infer<typeof entrySchema>;
export type RecordedClaim = z.infer<typeof recordedClaimSchema>;

/** The kind of body an authorised claim speaks for. NICE by its trust-root id; others as their feed files them. */
export function authorityKind(claim: AssessedClaim): IssuerKind {
  return claim.authority.authority?.id === 'nice' ? 'nice' : claim.issuerKind;
}

export function recordedClaim(claim: AssessedClaim): RecordedClaim {
  return {
    authority: claim.authority.authority?.name ?? claim.issuer,
    kind: authorityKind(claim),
    status: claim.status,
    ...(claim.guidanceCode ? { code: claim.guidanceCode } : {}),
    decisionDate: claim.decisionDate,
  };
}

/** The conditions the patient text speaks for: those of its endorsing claims (or the tool's). */
export function signpostableConditions(match: LookupMatch): string[] {
  const conditions = endorsingClaims(match.verdict).flatMap((claim) => claim.conditions ?? match.product.conditions);
  return [...new Set(conditions)].filter(isKnownCondition);
}

/** The condition to record: the one chosen if the text speaks for it, else the clinician's own first, else the first. */
export function conditionFor(match: LookupMatch, chosen: string | null, myConditions: readonly string[] = []): string | null {
  const conditions = signpostableConditions(match);
  if (chosen !== null) return conditions.includes(chosen) ? chosen : null;
  return conditions.find((condition) => myConditions.includes(condition)) ?? conditions[0] ?? null;
}

/** YYYY-MM-DD in local time: the clinician's day, as their clinical system dates the consultation. */
export function localDay(now: number): string {
  const date = new Date(now);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/**
 * The entry for signposting `match` now, or null when Signpost gives no patient text for it
 * (then nothing was signposted). `id` is supplied so the function stays pure.
 */
export function entryFor(match: LookupMatch, recordId: string, channel: Channel, condition: string | null, now: number, id: string): SignpostingEntry | null {
  const { verdict, product } = match;
  if (signpostingFor(match).kind !== 'text' || (verdict.state !== 'recommended' && verdict.state !== 'conditional')) return null;
  return entrySchema.parse({
    id,
    date: localDay(now),
    channel,
    tool: { recordId, name: product.name.slice(0, 300), keys: identifierKeys(product.identifiers).slice(0, 50) },
    condition,
    verdict: verdict.state,
    statements: verdict.headline.map(({ who, status, national, text }) => ({ who, status, national, text })),
    claims: verdict.decidingClaims.map(recordedClaim),
  });
}

/** "2027-03" from an entry's day. */
export const monthOf = (date: string) => date.slice(0, 7);

/** "March 2027". */
export function monthInWords(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return new Date(Date.UTC(year!, number! - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}
