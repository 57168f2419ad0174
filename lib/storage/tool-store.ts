import type { Table } from 'dexie';
import { STATE_BUCKETS, bucketDigest, stateBucket, stateDigest, toolDigest, type Patch, type StateEnvelope } from '../feed/delta';
import { boundExpiry } from '../feed/verify';
import type { FeedNote } from '../notes/schema';
import type { Tool } from '../feed/schema';
import { identifierKeys } from '../lookup/keys';
import type { ToolRecord } from '../registry/types';
import { endorsedConditions } from '../registry/verdict';
import { toolSearchWords } from '../search/search';
import { EMPTY_POSTINGS, PostingsBuilder, addPositionsWithPrefix, lowerBound, positionsOf, postingsBytes, shardOf, shardsWithPrefix, splitPostings, termsStartingWith, updatePostings, type Postings } from './postings';
import { onTablesWritten } from './changes';
import { DamagedCopy, checkChunkRecords, checkIndexRow, checkShardRow, checkToolRecord } from './stored-rows';
import type { FeedRecord, SignpostDatabase } from './db';

// A feed's tools as IndexedDB holds them (schema v9): tools in chunks of CHUNK_SIZE, and the index
// in small shards, with one catalogue row per feed saying where everything is.
// Design notes:
// - One put per tool, each adding ~20 entries to three multi-entry indexes, cost 5.7 s per 10,000
//   tools in Chromium (v5 moved to chunks). Readers find a tool by binary search in a shard and
//   read only its chunk; the worker keeps shards and recent chunks in memory between lookups.
// - The index was one row per feed until v9 (about 18 MB at 100,000 tools): a one-tool patch read
//   and rewrote all of it, 270 of its 372 ms (issue #15). Postings are now split by term range into
//   shards of about SHARD_BYTES, and ids (with each tool's digest) into the state's hash buckets
//   (lib/feed/delta.ts), so a patch reads and writes only the shards and buckets it touches.

export const CHUNK_SIZE = 256;
/** About this many bytes of terms and positions per shard: a patch of one tool touches about 25 shards. */
const SHARD_BYTES = 32 * 1024;
const DIGEST_BYTES = 32;

/** The postings kept in term-range shards. */
type TermKind = 'keys' | 'endorsedFor' | 'words';
const TERM_KINDS: readonly TermKind[] = ['keys', 'endorsedFor', 'words'];
const endorsedTerms = (record: ToolRecord) => endorsedConditions(record.tool.endorsements, record.tool.conditions);
const TERMS_OF: Record<TermKind, (record: ToolRecord) => Iterable<string>> = {
  /** Identifier keys (apple:…, play:…, web:host). */
  keys: (record) => record.keys,
  /** Conditions a tool's own independent claims endorse it for (card alternatives). */
  endorsedFor: endorsedTerms,
  /** Search words (search.ts toolSearchWords), for the popup's prefix search. */
  words: (record) => toolSearchWords(record.tool),
};

/** Tools `n * CHUNK_SIZE …` of one stored version of a feed. */
export interface ToolChunkRecord {
  /** `${feedUrl} ${n}`. */
  id: string;
  feedUrl: string;
  /** The version of the feed these tools belong to (FeedRecord.contentVersion, or the catalogue's chunkVersions entry after a patch). */
  version: string;
  /** null where a patch removed a tool: positions never move, so untouched chunks are never rewritten. */
  records: (ToolRecord | null)[];
}

/** Where everything of one stored feed version is: the position of a tool is its index in the feed (plus tools a patch appended). */
export interface ToolIndexRecord {
  feedUrl: string;
  version: string;
  /** Positions used, removed tools included. */
  toolCount: number;
  /** Tools held. */
  liveTools: number;
  /** For each kind of postings, the first term of each of its shards (none when the kind has no terms). */
  shardStarts: Record<TermKind, string[]>;
  /** For each kind, the number in the key of each of its shards (shardStarts order): a shard split by a patch keeps its number, the new ones take the next free. */
  shardIds: Record<TermKind, number[]>;
  /** How many tools each state bucket holds (its ids shard exists when this is not 0). */
  bucketSizes: Uint32Array;
  /** The state buckets' digests (lib/feed/delta.ts), 32 bytes each: the state digest without reading any tool. */
  buckets: Uint8Array;
  /** Chunks a patch rewrote, with the version they carry since (the rest carry `version`). */
  chunkVersions?: Record<number, string>;
  /** Shards a patch rewrote (by shardKey), with the version they carry since. */
  shardVersions?: Record<string, string>;
  /** Where this version's chunks are numbered from: 0 or STAGING_BASE, alternately, so a new version streams in beside the one in use. */
  chunkBase?: number;
}

/** One shard of a feed's index: a range of one kind's terms, or one state bucket's ids. */
export interface ToolShardRecord {
  /** `${feedUrl} ${shardKey}`. */
  id: string;
  feedUrl: string;
  version: string;
  /** Terms → positions; for an ids shard, record ids (one position each) in id order. */
  postings: Postings;
  /** Ids shards only: each tool's digest, in the order of postings.terms. */
  digests?: Uint8Array;
}

const shardKey = (kind: TermKind | 'ids', n: number) => `${kind} ${n}`;
const shardId = (feedUrl: string, key: string) => `${feedUrl} ${key}`;
/** The state bucket of an ids shard's key; undefined for a term shard's. */
const idsBucketOf = (key: string) => (key.startsWith('ids ') ? Number(key.slice('ids '.length)) : undefined);
const digestAt = (digests: Uint8Array, n: number) => digests.subarray(n * DIGEST_BYTES, (n + 1) * DIGEST_BYTES);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
/** The key of a catalogue's n-th shard of a kind, in term order. */
const termShardKey = (index: ToolIndexRecord, kind: TermKind, n: number) => shardKey(kind, index.shardIds[kind][n]!);
const chunkId = (feedUrl: string, chunk: number) => `${feedUrl} ${chunk}`;
const chunkNumberOf = (id: string) => Number(id.slice(id.lastIndexOf(' ') + 1));
/** The second range of chunk numbers; far above any feed's chunk count (200,000 tools are 782 chunks). */
const STAGING_BASE = 1_000_000;
const shardVersion = (index: ToolIndexRecord, key: string) => index.shardVersions?.[key] ?? index.version;
const chunkVersion = (placement: ChunkPlacement, n: number) => placement.chunkVersions?.[n] ?? placement.version;

export function toolRecord(feedUrl: string, tool: Tool): ToolRecord {
  return { id: `${feedUrl} ${tool.id}`, feedUrl, tool, keys: identifierKeys(tool.identifiers) };
}

/** One ids shard: a bucket's tools in id order, each with its position and digest. */
interface BucketEntry {
  recordId: string;
  position: number;
  digest: Uint8Array;
}

function idsShard(entries: BucketEntry[]): { postings: Postings; digests: Uint8Array } {
  entries.sort((a, b) => (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  const digests = new Uint8Array(entries.length * DIGEST_BYTES);
  entries.forEach((entry, i) => digests.set(entry.digest, i * DIGEST_BYTES));
  return {
    postings: { terms: entries.map((entry) => entry.recordId), starts: Uint32Array.from({ length: entries.length + 1 }, (_, i) => i), positions: Uint32Array.from(entries, (entry) => entry.position) },
    digests,
  };
}

function bucketEntries(shard: ToolShardRecord | undefined): BucketEntry[] {
  if (!shard?.digests) return [];
  return shard.postings.terms.map((recordId, i) => ({ recordId, position: shard.postings.positions[i]!, digest: shard.digests!.subarray(i * DIGEST_BYTES, (i + 1) * DIGEST_BYTES) }));
}

/**
 * Builds a feed version's catalogue and shards from its records, added one by one in position
 * order (a feed streaming in keeps only this, not the records).
 */
class IndexBuilder {
  private readonly terms = { keys: new PostingsBuilder(), endorsedFor: new PostingsBuilder(), words: new PostingsBuilder() };
  /** Each state bucket's tool ids (short strings the parser made, not record ids) and positions; digests by position (one array, not 100,000 small ones). */
  private readonly bucketIds = Array.from({ length: STATE_BUCKETS }, (): string[] => []);
  private readonly bucketPositions = Array.from({ length: STATE_BUCKETS }, (): number[] => []);
  private digests = new Uint8Array(CHUNK_SIZE * DIGEST_BYTES);
  count = 0;

  add(record: ToolRecord): void {
    const position = this.count++;
    for (const kind of TERM_KINDS) for (const term of TERMS_OF[kind](record)) this.terms[kind].add(term, position);
    const bucket = stateBucket(record.tool.id);
    this.bucketIds[bucket]!.push(record.tool.id);
    this.bucketPositions[bucket]!.push(position);
    if (this.digests.length < this.count * DIGEST_BYTES) {
      const grown = new Uint8Array(this.digests.length * 2);
      grown.set(this.digests);
      this.digests = grown;
    }
    this.digests.set(toolDigest(record.tool), position * DIGEST_BYTES);
  }

  build(feedUrl: string, version: string, chunkBase: number): { index: ToolIndexRecord; shards: ToolShardRecord[] } {
    const shards: ToolShardRecord[] = [];
    const shardStarts = {} as Record<TermKind, string[]>;
    const shardIds = {} as Record<TermKind, number[]>;
    for (const kind of TERM_KINDS) {
      const split = splitPostings(this.terms[kind].build(), SHARD_BYTES);
      // One kind at a time, its pairs let go as soon as its shards exist: building the index at
      // the end of a streamed 100k-tool sync was the sync's memory peak.
      this.terms[kind] = new PostingsBuilder();
      shardStarts[kind] = split.starts;
      shardIds[kind] = split.shards.map((_, n) => n);
      split.shards.forEach((postings, n) => shards.push({ id: shardId(feedUrl, shardKey(kind, n)), feedUrl, version, postings }));
    }
    const bucketSizes = new Uint32Array(STATE_BUCKETS);
    const buckets = new Uint8Array(STATE_BUCKETS * DIGEST_BYTES);
    for (let bucket = 0; bucket < STATE_BUCKETS; bucket++) {
      const positions = this.bucketPositions[bucket]!;
      const entries = this.bucketIds[bucket]!.map((toolId, i): BucketEntry => ({ recordId: `${feedUrl} ${toolId}`, position: positions[i]!, digest: this.digests.subarray(positions[i]! * DIGEST_BYTES, (positions[i]! + 1) * DIGEST_BYTES) }));
      const { postings, digests } = idsShard(entries);
      bucketSizes[bucket] = entries.length;
      buckets.set(bucketDigest(digests), bucket * DIGEST_BYTES);
      if (entries.length > 0) shards.push({ id: shardId(feedUrl, shardKey('ids', bucket)), feedUrl, version, postings, digests });
    }
    const index: ToolIndexRecord = { feedUrl, version, toolCount: this.count, liveTools: this.count, shardStarts, shardIds, bucketSizes, buckets, ...(chunkBase ? { chunkBase } : {}) };
    return { index, shards };
  }
}

/** The state digest of what is stored for a feed (lib/feed/delta.ts). */
export function storedState(index: ToolIndexRecord, envelope: StateEnvelope, notes: readonly FeedNote[]): string {
  return stateDigest(envelope, notes, index.buckets);
}

/** A patch that does not fit the stored copy: the caller downloads the snapshot instead. */
export class PatchMismatch extends Error {}

/** Rows of a stored version, read inside the caller's transaction; a missing, stale or damaged row means the copy cannot be patched. */
async function currentRows<T extends { version: string }>(table: Table<T, string>, ids: string[], versions: string[], check: (row: T) => void): Promise<T[]> {
  const rows = await table.bulkGet(ids);
  return rows.map((row, i) => {
    if (row === undefined || row.version !== versions[i]) throw new PatchMismatch('the stored copy is incomplete');
    patchable(() => check(row));
    return row;
  });
}

/** Runs a check of stored rows for a patch: a damaged copy is not patched but replaced by the snapshot. */
function patchable(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof DamagedCopy) throw new PatchMismatch(error.message);
    throw error;
  }
}

/**
 * Applies a patch to a feed's stored tools in place (call inside a transaction over the tool
 * tables): only the chunks, shards and buckets it touches are read and rewritten, under a new
 * version the catalogue records for them. Returns the catalogue as it now stands.
 */
export async function patchFeedTools(db: ToolTables, feedUrl: string, patch: Patch): Promise<{ index: ToolIndexRecord; replaced: Tool[] }> {
  const index = await db.toolIndexes.get(feedUrl);
  if (!index?.buckets) throw new PatchMismatch('the stored copy has no digests to patch');
  patchable(() => checkIndexRow(index, feedUrl, TERM_KINDS, STATE_BUCKETS, DIGEST_BYTES));
  const checkShard = (ids: boolean) => (row: ToolShardRecord) => checkShardRow(row, feedUrl, index.toolCount, DIGEST_BYTES, ids);
  const version = crypto.randomUUID();

  // The buckets of every id the patch names: where each tool is, and its digest.
  const touchedBuckets = [...new Set([...patch.remove, ...patch.upsert.map((tool) => tool.id)].map(stateBucket))];
  const heldBuckets = touchedBuckets.filter((bucket) => index.bucketSizes[bucket]! > 0);
  const bucketKeys = heldBuckets.map((bucket) => shardKey('ids', bucket));
  const bucketRows = await currentRows(db.toolShards, bucketKeys.map((key) => shardId(feedUrl, key)), bucketKeys.map((key) => shardVersion(index, key)), checkShard(true));
  const buckets = new Map(touchedBuckets.map((bucket) => [bucket, new Map<string, BucketEntry>()]));
  heldBuckets.forEach((bucket, i) => {
    for (const entry of bucketEntries(bucketRows[i])) buckets.get(bucket)!.set(entry.recordId, entry);
  });
  const bucketOf = (toolId: string) => buckets.get(stateBucket(toolId))!;

  let toolCount = index.toolCount;
  let liveTools = index.liveTools;
  const placed = new Map<number, ToolRecord | null>();
  for (const id of patch.remove) {
    const entry = bucketOf(id).get(`${feedUrl} ${id}`);
    if (!entry) throw new PatchMismatch(`the patch removes "${id}", which the stored copy does not hold`);
    bucketOf(id).delete(entry.recordId);
    placed.set(entry.position, null);
    liveTools -= 1;
  }
  for (const tool of patch.upsert) {
    const record = toolRecord(feedUrl, tool);
    const existing = bucketOf(tool.id).get(record.id);
    const position = existing?.position ?? toolCount++;
    if (!existing) liveTools += 1;
    bucketOf(tool.id).set(record.id, { recordId: record.id, position, digest: toolDigest(tool) });
    placed.set(position, record);
  }

  // The chunks holding those positions: the records they replace, and the new ones.
  const base = index.chunkBase ?? 0;
  const touchedChunks = [...new Set([...placed.keys()].map((position) => Math.floor(position / CHUNK_SIZE)))];
  const existingChunks = touchedChunks.filter((n) => n * CHUNK_SIZE < index.toolCount);
  const oldChunks = new Map((await currentRows(db.toolChunks, existingChunks.map((n) => chunkId(feedUrl, base + n)), existingChunks.map((n) => chunkVersion(index, n)), (chunk) => checkChunkRecords(chunk.records, feedUrl))).map((chunk, i) => [existingChunks[i]!, chunk]));
  const rewritten = new Map(touchedChunks.map((n): [number, ToolChunkRecord] => [n, { id: chunkId(feedUrl, base + n), feedUrl, version, records: [...(oldChunks.get(n)?.records ?? [])] }]));
  const replaced: ToolRecord[] = [];
  for (const [position, record] of placed) {
    const chunk = rewritten.get(Math.floor(position / CHUNK_SIZE))!;
    const old = chunk.records[position % CHUNK_SIZE];
    if (old) replaced.push(old);
    chunk.records[position % CHUNK_SIZE] = record;
  }

  // The term shards holding the replaced records' terms or the new ones'.
  const dropped = new Uint8Array(toolCount);
  for (const position of placed.keys()) dropped[position] = 1;
  const added = [...placed].filter((entry): entry is [number, ToolRecord] => entry[1] !== null);
  const shardStarts = { ...index.shardStarts };
  const shardIds = { ...index.shardIds };
  const shardVersions: Record<string, string> = { ...index.shardVersions };
  const written: ToolShardRecord[] = [];
  for (const kind of TERM_KINDS) {
    const pairs = added.flatMap(([position, record]) => [...TERMS_OF[kind](record)].map((term) => [term, position] as const));
    const created = shardStarts[kind].length === 0 && pairs.length > 0;
    const starts = created ? [''] : [...shardStarts[kind]];
    const numbering = created ? [0] : [...shardIds[kind]];
    const terms = [...replaced.flatMap((record) => [...TERMS_OF[kind](record)]), ...pairs.map(([term]) => term)];
    // Highest first, so that splitting a shard (below) never moves one still to be written.
    const numbers = [...new Set(terms.map((term) => shardOf(starts, term)))].sort((a, b) => b - a);
    const keys = numbers.map((n) => shardKey(kind, numbering[n]!));
    // A shard first created by this patch (the kind had no terms) has no row yet.
    const existing = created ? [] : keys;
    const rows = new Map((await currentRows(db.toolShards, existing.map((key) => shardId(feedUrl, key)), existing.map((key) => shardVersion(index, key)), checkShard(false))).map((row, i) => [existing[i]!, row]));
    let nextId = Math.max(-1, ...numbering) + 1;
    numbers.forEach((n, i) => {
      const inShard = pairs.filter(([term]) => shardOf(starts, term) === n);
      const postings = updatePostings(rows.get(keys[i]!)?.postings ?? EMPTY_POSTINGS, dropped, inShard);
      // A shard grown to twice its size by patches is split, so that a feed kept up to date by
      // patches alone (never a snapshot) keeps small shards.
      const parts = postingsBytes(postings) > 2 * SHARD_BYTES ? splitPostings(postings, SHARD_BYTES) : { starts: [''], shards: [postings] };
      const ids = [numbering[n]!, ...parts.shards.slice(1).map(() => nextId++)];
      starts.splice(n + 1, 0, ...parts.starts.slice(1));
      numbering.splice(n + 1, 0, ...ids.slice(1));
      parts.shards.forEach((part, p) => {
        const key = shardKey(kind, ids[p]!);
        written.push({ id: shardId(feedUrl, key), feedUrl, version, postings: part });
        shardVersions[key] = version;
      });
    });
    shardStarts[kind] = starts;
    shardIds[kind] = numbering;
  }

  // The touched buckets, rehashed.
  const bucketSizes = index.bucketSizes.slice();
  const bucketDigests = index.buckets.slice();
  for (const [bucket, entries] of buckets) {
    const { postings, digests } = idsShard([...entries.values()]);
    bucketSizes[bucket] = entries.size;
    bucketDigests.set(bucketDigest(digests), bucket * DIGEST_BYTES);
    written.push({ id: shardId(feedUrl, shardKey('ids', bucket)), feedUrl, version, postings, digests });
    shardVersions[shardKey('ids', bucket)] = version;
  }

  const patched: ToolIndexRecord = {
    ...index,
    toolCount,
    liveTools,
    shardStarts,
    shardIds,
    bucketSizes,
    buckets: bucketDigests,
    chunkVersions: { ...index.chunkVersions, ...Object.fromEntries(touchedChunks.map((n) => [n, version])) },
    shardVersions,
  };
  await db.toolChunks.bulkPut([...rewritten.values()]);
  await db.toolShards.bulkPut(written);
  await db.toolIndexes.put(patched);
  return { index: patched, replaced: replaced.map((record) => record.tool) };
}

/** Removes a feed's chunks numbered from `base` (one half), reading keys only. */
async function deleteChunkHalf(db: ToolTables, feedUrl: string, base: number): Promise<void> {
  const ids = (await db.toolChunks.where('feedUrl').equals(feedUrl).primaryKeys()).filter((id) => {
    const number = chunkNumberOf(id);
    return number >= base && number < base + STAGING_BASE;
  });
  await db.toolChunks.bulkDelete(ids);
}

/** Puts a built index in place of a feed's old one; call inside a transaction over the tool tables. */
async function putIndex(db: ToolTables, built: { index: ToolIndexRecord; shards: ToolShardRecord[] }): Promise<void> {
  await db.toolShards.where('feedUrl').equals(built.index.feedUrl).delete();
  await db.toolShards.bulkPut(built.shards);
  await db.toolIndexes.put(built.index);
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
  private readonly builder = new IndexBuilder();
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
    this.builder.add(record);
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
  async finish(): Promise<{ index: ToolIndexRecord; shards: ToolShardRecord[] }> {
    await this.flush();
    return this.builder.build(this.feedUrl, this.version, this.base);
  }

  /** Puts the new version in place; call inside a transaction over the tool tables. */
  async commit(db: ToolTables, built: { index: ToolIndexRecord; shards: ToolShardRecord[] }): Promise<void> {
    await putIndex(db, built);
    await deleteChunkHalf(db, this.feedUrl, this.oldBase);
  }
}

/** The tables tools are stored in: the database's, or an upgrade transaction's. */
export interface ToolTables {
  toolChunks: Table<ToolChunkRecord, string>;
  toolIndexes: Table<ToolIndexRecord, string>;
  toolShards: Table<ToolShardRecord, string>;
}

/** The tables a transaction that stores or removes a feed's tools must cover. */
export const toolTables = (db: ToolTables) => [db.toolChunks, db.toolIndexes, db.toolShards];

/** Replaces a feed's stored tools. Call inside a transaction over the tool tables. Returns the catalogue written. */
export async function writeFeedTools(db: ToolTables, feedUrl: string, version: string, records: readonly ToolRecord[]): Promise<ToolIndexRecord> {
  await deleteFeedTools(db, feedUrl);
  const chunks: ToolChunkRecord[] = [];
  for (let start = 0; start < records.length; start += CHUNK_SIZE) {
    chunks.push({ id: chunkId(feedUrl, start / CHUNK_SIZE), feedUrl, version, records: records.slice(start, start + CHUNK_SIZE) });
  }
  await db.toolChunks.bulkAdd(chunks);
  const builder = new IndexBuilder();
  for (const record of records) builder.add(record);
  const built = builder.build(feedUrl, version, 0);
  await putIndex(db, built);
  return built.index;
}

export async function deleteFeedTools(db: ToolTables, feedUrl: string): Promise<void> {
  await db.toolChunks.where('feedUrl').equals(feedUrl).delete();
  await db.toolShards.where('feedUrl').equals(feedUrl).delete();
  await db.toolIndexes.delete(feedUrl);
}

/** Where a stored version's chunks are, as every schema since v5 records it. */
export type ChunkPlacement = Pick<ToolIndexRecord, 'feedUrl' | 'version' | 'toolCount' | 'chunkVersions' | 'chunkBase'>;

/** The tool records of one stored version, read chunk by chunk (removed tools left out). */
export async function chunkedRecords(chunks: ToolTables['toolChunks'], placement: ChunkPlacement): Promise<ToolRecord[]> {
  const count = Math.ceil(placement.toolCount / CHUNK_SIZE);
  const rows = await chunks.bulkGet(Array.from({ length: count }, (_, n) => chunkId(placement.feedUrl, (placement.chunkBase ?? 0) + n)));
  return rows.flatMap((chunk, n) => (chunk?.version === chunkVersion(placement, n) ? chunk.records.filter((record) => record !== null) : []));
}

/** Every stored tool record of one feed, or of all feeds (export, tests, the CLI), read through each feed's catalogue. */
export async function storedToolRecords(db: SignpostDatabase, feedUrl?: string): Promise<ToolRecord[]> {
  const indexes = feedUrl === undefined ? await db.toolIndexes.toArray() : [await db.toolIndexes.get(feedUrl)].filter((index) => index !== undefined);
  const records: ToolRecord[] = [];
  for (const index of indexes.sort((a, b) => a.feedUrl.localeCompare(b.feedUrl))) records.push(...(await chunkedRecords(db.toolChunks, index)));
  return records;
}

/** Decoded chunks kept per reader: enough for a page of lookups, bounded at 100k tools. */
const CHUNK_CACHE_LIMIT = 64;
/** Index shards kept per reader (about 32 KB each): a card's lookups read a few, a broad popup search a few dozen. */
const SHARD_CACHE_LIMIT = 512;
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

/** Rows of two versions met while reading: a write landed between two reads, or a row is damaged. */
class StaleRead extends Error {
  constructor(readonly index: ToolIndexRecord) {
    super(`a row of ${index.feedUrl} is of another version than its catalogue names, or missing`);
  }
}

/**
 * Reads tools through the catalogue and shards, caching feeds, catalogues, shards and chunks in
 * memory until a write anywhere (this context or another: Dexie broadcasts commits) touches the
 * feeds table. Every store of tools rewrites its feed's row, so that one signal covers them all; a
 * shard or chunk from another version than its catalogue names (a write between two reads) makes
 * the read start again from fresh rows.
 */
export class ToolReader {
  private readonly feedRows = new LoadCache<FeedRecord[]>();
  private readonly indexes = new LoadCache<ToolIndexRecord | undefined>();
  private readonly shards = new LoadCache<ToolShardRecord>(SHARD_CACHE_LIMIT);
  private readonly chunks = new LoadCache<ToolChunkRecord | undefined>(CHUNK_CACHE_LIMIT);
  private readonly endorsed = new LoadCache<ToolRecord[]>(ALTERNATIVES_CACHE_LIMIT);
  /** Stored versions found damaged (`${feedUrl} ${version}`): left out of every answer until the feed is stored again. */
  private readonly damaged = new Set<string>();

  /** `onDamaged` hears once of each stored version found damaged, to set it aside and download the feed again. */
  constructor(
    private readonly db: SignpostDatabase,
    private readonly onDamaged?: (feedUrl: string, version: string) => void,
  ) {
    onTablesWritten(db, ['feeds'], () => this.forget());
  }

  /** Whether the reader found this feed's stored copy damaged (a card must not count it as checked). */
  isDamaged(feed: FeedRecord): boolean {
    return this.damaged.has(`${feed.url} ${feed.contentVersion}`);
  }

  forget(): void {
    for (const cache of [this.feedRows, this.indexes, this.shards, this.chunks, this.endorsed]) cache.clear();
  }

  feeds(): Promise<FeedRecord[]> {
    return this.feedRows.get('', () => this.db.feeds.toArray());
  }

  /** Every identifier key starting with `prefix` in the current feeds, each once. */
  async keysWithPrefix(prefix: string): Promise<string[]> {
    const keys = await this.fresh(async () => {
      const found: string[] = [];
      for (const index of await this.currentIndexes()) {
        found.push(
          ...(await this.guarded(index, [], async () => {
            const terms: string[] = [];
            for (const n of shardsWithPrefix(index.shardStarts.keys, prefix)) terms.push(...termsStartingWith((await this.shard(index, termShardKey(index, 'keys', n))).postings, prefix));
            return terms;
          })),
        );
      }
      return found;
    });
    return [...new Set(keys)];
  }

  recordsWithKeys(keys: readonly string[]): Promise<ToolRecord[]> {
    const wanted = new Set(keys);
    return this.read(async (index) => unique(await this.positionsOfTerms(index, 'keys', keys)), Infinity, { holds: carrying('keys', (key) => wanted.has(key)), digest: true });
  }

  recordsWithIds(ids: readonly string[]): Promise<ToolRecord[]> {
    const wanted = new Set(ids);
    return this.read((index) => this.positionsOfIds(index, ids), Infinity, { holds: (record) => wanted.has(record.id), digest: true });
  }

  recordsEndorsedFor(conditions: readonly string[], limit: number): Promise<ToolRecord[]> {
    const wanted = new Set(conditions);
    return this.endorsed.get(`${limit} ${conditions.join(' ')}`, () =>
      this.read(async (index) => unique(await this.positionsOfTerms(index, 'endorsedFor', conditions)), limit, { holds: carrying('endorsedFor', (condition) => wanted.has(condition)) }),
    );
  }

  recordsWithWordPrefix(prefix: string, limit: number): Promise<ToolRecord[]> {
    return this.read((index) => this.positionsWithWordPrefix(index, prefix, limit), limit, { holds: carrying('words', (word) => word.startsWith(prefix)) });
  }

  async countWordPrefix(prefix: string, cap: number): Promise<number> {
    return this.fresh(async () => {
      let count = 0;
      for (const index of await this.currentIndexes()) count += (await this.guarded(index, [], () => this.positionsWithWordPrefix(index, prefix, cap - count))).length;
      return Math.min(count, cap);
    });
  }

  private async positionsOfIds(index: ToolIndexRecord, ids: readonly string[]): Promise<number[]> {
    const positions: number[] = [];
    for (const id of ids) {
      if (!id.startsWith(`${index.feedUrl} `)) continue;
      const bucket = stateBucket(id.slice(index.feedUrl.length + 1));
      if (index.bucketSizes[bucket] === 0) continue;
      positions.push(...positionsOf((await this.shard(index, shardKey('ids', bucket))).postings, id));
    }
    return unique(positions);
  }

  private async positionsOfTerms(index: ToolIndexRecord, kind: TermKind, terms: readonly string[]): Promise<number[]> {
    const positions: number[] = [];
    for (const term of terms) {
      const n = shardOf(index.shardStarts[kind], term);
      if (n >= 0) positions.push(...positionsOf((await this.shard(index, termShardKey(index, kind, n))).postings, term));
    }
    return positions;
  }

  private async positionsWithWordPrefix(index: ToolIndexRecord, prefix: string, limit: number): Promise<number[]> {
    const found = new Set<number>();
    for (const n of shardsWithPrefix(index.shardStarts.words, prefix)) {
      if (found.size >= limit) break;
      addPositionsWithPrefix((await this.shard(index, termShardKey(index, 'words', n))).postings, prefix, limit, found);
    }
    return [...found];
  }

  private async currentIndexes(): Promise<ToolIndexRecord[]> {
    const feeds = await this.feeds();
    const current = feeds.filter((feed) => feed.contentVersion && !this.isDamaged(feed));
    const indexes = await Promise.all(current.map((feed) => this.index(feed).catch((error: unknown) => this.setAside(error, feed.url, feed.contentVersion!, undefined))));
    return indexes.filter((index) => index !== undefined);
  }

  private index(feed: FeedRecord): Promise<ToolIndexRecord | undefined> {
    return this.indexes.get(`${feed.url} ${feed.contentVersion}`, async () => {
      const row = await this.db.toolIndexes.get(feed.url);
      if (!row || row.version !== feed.contentVersion) return undefined;
      checkIndexRow(row, feed.url, TERM_KINDS, STATE_BUCKETS, DIGEST_BYTES);
      await this.checkFeedRow(feed, row);
      return row;
    });
  }

  /**
   * Whether a feed's row and catalogue still come to the state recorded when the copy was stored
   * (for a feed published with a manifest, the state its publisher signed), and the row's
   * publisher and dates are still those of the envelope that state was computed from (hazard H46):
   * a row changed since could make old data look current, or name another publisher.
   */
  private async checkFeedRow(feed: FeedRecord, index: ToolIndexRecord): Promise<void> {
    const { state, stateEnvelope: envelope } = feed;
    // Rows stored before the envelope was kept are checked once their feed is stored again.
    if (state === undefined || envelope === undefined) return;
    const notes = (await this.db.teamNotes.where('feedUrl').equals(feed.url).toArray()).map((record) => record.note);
    const agrees =
      JSON.stringify(feed.publisher) === JSON.stringify(envelope.publisher) &&
      feed.generatedAt === envelope.generatedAt &&
      feed.staleAfterDays === envelope.staleAfterDays &&
      feed.expiresAt === boundExpiry(envelope.expiresAt, feed.signature) &&
      storedState(index, envelope, notes) === state;
    if (!agrees) throw new DamagedCopy(feed.url, 'a feed row that does not come to its recorded state');
  }

  /** The feed rows a card may count as sources: every current copy's row and catalogue checked first, and those found damaged left out. */
  async checkedFeeds(): Promise<FeedRecord[]> {
    await this.currentIndexes();
    return (await this.feeds()).filter((feed) => !this.isDamaged(feed));
  }

  /** One feed's part of an answer; a damaged copy leaves that feed out of it (and is reported), never the other feeds. */
  private async guarded<T>(index: ToolIndexRecord, without: T, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error) {
      return this.setAside(error, index.feedUrl, index.version, without);
    }
  }

  private setAside<T>(error: unknown, feedUrl: string, version: string, without: T): T {
    if (!(error instanceof DamagedCopy)) throw error;
    const key = `${feedUrl} ${version}`;
    if (!this.damaged.has(key)) {
      this.damaged.add(key);
      // Answers cached before the damage was met may hold this feed's tools.
      this.forget();
      console.warn(`Signpost: ${error.message} Its claims are left out until it is downloaded again.`);
      this.onDamaged?.(feedUrl, version);
    }
    return without;
  }

  /** A shard of the version `index` describes; StaleRead if the row holds another. An ids shard's digests must come to its bucket's digest in the catalogue. */
  private shard(index: ToolIndexRecord, key: string): Promise<ToolShardRecord> {
    const id = shardId(index.feedUrl, key);
    const bucket = idsBucketOf(key);
    const version = shardVersion(index, key);
    return this.shards.get(`${id} ${version}`, async () => {
      const row = await this.db.toolShards.get(id);
      if (row?.version !== version) throw new StaleRead(index);
      checkShardRow(row, index.feedUrl, index.toolCount, DIGEST_BYTES, bucket !== undefined);
      if (bucket !== undefined && !sameBytes(bucketDigest(row.digests!), digestAt(index.buckets, bucket))) throw new DamagedCopy(index.feedUrl, "an ids shard that does not come to its bucket's digest");
      return row;
    });
  }

  /**
   * Whether `record` matches the digest its ids shard holds for it (hazard H46). A tool its shard
   * does not hold meets another tool's digest, or none, and fails too; a shard missing for its
   * bucket is a row missing (StaleRead).
   */
  private async checkDigest(index: ToolIndexRecord, record: ToolRecord): Promise<void> {
    const { postings, digests } = await this.shard(index, shardKey('ids', stateBucket(record.tool.id)));
    if (!sameBytes(toolDigest(record.tool), digestAt(digests!, lowerBound(postings.terms, record.id)))) throw new DamagedCopy(index.feedUrl, 'a tool that does not match its digest');
  }

  private chunk(index: ToolIndexRecord, number: number): Promise<ToolChunkRecord | undefined> {
    const id = chunkId(index.feedUrl, (index.chunkBase ?? 0) + number);
    return this.chunks.get(id, () => this.db.toolChunks.get(id));
  }

  /**
   * Runs `read` again from fresh rows while it meets two versions (a write landed between two
   * reads). A feed whose rows still disagree with its current catalogue on the third read is not
   * being rewritten but damaged (a row missing, say): it is set aside, and the others answer.
   */
  private async fresh<T>(read: () => Promise<T>): Promise<T> {
    const misses = new Map<string, number>();
    for (;;) {
      try {
        return await read();
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
        const { feedUrl, version } = error.index;
        const key = `${feedUrl} ${version}`;
        const missed = (misses.get(key) ?? 0) + 1;
        misses.set(key, missed);
        if (missed < STALE_READS_BEFORE_DAMAGE) this.forget();
        else this.setAside(new DamagedCopy(feedUrl, error.message), feedUrl, version, undefined);
      }
    }
  }

  /** The records at the positions `find` picks in each feed's index, at most `limit` in all, each checked as `checks` asks. */
  private read(find: (index: ToolIndexRecord) => Promise<number[]>, limit: number, checks: FoundChecks): Promise<ToolRecord[]> {
    return this.fresh(async () => {
      const found: ToolRecord[] = [];
      for (const index of await this.currentIndexes()) {
        found.push(...(await this.guarded(index, [], () => this.recordsAt(index, find, limit - found.length, checks))));
        if (found.length >= limit) break;
      }
      return found;
    });
  }

  private async recordsAt(index: ToolIndexRecord, find: (index: ToolIndexRecord) => Promise<number[]>, limit: number, checks: FoundChecks): Promise<ToolRecord[]> {
    const positions = (await find(index)).slice(0, limit);
    const chunks = await Promise.all([...new Set(positions.map((position) => Math.floor(position / CHUNK_SIZE)))].map(async (n) => [n, await this.chunk(index, n)] as const));
    const byNumber = new Map(chunks);
    const records = positions.map((position) => {
      const number = Math.floor(position / CHUNK_SIZE);
      const chunk = byNumber.get(number);
      // Another version: a write landed between two reads. This version with no tool there: damage.
      if (chunk?.version !== chunkVersion(index, number)) throw new StaleRead(index);
      const record: unknown = Array.isArray(chunk.records) ? chunk.records[position % CHUNK_SIZE] : undefined;
      checkToolRecord(record, index.feedUrl);
      if (!checks.holds(record)) throw new DamagedCopy(index.feedUrl, 'the index points at a tool without what it was found by');
      return record;
    });
    if (checks.digest) for (const record of records) await this.checkDigest(index, record);
    return records;
  }
}

/**
 * What each record a read finds is checked for, beyond its shape (hazard H46): that it carries
 * what the index found it by, and for the few records a card's headline or a tool's page is built
 * from, that it matches its digest.
 */
interface FoundChecks {
  holds: (record: ToolRecord) => boolean;
  digest?: boolean;
}

/** Whether a record has a term of `kind` that passes `test`. */
const carrying =
  (kind: TermKind, test: (term: string) => boolean) =>
  (record: ToolRecord): boolean => {
    for (const term of TERMS_OF[kind](record)) if (test(term)) return true;
    return false;
  };

const unique = (positions: number[]) => [...new Set(positions)];
/** Reads of one stored version that meet rows of another before it is taken for damaged. */
const STALE_READS_BEFORE_DAMAGE = 3;

