import { z } from '../zod';
import { STATUS_LABELS } from '../feed/vocabulary';
import { formatPartialDate } from '../format/dates';
import type { LookupMatch } from '../registry/lookup';
import { replaces, type AssessedClaim } from '../registry/standing';
import { monthOf, recordedClaim, type RecordedClaim, type SignpostingEntry } from './record';

// The safety follow-up (docs/monitoring.md §4): what has changed in a signposted tool's standing
// since the clinician gave it out, compared with the claims and statements recorded at the time,
// never with a recomputed past. Pure.

export const CHANGE_KINDS = ['withdrawn', 'not-recommended', 'research-only', 'expired', 'superseded'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

const LIMITING: ReadonlySet<string> = new Set(['withdrawn', 'not-recommended', 'research-only']);

export const changeSchema = z.strictObject({
  kind: z.enum(CHANGE_KINDS),
  /** What the card now says, as it words it. */
  statement: z.string().max(1000),
  /** Who said so: Signpost's own name for the authority. */
  who: z.string().max(200),
  /** The decision (or expiry) date, partial ("2027-03"), or 'unknown'. */
  when: z.string().max(10),
  code: z.string().max(100).optional(),
  sourceUrl: z.string().max(2000).optional(),
});
export type Change = z.infer<typeof changeSchema>;

export const followUpSchema = z.strictObject({
  id: z.string().max(3000),
  recordId: z.string().max(2200),
  toolName: z.string().max(300),
  change: changeSchema,
  /** When Signpost noticed the change (epoch ms). */
  raisedAt: z.number().int().nonnegative(),
  /** Set when the clinician marked it read: it is not shown, and the same change is never raised again. */
  readAt: z.number().int().nonnegative().optional(),
});
export type FollowUpRecord = z.infer<typeof followUpSchema>;

const claimIdentity = (claim: RecordedClaim) => JSON.stringify([claim.authority, claim.status, claim.code ?? null, claim.decisionDate]);
const statementIdentity = (who: string, status: string) => `${who}\n${status}`;

/** The card's own words for a claim now in force, or its status in words when the headline has no room for it. */
function statementFor(match: LookupMatch, claim: AssessedClaim, who: string): string {
  const said = match.verdict.headline.find((statement) => statement.who === who && statement.status === claim.status);
  return said?.text ?? `${who}: ${STATUS_LABELS[claim.status].toLowerCase()}${claim.guidanceCode ? ` (${claim.guidanceCode})` : ''}`;
}

/**
 * What has changed for one tool since these entries (all of that tool): an authority now saying
 * withdrawn, not recommended or research only where none did when it was signposted; a claim the
 * clinician relied on now expired or superseded. Each change once.
 */
export function changesSince(entries: readonly SignpostingEntry[], match: LookupMatch): Change[] {
  const recorded = new Map(entries.flatMap((entry) => entry.claims).map((claim) => [claimIdentity(claim), claim]));
  const shownLimits = new Set(entries.flatMap((entry) => entry.statements).map((statement) => statementIdentity(statement.who, statement.status)));
  const changes: Change[] = [];
  const claims = match.verdict.claims;

  for (const claim of claims) {
    if (claim.standing !== 'in-force' || !LIMITING.has(claim.status)) continue;
    const now = recordedClaim(claim);
    if (shownLimits.has(statementIdentity(now.authority, claim.status)) || recorded.has(claimIdentity(now))) continue;
    changes.push({
      kind: claim.status as ChangeKind,
      statement: statementFor(match, claim, now.authority),
      who: now.authority,
      when: claim.decisionDate,
      ...(claim.guidanceCode ? { code: claim.guidanceCode } : {}),
      sourceUrl: claim.sourceUrl,
    });
  }

  const limitedBy = new Set(changes.map((change) => change.who));
  for (const relied of recorded.values()) {
    const current = claims.find((claim) => claimIdentity(recordedClaim(claim)) === claimIdentity(relied));
    const reference = `${relied.authority}${relied.code ? ` ${relied.code}` : ''}`;
    if (current?.standing === 'expired') {
      changes.push({ kind: 'expired', statement: `${reference}: the decision you relied on expired ${formatPartialDate(current.expiresAt)}`, who: relied.authority, when: current.expiresAt ?? 'unknown', ...(relied.code ? { code: relied.code } : {}), sourceUrl: current.sourceUrl });
    }
    // A withdrawal already says it: the superseding decision is that withdrawal.
    if (current?.standing === 'superseded' && !limitedBy.has(relied.authority)) {
      const newer = claims.find((claim) => replaces(claim, current));
      const by = newer ? ` by ${newer.guidanceCode ?? 'a newer decision'} (${STATUS_LABELS[newer.status].toLowerCase()}${newer.decisionDate !== 'unknown' ? `, ${formatPartialDate(newer.decisionDate)}` : ''})` : '';
      changes.push({
        kind: 'superseded',
        statement: `${reference}: the decision you relied on has been replaced${by}`,
        who: relied.authority,
        when: newer?.decisionDate ?? 'unknown',
        ...(newer?.guidanceCode ? { code: newer.guidanceCode } : {}),
        sourceUrl: (newer ?? current).sourceUrl,
      });
    }
  }
  return changes;
}

/** A change's id for one tool: the same change is raised once; a different later one is raised again. */
export function followUpId(recordId: string, change: Change): string {
  return [recordId, change.kind, change.who, change.code ?? '', change.when].join('\n');
}

export interface SignpostedTimes {
  count: number;
  /** Oldest first: "2027-01" and how many that month. */
  months: { month: string; count: number }[];
}

export function signpostedTimes(entries: readonly SignpostingEntry[]): SignpostedTimes {
  const months = new Map<string, number>();
  for (const entry of entries) months.set(monthOf(entry.date), (months.get(monthOf(entry.date)) ?? 0) + 1);
  return { count: entries.length, months: [...months].sort(([a], [b]) => a.localeCompare(b)).map(([month, count]) => ({ month, count })) };
}

/** A follow-up as the popup and the page show it: the change and the clinician's own signposting of the tool. */
export interface FollowUp extends FollowUpRecord {
  times: SignpostedTimes;
}
