// Signed feed files for the publisher CLI's tests: signed with the committed TEST-ONLY key of the
// bundled feed (so Signpost's own key verifies them), or with a fresh key no trust root names.
import { readFileSync } from 'node:fs';
import { generateKeyPair, signFeedText, type KeyPair } from '@/lib/feed/signature';
import type { Endorsement } from '@/lib/feed/schema';
import { endorsement } from './feeds';

const BUNDLED_TEST_KEY = JSON.parse(readFileSync('keys/TEST-ONLY-bundled-feed-signing-key.jwk', 'utf8')) as JsonWebKey;

/** A feed file signed as the bundled feed is: only the bundled feed's own address makes it relay. */
export function signedAsBundled(feed: unknown): Promise<string> {
  return signFeedText(JSON.stringify(feed), BUNDLED_TEST_KEY);
}

/** A publisher's own key pair, which Signpost's trust root does not name. */
export function publisherKey(): Promise<KeyPair> {
  return generateKeyPair();
}

export function signedWith(feed: unknown, key: KeyPair): Promise<string> {
  return signFeedText(JSON.stringify(feed), key.privateJwk);
}

/** A NICE decision as the bundled curator relays it: a primary source on nice.org.uk. */
export const niceClaim = (overrides: Partial<Endorsement> = {}): Endorsement =>
  endorsement({
    issuer: 'NICE',
    issuerKind: 'nice',
    status: 'conditional',
    guidanceCode: 'HTE99',
    decisionDate: '2025-03',
    sourceUrl: 'https://www.nice.org.uk/guidance/hte99/chapter/1-Recommendations',
    conditions: ['copd'],
    ...overrides,
  });
