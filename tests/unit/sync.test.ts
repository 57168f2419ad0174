import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { syncFeed, syncFeeds, type SyncDeps } from '@/lib/sync/sync';
import type { SignpostDatabase } from '@/lib/storage/db';
import { ToolReader, storedToolRecords } from '@/lib/storage/tool-store';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb } from '../helpers/db';
import { fakeFetch, hang, json, resetMidBody, type Responder } from '../helpers/fetch';
import { noteRecord, sampleNote } from '../helpers/notes';

const URL_A = 'https://feeds.example/registry.json';
const NOW = Date.parse('2026-11-25T09:00:00Z');

const goodFeed = feed({
  sequence: 5,
  tools: [
    tool({ id: 'one', identifiers: { apple: ['111111111'] }, endorsements: [endorsement({ status: 'conditional' })] }),
    tool({ id: 'two', identifiers: { googlePlay: ['org.example.two'] } }),
  ],
});

function deps(db: SignpostDatabase, responder: Responder, extra: Partial<SyncDeps> = {}) {
  const network = fakeFetch(responder);
  return { deps: { db, fetch: network.fetch, now: () => NOW, ...extra }, calls: network.calls };
}

/** A database holding the good feed, as after a first successful sync. */
async function dbWithGoodFeed() {
  const db = testDb();
  const { deps: d } = deps(db, () => json(goodFeed, { etag: '"v5"', 'last-modified': 'Wed, 25 Nov 2026 08:00:00 GMT' }));
  expect(await syncFeed(d, URL_A)).toMatchObject({ status: 'updated', counts: { tools: 2, endorsements: 1, quarantined: 0 } });
  await db.notes.put(noteRecord(sampleNote({ identifiers: { apple: ['111111111'] } })));
  return db;
}

async function expectLastGoodIntact(db: SignpostDatabase) {
  const tools = await storedToolRecords(db, URL_A);
  expect(tools.map((t) => t.tool.id).sort()).toEqual(['one', 'two']);
  expect((await new ToolReader(db).recordsWithKeys(['play:org.example.two'])).map((t) => t.tool.id)).toEqual(['two']);
  expect((await db.feeds.get(URL_A))?.sequence).toBe(5);
  expect(await db.notes.get('note-1')).toEqual(noteRecord(sampleNote({ identifiers: { apple: ['111111111'] } })));
}

afterEach(() => vi.restoreAllMocks());

describe('syncFeed: success', () => {
  it('stores the tools indexed by every identifier and the feed status', async () => {
    const db = await dbWithGoodFeed();
    const reader = new ToolReader(db);
    expect((await reader.recordsWithKeys(['play:org.example.two'])).map((t) => t.tool.id)).toEqual(['two']);
    expect((await reader.recordsWithIds([`${URL_A} one`])).map((t) => t.tool.id)).toEqual(['one']);
    expect((await db.feeds.get(URL_A))?.contentVersion).toBe((await db.toolIndexes.get(URL_A))?.version);
    expect(await db.feeds.get(URL_A)).toMatchObject({
      publisher: goodFeed.publisher,
      sequence: 5,
      etag: '"v5"',
      lastSuccessAt: NOW,
      counts: { tools: 2, endorsements: 1, quarantined: 0 },
      quarantined: [],
    });
  });

  it('asks with If-None-Match / If-Modified-Since and writes no tool on 304', async () => {
    const db = await dbWithGoodFeed();
    const { deps: d, calls } = deps(db, () => new Response(null, { status: 304 }), { now: () => NOW + 1000 });
    const bulkAdd = vi.spyOn(db.toolChunks, 'bulkAdd');
    expect(await syncFeed(d, URL_A)).toEqual({ url: URL_A, status: 'unchanged' });
    expect(calls[0]!.headers).toEqual({ 'If-None-Match': '"v5"', 'If-Modified-Since': 'Wed, 25 Nov 2026 08:00:00 GMT' });
    expect(bulkAdd).not.toHaveBeenCalled();
    expect((await db.feeds.get(URL_A))?.lastSuccessAt).toBe(NOW + 1000);
    await expectLastGoodIntact(db);
  });

  it('treats the same publisher and sequence without a 304 (the bundled feed) as unchanged: no writes', async () => {
    const db = await dbWithGoodFeed();
    const { deps: d } = deps(db, () => json(goodFeed));
    const bulkAdd = vi.spyOn(db.toolChunks, 'bulkAdd');
    expect(await syncFeed(d, URL_A)).toEqual({ url: URL_A, status: 'unchanged' });
    expect(bulkAdd).not.toHaveBeenCalled();
    await expectLastGoodIntact(db);
  });

  it('replaces a feed\'s tools on a newer sequence, dropping removed tools', async () => {
    const db = await dbWithGoodFeed();
    const next = feed({ sequence: 6, tools: [tool({ id: 'three', identifiers: { apple: ['333333333'] } })] });
    const { deps: d } = deps(db, () => json(next));
    expect(await syncFeed(d, URL_A)).toMatchObject({ status: 'updated' });
    expect((await storedToolRecords(db)).map((t) => t.tool.id)).toEqual(['three']);
    expect(await new ToolReader(db).recordsWithKeys(['play:org.example.two'])).toEqual([]);
    expect(await db.notes.count()).toBe(1);
  });

  it('keeps quarantined entries with path and reason for the settings page', async () => {
    const db = testDb();
    const withBad = { ...goodFeed, tools: [...goodFeed.tools, { id: 'BAD ID', name: 'x' }] };
    const { deps: d } = deps(db, () => json(withBad));
    expect(await syncFeed(d, URL_A)).toMatchObject({ status: 'updated', counts: { tools: 2, quarantined: 1 } });
    expect((await db.feeds.get(URL_A))?.quarantined).toEqual([{ path: 'tools[2]', toolId: 'BAD ID', problems: [expect.objectContaining({ path: 'tools[2].id' })] }]);
  });

  it('does not ask "has it changed?" when nothing was stored yet', async () => {
    const db = testDb();
    await db.feeds.put({ url: URL_A, etag: '"stale"', lastError: { code: 'network', message: 'x', at: 1 } });
    const { deps: d, calls } = deps(db, () => json(goodFeed));
    await syncFeed(d, URL_A);
    expect(calls[0]!.headers).toEqual({});
    expect((await db.feeds.get(URL_A))?.lastError).toBeUndefined();
  });
});

describe('syncFeed: every failure keeps the last good data', () => {
  const failures: [string, Responder, Partial<SyncDeps>, string, RegExp][] = [
    ['404', () => new Response('nope', { status: 404 }), {}, 'http-status', /not found at this address \(HTTP 404\)/],
    ['500', () => new Response('oops', { status: 500 }), {}, 'http-status', /server had a problem \(HTTP 500\)/],
    ['403', () => new Response('no', { status: 403 }), {}, 'http-status', /refused access/],
    ['a timeout', ({ signal }) => hang(signal), { timeoutMs: 20 }, 'timeout', /took longer than/],
    ['a network failure', () => Promise.reject(new TypeError('Failed to fetch')), {}, 'network', /could not be reached/],
    ['a connection reset mid-body', () => resetMidBody('{"format":"signpost-feed","tools":['), {}, 'network', /could not be reached/],
    ['truncated JSON', () => new Response(JSON.stringify(goodFeed).slice(0, 200)), {}, 'not-json', /not valid JSON/],
    ['bytes that are not UTF-8', () => new Response(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), {}, 'not-json', /UTF-8/],
    ['an oversized body (declared)', () => new Response('{}', { headers: { 'content-length': '999999' } }), { maxBytes: 1000 }, 'too-large', /larger than Signpost accepts/],
    ['an oversized body (streamed)', () => new Response(' '.repeat(5000)), { maxBytes: 1000 }, 'too-large', /larger than Signpost accepts/],
    ['a schema-invalid envelope', () => json({ ...goodFeed, sequence: 'six' }), {}, 'invalid-feed', /sequence/],
    ['an older sequence (replay)', () => json({ ...goodFeed, sequence: 4 }), {}, 'older-sequence', /older than the copy already accepted on this computer/],
    ['a redirect to plain HTTP', () => Object.defineProperty(json(goodFeed), 'url', { value: 'http://evil.example/feed.json' }), {}, 'insecure-url', /redirected/],
  ];

  it.each(failures)('%s', async (_label, responder, extra, code, message) => {
    const db = await dbWithGoodFeed();
    const { deps: d } = deps(db, responder, { ...extra, now: () => NOW + 5000 });
    const outcome = await syncFeed(d, URL_A);
    expect(outcome).toEqual({ url: URL_A, status: 'failed', error: { code, message: expect.stringMatching(message) } });
    await expectLastGoodIntact(db);
    expect((await db.feeds.get(URL_A))).toMatchObject({ lastAttemptAt: NOW + 5000, lastSuccessAt: NOW, lastError: { code, at: NOW + 5000 } });
  });

  it('refuses a non-HTTPS feed without fetching it, but allows http on this machine', async () => {
    const db = testDb();
    const { deps: d, calls } = deps(db, () => json(goodFeed));
    expect(await syncFeed(d, 'http://feeds.example/registry.json')).toMatchObject({ status: 'failed', error: { code: 'insecure-url' } });
    expect(calls).toHaveLength(0);
    expect(await syncFeed(d, 'http://localhost:8080/feed.json')).toMatchObject({ status: 'updated' });
  });

  it('disk quota exceeded while saving', async () => {
    const db = await dbWithGoodFeed();
    const { deps: d } = deps(db, () => json({ ...goodFeed, sequence: 6 }));
    vi.spyOn(db.toolChunks, 'bulkAdd').mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    expect(await syncFeed(d, URL_A)).toMatchObject({ status: 'failed', error: { code: 'storage', message: expect.stringMatching(/not enough storage space/) } });
    await expectLastGoodIntact(db);
  });

  it('the transaction dying half-way (as when the worker is stopped) rolls back the delete', async () => {
    const db = await dbWithGoodFeed();
    const { deps: d } = deps(db, () => json({ ...goodFeed, sequence: 6, tools: [tool({ id: 'new' })] }));
    vi.spyOn(db.toolIndexes, 'put').mockImplementation(() => {
      Dexie.currentTransaction!.abort();
      return Dexie.Promise.reject(new Dexie.AbortError('worker stopped'));
    });
    expect(await syncFeed(d, URL_A)).toMatchObject({ status: 'failed', error: { code: 'storage' } });
    await expectLastGoodIntact(db);
  });

  it('a database closed mid-sync leaves the data intact when it is opened again', async () => {
    const db = await dbWithGoodFeed();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { deps: d } = deps(db, async () => {
      await gate;
      return json({ ...goodFeed, sequence: 6, tools: [] });
    });
    const pending = syncFeed(d, URL_A);
    db.close();
    release();
    expect(await pending).toMatchObject({ status: 'failed' });
    await db.open();
    await expectLastGoodIntact(db);
  });
});

describe('syncFeed: concurrency', () => {
  it('runs one sync per feed at a time: concurrent calls share one fetch', async () => {
    const db = testDb();
    const { deps: d, calls } = deps(db, () => json(goodFeed));
    const [first, second] = await Promise.all([syncFeed(d, URL_A), syncFeed(d, URL_A)]);
    expect(calls).toHaveLength(1);
    expect(first).toBe(second);
  });

  it('syncs several feeds, one failing without touching the others', async () => {
    const db = testDb();
    const other = 'https://other.example/feed.json';
    const { deps: d } = deps(db, ({ url }) => (url === other ? new Response('', { status: 500 }) : json(goodFeed)));
    const outcomes = await syncFeeds(d, [URL_A, other]);
    expect(outcomes.map((o) => o.status)).toEqual(['updated', 'failed']);
    expect(await storedToolRecords(db)).toHaveLength(2);
  });
});
