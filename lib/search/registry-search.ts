import { identifierKeys } from '../lookup/keys';
import { endorsedAlternatives, type Alternative, type CardData, type CardSource } from '../registry/card-data';
import { freshnessOf, type LookupMatch } from '../registry/lookup';
import { mergeRecords } from '../registry/merge';
import { feedsBehind } from '../registry/present';
import type { FeedSummary, Product, ToolRecord } from '../registry/types';
import { verdictFor, type ProductVerdict } from '../registry/verdict';
import type { SignpostDatabase } from '../storage/db';
import { dexieRegistrySource } from '../storage/registry-source';
import { buildSearchIndex, recordIdOf, type SearchIndex } from './search';

// The registry as the popup and the handout page read it: straight from the on-device database
// (extension pages may open it; no message round trip through the background).

export interface SearchSource extends CardSource {
  allRecords(): Promise<ToolRecord[]>;
  recordsWithIds(ids: readonly string[]): Promise<ToolRecord[]>;
}

export function dexieSearchSource(db: SignpostDatabase): SearchSource {
  return {
    ...dexieRegistrySource(db),
    allRecords: () => db.tools.toArray(),
    recordsWithIds: async (ids) => (await db.tools.bulkGet([...ids])).filter((record) => record !== undefined),
  };
}

const feedsByUrl = (feeds: readonly FeedSummary[]) => new Map(feeds.map((feed) => [feed.url, feed]));

/**
 * Every product in the registry, merged across feeds and judged, ready to search. Reads the whole
 * tools table once per popup: the existing indexes (keys, conditions) cannot answer a name or
 * issuer query. tests/unit/search-scale.test.ts times everything after the read at 100k tools.
 */
export async function loadSearchIndex(source: SearchSource, myConditions: readonly string[]): Promise<SearchIndex> {
  const [records, feeds] = await Promise.all([source.allRecords(), source.feedSummaries()]);
  const byUrl = feedsByUrl(feeds);
  const products = mergeRecords(
    records.filter((record) => byUrl.has(record.feedUrl)),
    byUrl,
  );
  return buildSearchIndex(
    products.map((product) => ({ product, verdict: verdictFor(product) })),
    myConditions,
  );
}

const MAX_WIDENING_ROUNDS = 4;

/**
 * The product a record belongs to, merged with the other feeds' records of it, as search shows it.
 * Widens only through the product's own identifiers, so a shared host never drags in its neighbours.
 */
export async function matchForRecord(source: SearchSource, id: string): Promise<LookupMatch | null> {
  const byUrl = feedsByUrl(await source.feedSummaries());
  const found = new Map((await source.recordsWithIds([id])).filter((r) => byUrl.has(r.feedUrl)).map((r) => [r.id, r]));
  const productOf = () => mergeRecords([...found.values()], byUrl).find((product) => product.records.some((record) => recordIdOf(record) === id));
  const asked = new Set<string>();
  let product = productOf();
  for (let round = 0; product && round < MAX_WIDENING_ROUNDS; round++) {
    const keys = identifierKeys(product.identifiers).filter((key) => !asked.has(key));
    if (keys.length === 0) break;
    keys.forEach((key) => asked.add(key));
    for (const record of await source.recordsWithKeys(keys)) if (byUrl.has(record.feedUrl)) found.set(record.id, record);
    product = productOf();
  }
  return product ? { product, verdict: verdictFor(product) } : null;
}

/**
 * Endorsed tools for the same conditions, those for the clinician's own conditions first, as many
 * as the page card offers.
 */
export async function alternativesFor(source: CardSource, product: Product, myConditions: readonly string[]): Promise<Alternative[]> {
  const mine = product.conditions.filter((condition) => myConditions.includes(condition));
  const [forMine, general] = await Promise.all([
    mine.length > 0 ? endorsedAlternatives(source, mine, product.name) : Promise.resolve([]),
    endorsedAlternatives(source, product.conditions, product.name),
  ]);
  const unique = new Map<string, Alternative>();
  for (const alternative of [...forMine, ...general]) if (!unique.has(alternative.name)) unique.set(alternative.name, alternative);
  return [...unique.values()].slice(0, general.length);
}

// As on the page card: alternatives are offered when the tool itself is not endorsed.
const OFFERS_ALTERNATIVES: ReadonlySet<ProductVerdict['state']> = new Set(['no-endorsement', 'listed', 'research-only', 'not-recommended', 'withdrawn']);

/** The trust card's data for a product found by search, so it reads exactly as on a page. */
export async function cardDataForMatch(source: CardSource, match: LookupMatch, now: number, myConditions: readonly string[]): Promise<CardData> {
  const contributing = feedsBehind(match.product, await source.feedSummaries());
  const alternatives = OFFERS_ALTERNATIVES.has(match.verdict.state) ? await alternativesFor(source, match.product, myConditions) : [];
  return { identity: null, matches: [match], freshness: freshnessOf(contributing, now), alternatives, now };
}
