import { describe, expect, it } from 'vitest';
import { cardVerdict, product, type TestClaim } from '../helpers/cards';

// The verdict's precedence over claims already authorised by the trust root (tests/helpers/cards
// gives each claim its own issuer's authority); who may speak for whom is tested in
// trust-adversarial.test.ts.
const productWith = (...claims: TestClaim[]) => product('Example', claims, { publisher: null, identifiers: {}, conditions: [], records: [] });

describe('verdictFor', () => {
  it.each([
    [[{ status: 'recommended' }], 'recommended'],
    [[{ status: 'conditional' }, { status: 'research-only' }], 'conditional'],
    [[{ status: 'research-only' }, { status: 'listed' }], 'research-only'],
    [[{ status: 'withdrawn' }, { status: 'research-only' }], 'withdrawn'],
    [[{ status: 'not-recommended' }, { status: 'listed' }], 'not-recommended'],
    [[{ status: 'listed' }, { status: 'no-recommendation' }], 'listed'],
    [[{ status: 'no-recommendation' }], 'no-endorsement'],
    [[], 'no-endorsement'],
    // Two bodies that disagree (one body's own newer withdrawal is "withdrawn": trust-adversarial).
    [[{ status: 'recommended', issuer: 'A' }, { status: 'withdrawn', issuer: 'B' }], 'disagreement'],
    [[{ status: 'conditional', issuer: 'A' }, { status: 'not-recommended', issuer: 'B' }], 'disagreement'],
  ] as const)('%j → %s', (claims, state) => {
    expect(cardVerdict(productWith(...claims)).state).toBe(state);
  });

  it('never lets a vendor-stated claim decide the verdict', () => {
    const verdict = cardVerdict(productWith({ status: 'recommended', sourceType: 'vendor-stated' }, { status: 'research-only' }));
    expect(verdict.state).toBe('research-only');
    expect(verdict.vendorStatedCount).toBe(1);
  });

  it('never lets a claim only reported by a feed decide the verdict, and counts it', () => {
    const verdict = cardVerdict(productWith({ status: 'recommended', authority: { level: 'reported' } }, { status: 'listed' }));
    expect(verdict.state).toBe('listed');
    expect(verdict.reportedCount).toBe(1);
    expect(verdict.claims.map((claim) => claim.standing)).toEqual(['reported', 'in-force']);
  });

  it('names the claims that decided it', () => {
    const verdict = cardVerdict(productWith({ status: 'conditional', issuer: 'A' }, { status: 'conditional', issuer: 'B' }, { status: 'listed', issuer: 'C' }));
    expect(verdict.decidingClaims.map((c) => c.issuer)).toEqual(['A', 'B']);
  });
});
