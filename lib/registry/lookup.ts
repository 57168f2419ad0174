import type { Platform } from '../feed/vocabulary';
import { recogniseUrl, type PageIdentity } from '../lookup/recognise';
import { pageKeys, webMatchScore } from '../lookup/keys';
import type { TrustRoot } from '../trust/trust-root';
import { mergeRecords } from './merge';
import type { FeedSummary, Product, ToolRecord } from './types';
import { verdictFor, type ProductVerdict } from './verdict';

/** Where lookups read from: the Dexie cache in the extension, the same cache in the CLI. */
export interface RegistrySource {
  recordsWithKeys(keys: readonly string[]): Promise<ToolRecord[]>;
  feedSummaries(): Promise<FeedSummary[]>;
  /** Who may speak for whom: the shipped root and the local authorities of NHS IT's policy. */
  trustRoot(): Promise<TrustRoot>;
}

export interface Freshness {
  /** Oldest generatedAt of the feeds behind this answer (ISO), or null with no data at all. */
  dataFrom: string | null;
  /** Oldest last successful sync of those feeds (epoch ms). */
  checkedAt: number | null;
  /** Publishers whose feed is past its own expiry date. */
  expiredPublishers: string[];
  /** Publishers whose latest feed was refused for a bad or missing signature (older data shown). */
  refusedPublishers: string[];
}

export interface LookupMatch {
  product: Product;
  verdict: ProductVerdict;
}

export interface LookupResult {
  identity: PageIdentity | null;
  /** Empty: not in the registry. More than one: a shared site that several tools claim equally. */
  matches: LookupMatch[];
  freshness: Freshness;
}

const STORE_KEY = /^(apple|play):/;
const MAX_EXPANSIONS = 3;

/** The platform a page shows: a claim about another platform does not decide its verdict. */
export function platformOf(identity: PageIdentity): Platform {
  return identity.kind === 'apple' ? 'ios' : identity.kind === 'google-play' ? 'android' : 'web';
}

/**
 * From a URL to the product(s) and their verdicts, read from the on-device registry only. Only
 * records that list the page's own identifier answer: a feed's claims apply to the identifiers
 * that feed itself lists, so no feed can carry another feed's claims to a page by sharing one id
 * with it (docs/trust-model.md §2).
 */
export async function lookupUrl(source: RegistrySource, url: string, now: number, myConditions?: readonly string[]): Promise<LookupResult> {
  const identity = recogniseUrl(url);
  const [feeds, root] = await Promise.all([source.feedSummaries(), source.trustRoot()]);
  if (!identity) return { identity, matches: [], freshness: freshnessOf(feeds, now) };

  let records = await source.recordsWithKeys(pageKeys(identity));
  if (identity.kind === 'web') records = mostSpecificWebClaims(records, identity.host, identity.path);

  const byUrl = new Map(feeds.map((feed) => [feed.url, feed]));
  const known = records.filter((record) => byUrl.has(record.feedUrl));
  const context = { now, platform: platformOf(identity), ...(myConditions ? { myConditions } : {}) };
  const matches = mergeRecords(known, byUrl, root).map((product) => ({ product, verdict: verdictFor(product, context, byUrl) }));
  const contributing = matches.length ? feeds.filter((feed) => known.some((r) => r.feedUrl === feed.url)) : feeds;
  return { identity, matches, freshness: freshnessOf(contributing, now) };
}

function mostSpecificWebClaims(records: ToolRecord[], host: string, path: string): ToolRecord[] {
  const scored = records.map((record) => ({ record, score: webMatchScore(record.tool.identifiers, host, path) }));
  const best = Math.max(-1, ...scored.map((s) => s.score));
  return best < 0 ? [] : scored.filter((s) => s.score === best).map((s) => s.record);
}

/**
 * Adds every record that shares a store id with those found: search shows one result per product.
 * Never used to answer a page (see lookupUrl); merge still takes identity only from the most trusted feeds.
 */
export async function widenThroughStoreIds(source: RegistrySource, records: ToolRecord[]): Promise<ToolRecord[]> {
  const found = new Map(records.map((record) => [record.id, record]));
  const asked = new Set<string>();
  for (let round = 0; round < MAX_EXPANSIONS; round++) {
    const keys = [...new Set([...found.values()].flatMap((r) => r.keys.filter((k) => STORE_KEY.test(k) && !asked.has(k))))];
    if (keys.length === 0) break;
    keys.forEach((key) => asked.add(key));
    for (const record of await source.recordsWithKeys(keys)) found.set(record.id, record);
  }
  return [...found.values()];
}

export function freshnessOf(feeds: readonly FeedSummary[], now: number): Freshness {
  const generated = feeds.map((feed) => feed.generatedAt).sort();
  const checked = feeds.map((feed) => feed.lastSuccessAt);
  return {
    dataFrom: generated[0] ?? null,
    checkedAt: checked.length ? Math.min(...checked) : null,
    expiredPublishers: feeds.filter((feed) => feed.expiresAt && Date.parse(feed.expiresAt) < now).map((feed) => feed.publisher.name),
    refusedPublishers: feeds.filter((feed) => feed.signatureRefused).map((feed) => feed.publisher.name),
  };
}
