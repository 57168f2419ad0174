import { describe, expect, it, vi } from 'vitest';
import {
  addSubscription,
  feedList,
  feedManager,
  forgetFeed,
  hostPermissionPattern,
  newFeedProblem,
  previewFeed,
  recordFeedPermission,
} from '@/lib/settings/feeds';
import { loadSubscriptions, saveSubscriptions } from '@/lib/settings/subscriptions';
import type { SignpostDatabase } from '@/lib/storage/db';
import { testDb, withFeeds } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch, hang, json, type Responder } from '../helpers/fetch';
import { noteRecord, sampleNote } from '../helpers/notes';
import { storedToolRecords } from '@/lib/storage/tool-store';

const BUNDLED = 'chrome-extension://signpost-id/feeds/default.json';
const URL_A = 'https://feeds.example/a.json';
const URL_B = 'https://feeds.example/b.json';
const URL_C = 'https://other.example/c.json';
const NOW = Date.parse('2026-11-25T09:00:00Z');

const feedA = feed({
  publisher: { id: 'network-a', name: 'Example Network A (test)', kind: 'local-network' },
  tools: [tool({ id: 'a1', identifiers: { apple: ['1000000001'] }, endorsements: [endorsement()] }), tool({ id: 'a2', identifiers: { googlePlay: ['org.example.a2'] } })],
});
const feedB = feed({ publisher: { id: 'charity-b', name: 'Example Charity B (test)', kind: 'charity' }, tools: [tool({ id: 'b1', identifiers: { apple: ['1000000002'] } })] });

async function subscribedDb(urls: readonly string[]): Promise<SignpostDatabase> {
  const db = testDb();
  await saveSubscriptions(db, urls.map((url) => ({ url, addedAt: NOW })));
  return db;
}

function manager(db: SignpostDatabase, responder: Responder) {
  const releaseHostPermission = vi.fn(async () => undefined);
  const network = fakeFetch(responder);
  return { feeds: feedManager({ db, fetch: network.fetch, now: () => NOW, extensionOrigin: 'chrome-extension://signpost-id', bundledFeedUrl: BUNDLED, releaseHostPermission }), releaseHostPermission, calls: network.calls };
}

describe('newFeedProblem', () => {
  it.each([
    ['', 'Enter the web address of the feed.'],
    ['   ', 'Enter the web address of the feed.'],
    ['feeds.example/a.json', 'This is not a web address.'],
    ['http://feeds.example/a.json', 'Feeds must use HTTPS (http:// is only allowed on this computer, for testing).'],
    ['ftp://feeds.example/a.json', 'Feeds must be web addresses starting with https:// (not ftp:).'],
    [BUNDLED, 'Feeds must be web addresses starting with https:// (not chrome-extension:).'],
    ['https://user:secret@feeds.example/a.json', 'The address must not include a user name or password.'],
    [`https://feeds.example/${'x'.repeat(2000)}`, 'This address is too long (Signpost accepts up to 2000 characters).'],
    [URL_A, 'You already subscribe to this feed.'],
    ['  HTTPS://FEEDS.EXAMPLE/a.json ', 'You already subscribe to this feed.'],
  ])('refuses %j', (input, problem) => {
    expect(newFeedProblem(input, [URL_A])).toBe(problem);
  });

  it.each(['https://feeds.example/new.json', 'http://localhost:8080/feed.json', 'http://127.0.0.1/feed.json', 'http://[::1]:9000/feed.json'])('accepts %s', (input) => {
    expect(newFeedProblem(input, [URL_A])).toBeNull();
  });
});

describe('hostPermissionPattern', () => {
  it('covers the host on every port, as browsers match permissions', () => {
    expect(hostPermissionPattern('http://127.0.0.1:8123/feed.json')).toBe('http://127.0.0.1/*');
    expect(hostPermissionPattern('https://feeds.example/a.json?x=1')).toBe('https://feeds.example/*');
    expect(hostPermissionPattern('not a url')).toBeNull();
  });
});

describe('addSubscription', () => {
  it('stores the address in its normal form with the time it was added', async () => {
    const db = await subscribedDb([]);
    expect(await addSubscription(db, ' https://FEEDS.example/a.json', BUNDLED, NOW)).toEqual({ url: URL_A });
    expect(await loadSubscriptions(db)).toEqual([{ url: URL_A, addedAt: NOW }]);
  });

  it('refuses duplicates, the bundled feed and insecure addresses, storing nothing', async () => {
    const db = await subscribedDb([URL_A]);
    expect(await addSubscription(db, URL_A, BUNDLED, NOW)).toEqual({ problem: 'You already subscribe to this feed.' });
    expect(await addSubscription(db, BUNDLED, BUNDLED, NOW)).toEqual({ problem: expect.stringContaining('https://') });
    expect(await addSubscription(db, 'http://feeds.example/x.json', BUNDLED, NOW)).toEqual({ problem: expect.stringContaining('HTTPS') });
    expect(await loadSubscriptions(db)).toEqual([{ url: URL_A, addedAt: NOW }]);
  });

  it('refuses a 201st feed', async () => {
    const db = await subscribedDb(Array.from({ length: 200 }, (_, index) => `https://feeds.example/${index}.json`));
    expect(await addSubscription(db, URL_C, BUNDLED, NOW)).toEqual({ problem: expect.stringContaining('200 feeds') });
  });
});

describe('forgetFeed', () => {
  it("removes the subscription, the feed's tools and its status; other feeds' tools and all notes stay", async () => {
    const db = await subscribedDb([URL_A, URL_B]);
    await withFeeds(db, { [URL_A]: feedA, [URL_B]: feedB });
    await db.notes.put(noteRecord(sampleNote({ identifiers: { apple: ['1000000001'] } })));

    expect(await forgetFeed(db, URL_A)).toEqual({ removed: true });

    expect(await loadSubscriptions(db)).toEqual([{ url: URL_B, addedAt: NOW }]);
    expect((await storedToolRecords(db, URL_A)).length).toBe(0);
    expect((await storedToolRecords(db)).map((record) => record.tool.id)).toEqual(['b1']);
    expect(await db.feeds.get(URL_A)).toBeUndefined();
    expect(await db.feeds.get(URL_B)).toBeDefined();
    expect(await db.notes.get('note-1')).toEqual(noteRecord(sampleNote({ identifiers: { apple: ['1000000001'] } })));
  });

  it('changes nothing when a step fails: it is one transaction', async () => {
    const db = await subscribedDb([URL_A]);
    await withFeeds(db, { [URL_A]: feedA });
    vi.spyOn(db.feeds, 'delete').mockRejectedValueOnce(new Error('disk full'));
    await expect(forgetFeed(db, URL_A)).rejects.toThrow('disk full');
    expect(await loadSubscriptions(db)).toEqual([{ url: URL_A, addedAt: NOW }]);
    expect((await storedToolRecords(db, URL_A)).length).toBe(2);
  });

  it('gives back a host permission granted for the feed, once no other subscribed feed uses that host', async () => {
    const db = await subscribedDb([URL_A, URL_B, URL_C]);
    await recordFeedPermission(db, 'https://feeds.example/*');
    expect(await forgetFeed(db, URL_A)).toEqual({ removed: true });
    expect(await forgetFeed(db, URL_B)).toEqual({ removed: true, releasePattern: 'https://feeds.example/*' });
    // Never granted for feeds (e.g. covered by the site permission): nothing to give back.
    expect(await forgetFeed(db, URL_C)).toEqual({ removed: true });
  });
});

describe('feedManager', () => {
  it('subscribe stores the feed and syncs it at once', async () => {
    const db = await subscribedDb([]);
    const { feeds } = manager(db, () => json(feedA));
    expect(await feeds.subscribe(URL_A)).toEqual({ ok: true, url: URL_A, outcome: { url: URL_A, status: 'updated', counts: { tools: 2, endorsements: 1, quarantined: 0, notes: 0 } } });
    expect((await storedToolRecords(db, URL_A)).length).toBe(2);
  });

  it('subscribe refuses a duplicate without downloading anything', async () => {
    const db = await subscribedDb([URL_A]);
    const { feeds, calls } = manager(db, () => json(feedA));
    expect(await feeds.subscribe(URL_A)).toEqual({ ok: false, problem: 'You already subscribe to this feed.' });
    expect(calls).toEqual([]);
  });

  it('a subscribed feed that fails to download stays subscribed, with the reason recorded', async () => {
    const db = await subscribedDb([]);
    const { feeds } = manager(db, () => new Response('gone', { status: 404 }));
    const reply = await feeds.subscribe(URL_A);
    expect(reply).toMatchObject({ ok: true, outcome: { status: 'failed', error: { code: 'http-status' } } });
    expect(await loadSubscriptions(db)).toHaveLength(1);
    expect((await db.feeds.get(URL_A))?.lastError?.message).toMatch(/not found/);
  });

  it('syncs only subscribed feeds', async () => {
    const db = await subscribedDb([URL_A]);
    const { feeds, calls } = manager(db, () => json(feedA));
    expect(await feeds.sync(URL_C)).toEqual({ url: URL_C, status: 'not-subscribed' });
    expect(calls).toEqual([]);
    expect(await feeds.sync(URL_A)).toMatchObject({ status: 'updated' });
  });

  it('forget refuses the bundled feed and unknown feeds, and gives back a permission it may', async () => {
    const db = await subscribedDb([URL_A]);
    await recordFeedPermission(db, 'https://feeds.example/*');
    const { feeds, releaseHostPermission } = manager(db, () => json(feedA));
    expect(await feeds.forget(BUNDLED)).toEqual({ ok: false, problem: 'The feed bundled with Signpost cannot be removed.' });
    expect(await feeds.forget(URL_C)).toEqual({ ok: false, problem: 'You do not subscribe to this feed.' });
    expect(await feeds.forget(URL_A)).toEqual({ ok: true });
    expect(releaseHostPermission).toHaveBeenCalledWith('https://feeds.example/*');
  });

  it('a feed removed while its sync runs does not come back when the sync finishes', async () => {
    const db = await subscribedDb([URL_A]);
    let answer: ((response: Response) => void) | undefined;
    const { feeds } = manager(db, () => new Promise<Response>((resolve) => (answer = resolve)));
    const syncing = feeds.sync(URL_A);
    await vi.waitFor(() => expect(answer).toBeDefined());
    expect(await feeds.forget(URL_A)).toEqual({ ok: true });
    answer!(json(feedA));
    expect(await syncing).toMatchObject({ status: 'updated' });
    expect((await storedToolRecords(db, URL_A)).length).toBe(0);
    expect(await db.feeds.get(URL_A)).toBeUndefined();
  });

  it('syncAll syncs the bundled feed and every subscription', async () => {
    const db = await subscribedDb([URL_A]);
    const { feeds } = manager(db, () => json(feedA));
    expect((await feeds.syncAll()).map((outcome) => outcome.url)).toEqual([BUNDLED, URL_A]);
    expect((await storedToolRecords(db, URL_A)).length).toBe(2);
  });
});

describe('feedList', () => {
  it('lists the bundled feed first, then subscriptions with their stored status', async () => {
    const db = await subscribedDb([URL_A, URL_B]);
    await withFeeds(db, { [URL_A]: feedA, 'https://orphan.example/old.json': feedB });
    const list = await feedList(db, BUNDLED);
    expect(list.map(({ url, bundled, record }) => [url, bundled, record?.publisher?.name])).toEqual([
      [BUNDLED, true, undefined],
      [URL_A, false, 'Example Network A (test)'],
      [URL_B, false, undefined],
    ]);
  });
});

describe('previewFeed', () => {
  const preview = (responder: Responder, input = URL_A, extra: { maxBytes?: number; timeoutMs?: number } = {}) =>
    previewFeed({ fetch: fakeFetch(responder).fetch, now: () => NOW, ...extra }, input);

  it('reports publisher, kind, counts and warnings, and stores nothing', async () => {
    const withProblems = {
      ...feedA,
      expiresAt: '2026-11-01T00:00:00Z',
      tools: [...feedA.tools, { id: 'BAD ID', name: 'x' }, tool({ id: 'a3', conditions: ['wheeze-club'] })],
    };
    const result = await preview(() => json(withProblems));
    expect(result).toEqual({
      ok: true,
      preview: {
        url: URL_A,
        publisher: feedA.publisher,
        generatedAt: feedA.generatedAt,
        expiresAt: '2026-11-01T00:00:00Z',
        counts: { tools: 3, endorsements: 1, quarantined: 1, notes: 0 },
        signature: { status: 'unsigned', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        warnings: [
          '1 entry is invalid and will be left out; the rest of the feed is used.',
          'The feed is past its expiry date. Signpost would still show its data, marked as possibly out of date.',
          "1 condition name is not in Signpost's list; they are shown as written.",
        ],
      },
    });
  });

  it('says a localhost feed is for trying out, and an empty feed is empty', async () => {
    const result = await preview(() => json(feed()), 'http://127.0.0.1:8080/feed.json');
    expect(result.ok && result.preview.warnings).toEqual([
      'The feed lists no tools yet.',
      'This feed is on this computer (http://), for trying a feed out. Colleagues cannot reach it.',
    ]);
  });

  it.each([
    ['a 404', () => new Response('no', { status: 404 }), 'http-status', /not found at this address \(HTTP 404\)/],
    ['not JSON', () => new Response('<html>'), 'not-json', /not valid JSON/],
    ['a JSON file that is not a feed', () => json({ hello: 'world' }), 'invalid-feed', /not a valid Signpost feed/],
    ['a declared size over the limit', () => json(feedA, { 'content-length': '999999' }), 'too-large', /larger than Signpost accepts/],
    ['a body over the limit', () => new Response('x'.repeat(5000)), 'too-large', /larger than Signpost accepts/],
    ['invalid UTF-8', () => new Response(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), 'not-json', /UTF-8/],
    ['a network error (or a server that does not allow CORS)', () => Promise.reject(new TypeError('Failed to fetch')), 'network', /network error/],
  ] as const)('refuses %s with a plain reason', async (_label, responder, code, message) => {
    const result = await preview(responder, URL_A, { maxBytes: 1000 });
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(!result.ok && result.error.message).toMatch(message);
  });

  it('refuses an insecure address without downloading it', async () => {
    const network = fakeFetch(() => json(feedA));
    const result = await previewFeed({ fetch: network.fetch, now: () => NOW }, 'http://feeds.example/a.json');
    expect(result).toMatchObject({ ok: false, error: { code: 'insecure-url' } });
    expect(network.calls).toEqual([]);
  });

  it('refuses a redirect to plain http', async () => {
    const redirected = json(feedA);
    Object.defineProperty(redirected, 'url', { value: 'http://feeds.example/a.json' });
    const result = await preview(() => redirected);
    expect(result).toMatchObject({ ok: false, error: { code: 'insecure-url', message: expect.stringMatching(/redirected/) } });
  });

  it('gives up after the timeout', async () => {
    const result = await preview(({ signal }) => hang(signal), URL_A, { timeoutMs: 50 });
    expect(result).toMatchObject({ ok: false, error: { code: 'timeout', message: expect.stringMatching(/took longer than/) } });
  });
});
