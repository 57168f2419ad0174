import { describe, expect, it } from 'vitest';
import type { Endorsement } from '@/lib/feed/schema';
import type { Product } from '@/lib/registry/types';
import { verdictFor } from '@/lib/registry/verdict';
import { endorsement } from '../helpers/feeds';

function productWith(...claims: Partial<Endorsement>[]): Product {
  return {
    name: 'Example',
    otherNames: [],
    publisher: null,
    identifiers: {},
    conditions: [],
    facts: [],
    records: [],
    claims: claims.map((c) => ({ ...endorsement(c), feedUrl: 'https://feed.example', feedPublisher: 'Test' })),
  };
}

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
    [[{ status: 'recommended' }, { status: 'withdrawn' }], 'disagreement'],
    [[{ status: 'conditional' }, { status: 'not-recommended' }], 'disagreement'],
  ] as const)('%j → %s', (claims, state) => {
    expect(verdictFor(productWith(...claims)).state).toBe(state);
  });

  it('never lets a vendor-stated claim decide the verdict', () => {
    const verdict = verdictFor(productWith({ status: 'recommended', sourceType: 'vendor-stated' }, { status: 'research-only' }));
    expect(verdict.state).toBe('research-only');
    expect(verdict.vendorStatedCount).toBe(1);
  });

  it('names the claims that decided it', () => {
    const verdict = verdictFor(productWith({ status: 'conditional', issuer: 'A' }, { status: 'conditional', issuer: 'B' }, { status: 'listed', issuer: 'C' }));
    expect(verdict.decidingClaims.map((c) => c.issuer)).toEqual(['A', 'B']);
  });
});
