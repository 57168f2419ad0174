import type { Table } from 'dexie';
import { stateDigest, toolDigest, type DigestEntry, type Patch, type StateEnvelope } from '../feed/delta';
import type { FeedNote } from '../notes/schema';
import type { Tool } from '../feed/schema';
import { identifierKeys } from '../lookup/keys';
import type { ToolRecord } from '../registry/types';
import { endorsedConditions } from '../registry/verdict';
import { toolSearchWords } from '../search/search';
import { EMPTY_POSTINGS, PostingsBuilder, buildPostings, positionsOf, positionsWithPrefix, termsStartingWith, updatePostings, type Postings } from './postings';
import { onTablesWritten } from './changes';
import type { FeedRecord, SignpostDatabase } from './db';

// A feed's tools as IndexedDB holds them since schema v5: a few large rows instead of one row per
// tool. Design note: one put per tool, each adding ~20 entries to three multi-entry indexes, cost
// 5.7 s per 10,000 tools in Chromium (100 s for a 100k registry). Tools now go in chunks of
// CHUNK_SIZE, the feed's keys, ids and endorsed conditions in one index row of sorted arrays
// (postings.ts) and its search words in another, all written in the same transaction as the feed's
// status row. Readers find a tool by binary search and read only its chunk; the worker keeps the
// index and recent chunks in memory between lookups.

export const CHUNK_SIZE = 256;

/** Tools `n * CHUNK_SIZE …` of one stored version of a feed. */
export interface ToolChunkRecord {
  /** `${feedUrl} ${n}`. */
  id: string;
  feedUrl: string;
  /** The version of the feed these tools belong to (FeedRecord.contentVersion, or the index's chunkVersions entry after a patch). */
  version: string;
  /** null where a patch removed a tool: positions never move, so untouched chunks are never rewritten. */
  records: (ToolRecord | null)[];
}

/** Where each tool of one stored feed version is: the position of a tool is its index in the feed. */
export interface ToolIndexRecord {
  feedUrl: string;
  version: string;
  toolCount: number;
  /** Identifier keys (apple:…, play:…, web:host) → positions. */
  keys: Postings;
  /** Record ids → positions. */
  ids: Postings;
  /** Conditions a tool's own independent claims endorse it for → positions (card alternatives). */
  endorsedFor: Postings;
  /** SHA-256 of each position's tool (32 bytes each, zeros where removed): the state digest without reading the tools. Absent for copies stored before feed patches. */
  digests?: Uint8Array;
  /** Chunks a patch rewrote, with the version they carry since (the rest carry `version`). */
  chunkVersions?: Record<number, string>;
  /** Where this version's chunks are numbered from: 0 or STAGING_BASE, alternately, so a new version streams in beside the one in use. */
  chunkBase?: number;
}

/** Search words (search.ts toolSearchWords) → positions, for prefix search: read by the popup only, so apart. */
export interface ToolWordsRecord {
  feedUrl: string;
  version: string;
  words: Postings;
}

export function toolRecord(feedUrl: string, tool: Tool): ToolRecord {
  return { id: `${feedUrl} ${tool.id}`, feedUrl, tool, keys: identifierKeys(tool.identifiers) };
}

function postingsOf(records: readonly ToolRecord[], termsOf: (record: ToolRecord) => Iterable<string>): Postings {
  return buildPostings(records.flatMap((record, position) => [...termsOf(record)].map((term) => [term, position] as const)));
}

const endorsedTerms = (record: ToolRecord) => endorsedConditions(record.tool.endorsements, record.tool.conditions);

export function toolIndex(feedUrl: string, version: string, records: readonly ToolRecord[]): ToolIndexRecord {
  const digests = new Uint8Array(records.length * DIGEST_BYTES);
  records.forEach((record, position) => digests.set(toolDigest(record.tool), position * DIGEST_BYTES));
  return {
    feedUrl,
    version,
    toolCount: records.length,
    keys: postingsOf(records, (record) => record.keys),
    ids: postingsOf(records, (record) => [record.id]),
    endorsedFor: postingsOf(records, endorsedTerms),
    digests,
  };
}

const DIGEST_BYTES = 32;

/** Every stored tool's id and digest, in id order, from the index alone. */
function* digestEntries(index: ToolIndexRecord, digests: Uint8Array): Generator<DigestEntry> {
  const prefix = `${index.feedUrl} `.length;
  for (let term = 0; term < index.ids.terms.length; term++) {
    const position = index.ids.positions[index.ids.starts[term]!]!;
    yield { id: index.ids.terms[term]!.slice(prefix), digest: digests.subarray(position * DIGEST_BYTES, (position + 1) * DIGEST_BYTES) };
  }
}

/** The state digest of what is stored for a feed (lib/feed/delta.ts), or null when its index predates digests. */
export function storedState(index: ToolIndexRecord, envelope: StateEnvelope, notes: readonly FeedNote[]): string | null {
  return index.digests ? stateDigest(envelope, notes, digestEntries(index, index.digests)) : null;
}

/** A patch that does not fit the stored copy: the caller downloads the snapshot instead. */
export class PatchMismatch extends Error {}

/**
 * Applies a patch to a feed's stored tools in place (call inside a transaction over the tool
 * tables): only the chunks it touches are rewritten, under a new version the index records for
 * them; postings and digests are updated in one pass. Returns the index as it now stands.
 */
export async function patchFeedTools(db: ToolTables, feedUrl: string, patch: Patch): Promise<{ index: ToolIndexRecord; replaced: Tool[] }> {
  const [index, words] = await Promise.all([db.toolIndexes.get(feedUrl), db.toolWords.get(feedUrl)]);
  if (!index?.digests || !words || words.version !== index.version) throw new PatchMismatch('the stored copy has no digests to patch');
  const positionOf = (id: string) => positionsOf(index.ids, `${feedUrl} ${id}`)[0];
  let toolCount = index.toolCount;
  const dropped = new Uint8Array(toolCount + patch.upsert.length);
  const placed = new Map<number, ToolRecord | null>();
  for (const id of patch.remove) {
    const position = positionOf(id);
    if (position === undefined) throw new PatchMismatch(`the patch removes "${id}", which the stored copy does not hold`);
    dropped[position] = 1;
    placed.set(position, null);
  }
  for (const tool of patch.upsert) {
    const existing = positionOf(tool.id);
    const position = existing ?? toolCount++;
    if (existing !== undefined) dropped[position] = 1;
    placed.set(position, toolRecord(feedUrl, tool));
  }

  const version = crypto.randomUUID();
  const touched = [...new Set([...placed.keys()].map((position) => Math.floor(position / CHUNK_SIZE)))];
  const base = index.chunkBase ?? 0;
  const chunks = await db.toolChunks.bulkGet(touched.map((n) => chunkId(feedUrl, base + n)));
  const rewritten = touched.map((n, i): ToolChunkRecord => ({ id: chunkId(feedUrl, base + n), feedUrl, version, records: [...(chunks[i]?.records ?? [])] }));
  const replaced: Tool[] = [];
  for (const [position, record] of placed) {
    const chunk = rewritten[touched.indexOf(Math.floor(position / CHUNK_SIZE))]!;
    const old = chunk.records[position % CHUNK_SIZE];
    if (old) replaced.push(old.tool);
    chunk.records[position % CHUNK_SIZE] = record;
  }
  await db.toolChunks.bulkPut(rewritten);

  const added = [...placed].filter((entry): entry is [number, ToolRecord] => entry[1] !== null);
  const pairs = (termsOf: (record: ToolRecord) => Iterable<string>) => added.flatMap(([position, record]) => [...termsOf(record)].map((term) => [term, position] as const));
  const digests = new Uint8Array(toolCount * DIGEST_BYTES);
  digests.set(index.digests);
  for (const [position, record] of placed) digests.set(record ? toolDigest(record.tool) : new Uint8Array(DIGEST_BYTES), position * DIGEST_BYTES);
  const patched: ToolIndexRecord = {
    feedUrl,
    version: index.version,
    toolCount,
    keys: updatePostings(index.keys, dropped, pairs((record) => record.keys)),
    ids: updatePostings(index.ids, dropped, pairs((record) => [record.id])),
    endorsedFor: updatePostings(index.endorsedFor, dropped, pairs(endorsedTerms)),
    digests,
    chunkVersions: { ...index.chunkVersions, ...Object.fromEntries(touched.map((n) => [n, version])) },
    ...(index.chunkBase ? { chunkBase: index.chunkBase } : {}),
  };
  await db.toolIndexes.put(patched);
  await db.toolWords.put({ ...words, words: updatePostings(words.words, dropped, pairs((record) => toolSearchWords(record.tool))) });
  return { index: patched, replaced };
}

const chunkId = (feedUrl: string, chunk: number) => `${feedUrl} ${chunk}`;
const chunkNumberOf = (id: string) => Number(id.slice(id.lastIndexOf(' ') + 1));
/** The second range of chunk numbers; far above any feed's chunk count (200,000 tools are 782 chunks). */
const STAGING_BASE = 1_000_000;

/** Removes a feed's chunks numbered from `base` (one half), reading keys only. */
async function deleteChunkHalf(db: ToolTables, feedUrl: string, base: number): Promise<void> {
  const ids = (await db.toolChunks.where('feedUrl').equals(feedUrl).primaryKeys()).filter((id) => {
    const number = chunkNumberOf(id);
    return number >= base && number < base + STAGING_BASE;
  });
  await db.toolChunks.bulkDelete(ids);
}

/**
 * A new version of a feed's tools written as it streams in, in bounded memory (issue #15): each
 * chunk of 256 tools is stored as soon as it is full, in the half of the chunk numbers the version
 * in use does not occupy, so readers never see it until `commit` puts its index in place (in the
 * caller's transaction, with the feed's row) and removes the old half. A run that never commits
 * leaves only chunks that the next run clears first.
 */
export class StagedTools {
  private readonly buffer: ToolRecord[] = [];
  private readonly keys = new PostingsBuilder();
  private readonly ids = new PostingsBuilder();
  private readonly endorsedFor = new PostingsBuilder();
  private readonly words = new PostingsBuilder();
  private digests = new Uint8Array(CHUNK_SIZE * DIGEST_BYTES);
  private count = 0;
  private flushed = 0;
  endorsements = 0;

  private constructor(
    private readonly db: ToolTables,
    readonly feedUrl: string,
    readonly version: string,
    private readonly base: number,
    private readonly oldBase: number,
  ) {}

  static async begin(db: ToolTables, feedUrl: string): Promise<StagedTools> {
    const oldBase = (await db.toolIndexes.get(feedUrl))?.chunkBase ?? 0;
    const base = oldBase === 0 ? STAGING_BASE : 0;
    await deleteChunkHalf(db, feedUrl, base);
    return new StagedTools(db, feedUrl, crypto.randomUUID(), base, oldBase);
  }

  async add(record: ToolRecord): Promise<void> {
    const position = this.count++;
    for (const key of record.keys) this.keys.add(key, position);
    this.ids.add(record.id, position);
    for (const condition of endorsedTerms(record)) this.endorsedFor.add(condition, position);
    for (const word of toolSearchWords(record.tool)) this.words.add(word, position);
    if (this.digests.length < this.count * DIGEST_BYTES) {
      const grown = new Uint8Array(this.digests.length * 2);
      grown.set(this.digests);
      this.digests = grown;
    }
    this.digests.set(toolDigest(record.tool), position * DIGEST_BYTES);
    this.endorsements += record.tool.endorsements.length;
    this.buffer.push(record);
    if (this.buffer.length === CHUNK_SIZE) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    await this.db.toolChunks.put({ id: chunkId(this.feedUrl, this.base + this.flushed), feedUrl: this.feedUrl, version: this.version, records: this.buffer.splice(0) });
    this.flushed += 1;
  }

  /** Writes the last chunk and builds the index; nothing is visible yet. */
  async finish(): Promise<{ index: ToolIndexRecord; words: ToolWordsRecord }> {
    await this.flush();
    const index: ToolIndexRecord = {
      feedUrl: this.feedUrl,
      version: this.version,
      toolCount: this.count,
      keys: this.keys.build(),
      ids: this.ids.build(),
      endorsedFor: this.endorsedFor.build(),
      digests: this.digests.slice(0, this.count * DIGEST_BYTES),
      ...(this.base ? { chunkBase: this.base } : {}),
    };
    return { index, words: { feedUrl: this.feedUrl, version: this.version, words: this.words.build() } };
  }

  /** Puts the new version in place; call inside a transaction over the tool tables. */
  async commit(db: ToolTables, built: { index: ToolIndexRecord; words: ToolWordsRecord }): Promise<void> {
    await db.toolIndexes.put(built.index);
    await db.toolWords.put(built.words);
    await deleteChunkHalf(db, this.feedUrl, this.oldBase);
  }
}

/** The tables tools are stored in: the database's, or an upgrade transaction's. */
export interface ToolTables {
  toolChunks: Table<ToolChunkRecord, string>;
  toolIndexes: Table<ToolIndexRecord, string>;
  toolWords: Table<ToolWordsRecord, string>;
}

/** The tables a transaction that stores or removes a feed's tools must cover. */
export const toolTables = (db: ToolTables) => [db.toolChunks, db.toolIndexes, db.toolWords];

/** Replaces a feed's stored tools. Call inside a transaction over toolChunks and toolIndexes. Returns the index written. */
export async function writeFeedTools(db: ToolTables, feedUrl: string, version: string, records: readonly ToolRecord[]): Promise<ToolIndexRecord> {
  await deleteFeedTools(db, feedUrl);
  const chunks: ToolChunkRecord[] = [];
  for (let start = 0; start < records.length; start += CHUNK_SIZE) {
    chunks.push({ id: chunkId(feedUrl, start / CHUNK_SIZE), feedUrl, version, records: records.slice(start, start + CHUNK_SIZE) });
  }
  await db.toolChunks.bulkAdd(chunks);
  const index = toolIndex(feedUrl, version, records);
  await db.toolIndexes.put(index);
  await db.toolWords.put({ feedUrl, version, words: postingsOf(records, (record) => toolSearchWords(record.tool)) });
  return index;
}

export async function deleteFeedTools(db: ToolTables, feedUrl: string): Promise<void> {
  await db.toolChunks.where('feedUrl').equals(feedUrl).delete();
  await db.toolIndexes.delete(feedUrl);
  await db.toolWords.delete(feedUrl);
}

/** Every stored tool record of one feed, or of all feeds (export, tests, the CLI), read through each feed's index. */
export async function storedToolRecords(db: SignpostDatabase, feedUrl?: string): Promise<ToolRecord[]> {
  const indexes = feedUrl === undefined ? await db.toolIndexes.toArray() : [await db.toolIndexes.get(feedUrl)].filter((index) => index !== undefined);
  const records: ToolRecord[] = [];
  for (const index of indexes.sort((a, b) => a.feedUrl.localeCompare(b.feedUrl))) {
    const count = Math.ceil(index.toolCount / CHUNK_SIZE);
    const chunks = await db.toolChunks.bulkGet(Array.from({ length: count }, (_, n) => chunkId(index.feedUrl, (index.chunkBase ?? 0) + n)));
    chunks.forEach((chunk, n) => {
      if (chunk?.version === (index.chunkVersions?.[n] ?? index.version)) records.push(...chunk.records.filter((record) => record !== null));
    });
  }
  return records;
}

/** Decoded chunks kept per reader: enough for a page of lookups, bounded at 100k tools. */
const CHUNK_CACHE_LIMIT = 64;
/**
 * Card alternatives kept per reader, by conditions asked. At 100k tools the first 200 tools
 * endorsed for a condition span dozens of chunks, which made the card's p99 lookup 100 ms.
 */
const ALTERNATIVES_CACHE_LIMIT = 64;

/** Loads kept by key, the oldest dropped past `limit`; a load that fails is not kept. */
class LoadCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly limit = Infinity) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
      entry = load();
      this.entries.set(key, entry);
      entry.catch(() => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      });
    }
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Reads tools through the index rows, caching feeds, indexes and chunks in memory until a write
 * anywhere (this context or another: Dexie broadcasts commits) touches the feeds table. Every
 * store of tools rewrites its feed's row, so that one signal covers them all; a chunk from another
 * version than its index (a write between two reads) makes the read start again from fresh rows.
 */
export class ToolReader {
  private readonly feedRows = new LoadCache<FeedRecord[]>();
  private readonly indexes = new LoadCache<ToolIndexRecord | undefined>();
  private readonly words = new LoadCache<Postings | undefined>();
  private readonly chunks = new LoadCache<ToolChunkRecord | undefined>(CHUNK_CACHE_LIMIT);
  private readonly endorsed = new LoadCache<ToolRecord[]>(ALTERNATIVES_CACHE_LIMIT);

  constructor(private readonly db: SignpostDatabase) {
    onTablesWritten(db, ['feeds'], () => this.forget());
  }

  forget(): void {
    for (const cache of [this.feedRows, this.indexes, this.words, this.chunks, this.endorsed]) cache.clear();
  }

  feeds(): Promise<FeedRecord[]> {
    return this.feedRows.get('', () => this.db.feeds.toArray());
  }

  /** Every identifier key starting with `prefix` in the current feeds, each once. */
  async keysWithPrefix(prefix: string): Promise<string[]> {
    return [...new Set((await this.currentIndexes()).flatMap((index) => termsStartingWith(index.keys, prefix)))];
  }

  recordsWithKeys(keys: readonly string[]): Promise<ToolRecord[]> {
    return this.read((index) => unique(keys.flatMap((key) => [...positionsOf(index.keys, key)])));
  }

  recordsWithIds(ids: readonly string[]): Promise<ToolRecord[]> {
    return this.read((index) => unique(ids.flatMap((id) => [...positionsOf(index.ids, id)])));
  }

  recordsEndorsedFor(conditions: readonly string[], limit: number): Promise<ToolRecord[]> {
    return this.endorsed.get(`${limit} ${conditions.join(' ')}`, () =>
      this.read((index) => unique(conditions.flatMap((condition) => [...positionsOf(index.endorsedFor, condition)])), limit),
    );
  }

  async recordsWithWordPrefix(prefix: string, limit: number): Promise<ToolRecord[]> {
    const words = await this.wordsByFeed();
    return this.read((index) => positionsWithPrefix(words.get(index.feedUrl) ?? EMPTY_POSTINGS, prefix, limit), limit);
  }

  async countWordPrefix(prefix: string, cap: number): Promise<number> {
    let count = 0;
    for (const words of (await this.wordsByFeed()).values()) count += positionsWithPrefix(words, prefix, cap - count).length;
    return Math.min(count, cap);
  }

  private async wordsByFeed(): Promise<Map<string, Postings>> {
    const feeds = (await this.feeds()).filter((feed) => feed.contentVersion);
    const words = await Promise.all(
      feeds.map(async (feed) => {
        const words = await this.words.get(`${feed.url} ${feed.contentVersion}`, async () => {
          const row = await this.db.toolWords.get(feed.url);
          return row && row.version === feed.contentVersion ? row.words : undefined;
        });
        return [feed.url, words] as const;
      }),
    );
    return new Map(words.filter((entry): entry is readonly [string, Postings] => entry[1] !== undefined));
  }

  private async currentIndexes(): Promise<ToolIndexRecord[]> {
    const feeds = await this.feeds();
    const indexes = await Promise.all(feeds.filter((feed) => feed.contentVersion).map((feed) => this.index(feed)));
    return indexes.filter((index) => index !== undefined);
  }

  private index(feed: FeedRecord): Promise<ToolIndexRecord | undefined> {
    return this.indexes.get(`${feed.url} ${feed.contentVersion}`, async () => {
      const row = await this.db.toolIndexes.get(feed.url);
      return row?.version === feed.contentVersion ? row : undefined;
    });
  }

  private chunk(index: ToolIndexRecord, number: number): Promise<ToolChunkRecord | undefined> {
    const id = chunkId(index.feedUrl, (index.chunkBase ?? 0) + number);
    return this.chunks.get(id, () => this.db.toolChunks.get(id));
  }

  /** The records at the positions `find` picks in each feed's index, at most `limit` in all. */
  private async read(find: (index: ToolIndexRecord) => number[], limit = Infinity, retried = false): Promise<ToolRecord[]> {
    const found: ToolRecord[] = [];
    for (const index of await this.currentIndexes()) {
      const positions = find(index).slice(0, limit - found.length);
      const chunks = await Promise.all([...new Set(positions.map((position) => Math.floor(position / CHUNK_SIZE)))].map(async (n) => [n, await this.chunk(index, n)] as const));
      const byNumber = new Map(chunks);
      for (const position of positions) {
        const number = Math.floor(position / CHUNK_SIZE);
        const chunk = byNumber.get(number);
        const record = chunk?.records[position % CHUNK_SIZE];
        if (chunk?.version !== (index.chunkVersions?.[number] ?? index.version) || !record) {
          // Rows of two versions: a write landed between our reads. Once more, from fresh rows.
          if (retried) throw new Error('The registry changed while it was being read.');
          this.forget();
          return this.read(find, limit, true);
        }
        found.push(record);
      }
      if (found.length >= limit) break;
    }
    return found;
  }
}

const unique = (positions: number[]) => [...new Set(positions)];
