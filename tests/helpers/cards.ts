import type { LookupReply } from '@/lib/background/handlers';
import type { Endorsement } from '@/lib/feed/schema';
import type { Product } from '@/lib/registry/types';
import { verdictFor } from '@/lib/registry/verdict';
import { endorsement } from './feeds';

export const CARD_NOW = Date.parse('2026-11-25T12:00:00Z');

export function product(name: string, claims: readonly Partial<Endorsement>[], overrides: Partial<Product> = {}): Product {
  return {
    name,
    otherNames: [],
    publisher: 'Example Ltd',
    identifiers: { apple: ['123456789'] },
    conditions: ['copd'],
    facts: [],
    records: [{ feedUrl: 'https://feed.example/feed.json', toolId: 'x' }],
    claims: claims.map((claim) => ({ ...endorsement(claim), feedUrl: 'https://feed.example/feed.json', feedPublisher: 'Example Feed (test)' })),
    ...overrides,
  };
}

/** What the background would send for a page showing these products. */
export function reply(products: Product[], overrides: Partial<LookupReply> = {}): LookupReply {
  return {
    identity: { kind: 'apple', id: '123456789' },
    matches: products.map((p) => ({ product: p, verdict: verdictFor(p) })),
    freshness: { dataFrom: '2026-11-20T00:00:00Z', checkedAt: CARD_NOW - 3 * 86_400_000, expiredPublishers: [], refusedPublishers: [] },
    alternatives: [],
    now: CARD_NOW,
    dismissed: false,
    dismissKeys: ['apple:123456789'],
    ...overrides,
  };
}
