import type { ToolRecord } from '../registry/types';
import type { Postings } from './postings';

// What a stored tool row must look like before Signpost reads an answer from it (principle 4:
// stored data is input too). IndexedDB gives back exactly what was written, so a row that fails
// here was written wrong: by a bug, an interrupted or mistaken upgrade, or a profile damaged on
// disk. Reading it anyway threw TypeErrors for every feed's lookups, or answered from positions
// that belong to no tool. Design note: checks are structural and linear in the row, with no zod,
// because a card reads up to ~25 shards of ~8,000 positions cold; a tool's own fields were
// validated by the feed's schema when it was stored, and only their shape is checked here.

/** A feed's stored copy cannot be read as written: the reader leaves that feed out and reports it (docs/hazard-log.md H46). */
export class DamagedCopy extends Error {
  constructor(
    readonly feedUrl: string,
    detail: string,
  ) {
    super(`The stored copy of ${feedUrl} is damaged (${detail}).`);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** Whether `value` is postings as the builder writes them: terms sorted and distinct, starts rising from 0 to the end of positions, every position below `toolCount`. */
export function isPostings(value: unknown, toolCount: number): value is Postings {
  if (!isRecord(value)) return false;
  const { terms, starts, positions } = value;
  if (!isStringArray(terms) || !(starts instanceof Uint32Array) || !(positions instanceof Uint32Array)) return false;
  if (starts.length !== terms.length + 1 || starts[0] !== 0 || starts[terms.length] !== positions.length) return false;
  for (let term = 1; term < terms.length; term++) if (!(terms[term - 1]! < terms[term]!)) return false;
  for (let term = 0; term < terms.length; term++) if (starts[term]! > starts[term + 1]!) return false;
  for (const position of positions) if (position >= toolCount) return false;
  return true;
}

/** Checks a catalogue row (one per feed, read once per stored version). */
export function checkIndexRow(row: unknown, feedUrl: string, kinds: readonly string[], buckets: number, digestBytes: number): void {
  const fail: (detail: string) => never = (detail) => {
    throw new DamagedCopy(feedUrl, `catalogue: ${detail}`);
  };
  if (!isRecord(row)) fail('not a catalogue');
  const { toolCount, liveTools, shardStarts, shardIds, bucketSizes, buckets: digests, chunkBase } = row;
  if (!Number.isSafeInteger(toolCount) || (toolCount as number) < 0 || !Number.isSafeInteger(liveTools)) fail('tool counts');
  if (!isRecord(shardStarts) || !isRecord(shardIds)) fail('shard lists');
  for (const kind of kinds) {
    const starts = shardStarts[kind];
    const numbers = shardIds[kind];
    if (!isStringArray(starts) || !Array.isArray(numbers) || starts.length !== numbers.length || !numbers.every(Number.isSafeInteger)) fail(`${kind} shards`);
  }
  if (!(bucketSizes instanceof Uint32Array) || bucketSizes.length !== buckets) fail('bucket sizes');
  if (!(digests instanceof Uint8Array) || digests.length !== buckets * digestBytes) fail('bucket digests');
  if (chunkBase !== undefined && !Number.isSafeInteger(chunkBase)) fail('chunk numbering');
}

/** Checks a shard of a catalogue's version; an ids shard also carries one digest per id. */
export function checkShardRow(row: { postings: unknown; digests?: unknown }, feedUrl: string, toolCount: number, digestBytes: number, ids: boolean): void {
  if (!isPostings(row.postings, toolCount)) throw new DamagedCopy(feedUrl, 'an index shard');
  if (ids && !(row.digests instanceof Uint8Array && row.digests.length === row.postings.terms.length * digestBytes)) throw new DamagedCopy(feedUrl, 'an ids shard');
}

/** Checks a record read from a chunk before it is answered with: a tool of this feed, with the fields a card reads. */
export function checkToolRecord(record: unknown, feedUrl: string): asserts record is ToolRecord {
  const tool = isRecord(record) ? record.tool : undefined;
  const fine =
    isRecord(record) &&
    isRecord(tool) &&
    record.feedUrl === feedUrl &&
    typeof tool.id === 'string' &&
    record.id === `${feedUrl} ${tool.id}` &&
    typeof tool.name === 'string' &&
    isStringArray(record.keys) &&
    Array.isArray(tool.endorsements) &&
    tool.endorsements.every(isRecord) &&
    isStringArray(tool.conditions) &&
    Array.isArray(tool.facts) &&
    tool.facts.every(isRecord) &&
    isRecord(tool.identifiers);
  if (!fine) throw new DamagedCopy(feedUrl, 'a tool record');
}

/** Checks a chunk a patch rewrites: every tool it keeps must be whole (removed tools leave null). */
export function checkChunkRecords(records: unknown, feedUrl: string): void {
  if (!Array.isArray(records)) throw new DamagedCopy(feedUrl, 'a chunk');
  for (const record of records) if (record !== null && record !== undefined) checkToolRecord(record, feedUrl);
}
