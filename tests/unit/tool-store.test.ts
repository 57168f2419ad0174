import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { buildPostings, positionsOf, positionsWithPrefix, postingsBytes } from '@/lib/storage/postings';
import { CHUNK_SIZE, PatchMismatch, ToolReader, patchFeedTools, storedToolRecords, toolRecord, toolTables, writeFeedTools } from '@/lib/storage/tool-store';
import type { Patch } from '@/lib/feed/delta';
import type { Tool } from '@/lib/feed/schema';
import { identifierKeys } from '@/lib/lookup/keys';
import { SignpostDatabase } from '@/lib/storage/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb, withFeeds } from '../helpers/db';

const URL_A = 'https://a.example/feed.json';
const URL_B = 'https://b.example/feed.json';
const ids = (records: { tool: { id: string } }[]) => records.map((record) => record.tool.id).sort();

/** `count` fictional tools with Apple ids from 1000000000, endorsed for asthma every third one. */
function tools(count: number, prefix = 'tool') {
  return Array.from({ length: count }, (_, index) =>
    tool({
      id: `${prefix}-${index}`,
      name: `Example ${prefix} ${index} (test)`,
      conditions: ['asthma'],
      identifiers: { apple: [String(1000000000 + index)] },
      endorsements: index % 3 === 0 ? [endorsement({ status: 'recommended' })] : [],
    }),
  );
}

describe('postings: sorted term → positions', () => {
  it('finds every position of a term and of a prefix, and nothing for absent terms (against a plain Map)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.nat(50)), { maxLength: 200 }), fc.string({ maxLength: 3 }), (pairs, probe) => {
        const postings = buildPostings(pairs);
        const expected = new Map<string, Set<number>>();
        for (const [term, position] of pairs) expected.set(term, (expected.get(term) ?? new Set()).add(position));
        for (const [term, positions] of expected) expect(new Set(positionsOf(postings, term))).toEqual(positions);
        expect(new Set(positionsOf(postings, probe))).toEqual(expected.get(probe) ?? new Set());
        const withPrefix = new Set([...expected].filter(([term]) => term.startsWith(probe)).flatMap(([, positions]) => [...positions]));
        expect(new Set(positionsWithPrefix(postings, probe, Infinity))).toEqual(withPrefix);
        expect(positionsWithPrefix(postings, probe, 3).length).toBe(Math.min(3, withPrefix.size));
      }),
      { numRuns: 500 },
    );
  });
});

describe('tools stored in chunks', () => {
  it('a feed of several chunks is stored whole and in order; every tool is found by key, id, word and endorsed condition', async () => {
    const db = testDb();
    const many = tools(CHUNK_SIZE * 2 + 5);
    await withFeeds(db, { [URL_A]: feed({ tools: many }) });
    expect(await db.toolChunks.count()).toBe(3);
    expect(await storedToolRecords(db, URL_A)).toEqual(many.map((value) => toolRecord(URL_A, value)));

    const reader = new ToolReader(db);
    for (const index of [0, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE * 2 + 4]) {
      expect(ids(await reader.recordsWithKeys([`apple:${1000000000 + index}`]))).toEqual([`tool-${index}`]);
      expect(ids(await reader.recordsWithIds([`${URL_A} tool-${index}`]))).toEqual([`tool-${index}`]);
    }
    expect(await reader.recordsWithKeys(['apple:999'])).toEqual([]);
    const endorsed = await reader.recordsEndorsedFor(['asthma'], 1000);
    expect(endorsed).toHaveLength(Math.ceil(many.length / 3));
    expect(endorsed.every((record) => Number(record.tool.id.split('-')[1]) % 3 === 0)).toBe(true);
    expect(await reader.recordsEndorsedFor(['asthma'], 4)).toHaveLength(4);
    expect(await reader.countWordPrefix('examp', 10)).toBe(10);
    expect(ids(await reader.recordsWithWordPrefix(String(CHUNK_SIZE * 2 + 4), 10))).toEqual([`tool-${CHUNK_SIZE * 2 + 4}`]);
  });

  it('a tool known to two feeds is found in both', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ tools: tools(3) }), [URL_B]: feed({ tools: tools(2, 'other') }) });
    expect(ids(await new ToolReader(db).recordsWithKeys(['apple:1000000001']))).toEqual(['other-1', 'tool-1']);
  });

  it('a reader kept open (the worker\'s) sees a newer version of a feed stored through another connection', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ sequence: 1, tools: tools(3) }) });
    const reader = new ToolReader(db);
    expect(ids(await reader.recordsWithKeys(['apple:1000000002']))).toEqual(['tool-2']);

    // Another extension page (the settings page importing a file) has its own connection.
    const other = new SignpostDatabase(db.name);
    await withFeeds(other, { [URL_A]: feed({ sequence: 2, tools: tools(2, 'renamed') }) });
    await vi.waitFor(async () => expect(ids(await reader.recordsWithKeys(['apple:1000000001']))).toEqual(['renamed-1']));
    expect(await reader.recordsWithKeys(['apple:1000000002'])).toEqual([]);
    other.close();
  });

  it('a chunk of another version than its index is never mixed in: the read starts again, and a copy that stays so is set aside as damaged', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ sequence: 1, tools: tools(3) }) });
    const onDamaged = vi.fn();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const reader = new ToolReader(db, onDamaged);
    await reader.feeds();
    // The index is cached for version 1; the chunk on disk now says otherwise, as after a write
    // that the reader has not yet heard of. It must not answer from that chunk.
    const [chunk] = await db.toolChunks.toArray();
    await db.toolChunks.put({ ...chunk!, version: 'another', records: [] });
    expect(await reader.recordsWithKeys(['apple:1000000001'])).toEqual([]);
    expect(onDamaged).toHaveBeenCalledWith(URL_A, (await db.feeds.get(URL_A))!.contentVersion);
  });

  it('a write landing between two reads: the read starts again from fresh rows and answers, with nothing taken for damage', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ sequence: 1, tools: tools(3) }) });
    const onDamaged = vi.fn();
    const reader = new ToolReader(db, onDamaged);
    const [chunk] = await db.toolChunks.toArray();
    vi.spyOn(db.toolChunks, 'get').mockResolvedValueOnce({ ...chunk!, version: 'being-replaced' });
    expect(ids(await reader.recordsWithKeys(['apple:1000000001']))).toEqual(['tool-1']);
    expect(onDamaged).not.toHaveBeenCalled();
  });

  it('a read that fails (storage busy) is not remembered: the next lookup reads again', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ tools: tools(2) }) });
    const reader = new ToolReader(db);
    vi.spyOn(db.toolIndexes, 'get').mockRejectedValueOnce(new DOMException('busy', 'UnknownError'));
    await expect(reader.recordsWithKeys(['apple:1000000001'])).rejects.toThrow('busy');
    expect(ids(await reader.recordsWithKeys(['apple:1000000001']))).toEqual(['tool-1']);
  });

  it('card alternatives are remembered until the registry changes', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ sequence: 1, tools: tools(6) }) });
    const reader = new ToolReader(db);
    const first = await reader.recordsEndorsedFor(['asthma'], 10);
    expect(ids(first)).toEqual(['tool-0', 'tool-3']);
    // The very same answer, not a new read of the index and chunks.
    expect(await reader.recordsEndorsedFor(['asthma'], 10)).toBe(first);

    await withFeeds(db, { [URL_A]: feed({ sequence: 2, tools: tools(2) }) });
    expect(ids(await reader.recordsEndorsedFor(['asthma'], 10))).toEqual(['tool-0']);
  });
});

describe('patching the sharded index in place (issue #15)', () => {
  const SIZE = 1_500;
  const HOST = 'a-rather-long-host-name-for-sharding.example.org';
  /** Tool `n` of generation `g`: long keys and distinct words, so each kind of postings spans several shards. */
  const numbered = (n: number, generation = 0) =>
    tool({
      id: `tool-${n}`,
      name: `Example ${n} ${generation ? `renamed${generation}` : "original"} alpha${n} beta${n} gamma${n} (test)`,
      conditions: [n % 2 ? 'asthma' : 'copd'],
      identifiers: { apple: [String(1000000000 + n + generation * 10_000)], googlePlay: [`org.example.tool${n}.g${generation}`], web: [{ origin: `https://t${n}.${HOST}` }] },
      endorsements: n % 3 === generation % 3 ? [endorsement({ status: 'recommended' })] : [],
    });
  const base = Array.from({ length: SIZE }, (_, n) => numbered(n));
  const patchOf = (upsert: Tool[], remove: string[]): Patch => ({ feedId: 'f', from: { sequence: 1, state: '0'.repeat(64) }, to: { sequence: 2, state: '0'.repeat(64) }, envelope: { publisher: feed().publisher, generatedAt: '2026-11-01T00:00:00Z' }, upsert, remove });
  /** What a reader answers for the terms a change could have touched, ids sorted. */
  async function answers(db: SignpostDatabase, probes: number[]) {
    const reader = new ToolReader(db);
    const out: Record<string, string[]> = {};
    for (const n of probes) {
      for (const generation of [0, 1, 2]) {
        const probe = numbered(n, generation);
        for (const key of identifierKeys(probe.identifiers)) out[key] = ids(await reader.recordsWithKeys([key]));
      }
      out[`id ${n}`] = ids(await reader.recordsWithIds([`${URL_A} tool-${n}`]));
      out[`word ${n}`] = ids(await reader.recordsWithWordPrefix(String(n), 100));
    }
    for (const word of ['renamed1', 'renamed2', 'original', 'exam', 'r']) out[`prefix ${word}`] = [String(await reader.countWordPrefix(word, 10_000))];
    out['keys web:t1'] = (await reader.keysWithPrefix('web:t1')).sort();
    out['endorsed'] = ids(await reader.recordsEndorsedFor(['asthma', 'copd'], 10_000));
    return out;
  }

  it('a store patched in place answers every lookup, and comes to the same state, as one built from the patched feed', async () => {
    const built = testDb();
    await built.transaction('rw', toolTables(built), () => writeFeedTools(built, URL_A, 'v1', base.map((t) => toolRecord(URL_A, t))));
    const index = (await built.toolIndexes.get(URL_A))!;
    for (const kind of ['keys', 'words'] as const) expect(index.shardStarts[kind].length, kind).toBeGreaterThan(3);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.nat(SIZE + 50), { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom('remove', 'change', 'change-back'), { minLength: 12, maxLength: 12 }),
        async (numbers, kinds) => {
          const db = testDb();
          await db.transaction('rw', toolTables(db), () => writeFeedTools(db, URL_A, 'v1', base.map((t) => toolRecord(URL_A, t))));
          await db.feeds.put({ url: URL_A, contentVersion: 'v1' });
          const remove = numbers.filter((n, i) => n < SIZE && kinds[i] === 'remove').map((n) => `tool-${n}`);
          const upsert = numbers.filter((n, i) => n >= SIZE || kinds[i] !== 'remove').map((n, i) => numbered(n, kinds[i] === 'change' ? 1 : 2));
          const { index: patched } = await db.transaction('rw', toolTables(db), () => patchFeedTools(db, URL_A, patchOf(upsert, remove)));
          await db.feeds.put({ url: URL_A, contentVersion: 'v1' }); // a write to feeds, as sync makes: readers forget

          const expected = [...base.filter((t) => !remove.includes(t.id)).map((t) => upsert.find((u) => u.id === t.id) ?? t), ...upsert.filter((u) => Number(u.id.slice(5)) >= SIZE)];
          const oracle = testDb();
          const fresh = await oracle.transaction('rw', toolTables(oracle), () => writeFeedTools(oracle, URL_A, 'v1', expected.map((t) => toolRecord(URL_A, t))));
          await oracle.feeds.put({ url: URL_A, contentVersion: 'v1' });
          expect(patched.buckets).toEqual(fresh.buckets);
          expect(patched.liveTools).toBe(expected.length);
          const probes = [...numbers, 0, SIZE - 1];
          expect(await answers(db, probes)).toEqual(await answers(oracle, probes));
          expect(ids(await storedToolRecords(db, URL_A))).toEqual(ids(expected.map((t) => toolRecord(URL_A, t))));
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('a feed kept up to date by patches alone keeps small shards: a shard grown past twice its size is split, and lookups still agree', async () => {
    const db = testDb();
    await db.transaction('rw', toolTables(db), () => writeFeedTools(db, URL_A, 'v1', base.map((t) => toolRecord(URL_A, t))));
    await db.feeds.put({ url: URL_A, contentVersion: 'v1' });
    const before = (await db.toolIndexes.get(URL_A))!;
    // New tools whose keys all sort after every key held, so all land in the last keys shard.
    const late = (n: number) => tool({ id: `zz-${n}`, name: `Late ${n} (test)`, identifiers: { web: [{ origin: `https://zz${n}.${HOST}` }] } });
    const added: Tool[] = [];
    for (let day = 0; day < 4; day++) {
      const batch = Array.from({ length: 250 }, (_, i) => late(day * 250 + i));
      added.push(...batch);
      await db.transaction('rw', toolTables(db), () => patchFeedTools(db, URL_A, patchOf(batch, [])));
      await db.feeds.put({ url: URL_A, contentVersion: 'v1' });
    }
    const after = (await db.toolIndexes.get(URL_A))!;
    expect(after.shardStarts.keys.length).toBeGreaterThan(before.shardStarts.keys.length + 1);
    expect(after.shardStarts.keys).toEqual([...after.shardStarts.keys].sort());
    expect(new Set(after.shardIds.keys).size).toBe(after.shardIds.keys.length);
    const keyShards = (await db.toolShards.where('feedUrl').equals(URL_A).toArray()).filter((row) => row.id.includes(' keys '));
    expect(keyShards).toHaveLength(after.shardStarts.keys.length);
    for (const row of keyShards) expect(postingsBytes(row.postings), row.id).toBeLessThanOrEqual(2 * 32 * 1024);

    const oracle = testDb();
    const fresh = await oracle.transaction('rw', toolTables(oracle), () => writeFeedTools(oracle, URL_A, 'v1', [...base, ...added].map((t) => toolRecord(URL_A, t))));
    await oracle.feeds.put({ url: URL_A, contentVersion: 'v1' });
    expect(after.buckets).toEqual(fresh.buckets);
    const reader = new ToolReader(db);
    const oracleReader = new ToolReader(oracle);
    for (const value of [...added.filter((_, i) => i % 37 === 0), added.at(-1)!, base[0]!, base.at(-1)!]) {
      for (const key of identifierKeys(value.identifiers)) expect(ids(await reader.recordsWithKeys([key])), key).toEqual(ids(await oracleReader.recordsWithKeys([key])));
    }
    expect((await reader.keysWithPrefix('web:zz')).sort()).toEqual((await oracleReader.keysWithPrefix('web:zz')).sort());
    expect(await reader.keysWithPrefix('web:zz')).toHaveLength(added.length);
  }, 60_000);

  it('a shard of another version than its catalogue is never used: the read starts again, and a copy that stays so is set aside as damaged', async () => {
    const db = testDb();
    await withFeeds(db, { [URL_A]: feed({ sequence: 1, tools: tools(3) }) });
    const onDamaged = vi.fn();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const reader = new ToolReader(db, onDamaged);
    await reader.feeds();
    const shard = (await db.toolShards.toArray()).find((row) => row.id.endsWith(' keys 0'))!;
    await db.toolShards.put({ ...shard, version: 'another' });
    const get = vi.spyOn(db.toolShards, 'get');
    expect(await reader.recordsWithKeys(['apple:1000000001'])).toEqual([]);
    // Read three times from fresh rows before it was judged damaged.
    expect(get.mock.calls.filter(([id]) => (id as unknown) === shard.id)).toHaveLength(3);
    expect(onDamaged).toHaveBeenCalledTimes(1);
  });

  it('a patch on a copy missing a shard it needs is refused whole (PatchMismatch), nothing written', async () => {
    const db = testDb();
    await db.transaction('rw', toolTables(db), () => writeFeedTools(db, URL_A, 'v1', base.slice(0, 50).map((t) => toolRecord(URL_A, t))));
    await db.toolShards.delete(`${URL_A} keys 0`);
    const before = await db.toolShards.toArray();
    await expect(db.transaction('rw', toolTables(db), () => patchFeedTools(db, URL_A, patchOf([numbered(3, 1)], [])))).rejects.toBeInstanceOf(PatchMismatch);
    expect(await db.toolShards.toArray()).toEqual(before);
  });
});
