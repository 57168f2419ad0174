import type { Endorsement } from '../feed/schema';
import type { EndorsementStatus } from '../feed/vocabulary';
import type { Claim, Product } from './types';

/**
 * The overall answer for one product. Design note: the verdict never over-claims.
 * - Vendor-stated claims are shown on the card but never decide the verdict.
 * - "listed" and "no recommendation" are not endorsements: they give `listed` / `no-endorsement`.
 * - A positive claim (recommended, conditional) beside a negative one (not recommended, withdrawn)
 *   gives `disagreement`: both are shown, neither is resolved away.
 * - Otherwise the strongest independent status wins, and the other statuses stay on the card.
 */
export type VerdictState =
  | 'not-in-registry'
  | 'no-endorsement'
  | 'listed'
  | 'research-only'
  | 'conditional'
  | 'recommended'
  | 'not-recommended'
  | 'withdrawn'
  | 'disagreement';

export interface ProductVerdict {
  state: Exclude<VerdictState, 'not-in-registry'>;
  /** The independent claims behind the state (for the one-line summary: who said it). */
  decidingClaims: Claim[];
  /** Claims made only by the tool's own makers. */
  vendorStatedCount: number;
}

const POSITIVE: ReadonlySet<EndorsementStatus> = new Set(['recommended', 'conditional']);
const NEGATIVE: ReadonlySet<EndorsementStatus> = new Set(['not-recommended', 'withdrawn']);

// Without disagreement, the first status present decides. Warnings (withdrawn, not recommended)
// come before research-only so a withdrawn tool is never summarised as merely "in research".
const PRECEDENCE: readonly [EndorsementStatus, ProductVerdict['state']][] = [
  ['recommended', 'recommended'],
  ['conditional', 'conditional'],
  ['withdrawn', 'withdrawn'],
  ['not-recommended', 'not-recommended'],
  ['research-only', 'research-only'],
  ['listed', 'listed'],
];

export function verdictFor(product: Product): ProductVerdict {
  const independent = product.claims.filter((claim) => claim.sourceType !== 'vendor-stated');
  const vendorStatedCount = product.claims.length - independent.length;
  const positive = independent.filter((claim) => POSITIVE.has(claim.status));
  const negative = independent.filter((claim) => NEGATIVE.has(claim.status));
  if (positive.length > 0 && negative.length > 0) {
    return { state: 'disagreement', decidingClaims: [...positive, ...negative], vendorStatedCount };
  }
  for (const [status, state] of PRECEDENCE) {
    const deciding = independent.filter((claim) => claim.status === status);
    if (deciding.length > 0) return { state, decidingClaims: deciding, vendorStatedCount };
  }
  return { state: 'no-endorsement', decidingClaims: [], vendorStatedCount };
}

/**
 * The conditions a set of claims endorses a tool for: those of its independent recommended or
 * conditional claims, each narrowed to the claim's own conditions when it names them. A claim
 * scoped to other conditions never makes a tool look endorsed for these.
 */
export function endorsedConditions(claims: readonly Endorsement[], toolConditions: readonly string[]): Set<string> {
  return new Set(
    claims.filter((claim) => claim.sourceType !== 'vendor-stated' && POSITIVE.has(claim.status)).flatMap((claim) => claim.conditions ?? toolConditions),
  );
}

/** Plain-English headline for each state; colour is never the only carrier of meaning. */
export const VERDICT_LABELS: Record<VerdictState, string> = {
  'not-in-registry': 'Not in your registry',
  'no-endorsement': 'In your registry, no endorsement',
  listed: 'Listed or available, not a recommendation',
  'research-only': 'Only in research',
  conditional: 'Can be used while more evidence is generated',
  recommended: 'Recommended',
  'not-recommended': 'Not recommended',
  withdrawn: 'Withdrawn or no longer available',
  disagreement: 'Sources disagree',
};
