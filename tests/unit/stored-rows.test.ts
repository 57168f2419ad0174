// A feed's stored copy that is not what Signpost writes (principle 4: stored data is input too):
// the reader leaves that feed out of every answer, reports it once, and answers from the others
// (a row missing or of another version, met again on a third read from fresh rows, counts too);
// before, one damaged row threw for every feed's lookups. Hazard log H46.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { buildPostings } from '@/lib/storage/postings';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { dexieSearchSource } from '@/lib/search/registry-search';
import { isPostings } from '@/lib/storage/stored-rows';
import { REPAIR_INTERVAL_MS, repairDamagedCopies } from '@/lib/storage/set-aside';
import { ToolReader, type ToolChunkRecord, type ToolIndexRecord, type ToolShardRecord } from '@/lib/storage/tool-store';
import type { SignpostDatabase } from '@/lib/storage/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb, withFeeds } from '../helpers/db';

const DAMAGED = 'https://damaged.example/feed.json';
const GOOD = 'https://good.example/feed.json';

/** Ten tools per feed, on the same App Store ids, endorsed for asthma: each answer has one tool from each feed. */
const toolsOf = (prefix: string) =>
  Array.from({ length: 10 }, (_, n) => tool({ id: `${prefix}-${n}`, name: `Example inhaler coach ${n} (test)`, conditions: ['asthma'], identifiers: { apple: [String(1_000_000_000 + n)] }, endorsements: [endorsement({ status: 'recommended' })] }));

type Damage = (db: SignpostDatabase) => Promise<void>;
const eachShard = (change: (shard: ToolShardRecord) => object): Damage => async (db) => {
  for (const shard of await db.toolShards.where('feedUrl').equals(DAMAGED).toArray()) await db.toolShards.put({ ...shard, ...change(shard) } as ToolShardRecord);
};
const eachChunk = (change: (chunk: ToolChunkRecord) => object): Damage => async (db) => {
  for (const chunk of await db.toolChunks.where('feedUrl').equals(DAMAGED).toArray()) await db.toolChunks.put({ ...chunk, ...change(chunk) } as ToolChunkRecord);
};
const catalogue = (change: (index: ToolIndexRecord) => object): Damage => async (db) => {
  const index = (await db.toolIndexes.get(DAMAGED))!;
  await db.toolIndexes.put({ ...index, ...change(index) } as ToolIndexRecord);
};

const DAMAGES: [string, Damage][] = [
  ['shards with no postings', eachShard(() => ({ postings: null }))],
  ['postings whose terms are not a list', eachShard(() => ({ postings: { terms: 5, starts: new Uint32Array(1), positions: new Uint32Array(0) } }))],
  ['positions stored as a string', eachShard((shard) => ({ postings: { ...shard.postings, positions: 'x' } }))],
  ['positions pointing past the last tool', eachShard((shard) => ({ postings: { ...shard.postings, positions: shard.postings.positions.map(() => 99_999) } }))],
  ['terms out of order (binary search would miss them)', eachShard((shard) => ({ postings: { ...shard.postings, terms: [...shard.postings.terms].reverse() } }))],
  ['an ids shard without its digests', eachShard((shard) => (shard.digests ? { digests: new Uint8Array(3) } : {}))],
  ['chunks whose records are not a list', eachChunk(() => ({ records: null }))],
  ['records without their tool', eachChunk((chunk) => ({ records: chunk.records.map((record) => ({ ...record, tool: null })) }))],
  ['a tool whose endorsements are not a list', eachChunk((chunk) => ({ records: chunk.records.map((record) => record && { ...record, tool: { ...record.tool, endorsements: 'recommended' } }) }))],
  ['a record of another feed', eachChunk((chunk) => ({ records: chunk.records.map((record) => ({ ...record, feedUrl: GOOD })) }))],
  ['a chunk with its tools gone', eachChunk(() => ({ records: [] }))],
  ['shard rows missing', async (db) => void (await db.toolShards.where('feedUrl').equals(DAMAGED).delete())],
  ['chunk rows missing', async (db) => void (await db.toolChunks.where('feedUrl').equals(DAMAGED).delete())],
  ['shards of a version no catalogue names', eachShard(() => ({ version: 'a-version-never-stored' }))],
  ['a catalogue without its shard lists', catalogue(() => ({ shardStarts: null }))],
  ['a catalogue with too few state buckets', catalogue(() => ({ bucketSizes: new Uint32Array(3) }))],
  // Well-formed rows that disagree with each other: a claim shown on the wrong app, or a claim changed.
  ['whole tools in each other\'s places (the index points at other tools)', eachChunk((chunk) => ({ records: [...chunk.records].reverse() }))],
  ['term shards whose positions point at other tools of the feed', eachShard((shard) => (shard.digests ? {} : { postings: { ...shard.postings, positions: shard.postings.positions.map((position) => (position + 1) % 10) } }))],
  ['ids shards that place each tool at another position', eachShard((shard) => (shard.digests ? { postings: { ...shard.postings, positions: shard.postings.positions.map((position) => (position + 1) % 10) } } : {}))],
  [
    'a claim changed in place (a listing made a NICE recommendation, a decision date moved)',
    eachChunk((chunk) => ({ records: chunk.records.map((record) => record && { ...record, tool: { ...record.tool, endorsements: [endorsement({ status: 'recommended', issuer: 'NICE', issuerKind: 'nice', decisionDate: '2026-11' })] } }) })),
  ],
  ['a catalogue whose bucket digests are not those of its ids shards', catalogue((index) => ({ buckets: index.buckets.map((byte) => byte ^ 1) }))],
  // The feed's row, which says who published the copy and until when it is current.
  ['a feed row whose publication date moved later (old data shown as fresh)', async (db) => void (await db.feeds.update(DAMAGED, { generatedAt: '2026-12-06T00:00:00Z' }))],
  ['a feed row given an expiry its publisher never set', async (db) => void (await db.feeds.update(DAMAGED, { expiresAt: '2099-01-01T00:00:00Z' }))],
  ['a feed row with a longer staleness period', async (db) => void (await db.feeds.update(DAMAGED, { staleAfterDays: 3650 }))],
  ['a feed row that names NICE as its publisher', async (db) => void (await db.feeds.update(DAMAGED, { publisher: { id: 'nice', name: 'NICE', kind: 'nice' } }))],
  ['a feed row whose recorded envelope was changed with it', async (db) => {
    const row = (await db.feeds.get(DAMAGED))!;
    await db.feeds.put({ ...row, generatedAt: '2026-12-06T00:00:00Z', stateEnvelope: { ...row.stateEnvelope!, generatedAt: '2026-12-06T00:00:00Z' } });
  }],
];

async function twoFeeds(damage: Damage) {
  const db = testDb();
  await withFeeds(db, { [DAMAGED]: feed({ tools: toolsOf('damaged') }), [GOOD]: feed({ tools: toolsOf('good') }) });
  await damage(db);
  const onDamaged = vi.fn();
  const version = (await db.feeds.get(DAMAGED))!.contentVersion!;
  return { db, onDamaged, version };
}

const idsOf = (records: { tool: { id: string } }[]) => records.map((record) => record.tool.id).sort();

describe('a damaged stored copy', () => {
  it.each(DAMAGES)('%s: no read throws; once met, the feed is left out of every kind of answer, and reported once', async (_, damage) => {
    const { db, onDamaged, version } = await twoFeeds(damage);
    const reader = new ToolReader(db, onDamaged);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    // Each read touches different rows; the damage is met by whichever reads the damaged one.
    await Promise.all([reader.recordsWithKeys(['apple:1000000003']), reader.recordsWithIds([`${DAMAGED} damaged-4`]), reader.recordsEndorsedFor(['asthma'], 50), reader.recordsWithWordPrefix('inhal', 50)]);
    expect(idsOf(await reader.recordsWithKeys(['apple:1000000003']))).toEqual(['good-3']);
    expect(idsOf(await reader.recordsWithIds([`${GOOD} good-4`, `${DAMAGED} damaged-4`]))).toEqual(['good-4']);
    expect(idsOf(await reader.recordsEndorsedFor(['asthma'], 50))).toEqual(toolsOf('good').map((t) => t.id).sort());
    expect(idsOf(await reader.recordsWithWordPrefix('inhal', 50))).toEqual(toolsOf('good').map((t) => t.id).sort());
    expect(await reader.countWordPrefix('coach', 100)).toBe(10);
    expect(await reader.keysWithPrefix('apple:100000000')).toHaveLength(10);
    expect(onDamaged).toHaveBeenCalledTimes(1);
    expect(onDamaged).toHaveBeenCalledWith(DAMAGED, version);
    expect(reader.isDamaged((await db.feeds.get(DAMAGED))!)).toBe(true);
    expect(reader.isDamaged((await db.feeds.get(GOOD))!)).toBe(false);
  });

  it("alternatives and search results must carry what they were found by: an index pointing at other tools does not list a mood diary as an asthma alternative", async () => {
    const db = testDb();
    const asthma = (n: number) => tool({ id: `asthma-${n}`, name: `Inhaler coach ${n} (test)`, conditions: ['asthma'], identifiers: { apple: [String(1_000_000_000 + n)] }, endorsements: [endorsement({ status: 'recommended' })] });
    const mood = (n: number) => tool({ id: `mood-${n}`, name: `Mood diary ${n} (test)`, conditions: ['depression'], identifiers: { apple: [String(1_000_000_100 + n)] }, endorsements: [endorsement({ status: 'recommended' })] });
    await withFeeds(db, { [DAMAGED]: feed({ tools: [...[0, 1, 2, 3, 4].map(asthma), ...[0, 1, 2, 3, 4].map(mood)] }) });
    // Only the condition and word shards: each position moved to the other half of the feed.
    for (const shard of await db.toolShards.where('feedUrl').equals(DAMAGED).toArray()) {
      if (shard.digests || shard.id.includes(' keys ')) continue;
      await db.toolShards.put({ ...shard, postings: { ...shard.postings, positions: shard.postings.positions.map((position) => (position + 5) % 10) } });
    }
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const read of [(reader: ToolReader) => reader.recordsEndorsedFor(['asthma'], 50), (reader: ToolReader) => reader.recordsWithWordPrefix('inhal', 50)]) {
      const onDamaged = vi.fn();
      expect(await read(new ToolReader(db, onDamaged))).toEqual([]);
      expect(onDamaged).toHaveBeenCalledTimes(1);
    }
  });

  it('a feed set aside is not a source the card counts as checked; the other feeds still are', async () => {
    const { db, onDamaged } = await twoFeeds(DAMAGES[0]![1]);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const search = dexieSearchSource(db, onDamaged);
    expect((await search.feedSummaries()).map((summary) => summary.url).sort()).toEqual([DAMAGED, GOOD]);
    await search.recordsWithKeys(['apple:1000000001']);
    expect((await search.feedSummaries()).map((summary) => summary.url)).toEqual([GOOD]);
    expect(onDamaged).toHaveBeenCalledTimes(1);
  });

  it('a damaged feed row is not counted as a source checked, even when the card asks for its sources before any tool', async () => {
    const { db, onDamaged } = await twoFeeds(DAMAGES.find(([name]) => name.startsWith('a feed row that names NICE'))![1]);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const registry = dexieRegistrySource(db, new ToolReader(db, onDamaged));
    expect((await registry.feedSummaries()).map((summary) => summary.url)).toEqual([GOOD]);
    expect(onDamaged).toHaveBeenCalledTimes(1);
  });

  it('an undamaged copy is read as before, with nothing reported', async () => {
    const { db, onDamaged } = await twoFeeds(async () => undefined);
    const registry = dexieRegistrySource(db, new ToolReader(db, onDamaged));
    expect(idsOf(await registry.recordsWithKeys(['apple:1000000002']))).toEqual(['damaged-2', 'good-2']);
    expect(onDamaged).not.toHaveBeenCalled();
  });
});

describe('isPostings', () => {
  it('accepts whatever the builder makes, and refuses it with any position past the tools', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 4 }), fc.nat(50)), { maxLength: 100 }), (pairs) => {
        const postings = buildPostings(pairs);
        const toolCount = Math.max(0, ...pairs.map(([, position]) => position + 1));
        expect(isPostings(postings, toolCount)).toBe(true);
        if (toolCount > 0) expect(isPostings(postings, toolCount - 1)).toBe(pairs.every(([, position]) => position < toolCount - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses starts that fall back or do not end at the positions', () => {
    const postings = buildPostings([['a', 0], ['a', 1], ['b', 2]]);
    expect(isPostings({ ...postings, starts: new Uint32Array([0, 2, 1]) }, 3)).toBe(false);
    expect(isPostings({ ...postings, starts: new Uint32Array([0, 2, 2]) }, 3)).toBe(false);
    expect(isPostings({ ...postings, terms: ['a', 'a'] }, 3)).toBe(false);
    expect(isPostings({ ...postings, terms: ['a', 7] }, 3)).toBe(false);
  });
});

describe('repairDamagedCopies (what the worker and the popup call when their reader finds damage)', () => {
  it('sets the damaged version aside and has that feed downloaded again; a version stored since is left alone and not downloaded', async () => {
    const { db, version } = await twoFeeds(DAMAGES[0]![1]);
    const syncFeed = vi.fn(async () => undefined);
    const repair = repairDamagedCopies(db, syncFeed, () => Date.parse('2026-11-21T09:00:00Z'));
    repair(DAMAGED, 'a-version-stored-since');
    repair(DAMAGED, version);
    await vi.waitFor(() => expect(syncFeed).toHaveBeenCalledTimes(1));
    expect(syncFeed).toHaveBeenCalledWith(DAMAGED);
    expect((await db.feeds.get(DAMAGED))?.contentVersion).toBeUndefined();
    expect(await db.toolShards.where('feedUrl').equals(DAMAGED).count()).toBe(0);
    expect((await db.feeds.get(GOOD))?.contentVersion).toBeDefined();
  });

  it('a feed found damaged again soon after its download is set aside but not downloaded again at once (no loop of downloads)', async () => {
    const { db, version } = await twoFeeds(DAMAGES[0]![1]);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let clock = Date.parse('2026-11-21T09:00:00Z');
    const syncFeed = vi.fn(async (url: string) => {
      // The download stores a copy that is (again) refused by the checks.
      await withFeeds(db, { [url]: feed({ tools: toolsOf('damaged') }) });
      await DAMAGES[0]![1](db);
    });
    const repair = repairDamagedCopies(db, syncFeed, () => clock);
    repair(DAMAGED, version);
    await vi.waitFor(() => expect(syncFeed).toHaveBeenCalledTimes(1));
    await vi.waitFor(async () => expect((await db.feeds.get(DAMAGED))?.contentVersion).not.toBe(version));
    clock += 60_000;
    repair(DAMAGED, (await db.feeds.get(DAMAGED))!.contentVersion!);
    await vi.waitFor(async () => expect((await db.feeds.get(DAMAGED))?.contentVersion).toBeUndefined());
    expect(syncFeed).toHaveBeenCalledTimes(1);
    // Later, it may be downloaded again.
    await withFeeds(db, { [DAMAGED]: feed({ tools: toolsOf('damaged') }) });
    clock += REPAIR_INTERVAL_MS;
    repair(DAMAGED, (await db.feeds.get(DAMAGED))!.contentVersion!);
    await vi.waitFor(() => expect(syncFeed).toHaveBeenCalledTimes(2));
  });

  it('a download that cannot be asked for (the worker unreachable) is reported, not thrown', async () => {
    const { db, version } = await twoFeeds(DAMAGES[0]![1]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    repairDamagedCopies(db, async () => Promise.reject(new Error('Could not establish connection')))(DAMAGED, version);
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith('Signpost: repairing a damaged copy failed', expect.any(Error)));
  });
});
