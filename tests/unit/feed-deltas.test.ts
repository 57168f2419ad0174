// Feeds published as a signed manifest, a snapshot and patches (issue #15): a client one or a few
// publications behind downloads only the patch and checks the result against the signed state; a
// bad, missing, foreign or mismatched patch, or a cut-off snapshot, never costs the copy it holds.
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { diffFeeds, feedState, readPatch, type Patch } from '@/lib/feed/delta';
import { generateKeyPair, type KeyPair } from '@/lib/feed/keys';
import { parseFeed } from '@/lib/feed/parse';
import type { Feed, Tool } from '@/lib/feed/schema';
import { readFeedFile, signFeedText, type FeedFile } from '@/lib/feed/signature';
import { INLINE_PATCH_BYTES, MANIFEST_FILE, publishFeed, type Folder } from '@/lib/publish/publish';
import { previewFeed } from '@/lib/settings/feeds';
import type { SignpostDatabase } from '@/lib/storage/db';
import { ToolReader, storedToolRecords } from '@/lib/storage/tool-store';
import { feedSummary } from '@/lib/storage/registry-source';
import { setAsideDamagedCopy } from '@/lib/storage/set-aside';
import { readSnapshot, storeFeed, syncFeed, type SyncOutcome } from '@/lib/sync/sync';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch } from '../helpers/fetch';

const BASE = 'https://icb.example/signpost/';
const MANIFEST_URL = `${BASE}${MANIFEST_FILE}`;
const DAY_MS = 86_400_000;
const START = Date.parse('2026-11-20T09:00:00Z');

const registryTool = (n: number, status: 'listed' | 'recommended' = 'listed'): Tool =>
  tool({ id: `tool-${String(n).padStart(4, '0')}`, name: `Registry tool ${n} (test)`, identifiers: { apple: [String(1_000_000_000 + n)] }, endorsements: [endorsement({ status })] });

const version = (sequence: number, tools: Tool[], day = sequence - 1): Feed =>
  feed({ version: 2, sequence, generatedAt: new Date(START + day * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'), publisher: { id: 'example-icb', name: 'Example ICB (test)', kind: 'local-network' }, tools });

const text = (value: Feed) => `${JSON.stringify(value, null, 2)}\n`;

function memoryFolder() {
  const files = new Map<string, string>();
  const folder: Folder = {
    list: async (directory) => [...files.keys()].filter((path) => path.startsWith(`${directory}/`)).map((path) => path.slice(directory.length + 1)),
    read: async (path) => files.get(path) ?? null,
    write: async (path, content) => void files.set(path, content),
    remove: async (path) => void files.delete(path),
  };
  return { files, folder };
}

/** A static host serving the folder, with ETags and 304s, counting requests and bytes. */
function staticHost(files: Map<string, string>) {
  const log: { path: string; status: number; bytes: number }[] = [];
  const network = fakeFetch(({ url, headers }) => {
    const path = url.slice(BASE.length);
    const body = files.get(path);
    if (body === undefined) {
      log.push({ path, status: 404, bytes: 0 });
      return new Response('not found', { status: 404 });
    }
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (headers['If-None-Match'] === etag) {
      log.push({ path, status: 304, bytes: 0 });
      return new Response(null, { status: 304 });
    }
    log.push({ path, status: 200, bytes: Buffer.byteLength(body) });
    return new Response(body, { status: 200, headers: { etag } });
  });
  return { ...network, log };
}

let keyPair: KeyPair | undefined;
const key = async () => (keyPair ??= await generateKeyPair());

async function publisher() {
  const pair = await key();
  const { files, folder } = memoryFolder();
  const publish = async (value: Feed, at = Date.parse(value.generatedAt)) => {
    const report = await publishFeed('feed.json', text(value), folder, { keys: [{ file: 'key.jwk', text: JSON.stringify(pair.privateJwk) }], urls: [MANIFEST_URL], now: at });
    expect(report.exitCode, report.lines.join('\n')).toBe(0);
    return report;
  };
  return { files, folder, publish, pair };
}

function client(host: ReturnType<typeof staticHost>, pair: KeyPair, db: SignpostDatabase = testDb()) {
  const sync = (at: number): Promise<SyncOutcome> => syncFeed({ db, fetch: host.fetch, now: () => at, anchorsFor: async () => ({ anchors: [pair.publicKey], via: 'subscription', bundled: false }) }, MANIFEST_URL);
  return { db, sync };
}

const storedIds = async (db: SignpostDatabase) => (await storedToolRecords(db, MANIFEST_URL)).map((record) => record.tool.id).sort();
const lastRequests = (host: ReturnType<typeof staticHost>, since: number) => host.log.slice(since);

const TOOLS = Array.from({ length: 300 }, (_, n) => registryTool(n));
const v1 = version(1, TOOLS);
/** One tool changed (its endorsement), one removed, one added. */
const v2 = version(2, [...TOOLS.slice(0, 10), registryTool(10, 'recommended'), ...TOOLS.slice(12), registryTool(900)]);

describe('deltas: one small patch instead of the whole feed', () => {
  it('a client one publication behind gets the change in one request, from the patch inside the manifest, and holds exactly the signed state', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    expect(await sync(START)).toMatchObject({ status: 'updated', counts: { tools: 300 } });
    expect(host.log.map((entry) => entry.path)).toEqual([MANIFEST_FILE, 'snapshots/1.json']);

    await publish(v2);
    const before = host.log.length;
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'updated', counts: { tools: 300, endorsements: 300 } });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE]);
    expect(await storedIds(db)).toEqual(v2.tools.map((t) => t.id).sort());
    const row = await db.feeds.get(MANIFEST_URL);
    expect(row).toMatchObject({ sequence: 2, state: feedState(parsed(v2)) });
    const reader = new ToolReader(db);
    expect((await reader.recordsWithKeys(['apple:1000000010'])).map((record) => record.tool.endorsements[0]?.status)).toEqual(['recommended']);
    expect(await reader.recordsWithKeys(['apple:1000000011'])).toEqual([]);
    expect((await reader.recordsWithKeys(['apple:1000000900'])).map((record) => record.tool.id)).toEqual(['tool-0900']);
    // Nothing else: a 304 on the manifest, no writes.
    const after = host.log.length;
    expect(await sync(START + DAY_MS + 1000)).toEqual({ url: MANIFEST_URL, status: 'unchanged' });
    expect(lastRequests(host, after)).toEqual([{ path: MANIFEST_FILE, status: 304, bytes: 0 }]);
  });

  it("a patch to a version that drops its staleness period and expiry leaves neither on the feed's row, which still reads as undamaged", async () => {
    const { files, publish, pair } = await publisher();
    await publish({ ...v1, staleAfterDays: 180, expiresAt: '2027-06-01T00:00:00Z' });
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    expect(await db.feeds.get(MANIFEST_URL)).toMatchObject({ staleAfterDays: 180 });
    await publish(v2);
    const before = host.log.length;
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE]);
    const row = (await db.feeds.get(MANIFEST_URL))!;
    expect(row.staleAfterDays).toBeUndefined();
    // Only the signed header's expiry binds it now.
    expect(row.expiresAt).toBe(row.signature?.status === 'verified' ? row.signature.expiresAt : undefined);
    const onDamaged = vi.fn();
    expect(await new ToolReader(db, onDamaged).recordsWithKeys(['apple:1000000010'])).toHaveLength(1);
    expect(onDamaged).not.toHaveBeenCalled();
  });

  it('the same publication signed again (a nightly publish of an unchanged feed) is not downloaded, and the row takes the new header expiry without reading as damaged', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    await publish(v1, START + 10 * DAY_MS);
    const before = host.log.length;
    expect(await sync(START + 10 * DAY_MS)).toMatchObject({ status: 'unchanged' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE]);
    const row = (await db.feeds.get(MANIFEST_URL))!;
    expect(row.signature?.status === 'verified' && row.signature.expiresAt).toBe(row.expiresAt);
    const onDamaged = vi.fn();
    expect(await new ToolReader(db, onDamaged).recordsWithKeys(['apple:1000000010'])).toHaveLength(1);
    expect(onDamaged).not.toHaveBeenCalled();
  });

  it('a client five days behind catches up with one patch; one further behind than the kept days takes the snapshot', async () => {
    const { files, publish, pair } = await publisher();
    let current = v1;
    await publish(current);
    const host = staticHost(files);
    const behind = client(host, pair);
    const farBehind = client(host, pair);
    await behind.sync(START);
    await farBehind.sync(START);
    for (let day = 2; day <= 6; day++) {
      current = version(day, [...current.tools.filter((t) => t.id !== `tool-000${day}`), registryTool(1000 + day)]);
      await publish(current);
      if (day === 2) await behind.sync(START + DAY_MS);
    }
    let before = host.log.length;
    expect(await behind.sync(START + 6 * DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE]);
    expect(await storedIds(behind.db)).toEqual(current.tools.map((t) => t.id).sort());

    current = version(8, [...current.tools, registryTool(2000)], 7);
    await publish(current);
    before = host.log.length;
    expect(await farBehind.sync(START + 8 * DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE, 'snapshots/8.json']);
    expect(await storedIds(farBehind.db)).toEqual(current.tools.map((t) => t.id).sort());
  });
});

const parsed = (value: Feed) => {
  const result = parseFeed(value);
  if (!result.ok) throw new Error('invalid test feed');
  return result.feed;
};

/** A client holding v1 and a publisher that just published v2 with its patch outside the manifest (too big to inline). */
async function behindByOne() {
  const { files, publish, pair } = await publisher();
  await publish(v1);
  const host = staticHost(files);
  const { db, sync } = client(host, pair);
  await sync(START);
  const big = version(2, v1.tools.map((t, n) => (n < 40 ? registryTool(n, 'recommended') : t)));
  await publish(big);
  const manifest = await readFeedFile(files.get(MANIFEST_FILE)!);
  if (manifest.kind !== 'manifest') throw new Error('expected a manifest');
  const patch = manifest.manifest.patches[0]!;
  expect(patch.length).toBeGreaterThan(INLINE_PATCH_BYTES);
  expect(patch.inline).toBeUndefined();
  return { files, host, db, sync, big, pair, patchPath: patch.path! };
}

describe('fault suite: the copy held is never lost, and one full snapshot repairs it', () => {
  it.each([
    ['a bad patch (changed after signing)', (files: Map<string, string>, path: string) => files.set(path, files.get(path)!.replace('recommended', 'conditional'))],
    ['a missing patch (404)', (files: Map<string, string>, path: string) => files.delete(path)],
    [
      "a patch for another base (another publication's patch under this name)",
      (files: Map<string, string>, path: string) => {
        const other = JSON.parse(files.get(path)!) as { from: { state: string } };
        files.set(path, JSON.stringify({ ...other, from: { ...other.from, state: '0'.repeat(64) } }));
      },
    ],
  ])('%s: falls back to the snapshot once and ends at the signed state', async (_name, damage) => {
    const { files, host, db, sync, big, patchPath } = await behindByOne();
    damage(files, patchPath);
    const before = host.log.length;
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE, patchPath, 'snapshots/2.json']);
    expect((await db.feeds.get(MANIFEST_URL))?.state).toBe(feedState(parsed(big)));
  });

  it('a patch that names the right states but does not come to them is undone inside its transaction, and the snapshot taken', async () => {
    const { files, host, db, sync, big, pair, patchPath } = await behindByOne();
    // A publishing tool that wrote the wrong tools into a patch, and signed it.
    const patch = JSON.parse(files.get(patchPath)!) as { upsert: { name: string }[] };
    patch.upsert[0]!.name = 'Not what the publisher holds (test)';
    const wrongPatch = `${JSON.stringify(patch)}\n`;
    files.set(patchPath, wrongPatch);
    const manifest = await readFeedFile(files.get(MANIFEST_FILE)!);
    if (manifest.kind !== 'manifest') throw new Error('expected a manifest');
    files.set(
      MANIFEST_FILE,
      await signFeedText(text(big), [pair.privateJwk], { urls: [MANIFEST_URL], feedId: 'example-icb', issuedAt: big.generatedAt, expiresAt: new Date(Date.parse(big.generatedAt) + 30 * DAY_MS).toISOString(), snapshotPath: 'snapshots/2.json', state: manifest.manifest.state!, patches: [{ from: 1, bytes: new TextEncoder().encode(wrongPatch), path: patchPath }] }),
    );
    const before = host.log.length;
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toEqual([MANIFEST_FILE, patchPath, 'snapshots/2.json']);
    expect((await db.feeds.get(MANIFEST_URL))?.state).toBe(feedState(parsed(big)));
    expect((await storedToolRecords(db, MANIFEST_URL)).some((record) => record.tool.name === 'Not what the publisher holds (test)')).toBe(false);
  });

  it('a copy held that is not the base it claims (its stored state differs) takes the snapshot, not the patch', async () => {
    const { host, db, sync, big } = await behindByOne();
    await db.feeds.update(MANIFEST_URL, { state: 'f'.repeat(64) });
    const before = host.log.length;
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toContain('snapshots/2.json');
    expect((await db.feeds.get(MANIFEST_URL))?.state).toBe(feedState(parsed(big)));
  });

  it('a manifest whose state neither the patch nor the snapshot comes to: refused, the copy held intact, nothing half-applied', async () => {
    const { files, host, db, sync, big, pair, patchPath } = await behindByOne();
    const patchBytes = new TextEncoder().encode(files.get(patchPath)!);
    // Signed by the publisher's key, but naming a state its files do not come to (a broken publishing tool).
    files.set(
      MANIFEST_FILE,
      await signFeedText(text(big), [pair.privateJwk], { urls: [MANIFEST_URL], feedId: 'example-icb', issuedAt: big.generatedAt, expiresAt: new Date(Date.parse(big.generatedAt) + 30 * DAY_MS).toISOString(), snapshotPath: 'snapshots/2.json', state: 'a'.repeat(64), patches: [{ from: 1, bytes: patchBytes, path: patchPath }] }),
    );
    const outcome = await sync(START + DAY_MS);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'invalid-feed' } });
    expect(host.log.length).toBeGreaterThan(0);
    expect(await storedIds(db)).toEqual(v1.tools.map((t) => t.id).sort());
    expect(await db.feeds.get(MANIFEST_URL)).toMatchObject({ sequence: 1, state: feedState(parsed(v1)) });
    expect((await new ToolReader(db).recordsWithKeys(['apple:1000000000'])).map((record) => record.tool.endorsements[0]?.status)).toEqual(['listed']);
  });

  it('a truncated snapshot is refused against its signed length and hash; the copy held stays', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    await publish(version(2, [...TOOLS.map((t) => ({ ...t, name: `${t.name} renamed` }))]));
    files.set('snapshots/2.json', files.get('snapshots/2.json')!.slice(0, 5_000));
    // With no usable patch (the copy held's state is wrong), the snapshot is the only way.
    await db.feeds.update(MANIFEST_URL, { state: 'f'.repeat(64) });
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'failed', error: { code: 'bad-signature', message: expect.stringContaining('does not match the hash') } });
    expect(await storedIds(db)).toEqual(v1.tools.map((t) => t.id).sort());
  });

  it('a copy held with a damaged row is patched no further: the patch meets the damage and the snapshot is taken whole', async () => {
    const { host, db, sync, big } = await behindByOne();
    // The first chunk's tools lose their endorsements list (a copy written wrong, or damaged on disk).
    const chunk = (await db.toolChunks.where('feedUrl').equals(MANIFEST_URL).first())!;
    await db.toolChunks.put({ ...chunk, records: chunk.records.map((record) => record && { ...record, tool: { ...record.tool, endorsements: null } }) } as never);
    const before = host.log.length;
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'updated' });
    expect(lastRequests(host, before).map((entry) => entry.path)).toContain('snapshots/2.json');
    expect((await db.feeds.get(MANIFEST_URL))?.state).toBe(feedState(parsed(big)));
    expect((await new ToolReader(db).recordsWithKeys(['apple:1000000000'])).map((record) => record.tool.endorsements[0]?.status)).toEqual(['recommended']);
  });
});

describe('a stored copy found damaged is set aside and downloaded again (hazard H46)', () => {
  it('set aside, it counts as no source; the next sync downloads it whole though the feed has not changed, and answers again', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    const version = (await db.feeds.get(MANIFEST_URL))!.contentVersion!;
    for (const shard of await db.toolShards.where('feedUrl').equals(MANIFEST_URL).toArray()) await db.toolShards.put({ ...shard, postings: null } as never);
    const onDamaged = vi.fn();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await new ToolReader(db, onDamaged).recordsWithKeys(['apple:1000000001'])).toEqual([]);
    expect(onDamaged).toHaveBeenCalledWith(MANIFEST_URL, version);

    expect(await setAsideDamagedCopy(db, MANIFEST_URL, version, START + 1000)).toBe(true);
    const row = await db.feeds.get(MANIFEST_URL);
    expect(row).toMatchObject({ lastError: { code: 'storage', message: expect.stringContaining('damaged') } });
    expect(row?.contentVersion).toBeUndefined();
    expect(feedSummary(row!)).toBeNull();
    expect(await db.toolShards.where('feedUrl').equals(MANIFEST_URL).count()).toBe(0);
    expect(await db.toolChunks.where('feedUrl').equals(MANIFEST_URL).count()).toBe(0);

    const before = host.log.length;
    expect(await sync(START + 2000)).toMatchObject({ status: 'updated', counts: { tools: 300 } });
    // No conditional request (a 304 would keep nothing), no patch: the manifest and the snapshot.
    expect(lastRequests(host, before).map((entry) => [entry.path, entry.status])).toEqual([
      [MANIFEST_FILE, 200],
      ['snapshots/1.json', 200],
    ]);
    expect((await new ToolReader(db).recordsWithKeys(['apple:1000000001'])).map((record) => record.tool.id)).toEqual(['tool-0001']);
    expect(feedSummary((await db.feeds.get(MANIFEST_URL))!)).not.toBeNull();
  });

  it('a feed imported from a file, which no sync can fetch again, is set aside with its error asking for the file again', async () => {
    const db = testDb();
    const url = 'file:///team-notes.json';
    await storeFeed(db, url, { feed: v1, quarantined: [] }, { at: START, importedFrom: { fileName: 'team-notes.json', at: START } });
    expect(await setAsideDamagedCopy(db, url, (await db.feeds.get(url))!.contentVersion!, START + 1000)).toBe(true);
    expect((await db.feeds.get(url))?.lastError?.message).toContain('Import its file again');
  });

  it('leaves alone a copy stored since the damaged one was read', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const { db, sync } = client(staticHost(files), pair);
    await sync(START);
    expect(await setAsideDamagedCopy(db, MANIFEST_URL, 'an-older-version', START + 1000)).toBe(false);
    expect(await storedIds(db)).toEqual(v1.tools.map((t) => t.id).sort());
    expect((await db.feeds.get(MANIFEST_URL))?.lastError).toBeUndefined();
  });
});

/** A body that delivers these bytes in 16 KB chunks, then fails as a reset connection does. */
function resetAfter(text: string): Response {
  const bytes = new TextEncoder().encode(text);
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.error(new TypeError('network error: connection reset'));
      controller.enqueue(bytes.slice(offset, offset + 16_384));
      offset += 16_384;
    },
  });
  return new Response(stream, { status: 200 });
}

describe('the snapshot streams in beside the copy in use (bounded memory)', () => {
  it('a connection reset mid-snapshot leaves the copy in use readable and untouched; the next sync clears the half-written chunks', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    const liveChunks = await db.toolChunks.where('feedUrl').equals(MANIFEST_URL).count();

    const big = version(2, Array.from({ length: 1200 }, (_, n) => registryTool(n, 'recommended')));
    await publish(big);
    await db.feeds.update(MANIFEST_URL, { sequence: 0 }); // no patch from sequence 0: the snapshot it is (a forged state would now read as damage)
    const snapshot = files.get('snapshots/2.json')!;
    let broken = true;
    const resetting = fakeFetch(async (request) => {
      if (broken && request.url.endsWith('snapshots/2.json')) return resetAfter(snapshot.slice(0, Math.floor(snapshot.length * 0.7)));
      return host.fetch(request.url, { headers: request.headers });
    });
    const syncWith = (fetch: typeof globalThis.fetch, at: number) => syncFeed({ db, fetch, now: () => at, anchorsFor: async () => ({ anchors: [pair.publicKey], via: 'subscription', bundled: false }) }, MANIFEST_URL);
    expect(await syncWith(resetting.fetch, START + DAY_MS)).toMatchObject({ status: 'failed', error: { code: 'network' } });
    // Chunks of the new version were written as they arrived, but nothing reads them.
    expect(await db.toolChunks.where('feedUrl').equals(MANIFEST_URL).count()).toBeGreaterThan(liveChunks);
    expect(await storedIds(db)).toEqual(v1.tools.map((t) => t.id).sort());
    expect((await new ToolReader(db).recordsWithKeys(['apple:1000000000'])).map((record) => record.tool.endorsements[0]?.status)).toEqual(['listed']);

    // The next publication is smaller than what was half written: none of the half-written chunks may survive.
    const small = version(3, TOOLS.slice(0, 300), 2);
    await publish(small);
    await db.feeds.update(MANIFEST_URL, { state: 'f'.repeat(64) });
    broken = false;
    expect(await syncWith(resetting.fetch, START + 2 * DAY_MS)).toMatchObject({ status: 'updated', counts: { tools: 300 } });
    expect(await db.toolChunks.where('feedUrl').equals(MANIFEST_URL).count()).toBe(Math.ceil(300 / 256));
    expect(await storedIds(db)).toEqual(small.tools.map((t) => t.id).sort());
    expect((await db.feeds.get(MANIFEST_URL))?.state).toBe(feedState(parsed(small)));
  });

  it('a signed snapshot whose tools the stream cannot take one by one (an escaped "tools" key) is refused, not stored as a feed without tools', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    const next = version(2, TOOLS.slice(0, 10));
    // JSON.parse reads "t\u006fols" as "tools"; the stream, which compares keys as written, does not.
    const hidden = text(next).replace('"tools": [', '"t\\u006fols": [');
    expect(hidden).not.toBe(text(next));
    files.set('snapshots/2.json', hidden);
    files.set(
      MANIFEST_FILE,
      await signFeedText(hidden, [pair.privateJwk], { urls: [MANIFEST_URL], feedId: 'example-icb', issuedAt: next.generatedAt, expiresAt: new Date(Date.parse(next.generatedAt) + 30 * DAY_MS).toISOString(), snapshotPath: 'snapshots/2.json' }),
    );
    expect(await sync(START + DAY_MS)).toMatchObject({ status: 'failed', error: { code: 'invalid-feed' } });
    expect(await storedIds(db)).toEqual(v1.tools.map((t) => t.id).sort());
  });
});

describe('a snapshot decoded as it streams in (HeapTextDecoder)', () => {
  /** The host's bodies sent in pieces of `size` bytes, so that characters are cut between reads. */
  const inPieces = (host: ReturnType<typeof staticHost>, size: number) => ({
    ...host,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const response = await host.fetch(input, init);
      if (!response.body) return response;
      const bytes = new Uint8Array(await response.arrayBuffer());
      let at = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          controller.enqueue(bytes.slice(at, (at += size)));
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    }) as typeof fetch,
  });

  it('stores non-ASCII text exactly, whatever the reads cut: two-, three- and four-byte characters', async () => {
    const { files, publish, pair } = await publisher();
    const named = version(1, TOOLS.map((value, n) => ({ ...value, name: `Café ${n} – “Ünïcode” ’ 😀 (test)` })));
    await publish(named);
    for (const size of [7, 4096, 65_537]) {
      const { db, sync } = client(inPieces(staticHost(files), size), pair);
      expect(await sync(START)).toMatchObject({ status: 'updated' });
      const stored = await storedToolRecords(db, MANIFEST_URL);
      expect(stored.map((record) => record.tool.name).sort()).toEqual(named.tools.map((value) => value.name).sort());
      expect((await db.feeds.get(MANIFEST_URL))?.state).toBe(feedState(parsed(named)));
    }
  });

  it("does not pass a snapshot's ASCII through the browser's TextDecoder (its strings outlived the tools cut from them, issue #15)", async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const snapshotBytes = Buffer.byteLength(files.get('snapshots/1.json')!);
    const decode = TextDecoder.prototype.decode;
    let decoded = 0;
    vi.spyOn(TextDecoder.prototype, 'decode').mockImplementation(function (this: TextDecoder, input?: AllowSharedBufferSource, options?: TextDecodeOptions) {
      decoded += input ? input.byteLength : 0;
      return decode.call(this, input, options);
    });
    const { db, sync } = client(staticHost(files), pair);
    expect(await sync(START)).toMatchObject({ status: 'updated' });
    vi.restoreAllMocks();
    expect(await storedIds(db)).toHaveLength(300);
    // The manifest and its signed header are decoded whole; the 300-tool snapshot is many times their size.
    expect(decoded).toBeLessThan(snapshotBytes / 4);
  });

  it('refuses a snapshot that is not UTF-8, though its bytes match the hash and length the manifest gives', async () => {
    const { files, publish } = await publisher();
    await publish(v1);
    const manifest = (await readFeedFile(files.get(MANIFEST_FILE)!)) as Extract<FeedFile, { kind: 'manifest' }>;
    const snapshot = new TextEncoder().encode(files.get(manifest.manifest.snapshot.path)!);
    // A name's "e" becomes 0xC0 0xE5: an overlong lead byte, then a three-byte lead cut short by ASCII.
    const at = snapshot.indexOf(0x65, snapshot.length / 2);
    const bad = new Uint8Array([...snapshot.subarray(0, at), 0xc0, 0xe5, ...snapshot.subarray(at + 1)]);
    const forged = { ...manifest.manifest, snapshot: { ...manifest.manifest.snapshot, length: bad.length, sha256: createHash('sha256').update(bad).digest('hex') } };
    const network = fakeFetch(() => new Response(bad, { status: 200 }));
    await expect(readSnapshot({ fetch: network.fetch }, MANIFEST_URL, forged, () => {})).rejects.toMatchObject({ code: 'not-json' });
  });
});

describe('endless data: a snapshot is read only up to its signed length', () => {
  it('stops reading a snapshot that runs past the length its manifest gives, and keeps the copy held', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const { db, sync } = client(host, pair);
    await sync(START);
    await publish(version(2, TOOLS.slice(0, 50)));
    await db.feeds.update(MANIFEST_URL, { state: 'f'.repeat(64) }); // no patch: the snapshot it is
    const signedLength = new TextEncoder().encode(files.get('snapshots/2.json')!).length;
    let served = 0;
    const endless = fakeFetch(async (request) => {
      if (!request.url.endsWith('snapshots/2.json')) return host.fetch(request.url, { headers: request.headers });
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          served += 65_536;
          controller.enqueue(new Uint8Array(65_536).fill(32));
        },
      });
      return new Response(stream, { status: 200 });
    });
    const outcome = await syncFeed({ db, fetch: endless.fetch, now: () => START + DAY_MS, anchorsFor: async () => ({ anchors: [pair.publicKey], via: 'subscription', bundled: false }) }, MANIFEST_URL);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'too-large' } });
    // Two tries (the recovery order's one retry), each stopped within a chunk of the signed length.
    expect(served).toBeLessThanOrEqual(2 * (signedLength + 2 * 65_536));
    expect(await storedIds(db)).toEqual(v1.tools.map((t) => t.id).sort());
  });
});

describe('time limits grow with the signed size of a snapshot', () => {
  it('gives a snapshot a second more per megabyte than the manifest gets', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const slowSnapshot = fakeFetch(async (request) => {
      // Slow to answer, and given up on as a real fetch is when its time runs out.
      if (request.url.endsWith('snapshots/1.json')) {
        await new Promise((resolve, reject) => {
          const timer = setTimeout(resolve, 300);
          request.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      }
      return host.fetch(request.url, { headers: request.headers, signal: request.signal });
    });
    const outcome = await syncFeed({ db: testDb(), fetch: slowSnapshot.fetch, timeoutMs: 100, now: () => START, anchorsFor: async () => ({ anchors: [pair.publicKey], via: 'subscription', bundled: false }) }, MANIFEST_URL);
    expect(outcome).toMatchObject({ status: 'updated', counts: { tools: 300 } });
  });
});

describe("the settings page's preview of a manifest", () => {
  it('reads the snapshot as sync does, counting its tools without keeping them, and shows the signed header', async () => {
    const { files, publish, pair } = await publisher();
    await publish(v1);
    const host = staticHost(files);
    const result = await previewFeed({ fetch: host.fetch, now: () => START }, MANIFEST_URL, [pair.publicKey]);
    expect(result).toMatchObject({
      ok: true,
      preview: { publisher: { name: 'Example ICB (test)' }, counts: { tools: 300, endorsements: 300, quarantined: 0 }, signature: { status: 'verified' }, header: { feedId: 'example-icb', sequence: 1 } },
    });
    expect(host.log.map((entry) => entry.path)).toEqual([MANIFEST_FILE, 'snapshots/1.json']);
  });
});

/** A patch applied to a whole feed in memory, as the publisher means it: the oracle for the store's in-place patching. */
function applyPatchToFeed(feed: Feed, patch: Patch): Feed {
  const upserted = new Map(patch.upsert.map((tool) => [tool.id, tool]));
  const removed = new Set(patch.remove);
  const kept = feed.tools.filter((tool) => !removed.has(tool.id)).map((tool) => upserted.get(tool.id) ?? tool);
  const known = new Set(feed.tools.map((tool) => tool.id));
  const { expiresAt: _old, staleAfterDays: _oldPeriod, ...rest } = feed;
  return {
    ...rest,
    ...patch.envelope,
    sequence: patch.to.sequence,
    tools: [...kept, ...patch.upsert.filter((tool) => !known.has(tool.id))],
    notes: patch.notes ?? feed.notes ?? [],
  };
}

describe('patches agree with whole feeds', () => {
  it('diff then apply gives the target feed and its state, for removals, additions, changes and notes', () => {
    const from = parsed(v1);
    const to = parsed({ ...v2, notes: [] });
    const patch = diffFeeds('example-icb', from, to);
    expect(patch.upsert.map((t) => t.id)).toEqual(['tool-0010', 'tool-0900']);
    expect(patch.remove).toEqual(['tool-0011']);
    const applied = applyPatchToFeed(from, patch);
    expect(feedState(applied)).toBe(feedState(to));
    expect(readPatch(JSON.parse(JSON.stringify({ format: 'signpost-feed-patch', version: 1, ...patch })))).toMatchObject({ ok: true });
    expect(readPatch({ format: 'signpost-feed-patch', version: 1, ...patch, upsert: [{ id: 'Bad Id' }] })).toMatchObject({ ok: false });
  });

  it('refuses to publish a changed feed under a sequence already published', async () => {
    const { folder, publish, pair } = await publisher();
    await publish(v1);
    const report = await publishFeed('feed.json', text(version(1, TOOLS.slice(1))), folder, { keys: [{ file: 'key.jwk', text: JSON.stringify(pair.privateJwk) }], urls: [MANIFEST_URL], now: START });
    expect(report).toMatchObject({ exitCode: 1, lines: [expect.stringContaining('raise the sequence')] });
  });
});
