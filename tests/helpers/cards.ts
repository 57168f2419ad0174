import type { LookupReply } from '@/lib/background/handlers';
import type { Endorsement } from '@/lib/feed/schema';
import type { PageContext } from '@/lib/registry/standing';
import type { Claim, FeedSummary, Product } from '@/lib/registry/types';
import { verdictFor, type ProductVerdict } from '@/lib/registry/verdict';
import { normaliseName } from '@/lib/trust/names';
import type { ClaimAuthority } from '@/lib/trust/authority';
import { endorsement } from './feeds';

export const CARD_NOW = Date.parse('2026-11-25T12:00:00Z');

/** The one feed behind every product built here: current at CARD_NOW, so nothing reads as stale. */
export const CARD_FEED: FeedSummary = {
  url: 'https://feed.example/feed.json',
  publisher: { id: 'example', name: 'Example Feed (test)', kind: 'nice' },
  generatedAt: '2026-11-20T00:00:00Z',
  lastSuccessAt: Date.parse('2026-11-24T09:00:00Z'),
};
export const CARD_FEEDS: ReadonlyMap<string, FeedSummary> = new Map([[CARD_FEED.url, CARD_FEED]]);

/** The page the cards are drawn for: an App Store page (see `reply`), seen at CARD_NOW. */
export const CARD_CONTEXT: PageContext = { now: CARD_NOW, platform: 'ios' };

/**
 * The claim's own issuer, as if the trust root let its feed's key speak for it nationally: card
 * tests are about what the card shows, so they start from authorised claims unless a claim says
 * otherwise (the trust path itself is tested in trust-adversarial.test.ts).
 */
export function issuerAuthority(issuer: string): ClaimAuthority {
  return { level: 'issuer', authority: { id: normaliseName(issuer), name: issuer, scope: 'national' } };
}

export type TestClaim = Partial<Endorsement> & { authority?: ClaimAuthority };

export function product(name: string, claims: readonly TestClaim[], overrides: Partial<Product> = {}): Product {
  return {
    name,
    otherNames: [],
    publisher: 'Example Ltd',
    identifiers: { apple: ['123456789'] },
    conditions: ['copd'],
    facts: [],
    records: [{ feedUrl: CARD_FEED.url, toolId: 'x' }],
    claims: claims.map(({ authority, ...claim }): Claim => {
      const full = endorsement(claim);
      return { ...full, feedUrl: CARD_FEED.url, feedPublisher: CARD_FEED.publisher.name, authority: authority ?? issuerAuthority(full.issuer) };
    }),
    refusedClaims: [],
    ...overrides,
  };
}

/** The verdict the background would give for this product on the card's page. */
export function cardVerdict(p: Product, context: Partial<PageContext> = {}): ProductVerdict {
  return verdictFor(p, { ...CARD_CONTEXT, ...context }, CARD_FEEDS);
}

/** What the background would send for a page showing these products. */
export function reply(products: Product[], overrides: Partial<LookupReply> = {}): LookupReply {
  return {
    identity: { kind: 'apple', id: '123456789' },
    matches: products.map((p) => ({ product: p, verdict: cardVerdict(p) })),
    freshness: { dataFrom: '2026-11-20T00:00:00Z', checkedAt: CARD_NOW - 3 * 86_400_000, expiredPublishers: [], refusedPublishers: [] },
    alternatives: [],
    now: CARD_NOW,
    dismissed: false,
    ...overrides,
  };
}
