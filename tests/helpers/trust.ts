// Feeds stored as the trust model would see them (docs/trust-model.md): as Signpost's bundled
// feed (which relays national bodies), as a local authority's feed signed with a key NHS IT's
// policy trusts, or as anything else. Every feed goes through the real parser first.
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import { parseFeed } from '@/lib/feed/parse';
import type { Endorsement, Feed } from '@/lib/feed/schema';
import type { Verification } from '@/lib/feed/verify';
import { refreshPolicy } from '@/lib/settings/policy';
import type { FeedRecord, SignpostDatabase } from '@/lib/storage/db';
import { storeFeed } from '@/lib/sync/sync';
import { endorsement } from './feeds';

/** Where the extension reads its bundled feed from, as a test extension id would give it. */
export const BUNDLED_TEST_FEED_URL = 'chrome-extension://signposttestextension/feeds/default.json';
export const STORED_AT = Date.parse('2026-11-20T12:00:00Z');

/** A well-formed public key for tests: 32 bytes of one value. It signs nothing; records say it verified. */
export function testKey(seed: number): string {
  return `ed25519:${Buffer.alloc(32, seed).toString('base64')}`;
}

export const verifiedBy = (key: string): Verification => ({ status: 'verified', keyId: key.slice(8, 24).replace(/[^0-9a-f]/gi, '0').toLowerCase().padEnd(16, '0'), key });

export interface StoreOptions {
  signature?: Verification;
  at?: number;
  importedFrom?: FeedRecord['importedFrom'];
}

/** Parses a feed as sync would (quarantining what the schema refuses), then stores it. */
export async function storeParsed(db: SignpostDatabase, url: string, feed: Feed | unknown, options: StoreOptions = {}) {
  const parsed = parseFeed(JSON.parse(JSON.stringify(feed)));
  if (!parsed.ok) throw new Error(`test feed rejected: ${JSON.stringify(parsed.problems)}`);
  await storeFeed(db, url, { feed: parsed.feed, quarantined: parsed.quarantined }, { at: options.at ?? STORED_AT, ...options });
  return parsed;
}

/** Stores a feed as the one shipped inside Signpost, verified with the bundled key. */
export function storeAsBundled(db: SignpostDatabase, feed: Feed | unknown, options: StoreOptions = {}) {
  return storeParsed(db, BUNDLED_TEST_FEED_URL, feed, { signature: verifiedBy(BUNDLED_FEED_KEYS[0]!), ...options });
}

export interface LocalAuthorityInput {
  id: string;
  name: string;
  key: string;
}

/** NHS IT's policy naming local authorities and their keys (validated like any policy). */
export async function trustLocalAuthorities(db: SignpostDatabase, authorities: readonly LocalAuthorityInput[], extra: Record<string, unknown> = {}) {
  const state = await refreshPolicy(db, { authorities: authorities.map(({ id, name, key }) => ({ id, name, keys: [key] })), ...extra }, STORED_AT);
  if (state.status?.ok !== true) throw new Error(`test policy refused: ${JSON.stringify(state.status)}`);
}

/** Stores a feed signed by a local authority's key, and a policy that trusts that key for it. */
export async function storeAsLocalAuthority(db: SignpostDatabase, url: string, feed: Feed | unknown, authority: LocalAuthorityInput, options: StoreOptions = {}) {
  await trustLocalAuthorities(db, [authority]);
  return storeParsed(db, url, feed, { signature: verifiedBy(authority.key), ...options });
}

/** A NICE decision as the bundled feed may relay it: a primary source on NICE's own site. */
export function relayedNice(overrides: Partial<Endorsement> = {}): Endorsement {
  return endorsement({ issuer: 'NICE', issuerKind: 'nice', status: 'conditional', sourceUrl: 'https://www.nice.org.uk/guidance', ...overrides });
}
