// Signed feed files for the publisher CLI's tests: signed with the committed TEST-ONLY key of the
// bundled feed (so Signpost's own key verifies them), or with a fresh key no trust root names.
import { readFileSync } from 'node:fs';
import { generateKeyPair, type KeyPair } from '@/lib/feed/keys';
import { BUNDLED_FEED_ID, MAX_VALIDITY_DAYS, signFeedText, type HeaderOptions } from '@/lib/feed/signature';
import type { Endorsement } from '@/lib/feed/schema';
import { endorsement } from './feeds';

export const BUNDLED_TEST_KEY = JSON.parse(readFileSync('keys/TEST-ONLY-bundled-feed-signing-key.jwk', 'utf8')) as JsonWebKey;

const DAY_MS = 86_400_000;

/**
 * Signs a feed's exact text as a publisher would: a header naming `urls`, issued when the feed
 * was generated and valid for the longest period Signpost accepts, unless `options` say otherwise.
 */
export function signFeed(feedText: string, keys: readonly (KeyPair | JsonWebKey)[], urls: readonly string[], options: Partial<HeaderOptions> = {}): Promise<string> {
  const feed = JSON.parse(feedText) as { publisher: { id: string }; generatedAt: string };
  const issuedAt = options.issuedAt ?? feed.generatedAt;
  return signFeedText(
    feedText,
    keys.map((key) => ('privateJwk' in key ? key.privateJwk : key)),
    { urls, feedId: feed.publisher.id, issuedAt, expiresAt: new Date(Date.parse(issuedAt) + MAX_VALIDITY_DAYS * DAY_MS).toISOString(), ...options },
  );
}

/** A feed file signed as the bundled feed is: only the bundled feed's own address makes it relay. */
export function signedAsBundled(feed: unknown): Promise<string> {
  return signFeed(JSON.stringify(feed), [BUNDLED_TEST_KEY], [], { feedId: BUNDLED_FEED_ID });
}

/** Signed with the bundled feed's key under another feed's name: a copy of Signpost's key used anywhere else. */
export function signedWithBundledKeyAs(feed: unknown, feedId: string, urls: readonly string[] = []): Promise<string> {
  return signFeed(JSON.stringify(feed), [BUNDLED_TEST_KEY], urls, { feedId });
}

/** A signed file whose feed bytes were changed after signing (the header, hash and signature left as they were). */
export function tamperPayload(signedText: string, change: (feedText: string) => string): string {
  const envelope = JSON.parse(signedText) as { payload: string };
  const feedText = new TextDecoder().decode(Uint8Array.from(atob(envelope.payload), (char) => char.charCodeAt(0)));
  const changed = new TextEncoder().encode(change(feedText));
  return JSON.stringify({ ...envelope, payload: btoa(String.fromCharCode(...changed)) });
}

/** A publisher's own key pair, which Signpost's trust root does not name. */
export function publisherKey(): Promise<KeyPair> {
  return generateKeyPair();
}

/** Signed for `urls` (none: a file read from disk, which no address binds). */
export function signedWith(feed: unknown, key: KeyPair, urls: readonly string[] = []): Promise<string> {
  return signFeed(JSON.stringify(feed), [key], urls);
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
