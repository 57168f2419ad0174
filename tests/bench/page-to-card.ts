// Page to card on store pages, warm and cold service worker, the requests Signpost makes while
// doing it, and the per-URL remote lookup it is compared with.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Request } from 'playwright-core';
import { launchWithExtension, type ExtensionSession } from '../e2e/harness/browser';
import { readFeeds } from '../e2e/harness/idb';
import type { FeedServer, SiteServer } from '../e2e/harness/server';
import { waitFor } from '../e2e/harness/wait';
import type { LookupServer } from './lookup-server';
import { probeScript, readProbe, type ProbeOptions, type ProbeReading } from './probe';
import { controlWorker, type WorkerControl } from './worker-control';

/** Apple fixture and the real Google Play fixture, under app URLs the bundled registry knows. */
export const STORE_PAGES = [
  { store: 'apple', url: 'https://apps.apple.com/gb/app/nhs-app/id1388411277' },
  { store: 'play', url: 'https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline&hl=en_GB' },
  { store: 'apple', url: 'https://apps.apple.com/gb/app/wysa/id1166585565' },
  { store: 'play', url: 'https://play.google.com/store/apps/details?id=bot.touchkin' },
] as const;
export type Store = (typeof STORE_PAGES)[number]['store'];

const CARD_TAG = 'signpost-trust-card';
const REMOTE_TAG = 'bench-remote-verdict';

export interface Visit {
  store: Store;
  url: string;
  /** DOMContentLoaded to the first frame with the element at a non-zero size. */
  ms: number;
  reading: ProbeReading;
  /** Every request the page's frames made (the page's own, plus any a content script made). */
  pageRequests: string[];
}

/** `settle` runs after the reading, before the page closes: what must finish on the page first. */
async function visit(context: BrowserContext, { store, url }: (typeof STORE_PAGES)[number], probe: ProbeOptions, settle?: () => Promise<unknown>): Promise<Visit> {
  const page = await context.newPage();
  const pageRequests: string[] = [];
  page.on('request', (request) => pageRequests.push(request.url()));
  try {
    await page.addInitScript(probeScript(probe));
    await page.goto(url, { waitUntil: 'commit' });
    const reading = await readProbe(page);
    await settle?.();
    return { store, url, ms: reading.visible - reading.dcl, reading, pageRequests };
  } finally {
    await page.close();
  }
}

async function bootTimes(worker: WorkerControl, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < count; run++) {
    await worker.stop();
    times.push(await worker.start());
  }
  return times;
}

const pageAt = (index: number) => STORE_PAGES[index % STORE_PAGES.length]!;

export interface ColdVisit extends Visit {
  /** From Chromium's ServiceWorker domain, as seen from Node: the worker was asked to start, and reported running. */
  workerStartingAt: number;
  workerRunningAt: number;
}

export interface SignpostVisits {
  warm: Visit[];
  cold: ColdVisit[];
  /** Cold visits in which the worker was confirmed stopped before, and confirmed started by, the visit. */
  coldStartsVerified: number;
  /** http(s) requests from the service worker or an extension page during the visits. */
  extensionNetworkRequests: string[];
  /** Non-network loads by the extension (chrome-extension:// files) during the visits. */
  extensionLocalLoads: string[];
  feedServerRequests: number;
  /** The worker started with no page involved (ServiceWorker.startWorker): "starting" to "running", ms. */
  workerBootMs: number[];
  browserVersion: string;
}

export async function measureSignpostVisits(
  site: SiteServer,
  feeds: FeedServer,
  { visits, warmup, workerBoots, progress }: { visits: number; warmup: number; workerBoots: number; progress: (line: string) => void },
): Promise<SignpostVisits> {
  const session: ExtensionSession = await launchWithExtension({ hostRules: site.hostRules });
  try {
    const bundledUrl = `chrome-extension://${session.extensionId}/feeds/default.json`;
    await waitFor(async () => (await readFeeds(session.serviceWorker)).some((feed) => feed.url === bundledUrl && feed.lastSuccessAt), {
      timeoutMs: 20_000,
      message: 'the bundled feed to be synced on install',
    });
    const worker = await controlWorker(session.context, session.extensionId);
    try {
      const { product: browserVersion } = await worker.browserVersion();
      for (let index = 0; index < warmup; index++) await visit(session.context, pageAt(index), { tag: CARD_TAG });

      const extensionRequests: string[] = [];
      session.context.on('request', (request: Request) => {
        if (request.serviceWorker() || (!request.isNavigationRequest() && request.frame().url().startsWith('chrome-extension://'))) extensionRequests.push(request.url());
      });
      feeds.clearRequests();

      const warm: Visit[] = [];
      for (let index = 0; index < visits; index++) {
        if (worker.status() !== 'running') throw new Error(`A warm visit found the service worker ${worker.status()}`);
        warm.push(await visit(session.context, pageAt(index), { tag: CARD_TAG }));
      }
      progress(`warm: ${visits} visits done`);

      const workerBootMs = await bootTimes(worker, workerBoots);
      progress(`worker boot: ${workerBoots} starts timed`);

      const cold: ColdVisit[] = [];
      let coldStartsVerified = 0;
      for (let index = 0; index < visits; index++) {
        await worker.stop();
        const stoppedAt = Date.now();
        const startsBefore = worker.starts();
        // The card may come from its stored copy before the worker has even started: the page
        // stays open until the worker it woke for the live answer is running.
        const result = await visit(session.context, pageAt(index), { tag: CARD_TAG }, () =>
          waitFor(() => worker.starts() > startsBefore && worker.status() === 'running', { timeoutMs: 10_000, message: 'the worker woken by the visit to run' }),
        );
        const start = worker.lastStart();
        const verified = worker.starts() === startsBefore + 1 && start !== undefined && start.startingAt >= stoppedAt;
        if (verified) coldStartsVerified++;
        cold.push({ ...result, workerStartingAt: verified ? start.startingAt : NaN, workerRunningAt: verified ? start.runningAt : NaN });
      }
      progress(`cold: ${visits} visits done (${coldStartsVerified} confirmed worker starts)`);

      const network = extensionRequests.filter((url) => /^https?:/.test(url));
      return {
        warm,
        cold,
        coldStartsVerified,
        extensionNetworkRequests: network,
        extensionLocalLoads: extensionRequests.filter((url) => !network.includes(url)),
        feedServerRequests: feeds.requests.length,
        workerBootMs,
        browserVersion,
      };
    } finally {
      await worker.close();
    }
  } finally {
    await session.close();
  }
}

/**
 * The harness needs an extension with a service worker; this one has nothing else, so the
 * remote-lookup visits run in the same browser set-up with no Signpost content script competing.
 */
async function withEmptyExtension<T>(site: SiteServer, run: (session: ExtensionSession) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'signpost-bench-empty-extension-'));
  try {
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'Signpost bench: empty extension', version: '1.0', background: { service_worker: 'worker.js' } }));
    await writeFile(join(dir, 'worker.js'), '');
    const session = await launchWithExtension({ extensionDir: dir, hostRules: site.hostRules });
    try {
      return await run(session);
    } finally {
      await session.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RemoteVisits {
  /** Keyed by the server's added delay in ms ("0": loopback as is). */
  byDelay: Record<string, Visit[]>;
  lookupRequests: number;
  /** The empty extension's worker, started as Signpost's was: what any worker costs to start here. */
  emptyWorkerBootMs: number[];
}

export async function measureRemoteLookupVisits(
  site: SiteServer,
  server: LookupServer,
  { plan, warmup, workerBoots, progress }: { plan: readonly { delayMs: number; visits: number }[]; warmup: number; workerBoots: number; progress: (line: string) => void },
): Promise<RemoteVisits> {
  return withEmptyExtension(site, async (session) => {
    const worker = await controlWorker(session.context, session.extensionId);
    let emptyWorkerBootMs: number[];
    try {
      emptyWorkerBootMs = await bootTimes(worker, workerBoots);
    } finally {
      await worker.close();
    }
    const probe: ProbeOptions = { tag: REMOTE_TAG, lookupEndpoint: server.endpoint };
    for (let index = 0; index < warmup; index++) await visit(session.context, pageAt(index), probe);
    const byDelay: Record<string, Visit[]> = Object.fromEntries(plan.map(({ delayMs }) => [String(delayMs), []]));
    // The delays take turns visit by visit, so a change in the machine's load affects them alike.
    for (let round = 0; round < Math.max(...plan.map((step) => step.visits)); round++) {
      for (const { delayMs, visits } of plan) {
        if (round >= visits) continue;
        server.setDelay(delayMs);
        byDelay[String(delayMs)]!.push(await visit(session.context, pageAt(round), probe));
      }
    }
    progress(`remote lookup: ${plan.map(({ delayMs, visits }) => `${visits} visits at +${delayMs} ms`).join(', ')} done`);
    return { byDelay, lookupRequests: server.requests, emptyWorkerBootMs };
  });
}

/**
 * Requests a page's frames made with Signpost installed that the same page never made without it
 * (in the remote-lookup run): what a content script would have fetched. The lookup server's own
 * requests belong to the baseline and are left out.
 */
export function requestsOnlyWithSignpost(signpost: readonly Visit[], withoutSignpost: readonly Visit[], lookupEndpoint: string): string[] {
  const ownRequests = new Map<string, Set<string>>();
  for (const { url, pageRequests } of withoutSignpost) {
    const own = ownRequests.get(url) ?? new Set<string>();
    for (const request of pageRequests) own.add(request);
    ownRequests.set(url, own);
  }
  return signpost.flatMap(({ url, pageRequests }) => pageRequests.filter((request) => !request.startsWith(lookupEndpoint) && !ownRequests.get(url)?.has(request)));
}
