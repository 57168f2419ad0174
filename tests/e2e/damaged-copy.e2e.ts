// A feed's stored copy damaged in real Chromium (hazard H46): the worker's next card lookup meets
// the damaged rows, answers without that feed instead of failing, sets the damaged version aside
// and downloads the feed whole at once; the card after that has the feed's claim again. Every tool
// here is synthetic and plainly fictional.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { LookupReply } from '@/lib/background/handlers';
import type { FeedRecord } from '@/lib/storage/db';
import type { SyncOutcome } from '@/lib/sync/sync';
import { syntheticAppleId, syntheticTool } from '../bench/synthetic';
import type { WorkerControl } from '../bench/worker-control';
import { feed } from '../helpers/feeds';
import type { ExtensionSession } from './harness/browser';
import { closeInspected, launchInspected, type InspectedExtension } from './harness/inspected';
import { readFeeds, writeSubscriptions } from './harness/idb';
import { sendFromExtensionPage } from './harness/messages';
import type { FeedServer } from './harness/server';
import { waitFor } from './harness/wait';

const PUBLISHER = { id: 'e2e-damaged-network', name: 'Example Damaged-Copy Network (test)', kind: 'local-network' } as const;
const FIRST = 500_000;
const registry = feed({ publisher: PUBLISHER, sequence: 1, tools: Array.from({ length: 40 }, (_, i) => syntheticTool(FIRST + i)) });
const storePage = `https://apps.apple.com/gb/app/synthetic-tool/id${syntheticAppleId(FIRST + 9)}`;

let feeds: FeedServer;
let session: ExtensionSession;
let worker: WorkerControl;
/** An extension page that writes the database directly, as damage would, without the worker. */
let inspector: Page;
/** The feed's address, published by the first test. */
let feedUrl: string;

let started: InspectedExtension | undefined;
beforeAll(async () => {
  started = await launchInspected();
  ({ feeds, session, worker, inspector } = started);
});

afterAll(() => closeInspected(started));

/** Empties the postings of the feed's index shards (of one kind, or all): what a writer's bug or a damaged profile could leave. */
function damageShards(url: string, kind = ''): Promise<number> {
  return inspector.evaluate(async ({ url, kind }) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('signpost');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      const tx = db.transaction('toolShards', 'readwrite');
      const shards = tx.objectStore('toolShards');
      const rows = await new Promise<{ id: string; feedUrl: string }[]>((resolve, reject) => {
        const all = shards.index('feedUrl').getAll(url);
        all.onsuccess = () => resolve(all.result);
        all.onerror = () => reject(all.error);
      });
      const damaged = rows.filter((row) => row.id.startsWith(`${url} ${kind}`));
      for (const row of damaged) shards.put({ ...row, postings: null });
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      return damaged.length;
    } finally {
      db.close();
    }
  }, { url, kind });
}

/** The feed's row once a version other than `damaged` is stored and nothing is wrong. */
const storedAgain = (url: string, damaged: string | undefined) =>
  waitFor(
    async () => {
      const row: FeedRecord | undefined = await feedRow(url);
      return row?.contentVersion && row.contentVersion !== damaged && row.lastError === undefined ? row : undefined;
    },
    { timeoutMs: 20_000, message: 'the damaged copy to be set aside and the feed stored again' },
  );

const lookup = async () => (await sendFromExtensionPage(session, { type: 'lookup', url: storePage })) as LookupReply;
const feedRow = async (url: string) => (await readFeeds(session.serviceWorker)).find((row) => row.url === url);
const toolIdsIn = (reply: LookupReply) => reply.matches.flatMap((match) => match.product.records.map((record) => record.toolId));

describe('a damaged stored copy in the browser', () => {
  test('the card answers without the feed, the worker downloads it again at once, and the next card has its claim', async () => {
    const url = (feedUrl = feeds.publish('/damaged/registry.json', registry));
    await waitFor(() => writeSubscriptions(session.serviceWorker, [url]), { message: 'the extension to create its database' });
    const synced = (await sendFromExtensionPage(session, { type: 'sync-now' })) as SyncOutcome[];
    expect(synced.find((outcome) => outcome.url === url)).toMatchObject({ status: 'updated', counts: { tools: 40 } });
    expect(toolIdsIn(await lookup())).toEqual([syntheticTool(FIRST + 9).id]);
    const damagedVersion = (await feedRow(url))!.contentVersion;

    expect(await damageShards(url)).toBeGreaterThan(0);
    feeds.clearRequests();
    // The worker holds shards it has read in memory; damage is met by a worker started afresh (as
    // after a browser restart), which the next card lookup wakes.
    await worker.stop();
    const during = await lookup();
    expect(during.matches).toEqual([]);

    const repaired = await storedAgain(url, damagedVersion);
    expect(repaired.counts).toMatchObject({ tools: 40 });
    // Downloaded whole: an unconditional request answered in full, not a 304 that keeps nothing.
    expect(feeds.requests.filter((request) => request.method === 'GET')).toEqual([expect.objectContaining({ status: 200 })]);
    expect(toolIdsIn(await lookup())).toEqual([syntheticTool(FIRST + 9).id]);
  }, 60_000);

  test("damage the popup's search meets first: the popup sets the copy aside and the worker downloads the feed again", async () => {
    const url = feedUrl;
    const damagedVersion = (await feedRow(url))!.contentVersion;
    expect(await damageShards(url, 'words ')).toBeGreaterThan(0);
    feeds.clearRequests();
    const popup = await session.context.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    const box = popup.getByRole('combobox', { name: 'Search your registry' });
    await box.click();
    await box.pressSequentially('synthetic');
    const repaired = await storedAgain(url, damagedVersion);
    expect(repaired.counts).toMatchObject({ tools: 40 });
    expect(feeds.requests.filter((request) => request.method === 'GET')).toEqual([expect.objectContaining({ status: 200 })]);
    await popup.close();
  }, 60_000);
});
