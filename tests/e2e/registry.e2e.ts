// The registry in a real browser: the installed extension fills IndexedDB from the bundled feed
// without touching the network, and syncs a subscribed feed with conditional requests.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SyncOutcome } from '@/lib/sync/sync';
import { endorsement, feed, tool } from '../helpers/feeds';
import { launchWithExtension, type ExtensionSession } from './harness/browser';
import { bundledFeed, bundledFeedDocument } from './harness/bundled-feed';
import { countTools, readFeeds, writeSubscriptions } from './harness/idb';
import { sendFromExtensionPage } from './harness/messages';
import { startFeedServer, startSiteServer, type FeedServer, type SiteServer } from './harness/server';
import { waitFor } from './harness/wait';

let site: SiteServer;
let feeds: FeedServer;
let session: ExtensionSession;

beforeAll(async () => {
  site = await startSiteServer();
  feeds = await startFeedServer();
  session = await launchWithExtension({ hostRules: site.hostRules });
});

afterAll(async () => {
  // Each is closed even if another fails, so a failed run leaves no browser or port behind.
  await Promise.allSettled([session?.close(), site?.close(), feeds?.close()]);
});

const syncNow = async () => (await sendFromExtensionPage(session, { type: 'sync-now' })) as SyncOutcome[];

describe('registry in the installed extension', () => {
  test('on install, the bundled feed is synced into IndexedDB from the extension itself', async () => {
    const bundledUrl = `chrome-extension://${session.extensionId}/feeds/default.json`;
    const row = await waitFor(async () => (await readFeeds(session.serviceWorker)).find((f) => f.url === bundledUrl && (f.lastSuccessAt || f.lastError)), {
      timeoutMs: 20_000,
      message: () => `the bundled feed's first sync (worker console: ${session.workerLogs.join(' | ') || 'empty'})`,
    });

    expect(row.lastError).toBeUndefined();
    // Checked against the key that ships with Signpost, by the worker's own WebCrypto. The key is
    // kept with the result: the trust root decides by it what the feed may relay for NICE and others.
    // Feed protocol v2 in the browser: the header named the bundled feed, pinned its bytes by hash and gave its expiry.
    const key = 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=';
    expect(row.signature).toEqual({
      status: 'verified',
      keyId: '99a56a445e214bab',
      key,
      anchorKey: key,
      via: 'bundled',
      feedId: 'signpost-bundled',
      sha256: bundledFeedDocument.sha256,
      expiresAt: bundledFeedDocument.signed?.header.value.expiresAt,
    });
    expect(row.expiresAt).toBe(bundledFeedDocument.signed?.header.value.expiresAt);
    expect(row.lastSuccessAt).toEqual(expect.any(Number));
    expect(row.counts?.tools).toBe(bundledFeed.tools.length);
    expect(await countTools(session.serviceWorker)).toBe(bundledFeed.tools.length);
    expect(site.requests).toEqual([]);
    expect(feeds.requests).toEqual([]);
  });

  test('a subscribed feed is fetched once, then revalidated with If-None-Match and a 304', async () => {
    const served = feed({
      publisher: { id: 'e2e-network', name: 'Example Test Network (test)', kind: 'local-network' },
      tools: [
        tool({ id: 'e2e-one', name: 'Example Breathing Coach (test)', identifiers: { apple: ['1000000003'] }, endorsements: [endorsement()] }),
        tool({ id: 'e2e-two', name: 'Example Health Companion (test)', identifiers: { googlePlay: ['com.example.healthcompanion'] } }),
        tool({ id: 'e2e-three', name: 'Example Sleep Course (test)', identifiers: { web: [{ origin: 'https://sleep.example' }] } }),
      ],
    });
    const url = feeds.publish('/signpost/feed.json', served);
    const feedGets = () => feeds.requests.filter((request) => request.method === 'GET' && request.url === url);
    const toolsOfFeed = () => countTools(session.serviceWorker, url);
    // Any start-up sync still running is joined (one sync per feed at a time) and over before the
    // subscription exists, so the feed is fetched by the sync below alone.
    await syncNow();
    await waitFor(() => writeSubscriptions(session.serviceWorker, [url]), { message: 'the extension to create its database' });

    const first = await syncNow();

    expect(first.find((outcome) => outcome.url === url)).toEqual({ url, status: 'updated', counts: { tools: 3, endorsements: 1, quarantined: 0, notes: 0 } });
    expect(await toolsOfFeed()).toBe(3);
    const row = (await readFeeds(session.serviceWorker)).find((f) => f.url === url);
    expect(row).toMatchObject({ sequence: 1, publisher: { id: 'e2e-network' }, lastSuccessAt: expect.any(Number) });
    expect(row?.lastError).toBeUndefined();
    expect(feedGets()).toHaveLength(1);
    expect(feedGets()[0]).toMatchObject({ status: 200 });
    expect(feedGets()[0]?.headers['if-none-match']).toBeUndefined();
    const etag = row?.etag;
    expect(etag).toMatch(/^".+"$/);

    const second = await syncNow();

    expect(second.find((outcome) => outcome.url === url)).toEqual({ url, status: 'unchanged' });
    expect(feedGets()).toHaveLength(2);
    expect(feedGets()[1]).toMatchObject({ status: 304, headers: { 'if-none-match': etag } });
    expect(await toolsOfFeed()).toBe(3);
    expect(site.requests).toEqual([]);
  });
});
