import { conditionLabel } from '../feed/conditions';
import type { Endorsement, Population } from '../feed/schema';
import type { EndorsementStatus } from '../feed/vocabulary';
import { formatPartialDate, formatTimestamp, partialDateHasPassed } from '../format/dates';
import { capitalise, inSentence, listInWords, platformsInWords, populationInWords } from './claim-words';
import { assessStanding, type AssessedClaim, type PageContext } from './standing';
import type { FeedSummary, Product } from './types';
import type { VerdictState } from './verdict-look';

// The overall answer for one product on one page (docs/trust-model.md §4). It never over-claims:
// - Only claims in force decide (standing.ts): authorised by the trust root, independent, current,
//   for this platform, not superseded and with nothing left to verify.
// - "listed" and "no recommendation" are not endorsements.
// - A positive claim beside a negative one (not recommended, withdrawn), or beside another body's
//   national "research only", on an overlapping scope gives `disagreement`: both stand in the
//   headline, neither is resolved away. Any other national limiting statement stands beside it.
// - The headline says who says it and for what; staleness is part of the verdict, not a footnote.

export interface Statement {
  /** Signpost's own name for the authority ("NICE"), never a feed's spelling. */
  who: string;
  status: EndorsementStatus;
  national: boolean;
  /** "NICE: can be used for COPD while more evidence is generated (HTE19; adults)". */
  text: string;
}

export type StaleKind = 'review-passed' | 'claim-expired' | 'future-dated' | 'feed-expired' | 'feed-not-refreshed' | 'update-refused';

export interface StaleReason {
  kind: StaleKind;
  text: string;
}

export interface ProductVerdict {
  state: Exclude<VerdictState, 'not-in-registry'>;
  /** The claims in force behind the state (for search ranking, alternatives and patient text). */
  decidingClaims: AssessedClaim[];
  /** Every claim, with whether it is in force and why not: what Details shows. */
  claims: AssessedClaim[];
  /** What the compact card, the badge's title and the CLI say first: lead statement(s), then national limits. */
  headline: Statement[];
  /** Why the verdict may no longer be current; empty when it is. */
  stale: StaleReason[];
  vendorStatedCount: number;
  /** Claims shown as "reported by" a feed: they decide nothing. */
  reportedCount: number;
}

/** The default number of days after which a feed's data counts as not refreshed. */
export const DEFAULT_STALE_AFTER_DAYS = 90;
const DAY_MS = 86_400_000;
const MAX_HEADLINE_STATEMENTS = 3;

const POSITIVE: ReadonlySet<EndorsementStatus> = new Set(['recommended', 'conditional']);
const NEGATIVE: ReadonlySet<EndorsementStatus> = new Set(['not-recommended', 'withdrawn']);
const LIMITING: ReadonlySet<EndorsementStatus> = new Set(['research-only', 'not-recommended', 'withdrawn']);

// Without disagreement, the first status present decides. Warnings (withdrawn, not recommended)
// come before research-only so a withdrawn tool is never summarised as merely "in research".
const PRECEDENCE: readonly Extract<EndorsementStatus, VerdictState>[] = ['recommended', 'conditional', 'withdrawn', 'not-recommended', 'research-only', 'listed'];

const isNational = (claim: AssessedClaim) => claim.authority.authority?.scope === 'national';
const authorityId = (claim: AssessedClaim) => claim.authority.authority?.id;

// ---- Scope ----------------------------------------------------------------------------------

const ageRange = (population: Population | undefined): [number, number] => [population?.minAge ?? 0, population?.maxAge ?? Number.POSITIVE_INFINITY];

/** Whether two claims can be about the same patients on the same platform for the same condition. */
export function scopesOverlap(a: Endorsement, b: Endorsement, productConditions: readonly string[]): boolean {
  const conditionsA = a.conditions ?? productConditions;
  const conditionsB = b.conditions ?? productConditions;
  const conditions = conditionsA.length === 0 || conditionsB.length === 0 || conditionsA.some((c) => conditionsB.includes(c));
  const [minA, maxA] = ageRange(a.population);
  const [minB, maxB] = ageRange(b.population);
  const platforms = !a.platforms || !b.platforms || a.platforms.some((p) => b.platforms!.includes(p));
  return conditions && minA <= maxB && minB <= maxA && platforms;
}

/** Whether a claim is limited to some people or some setting: "aged 5 to 18", "specialist services". */
export function isNarrowed(claim: Endorsement): boolean {
  return claim.population !== undefined || claim.setting !== undefined;
}

function conditionInSentence(condition: string): string {
  return inSentence(conditionLabel(condition).replace(/\s+/g, ' ').trim());
}

export function conditionsInWords(conditions: readonly string[]): string {
  return listInWords(conditions.map(conditionInSentence));
}

/** What limits a claim beyond its conditions, in words: ages, platform, setting. */
export function scopeQualifiers(claim: Endorsement): string[] {
  return [
    claim.population && populationInWords(claim.population),
    claim.platforms && platformsInWords(claim.platforms),
    claim.setting && inSentence(claim.setting.replace(/\s+/g, ' ').trim()),
  ].filter((part): part is string => Boolean(part));
}

const STATUS_PHRASES: Record<EndorsementStatus, (forWhat: string) => string> = {
  recommended: (forWhat) => `recommended${forWhat}`,
  conditional: (forWhat) => `can be used${forWhat} while more evidence is generated`,
  'research-only': (forWhat) => `only in research${forWhat}`,
  listed: (forWhat) => `listed or available${forWhat}, not a recommendation`,
  'no-recommendation': (forWhat) => `assessed${forWhat}, no recommendation made`,
  'not-recommended': (forWhat) => `not recommended${forWhat}`,
  withdrawn: (forWhat) => `withdrawn or no longer available${forWhat}`,
};

/** One authority's claims with one status and scope, as one statement. */
function statementsOf(claims: readonly AssessedClaim[], productConditions: readonly string[]): Statement[] {
  const byStatement = new Map<string, AssessedClaim[]>();
  for (const claim of claims) {
    const key = JSON.stringify([authorityId(claim), claim.status, claim.conditions ?? null, scopeQualifiers(claim)]);
    byStatement.set(key, [...(byStatement.get(key) ?? []), claim]);
  }
  return [...byStatement.values()].map((group) => {
    const [first] = group as [AssessedClaim];
    const who = first.authority.authority?.name ?? first.issuer;
    const conditions = first.conditions ?? productConditions;
    const forWhat = conditions.length ? ` for ${conditionsInWords(conditions)}` : '';
    const codes = [...new Set(group.map((claim) => claim.guidanceCode).filter((code): code is string => Boolean(code)))];
    const details = [...codes, ...scopeQualifiers(first)];
    return {
      who,
      status: first.status,
      national: isNational(first),
      text: `${capitalise(who)}: ${STATUS_PHRASES[first.status](forWhat)}${details.length ? ` (${details.join('; ')})` : ''}`,
    };
  });
}

// ---- Staleness ------------------------------------------------------------------------------

function claimRef(claim: AssessedClaim): string {
  const who = claim.authority.authority?.name ?? claim.issuer;
  return claim.guidanceCode ? `${who} ${claim.guidanceCode}` : who;
}

/** Whether a feed's data is older than its publisher's period (or the default) allows. */
export function feedNotRefreshed(feed: FeedSummary, now: number): boolean {
  const days = feed.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS;
  return now - Date.parse(feed.generatedAt) > days * DAY_MS;
}

function staleReasons(claims: readonly AssessedClaim[], deciding: readonly AssessedClaim[], feeds: ReadonlyMap<string, FeedSummary>, now: number): StaleReason[] {
  const reasons: StaleReason[] = [];
  for (const claim of deciding) {
    if (claim.reviewDate && partialDateHasPassed(claim.reviewDate, now)) {
      reasons.push({ kind: 'review-passed', text: `${claimRef(claim)}: review date ${formatPartialDate(claim.reviewDate)} has passed` });
    }
  }
  // An authorised decision that lapsed or is dated ahead is news the clinician must see at once.
  for (const claim of claims) {
    if (claim.standing === 'expired') reasons.push({ kind: 'claim-expired', text: `${claimRef(claim)}: expired ${formatPartialDate(claim.expiresAt)}` });
    if (claim.standing === 'future') reasons.push({ kind: 'future-dated', text: `${claimRef(claim)}: dated ${formatPartialDate(claim.decisionDate)}, in the future` });
  }
  const behind = new Set(claims.filter((claim) => claim.authority.level !== 'reported').map((claim) => claim.feedUrl));
  for (const url of behind) {
    const feed = feeds.get(url);
    if (!feed) continue;
    const name = feed.publisher.name;
    if (feed.expiresAt && Date.parse(feed.expiresAt) < now) reasons.push({ kind: 'feed-expired', text: `${name}: feed expired ${formatTimestamp(feed.expiresAt)}` });
    else if (feedNotRefreshed(feed, now)) reasons.push({ kind: 'feed-not-refreshed', text: `${name}: not refreshed since ${formatTimestamp(feed.generatedAt)}` });
    if (feed.signatureRefused) reasons.push({ kind: 'update-refused', text: `${name}: latest update refused (not signed with the publisher's key, or changed without saying so)` });
  }
  return [...new Map(reasons.map((reason) => [reason.text, reason])).values()];
}

// ---- The verdict ----------------------------------------------------------------------------

function byMyConditions(myConditions: readonly string[] | undefined, productConditions: readonly string[]) {
  const mine = new Set(myConditions ?? []);
  return (claim: AssessedClaim) => ((claim.conditions ?? productConditions).some((c) => mine.has(c)) ? 0 : 1);
}

export function verdictFor(product: Product, context: PageContext, feeds: ReadonlyMap<string, FeedSummary>): ProductVerdict {
  const claims = assessStanding(product.claims, context);
  const inForce = claims.filter((claim) => claim.standing === 'in-force');
  const vendorStatedCount = claims.filter((claim) => claim.standing === 'vendor-stated').length;
  const reportedCount = claims.filter((claim) => claim.standing === 'reported').length;
  const overlaps = (a: AssessedClaim, b: AssessedClaim) => scopesOverlap(a, b, product.conditions);
  const mineFirst = byMyConditions(context.myConditions, product.conditions);

  const positive = inForce.filter((claim) => POSITIVE.has(claim.status));
  // Against a positive: any negative; or another body's national research-only on the same scope.
  const opposes = (against: AssessedClaim, claim: AssessedClaim) =>
    overlaps(against, claim) && (NEGATIVE.has(against.status) || (against.status === 'research-only' && isNational(against) && authorityId(against) !== authorityId(claim)));
  const conflicting = inForce.filter((other) => positive.some((claim) => opposes(other, claim)));

  let state: ProductVerdict['state'] = 'no-endorsement';
  let deciding: AssessedClaim[] = [];
  if (conflicting.length > 0) {
    state = 'disagreement';
    deciding = [...positive.filter((claim) => conflicting.some((other) => opposes(other, claim))), ...conflicting];
  } else {
    const status = PRECEDENCE.find((candidate) => inForce.some((claim) => claim.status === candidate));
    if (status) {
      state = status;
      deciding = inForce.filter((claim) => claim.status === status);
    }
  }
  deciding = [...deciding].sort((a, b) => mineFirst(a) - mineFirst(b));
  // A national limit is never hidden: it stands in the headline after what decided.
  const limits = inForce.filter((claim) => isNational(claim) && LIMITING.has(claim.status) && !deciding.includes(claim));
  const headline = [...statementsOf(deciding, product.conditions), ...statementsOf(limits, product.conditions)].slice(0, MAX_HEADLINE_STATEMENTS);
  return {
    state,
    decidingClaims: deciding,
    claims,
    headline,
    stale: staleReasons(claims, deciding, feeds, context.now),
    vendorStatedCount,
    reportedCount,
  };
}

/**
 * The conditions a set of claims endorses a tool for: those of its recommended or conditional
 * claims that are not vendor-stated, each narrowed to the claim's own conditions when it names
 * them. Used to index candidates for alternatives; the verdict then decides.
 */
export function endorsedConditions(claims: readonly Endorsement[], toolConditions: readonly string[]): Set<string> {
  return new Set(
    claims.filter((claim) => claim.sourceType !== 'vendor-stated' && POSITIVE.has(claim.status)).flatMap((claim) => claim.conditions ?? toolConditions),
  );
}
