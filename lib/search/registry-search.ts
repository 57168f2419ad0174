import { identifierKeys } from '../lookup/keys';
import { NEEDS_ALTERNATIVES, endorsedAlternatives, type Alternative, type CardData, type CardSource } from '../registry/card-data';
import { freshnessOf, widenThroughStoreIds, type LookupMatch } from '../registry/lookup';
import { mergeRecords } from '../registry/merge';
import { feedsBehind } from '../registry/present';
import type { PageContext } from '../registry/standing';
import type { FeedSummary, ToolRecord } from '../registry/types';
import { verdictFor } from '../registry/verdict';
import type { SignpostDatabase } from '../storage/db';
import { dexieRegistrySource } from '../storage/registry-source';
import { ToolReader } from '../storage/tool-store';
import { buildSearchIndex, queryTokens, recordIdOf, type SearchResults } from './search';

// The registry as the popup and the handout page read it: straight from the on-device database
// (extension pages may open it; no message round trip through the background).

export interface SearchSource extends CardSource {
  /** Records with a search word starting with `prefix`, at most `limit` of them. */
  recordsWithWordPrefix(prefix: string, limit: number): Promise<ToolRecord[]>;
  /** How many index entries start with `prefix`, counting no further than `cap` (keys only, no rows). */
  countWordPrefix(prefix: string, cap: number): Promise<number>;
  recordsWithIds(ids: readonly string[]): Promise<ToolRecord[]>;
  /** Reads the word index ahead of the first query (at 100k tools, about 0.3 s once per popup). */
  prepareSearch(): Promise<void>;
}

/** `onDamaged`: see ToolReader (the worker sets a damaged copy aside and downloads the feed again). */
export function dexieSearchSource(db: SignpostDatabase, onDamaged?: (feedUrl: string, version: string) => void): SearchSource {
  const reader = new ToolReader(db, onDamaged);
  return {
    ...dexieRegistrySource(db, reader),
    recordsWithWordPrefix: (prefix, limit) => reader.recordsWithWordPrefix(prefix, limit),
    countWordPrefix: (prefix, cap) => reader.countWordPrefix(prefix, cap),
    recordsWithIds: (ids) => reader.recordsWithIds(ids),
    prepareSearch: async () => void (await reader.countWordPrefix('', 0)),
  };
}

const feedsByUrl = (feeds: readonly FeedSummary[]) => new Map(feeds.map((feed) => [feed.url, feed]));

/** Rows read for one query at most: four times the results shown, quick at 100k tools. */
export const MAX_CANDIDATES = 200;

export interface RegistrySearchResults extends SearchResults {
  /** True when more rows matched the query's rarest word than were read: type more. */
  truncated: boolean;
}

export interface RegistrySearch {
  search(query: string, limit?: number): Promise<RegistrySearchResults>;
}

/**
 * Searches the registry through its word index. Design note: the query's rarest word (counted in
 * the index up to a cap, without reading rows) picks the candidate rows; their products are merged across
 * feeds and judged, then the in-memory index (search.ts) applies every word and ranks them. So
 * "synthetic tool 004242" reads one row, not every "tool". `myConditions` are the clinician's
 * conditions: tools endorsed for one of them come first.
 */
export function registrySearch(source: SearchSource, myConditions: readonly string[], now: () => number = Date.now): RegistrySearch {
  return {
    async search(query, limit) {
      const tokens = queryTokens(query);
      if (tokens.length === 0) return { total: 0, hits: [], truncated: false };
      // Counting stops at the cap: a common word costs no more than a rare one.
      const counts = await Promise.all(tokens.map((token) => source.countWordPrefix(token, MAX_CANDIDATES + 1)));
      const fewest = Math.min(...counts);
      // When every word is common, the longest is the best guess at the most specific.
      const pivot = fewest > MAX_CANDIDATES ? [...tokens].sort((a, b) => b.length - a.length)[0]! : tokens[counts.indexOf(fewest)]!;
      const [candidates, feeds, root] = await Promise.all([source.recordsWithWordPrefix(pivot, MAX_CANDIDATES + 1), source.feedSummaries(), source.trustRoot()]);
      const truncated = candidates.length > MAX_CANDIDATES;
      const byUrl = feedsByUrl(feeds);
      const records = (await widenThroughStoreIds(source, candidates.slice(0, MAX_CANDIDATES))).filter((record) => byUrl.has(record.feedUrl));
      const context = { now: now(), myConditions };
      const matches = mergeRecords(records, byUrl, root).map((product) => ({ product, verdict: verdictFor(product, context, byUrl) }));
      return { ...buildSearchIndex(matches, myConditions).search(query, limit), truncated };
    },
  };
}

const MAX_WIDENING_ROUNDS = 4;

/**
 * The product a record belongs to, merged with the other feeds' records of it, as search shows it.
 * Widens only through the product's own identifiers, so a shared host never drags in its neighbours.
 */
export async function matchForRecord(source: SearchSource, id: string, context: PageContext): Promise<LookupMatch | null> {
  const [feeds, root] = await Promise.all([source.feedSummaries(), source.trustRoot()]);
  const byUrl = feedsByUrl(feeds);
  const found = new Map((await source.recordsWithIds([id])).filter((r) => byUrl.has(r.feedUrl)).map((r) => [r.id, r]));
  const productOf = () => mergeRecords([...found.values()], byUrl, root).find((product) => product.records.some((record) => recordIdOf(record) === id));
  const asked = new Set<string>();
  let product = productOf();
  for (let round = 0; product && round < MAX_WIDENING_ROUNDS; round++) {
    const keys = identifierKeys(product.identifiers).filter((key) => !asked.has(key));
    if (keys.length === 0) break;
    keys.forEach((key) => asked.add(key));
    for (const record of await source.recordsWithKeys(keys)) if (byUrl.has(record.feedUrl)) found.set(record.id, record);
    product = productOf();
  }
  return product ? { product, verdict: verdictFor(product, context, byUrl) } : null;
}

/**
 * Endorsed tools for the same conditions, those for the clinician's own conditions first, as many
 * as the page card offers.
 */
export async function alternativesFor(source: CardSource, match: LookupMatch, myConditions: readonly string[], now: number): Promise<Alternative[]> {
  const { product } = match;
  const mine = product.conditions.filter((condition) => myConditions.includes(condition));
  const [forMine, general] = await Promise.all([
    mine.length > 0 ? endorsedAlternatives(source, match, now, mine) : Promise.resolve([]),
    endorsedAlternatives(source, match, now),
  ]);
  const unique = new Map<string, Alternative>();
  for (const alternative of [...forMine, ...general]) if (!unique.has(alternative.name)) unique.set(alternative.name, alternative);
  return [...unique.values()].slice(0, general.length);
}

/** The trust card's data for a product found by search, so it reads exactly as on a page. */
export async function cardDataForMatch(source: CardSource, match: LookupMatch, now: number, myConditions: readonly string[]): Promise<CardData> {
  const contributing = feedsBehind(match.product, await source.feedSummaries());
  const alternatives = NEEDS_ALTERNATIVES.has(match.verdict.state) ? await alternativesFor(source, match, myConditions, now) : [];
  return { identity: null, matches: [match], freshness: freshnessOf(contributing, now), alternatives, now };
}
