import type { Platform } from '../feed/vocabulary';
import { partialDateHasPassed } from '../format/dates';
import { isAuthorised } from '../trust/authority';
import { normaliseName } from '../trust/names';
import type { Claim } from './types';

// Whether each claim is in force for the page in front of the clinician. Only claims in force
// decide the verdict, the badge, the patient text and alternatives; every other claim is shown
// with the reason it does not (docs/trust-model.md §3). Pure.

export type Standing =
  | 'in-force'
  | 'vendor-stated'
  | 'reported'
  | 'superseded'
  | 'future'
  | 'expired'
  | 'other-platform'
  | 'to-verify';

export interface AssessedClaim extends Claim {
  standing: Standing;
}

/** What the page and the clinician add: the platform the page shows, their conditions, and the time. */
export interface PageContext {
  now: number;
  platform?: Platform;
  /** The clinician's own conditions (Settings → Your profile): they choose which condition leads. */
  myConditions?: readonly string[];
}

/** The first moment a partial date can mean: "2027" starts on 1 January 2027. */
export function partialDateStart(value: string): number {
  const [year, month, day] = value.split('-').map(Number);
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1);
}

/** >0 when a is later, <0 when earlier, null when they cannot be told apart ("2022" and "2022-05"). */
function compareDecisionDates(a: string, b: string): number | null {
  if (a === 'unknown' || b === 'unknown') return null;
  if (a.startsWith(b) || b.startsWith(a)) return a === b ? 0 : null;
  return a < b ? -1 : 1;
}

const sameCode = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && normaliseName(a) === normaliseName(b);

/** Whose decisions can replace whose: one authority's (across feeds), or one feed's issuer when reported. */
function voiceOf(claim: Claim): string {
  return claim.authority.authority ? `authority:${claim.authority.authority.id}` : `reported:${claim.feedUrl}:${normaliseName(claim.issuer)}`;
}

/**
 * Whether `newer` replaces `older`: it names the older guidance in `supersedes`; or it is a later
 * decision on the same guidance; or it is a later withdrawal naming no guidance. Decisions on the
 * same guidance that cannot be ordered (undated, or dated alike): a withdrawal wins.
 */
export function replaces(newer: Claim, older: Claim): boolean {
  if (newer === older || voiceOf(newer) !== voiceOf(older)) return false;
  if (newer.supersedes?.some((code) => sameCode(code, older.guidanceCode))) return true;
  const sameGuidance = sameCode(newer.guidanceCode, older.guidanceCode) || (newer.status === 'withdrawn' && newer.guidanceCode === undefined);
  if (!sameGuidance) return false;
  const order = compareDecisionDates(newer.decisionDate, older.decisionDate);
  if (order) return order > 0;
  // Dated alike, or not orderable: the withdrawal wins, the careful reading.
  return newer.status === 'withdrawn' && older.status !== 'withdrawn';
}

export function assessStanding(claims: readonly Claim[], context: PageContext): AssessedClaim[] {
  const isFuture = (claim: Claim) => claim.decisionDate !== 'unknown' && partialDateStart(claim.decisionDate) > context.now;
  const current = claims.filter((claim) => !isFuture(claim));
  return claims.map((claim) => {
    const standing = ((): Standing => {
      if (claim.sourceType === 'vendor-stated') return 'vendor-stated';
      if (!isAuthorised(claim.authority)) return 'reported';
      if (isFuture(claim)) return 'future';
      if (current.some((other) => replaces(other, claim))) return 'superseded';
      if (claim.expiresAt !== undefined && partialDateHasPassed(claim.expiresAt, context.now)) return 'expired';
      if (context.platform && claim.platforms && !claim.platforms.includes(context.platform)) return 'other-platform';
      if (claim.verify !== undefined) return 'to-verify';
      return 'in-force';
    })();
    return { ...claim, standing };
  });
}
