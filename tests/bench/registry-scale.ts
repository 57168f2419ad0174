// The registry at 1k / 10k / 100k tools inside the real extension: sync a synthetic feed from the
// feed server into the service worker's IndexedDB, revalidate it (304), then time lookups as the
// content scripts ask for them, through runtime messaging from an extension page.
import type { Page } from 'playwright-core';
import { toolRecord } from '@/lib/storage/tool-store';
import { decodeFeed, type SyncOutcome } from '@/lib/sync/sync';
import { launchWithExtension, type ExtensionSession } from '../e2e/harness/browser';
import { countTools, readFeeds, writeSubscriptions } from '../e2e/harness/idb';
import type { FeedServer } from '../e2e/harness/server';
import { waitFor } from '../e2e/harness/wait';
import { extensionProcessId, peakResidentBytes, resetPeakResident, residentBytes } from './memory';
import { perToolIndexes, perToolRow } from './per-tool-table';
import { timePopupSearch } from './popup-search';
import { summarise, type Summary } from './stats';
import { lookupUrlMix, syntheticFeed } from './synthetic';

export interface TimedSync {
  ms: number;
  outcomes: SyncOutcome[];
}

export interface LookupTimes {
  summary: Summary;
  /** Lookups that found a tool: a check that the registry really answered. */
  hits: number;
}

export interface RegistryScaleResult {
  size: number;
  feedBytes: number;
  /** A "sync-now" with only the bundled feed subscribed: the part of every sync-now that is not the synthetic feed. */
  bundledOnlySyncMs: number;
  sync: { ms: number; rowsPerSecond: number; rowsStored: number; extensionRssBeforeBytes: number; extensionPeakRssBytes: number };
  /** Median of three revalidations; status and feedServerStatus are those of any run that was not a clean 304. */
  notModified: { ms: number; status: SyncOutcome['status']; feedServerStatus: number | undefined; rowsBefore: number; rowsAfter: number };
  /** The card's message ('lookup': verdict, alternatives, dismissal) and a link badge's ('lookup-links', one URL: lookupUrl alone). */
  lookup: { card: LookupTimes; verdictOnly: LookupTimes; messagingFloor: Summary };
  /** The toolbar popup's registry search over the same registry. */
  popupSearch: Awaited<ReturnType<typeof timePopupSearch>>;
  breakdown?: SyncBreakdown;
}

/** Where a sync's time goes, step by step, for the same feed (the extension's code cannot be timed from inside). */
export interface SyncBreakdown {
  /** In the worker: fetching the feed from the feed server and reading it as text. */
  fetchMs: number;
  /** In the worker: JSON.parse of that text. */
  parseMs: number;
  /** In Node: decodeFeed (JSON.parse and zod validation), the step between parse and store. */
  decodeInNodeMs: number;
  /** In the worker: the same tool records put with raw IndexedDB in one transaction, one row per tool into a scratch table indexed as schema v1–v4 did (the before of chunked storage). */
  rawIndexedDbPutMs: number;
}

export interface ScaleOptions {
  breakdown: boolean;
  lookups: number;
  warmup: number;
  /** Time one kind of lookup for at most this long (and warm up for a quarter of it), whatever the count: slow lookups must not stall the run. */
  lookupBudgetMs: number;
}

async function timeSyncNow(page: Page): Promise<TimedSync> {
  return page.evaluate(async () => {
    const started = performance.now();
    const outcomes = (await browser.runtime.sendMessage({ type: 'sync-now' })) as SyncOutcome[];
    return { ms: performance.now() - started, outcomes };
  });
}

/** Round trips of runtime messages from an extension page to the worker, as a content script sends them. */
async function timeMessages(page: Page, messages: readonly unknown[], { warmup, lookupBudgetMs }: ScaleOptions): Promise<LookupTimes> {
  // No named inner functions here: tsx would wrap them in a helper that does not exist in the page.
  const { samples, hits } = await page.evaluate(
    async ({ messages, warmup, budget }) => {
      const samples: number[] = [];
      let hits = 0;
      // Warm-up counts against the same budget: at 100k tools one card lookup can take seconds.
      const warmupDeadline = performance.now() + budget / 4;
      let deadline = Infinity;
      for (let index = 0; index < messages.length; index++) {
        const warming = index < warmup && performance.now() < warmupDeadline;
        if (!warming && deadline === Infinity) deadline = performance.now() + budget;
        const started = performance.now();
        let reply: { matches?: unknown[] } | unknown[] | undefined;
        try {
          reply = (await browser.runtime.sendMessage(messages[index])) as typeof reply;
        } catch {
          // A message the worker ignores may reject ("no response"): its round trip still counts.
        }
        if (warming) continue;
        samples.push(performance.now() - started);
        if (Array.isArray(reply) ? reply.length > 0 : (reply?.matches?.length ?? 0) > 0) hits++;
        if (performance.now() > deadline) break;
      }
      return { samples, hits };
    },
    { messages: [...messages], warmup, budget: lookupBudgetMs },
  );
  return { summary: summarise(samples), hits };
}

async function syncBreakdown(session: ExtensionSession, url: string, text: string): Promise<SyncBreakdown> {
  let started = performance.now();
  const decoded = await decodeFeed(text);
  const decodeInNodeMs = performance.now() - started;
  const records = decoded.feed.tools.map((tool) => perToolRow(toolRecord(url, tool)));
  const inWorker = await session.serviceWorker.evaluate(
    async ({ url, records, schema }) => {
      let started = performance.now();
      const text = await (await fetch(url, { cache: 'no-store', credentials: 'omit' })).text();
      const fetchMs = performance.now() - started;
      started = performance.now();
      JSON.parse(text);
      const parseMs = performance.now() - started;
      const name = 'signpost-bench-scratch';
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open(name, 1);
        open.onupgradeneeded = () => {
          const store = open.result.createObjectStore('tools', { keyPath: schema.keyPath });
          for (const index of schema.indexes) store.createIndex(index.name, index.name, { multiEntry: index.multiEntry });
        };
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      try {
        started = performance.now();
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('tools', 'readwrite');
          for (const record of records) tx.objectStore('tools').put(record);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        return { fetchMs, parseMs, rawIndexedDbPutMs: performance.now() - started };
      } finally {
        db.close();
        await new Promise((resolve) => {
          const deletion = indexedDB.deleteDatabase(name);
          deletion.onsuccess = deletion.onerror = resolve;
        });
      }
    },
    { url, records, schema: perToolIndexes() },
  );
  return { ...inWorker, decodeInNodeMs };
}

const medianOf = (values: number[]) => summarise(values).median;

export async function measureRegistryAtScale(feeds: FeedServer, size: number, options: ScaleOptions): Promise<RegistryScaleResult> {
  const session: ExtensionSession = await launchWithExtension();
  try {
    const bundledUrl = `chrome-extension://${session.extensionId}/feeds/default.json`;
    await waitFor(async () => (await readFeeds(session.serviceWorker)).some((feed) => feed.url === bundledUrl && feed.lastSuccessAt), {
      timeoutMs: 20_000,
      message: 'the bundled feed to be synced on install',
    });
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/manifest.json`);

    const bundledOnly: number[] = [];
    for (let run = 0; run < 3; run++) bundledOnly.push((await timeSyncNow(page)).ms);

    const body = syntheticFeed(size);
    const url = feeds.publish(`/bench/feed-${size}.json`, body);
    const text = JSON.stringify(body);
    const feedBytes = Buffer.byteLength(text);
    if (!(await writeSubscriptions(session.serviceWorker, [url]))) throw new Error('The extension has no database to subscribe in');
    const rows = async () => (await countTools(session.serviceWorker, url)) ?? 0;

    const pid = extensionProcessId();
    const extensionRssBeforeBytes = residentBytes(pid);
    resetPeakResident(pid);
    const first = await timeSyncNow(page);
    const extensionPeakRssBytes = peakResidentBytes(pid);
    const stored = first.outcomes.find((outcome) => outcome.url === url);
    if (stored?.status !== 'updated' || stored.counts.tools !== size) throw new Error(`Sync of ${size} tools in the extension: ${JSON.stringify(stored)}`);
    const rowsStored = await rows();

    const revalidations: { ms: number; status: SyncOutcome['status']; feedServerStatus: number | undefined }[] = [];
    for (let run = 0; run < 3; run++) {
      feeds.clearRequests();
      const again = await timeSyncNow(page);
      const feedGet = feeds.requests.find((request) => request.method === 'GET' && request.url === url);
      revalidations.push({ ms: again.ms, status: again.outcomes.find((outcome) => outcome.url === url)?.status ?? 'failed', feedServerStatus: feedGet?.status });
    }
    const rowsAfter = await rows();
    const notModifiedMs = medianOf(revalidations.map((run) => run.ms));
    const odd = revalidations.find((run) => run.status !== 'unchanged' || run.feedServerStatus !== 304);

    const urls = lookupUrlMix(size, options.warmup + options.lookups);
    const messages = {
      card: urls.map((url) => ({ type: 'lookup', url })),
      verdictOnly: urls.map((url) => ({ type: 'lookup-links', urls: [url] })),
      // Fails the worker's message schema and gets no answer: messaging plus dispatch, no storage.
      floor: urls.map(() => ({ type: 'bench-no-such-message' })),
    };
    const breakdown = options.breakdown ? await syncBreakdown(session, url, text) : undefined;
    return {
      size,
      feedBytes,
      bundledOnlySyncMs: medianOf(bundledOnly),
      sync: { ms: first.ms, rowsPerSecond: size / (first.ms / 1000), rowsStored, extensionRssBeforeBytes, extensionPeakRssBytes },
      notModified: { ms: notModifiedMs, status: odd?.status ?? 'unchanged', feedServerStatus: odd ? odd.feedServerStatus : 304, rowsBefore: rowsStored, rowsAfter },
      lookup: {
        card: await timeMessages(page, messages.card, options),
        verdictOnly: await timeMessages(page, messages.verdictOnly, options),
        messagingFloor: (await timeMessages(page, messages.floor, options)).summary,
      },
      popupSearch: await timePopupSearch(session.context, session.extensionId),
      ...(breakdown ? { breakdown } : {}),
    };
  } finally {
    await session.close();
  }
}
