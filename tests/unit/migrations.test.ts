import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, SignpostDatabase } from '@/lib/storage/db';
import { CHUNK_SIZE, ToolReader, storedToolRecords, toolRecord } from '@/lib/storage/tool-store';
import { endorsement, tool } from '../helpers/feeds';
import { noteRecord, sampleFeedNote, sampleNote } from '../helpers/notes';
import { feedState } from '@/lib/feed/delta';
import { openAsVersion } from '../helpers/db';
import type { ToolRecord } from '@/lib/registry/types';


describe('schema migrations', () => {
  it('declares strictly increasing versions', () => {
    const versions = SCHEMA_VERSIONS.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('v1 → current keeps tools, feeds, notes and settings, and indexes endorsed conditions and search words', async () => {
    const name = `migrate-${Math.random()}`;
    const v1 = openAsVersion(name, 1);
    const endorsed = tool({
      id: 'copd-coach',
      conditions: ['copd', 'asthma'],
      identifiers: { apple: ['123456789'] },
      endorsements: [endorsement({ status: 'conditional', conditions: ['copd'] }), endorsement({ status: 'recommended', sourceType: 'vendor-stated' })],
    });
    await v1.table('tools').put(toolRecord('https://feed.example', endorsed));
    await v1.table('feeds').put({ url: 'https://feed.example', sequence: 3 });
    await v1.table('notes').put({ id: 'n1', toolKeys: ['apple:123456789'], updatedAt: 1 });
    await v1.table('settings').put({ key: 'subscriptions', value: [{ url: 'https://feed.example', addedAt: 1 }] });
    v1.close();

    const current = new SignpostDatabase(name);
    await current.open();
    expect(current.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    // v5: the tool is in its feed's chunk, exactly as v1 held it (v2's conditions and v3's derived
    // fields are gone); found by the conditions its independent claims endorse it for (not the
    // vendor's), by the words of its name and conditions, and by its key.
    expect(current.tables.map((table) => table.name)).not.toContain('tools');
    expect(await storedToolRecords(current)).toEqual([toolRecord('https://feed.example', endorsed)]);
    const reader = new ToolReader(current);
    const ids = (records: { tool: { id: string } }[]) => records.map((record) => record.tool.id);
    expect(ids(await reader.recordsEndorsedFor(['copd'], 10))).toEqual(['copd-coach']);
    expect(await reader.recordsEndorsedFor(['asthma'], 10)).toEqual([]);
    expect(ids(await reader.recordsWithWordPrefix('exam', 10))).toEqual(['copd-coach']);
    expect(await reader.countWordPrefix('copd', 10)).toBe(1);
    expect(ids(await reader.recordsWithKeys(['apple:123456789']))).toEqual(['copd-coach']);
    expect(await current.feeds.get('https://feed.example')).toEqual({ url: 'https://feed.example', sequence: 3, contentVersion: expect.any(String) });
    expect(await current.notes.get('n1')).toEqual({ id: 'n1', toolKeys: ['apple:123456789'], updatedAt: 1 });
    expect(await current.settings.get('subscriptions')).toBeDefined();
    current.close();
  });

  it('an upgrade that fails leaves the old database and its notes untouched', async () => {
    const name = `migrate-fail-${Math.random()}`;
    const v1 = openAsVersion(name, 1);
    await v1.table('notes').put({ id: 'n1', toolKeys: [], updatedAt: 1 });
    await v1.table('tools').put({ id: 'broken', feedUrl: 'x', keys: [] }); // no `tool`: the v2 upgrade throws on it
    v1.close();

    const current = new SignpostDatabase(name);
    await expect(current.open()).rejects.toThrow();
    current.close();

    const reopened = openAsVersion(name, 1);
    await reopened.open();
    expect(reopened.verno).toBe(1);
    expect(await reopened.table('notes').get('n1')).toEqual({ id: 'n1', toolKeys: [], updatedAt: 1 });
    reopened.close();
  });
});

describe('v4: peer notes', () => {
  it('v3 → v4 keeps every own note, finds it by its tool, and adds an empty table for team notes', async () => {
    const name = `migrate-notes-${Math.random()}`;
    const v3 = openAsVersion(name, 3);
    const notes = [noteRecord(sampleNote()), noteRecord(sampleNote({ id: 'note-2', identifiers: { googlePlay: ['org.example.coach'] }, verdict: 'use-with-care' }))];
    await v3.table('notes').bulkPut(notes);
    v3.close();

    const current = new SignpostDatabase(name);
    await current.open();
    expect(await current.notes.toArray()).toEqual(notes);
    expect((await current.notes.where('toolKeys').equals('play:org.example.coach').toArray()).map((r) => r.id)).toEqual(['note-2']);
    expect(await current.teamNotes.count()).toBe(0);
    current.close();
  });
});

describe('v5: tools in chunks', () => {
  it('v4 → current moves every tool of every feed into its feed\'s chunks, findable as before', async () => {
    const name = `migrate-chunks-${Math.random()}`;
    const v4 = openAsVersion(name, 4);
    const big = 'https://big.example/feed.json';
    const small = 'https://small.example/feed.json';
    // More tools than one chunk holds, so a tool past the boundary must be found in the second chunk.
    const bigTools = Array.from({ length: CHUNK_SIZE + 3 }, (_, index) => tool({ id: `tool-${index}`, name: `Example Tool ${index} (test)`, identifiers: { apple: [String(1000000000 + index)] } }));
    const smallTools = [tool({ id: 'shared', identifiers: { apple: ['1000000002'] } })];
    const asV4 = (feedUrl: string, value: ReturnType<typeof tool>) => ({ ...toolRecord(feedUrl, value), endorsedFor: [], words: ['example'] });
    await v4.table('tools').bulkPut([...bigTools.map((value) => asV4(big, value)), ...smallTools.map((value) => asV4(small, value))]);
    await v4.table('feeds').bulkPut([{ url: big, sequence: 1 }, { url: small, sequence: 2 }]);
    await v4.table('notes').put(noteRecord(sampleNote()));
    v4.close();

    const current = new SignpostDatabase(name);
    await current.open();
    // v4 kept no feed order (rows were keyed by id), so the chunks hold the tools in id order.
    const byId = (records: ToolRecord[]) => [...records].sort((a, b) => a.id.localeCompare(b.id));
    expect(byId(await storedToolRecords(current, big))).toEqual(byId(bigTools.map((value) => toolRecord(big, value))));
    expect(await storedToolRecords(current, small)).toEqual(smallTools.map((value) => toolRecord(small, value)));
    for (const url of [big, small]) {
      const feed = await current.feeds.get(url);
      expect((await current.toolIndexes.get(url))?.version).toBe(feed?.contentVersion);
    }
    const reader = new ToolReader(current);
    const last = await reader.recordsWithKeys([`apple:${1000000000 + CHUNK_SIZE + 2}`]);
    expect(last.map((record) => record.id)).toEqual([`${big} tool-${CHUNK_SIZE + 2}`]);
    expect((await reader.recordsWithKeys(['apple:1000000002'])).map((record) => record.id).sort()).toEqual([`${big} tool-2`, `${small} shared`]);
    expect(await current.notes.toArray()).toEqual([noteRecord(sampleNote())]);
    current.close();
  });
});

describe('v8: the signposting record', () => {
  it('v6 → current keeps notes, feeds and settings, and adds empty tables for entries (by day and tool) and follow-ups', async () => {
    const name = `migrate-record-${Math.random()}`;
    const v6 = openAsVersion(name, 6);
    await v6.table('notes').put(noteRecord(sampleNote()));
    await v6.table('feeds').put({ url: 'https://feed.example', sequence: 4 });
    await v6.table('settings').put({ key: 'profile', value: { displayName: 'Dr Example (test)' } });
    v6.close();

    const current = new SignpostDatabase(name);
    await current.open();
    expect(current.verno).toBeGreaterThanOrEqual(8);
    expect(await current.notes.toArray()).toEqual([noteRecord(sampleNote())]);
    expect(await current.feeds.get('https://feed.example')).toEqual({ url: 'https://feed.example', sequence: 4 });
    expect(await current.settings.get('profile')).toEqual({ key: 'profile', value: { displayName: 'Dr Example (test)' } });
    expect(await current.signpostings.count()).toBe(0);
    expect(await current.followUps.count()).toBe(0);
    const indexes = current.signpostings.schema.indexes.map((index) => index.name).sort();
    expect(indexes).toEqual(['date', 'tool.recordId']);
    // The indexes answer: entries by day (retention) and by tool (follow-up).
    await current.signpostings.add({ id: 'e1', date: '2027-01-02', tool: { recordId: 'feed tool', name: 'x', keys: [] } } as never);
    expect(await current.signpostings.where('date').below('2027-02-01').count()).toBe(1);
    expect(await current.signpostings.where('tool.recordId').equals('feed tool').count()).toBe(1);
    current.close();
  });
});

describe('v9: the index in shards, the state over hash buckets', () => {
  it('v8 → current rebuilds each feed from its current chunks only (patched chunks in, the other half and stale chunks out) and recomputes its state as a publisher would', async () => {
    const name = `migrate-shards-${Math.random()}`;
    const v8 = openAsVersion(name, 8);
    const url = 'https://feed.example/feed.json';
    const tools = Array.from({ length: CHUNK_SIZE + 2 }, (_, index) => tool({ id: `tool-${index}`, name: `Example Tool ${index} (test)`, identifiers: { apple: [String(1000000000 + index)] } }));
    const renamed = { ...tools[1]!, name: 'Example Tool 1, renamed by a patch (test)' };
    const STAGING = 1_000_000;
    const records = tools.map((value) => toolRecord(url, value));
    await v8.table('toolChunks').bulkPut([
      // The version in use, in the upper half: chunk 0 rewritten by a patch (tool 1 renamed, tool 2 removed).
      { id: `${url} ${STAGING}`, feedUrl: url, version: 'patched', records: [records[0], toolRecord(url, renamed), null, ...records.slice(3, CHUNK_SIZE)] },
      { id: `${url} ${STAGING + 1}`, feedUrl: url, version: 'v', records: records.slice(CHUNK_SIZE) },
      // Left over: the old half, and a chunk 0 of the version before the patch.
      { id: `${url} 0`, feedUrl: url, version: 'older', records: records.slice(0, CHUNK_SIZE) },
    ]);
    await v8.table('toolIndexes').put({ feedUrl: url, version: 'v', toolCount: tools.length, chunkBase: STAGING, chunkVersions: { 0: 'patched' } });
    const publisher = { id: 'example', name: 'Example ICB (test)', kind: 'local-network' as const };
    await v8.table('feeds').put({ url, contentVersion: 'v', publisher, sequence: 5, generatedAt: '2026-11-01T00:00:00Z', expiresAt: '2027-11-01T00:00:00Z', state: 'f'.repeat(64) });
    const note = sampleFeedNote({ id: 'team-1' });
    await v8.table('teamNotes').put({ id: `${url} team-1`, feedUrl: url, toolKeys: [], note });
    v8.close();

    const current = new SignpostDatabase(name);
    await current.open();
    const expected = [tools[0]!, renamed, ...tools.slice(3)];
    expect(await storedToolRecords(current, url)).toEqual(expected.map((value) => toolRecord(url, value)));
    const feed = await current.feeds.get(url);
    expect(feed?.state).toBe(feedState({ format: 'signpost-feed', version: 2, sequence: 5, publisher, generatedAt: '2026-11-01T00:00:00Z', expiresAt: '2027-11-01T00:00:00Z', tools: expected, notes: [note] }));
    expect((await current.toolIndexes.get(url))?.version).toBe(feed?.contentVersion);
    const reader = new ToolReader(current);
    expect((await reader.recordsWithKeys(['apple:1000000002'])).map((record) => record.id)).toEqual([]);
    expect((await reader.recordsWithWordPrefix('renamed', 10)).map((record) => record.id)).toEqual([`${url} tool-1`]);
    expect(await current.toolChunks.count()).toBe(2);
    current.close();
  });
});
