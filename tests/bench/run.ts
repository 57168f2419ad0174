// `npm run bench`: Signpost's performance figures against their goals, in one run on this machine.
// Prints a table and writes the same figures to tests/bench/results.json. Not part of `npm test`:
// the figures depend on the machine and on whatever else it is doing (see machine.loadAverage).
//
// fake-indexeddb must be installed before Dexie is first evaluated (Dexie captures indexedDB at
// load), so node-registry.ts, which imports it first, comes first here.
import { bundledHeadlines, compareWrites, nodeSync, type NodeSyncResult } from './node-registry';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EXTENSION_DIR, REPO_ROOT } from '../e2e/harness/paths';
import { startFeedServer, startSiteServer, type FeedServer, type SiteServer } from '../e2e/harness/server';
import { builtSizes, bundleComposition } from './bundle-size';
import { measureLinkBadges } from './link-badges';
import { startLookupServer, type LookupServer } from './lookup-server';
import { measureRemoteLookupVisits, measureSignpostVisits, requestsOnlyWithSignpost, STORE_PAGES, type Visit } from './page-to-card';
import { measureRegistryAtScale, type RegistryScaleResult } from './registry-scale';
import { measureDeltas } from './deltas';
import { atMost, kB, mb, ms, printTable, type Row } from './report';
import { rounded, summarise, type Summary } from './stats';
import { syntheticFeed } from './synthetic';

const VISITS = 50;
const SIZES = [1_000, 10_000, 100_000] as const;
const BREAKDOWN_SIZE = 10_000;
const SERVER_DELAY_MS = 50;
/** The delayed line is a secondary figure: fewer visits keep the run near ten minutes. */
const DELAYED_VISITS = 25;
const E2E_SITES_DIR = join(REPO_ROOT, '.output/chrome-mv3-e2e-sites');
const RESULTS_FILE = join(REPO_ROOT, 'tests/bench/results.json');
const GOALS = {
  warmMs: 50,
  coldMs: 150,
  requestsPerVisit: 0,
  lookupP99Ms: 2,
  sync100kMs: 10_000,
  notModifiedMs: 50,
  contentScriptBytes: 40_000,
  linkBadgesMsPer1000: 5,
  deltaOneToolBytes: 1024,
  deltaApplyMs: 100,
  deltaFiveDaysRequests: 1,
  peakMemoryMB: 150,
};

const began = performance.now();
const phases: { phase: string; startedAtS: number; loadAverage1m: number }[] = [];
const progress = (line: string) => console.log(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s, load ${os.loadavg()[0]!.toFixed(1)}] ${line}`);
/** A progress line that also records when the phase began and how busy the machine was. */
const phase = (line: string) => {
  phases.push({ phase: line, startedAtS: (performance.now() - began) / 1000, loadAverage1m: os.loadavg()[0]! });
  progress(line);
};

const timesOf = (visits: readonly Visit[]) => visits.map((visit) => visit.ms);
function byStoreOf<V extends Visit>(visits: readonly V[], figure: (visit: V) => number): Record<string, Summary> {
  return Object.fromEntries(['apple', 'play'].map((store) => [store, summarise(visits.filter((visit) => visit.store === store).map(figure).filter(Number.isFinite))]));
}
const byStore = (visits: readonly Visit[]) => byStoreOf(visits, (visit) => visit.ms);
/**
 * The visits mix a fast page (App Store fixture) and a slow one (Google Play): their times form
 * two clusters, and the median of the mix can fall between them. Say so when the stores disagree.
 */
function splitWarning(stores: Record<string, Summary>, goal: number): string {
  const met = Object.values(stores).map((store) => store.median <= goal);
  return met.includes(true) && met.includes(false) ? '; but see the stores apart' : '';
}
const percentiles = ({ median, p95, p99, mean, n }: Summary) => ({ p50: median, p95, p99, mean, n });

async function main(): Promise<void> {
  const loadAtStart = os.loadavg();
  let site: SiteServer | undefined;
  let feeds: FeedServer | undefined;
  let lookupServer: LookupServer | undefined;
  try {
    site = await startSiteServer();
    feeds = await startFeedServer();
    const bundledFeed = readFileSync(join(DEFAULT_EXTENSION_DIR, 'feeds/default.json'), 'utf8');
    lookupServer = await startLookupServer(await bundledHeadlines(bundledFeed, STORE_PAGES.map((page) => page.url)));

    phase(`page to card: ${VISITS} warm and ${VISITS} cold visits to store pages with Signpost`);
    const signpost = await measureSignpostVisits(site, feeds, { visits: VISITS, warmup: 4, workerBoots: 15, progress });
    phase(`remote lookup baseline: ${VISITS} visits at +0 and ${DELAYED_VISITS} at +${SERVER_DELAY_MS} ms server delay, no Signpost`);
    const plan = [
      { delayMs: 0, visits: VISITS },
      { delayMs: SERVER_DELAY_MS, visits: DELAYED_VISITS },
    ];
    const remote = await measureRemoteLookupVisits(site, lookupServer, { plan, warmup: 4, workerBoots: 15, progress });

    const scale: Record<string, RegistryScaleResult> = {};
    for (const size of SIZES) {
      phase(`registry at ${size} tools in the extension: sync, revalidate, lookups`);
      scale[size] = await measureRegistryAtScale(feeds, size, { lookups: 1000, warmup: 100, lookupBudgetMs: 5000, breakdown: size === BREAKDOWN_SIZE });
      progress(`  synced ${size} tools in ${ms(scale[size].sync.ms)}`);
    }

    phase('feed deltas: 100000 tools published with registry publish, served by nginx, synced in the extension');
    const deltas = await measureDeltas(100_000, progress);

    const node: Record<string, NodeSyncResult> = {};
    for (const size of SIZES) {
      phase(`registry at ${size} tools in Node (fake-indexeddb): sync, revalidate, lookups`);
      node[size] = await nodeSync(feeds, size, { fakeIndexedDb: size >= 100_000 ? 30 : 300, inMemory: 2000 });
    }
    phase(`Node: storeFeed against naive writes, ${BREAKDOWN_SIZE} tools`);
    const writeComparison = await compareWrites(syntheticFeed(BREAKDOWN_SIZE));

    phase('sizes of the built scripts, and a build with source maps to see what they hold');
    const sizes = builtSizes(DEFAULT_EXTENSION_DIR);
    const composition = bundleComposition();

    phase('link badges: 1,000 links, badges on and off');
    const badges = await measureLinkBadges(site, E2E_SITES_DIR, { runs: 5, windowMs: 4000 });

    const warm = summarise(timesOf(signpost.warm));
    const cold = summarise(timesOf(signpost.cold));
    const remoteLoopback = summarise(timesOf(remote.byDelay['0']!));
    const remoteDelayed = summarise(timesOf(remote.byDelay[String(SERVER_DELAY_MS)]!));
    const pageRequests = requestsOnlyWithSignpost([...signpost.warm, ...signpost.cold], Object.values(remote.byDelay).flat(), lookupServer.endpoint);
    const visitCount = signpost.warm.length + signpost.cold.length;
    const requestCount = signpost.extensionNetworkRequests.length + signpost.feedServerRequests + pageRequests.length;
    const largestContentScript = sizes.contentScripts.reduce((largest, file) => (file.bytes > largest.bytes ? file : largest));
    const big = scale[100_000]!;

    const results = rounded({
      machine: {
        cores: os.cpus().length,
        model: os.cpus()[0]?.model ?? 'unknown',
        totalMemoryBytes: os.totalmem(),
        node: process.version,
        chromium: signpost.browserVersion,
        loadAverage: { atStart: loadAtStart, atEnd: os.loadavg() },
        phases,
      },
      pageToCard: {
        visitsEach: VISITS,
        pages: STORE_PAGES,
        // dclToFirstFrame: the page's own floor (no element can be painted sooner). dclToInserted: the
        // card attached, the content script's work done; from there to visible is waiting for a frame.
        warm: {
          ...warm,
          byStore: byStore(signpost.warm),
          dclToFirstFrame: byStoreOf(signpost.warm, (v) => v.reading.firstFrame - v.reading.dcl),
          dclToInserted: byStoreOf(signpost.warm, (v) => v.reading.inserted - v.reading.dcl),
        },
        cold: {
          ...cold,
          byStore: byStore(signpost.cold),
          dclToFirstFrame: byStoreOf(signpost.cold, (v) => v.reading.firstFrame - v.reading.dcl),
          dclToInserted: byStoreOf(signpost.cold, (v) => v.reading.inserted - v.reading.dcl),
          workerStoppedAndRestarted: signpost.coldStartsVerified,
          workerRunningAfterDcl: byStoreOf(signpost.cold, (v) => v.workerRunningAt - (v.reading.timeOrigin + v.reading.dcl)),
        },
        workerBootMs: { signpost: summarise(signpost.workerBootMs), emptyExtension: summarise(remote.emptyWorkerBootMs) },
      },
      requestsPerVisit: requestCount / visitCount,
      requests: {
        visits: visitCount,
        extensionNetwork: signpost.extensionNetworkRequests,
        extensionLocalLoads: signpost.extensionLocalLoads.length,
        feedServer: signpost.feedServerRequests,
        pageRequestsOnlyWithSignpost: pageRequests,
      },
      remoteLookupBaseline: {
        ...remoteLoopback,
        byStore: byStore(remote.byDelay['0']!),
        dclToFirstFrame: byStoreOf(remote.byDelay['0']!, (v) => v.reading.firstFrame - v.reading.dcl),
        ratioToSignpostWarmMedian: remoteLoopback.median / warm.median,
        ratioToSignpostColdMedian: remoteLoopback.median / cold.median,
        [`withServerDelay${SERVER_DELAY_MS}ms`]: { ...remoteDelayed, ratioToSignpostWarmMedian: remoteDelayed.median / warm.median },
        lookupRequests: remote.lookupRequests,
      },
      lookup: Object.fromEntries(
        SIZES.map((size) => [
          String(size),
          {
            ...percentiles(scale[size]!.lookup.card.summary),
            hits: scale[size]!.lookup.card.hits,
            verdictOnly: { ...percentiles(scale[size]!.lookup.verdictOnly.summary), hits: scale[size]!.lookup.verdictOnly.hits },
            messagingFloor: percentiles(scale[size]!.lookup.messagingFloor),
            popupSearch: scale[size]!.popupSearch,
            node: { fakeIndexedDb: percentiles(node[size]!.lookup.fakeIndexedDb), inMemory: percentiles(node[size]!.lookup.inMemory) },
          },
        ]),
      ),
      sync: {
        ...Object.fromEntries(
          SIZES.map((size) => [
            String(size),
            {
              ...scale[size]!.sync,
              peakMemoryMB: scale[size]!.sync.extensionPeakRssBytes / 1_048_576,
              feedBytes: scale[size]!.feedBytes,
              notModified: scale[size]!.notModified,
              node: { ms: node[size]!.ms, rowsPerSecond: node[size]!.rowsPerSecond, peakRssBytes: node[size]!.peakRssBytes, rssBeforeBytes: node[size]!.rssBeforeBytes },
            },
          ]),
        ),
        notModified: { ...big.notModified, node: node[100_000]!.notModified },
        bundledOnlySyncMs: big.bundledOnlySyncMs,
        [`breakdown${BREAKDOWN_SIZE}`]: scale[BREAKDOWN_SIZE]!.breakdown,
        nodeWriteComparison: writeComparison,
      },
      delta: {
        size: deltas.size,
        snapshotBytes: deltas.snapshotBytes,
        fullSync: { ...deltas.fullSync, peakMemoryMB: deltas.fullSync.peakRssBytes / 1_048_576 },
        oneTool: { bytes: deltas.oneTool.patchBytes, applyMs: deltas.oneTool.applyMs, wireBytes: deltas.oneTool.wireBytes, requests: deltas.oneTool.requests, inline: deltas.oneTool.inline },
        fiveDaysBehind: deltas.fiveDaysBehind,
        unchanged: deltas.unchanged,
      },
      contentScriptBytes: largestContentScript.bytes,
      sizes: { ...sizes, composition: Object.fromEntries(Object.entries(composition).map(([file, parts]) => [file, parts.slice(0, 10)])) },
      linkBadgesPer1000: {
        ms: badges.mainThreadMsPer1000,
        scriptMs: badges.scriptMsPer1000,
        layoutAndStyleMs: badges.layoutAndStyleMsPer1000,
        allBadgesPresent: badges.allBadgesPresent,
        longestTaskMs: badges.longestTaskMs,
        links: badges.links,
        badges: badges.expectedBadges,
        runsEach: badges.runsEach,
        runs: badges.runs,
      },
      benchDurationMs: performance.now() - began,
    });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);

    const rows: Row[] = [
      { figure: 'Page to card, warm worker: median', value: ms(warm.median), goal: `≤ ${GOALS.warmMs} ms`, verdict: atMost(warm.median, GOALS.warmMs, ms) + splitWarning(results.pageToCard.warm.byStore, GOALS.warmMs) },
      ...(['apple', 'play'] as const).map((store) => {
        const median = results.pageToCard.warm.byStore[store]!.median;
        return { figure: `  warm, ${store === 'apple' ? 'App Store' : 'Google Play'} pages only`, value: ms(median), goal: `≤ ${GOALS.warmMs} ms`, verdict: atMost(median, GOALS.warmMs, ms) };
      }),
      { figure: 'Page to card, warm worker: p95', value: ms(warm.p95) },
      {
        figure: '  floor: DOMContentLoaded to the first frame, App Store / Google Play',
        value: `${ms(results.pageToCard.warm.dclToFirstFrame.apple!.median)} / ${ms(results.pageToCard.warm.dclToFirstFrame.play!.median)}`,
      },
      { figure: 'Page to card, cold worker: median', value: ms(cold.median), goal: `≤ ${GOALS.coldMs} ms`, verdict: atMost(cold.median, GOALS.coldMs, ms) + splitWarning(results.pageToCard.cold.byStore, GOALS.coldMs) },
      ...(['apple', 'play'] as const).map((store) => {
        const median = results.pageToCard.cold.byStore[store]!.median;
        return { figure: `  cold, ${store === 'apple' ? 'App Store' : 'Google Play'} pages only`, value: ms(median), goal: `≤ ${GOALS.coldMs} ms`, verdict: atMost(median, GOALS.coldMs, ms) };
      }),
      { figure: 'Page to card, cold worker: p95', value: ms(cold.p95) },
      { figure: '  cold visits with the worker confirmed stopped, then started', value: `${signpost.coldStartsVerified} / ${signpost.cold.length}` },
      { figure: '  worker start ("starting" to "running"), Signpost / empty extension', value: `${ms(results.pageToCard.workerBootMs.signpost.median)} / ${ms(results.pageToCard.workerBootMs.emptyExtension.median)}` },
      { figure: 'Requests caused by Signpost, per store-page visit', value: `${results.requestsPerVisit} (${requestCount} in ${visitCount} visits)`, goal: String(GOALS.requestsPerVisit), verdict: results.requestsPerVisit <= GOALS.requestsPerVisit ? 'met' : `MISSED: ${requestCount} requests` },
      { figure: 'Remote per-URL lookup (loopback): median', value: `${ms(remoteLoopback.median)} = ${results.remoteLookupBaseline.ratioToSignpostWarmMedian.toFixed(1)}× Signpost warm` },
      { figure: `Remote per-URL lookup (+${SERVER_DELAY_MS} ms server delay, ${DELAYED_VISITS} visits): median`, value: `${ms(remoteDelayed.median)} = ${(remoteDelayed.median / warm.median).toFixed(1)}× Signpost warm` },
      ...SIZES.flatMap((size): Row[] => {
        const { card, verdictOnly, messagingFloor } = scale[size]!.lookup;
        const goal = size === 100_000 ? { goal: `p99 ≤ ${GOALS.lookupP99Ms} ms`, verdict: atMost(card.summary.p99, GOALS.lookupP99Ms, ms) } : {};
        return [
          { figure: `Lookup in the worker, ${size} tools, card message: p50 / p99 (n=${card.summary.n})`, value: `${ms(card.summary.median)} / ${ms(card.summary.p99)}`, ...goal },
          {
            figure: `  URL to verdict only (lookup-links, 1 URL): p50 / p99`,
            value: `${ms(verdictOnly.summary.median)} / ${ms(verdictOnly.summary.p99)}`,
            ...(size === 100_000 ? { goal: `p99 ≤ ${GOALS.lookupP99Ms} ms`, verdict: atMost(verdictOnly.summary.p99, GOALS.lookupP99Ms, ms) } : {}),
          },
          { figure: `  messaging floor (message ignored by the worker): p50 / p99`, value: `${ms(messagingFloor.median)} / ${ms(messagingFloor.p99)}` },
          {
            figure: `  popup search, typing to results (80 ms typing delay included): popup open / ${scale[size]!.popupSearch.queries.map((timing) => `"${timing.query}"`).join(' / ')}`,
            value: [scale[size]!.popupSearch.openMs, ...scale[size]!.popupSearch.queries.map((timing) => timing.ms)].map(ms).join(' / '),
          },
          {
            figure: `  Node, lookupUrl: fake-indexeddb p50 / in-memory index p50 / p99`,
            value: `${ms(node[size]!.lookup.fakeIndexedDb.median)} / ${ms(node[size]!.lookup.inMemory.median)} / ${ms(node[size]!.lookup.inMemory.p99)}`,
          },
        ];
      }),
      ...SIZES.flatMap((size): Row[] => {
        const { sync } = scale[size]!;
        const goal = size === 100_000 ? { goal: `≤ ${GOALS.sync100kMs / 1000} s`, verdict: atMost(sync.ms, GOALS.sync100kMs, ms) } : {};
        return [
          {
            figure: `Sync ${size} tools (${mb(scale[size]!.feedBytes)} feed) in the extension`,
            value: `${ms(sync.ms)}, ${Math.round(sync.rowsPerSecond)} rows/s, peak RSS ${mb(sync.extensionPeakRssBytes)} (was ${mb(sync.extensionRssBeforeBytes)})`,
            ...goal,
          },
          { figure: `  same in Node (fake-indexeddb)`, value: `${ms(node[size]!.ms)}, ${Math.round(node[size]!.rowsPerSecond)} rows/s, peak RSS ${mb(node[size]!.peakRssBytes)}` },
        ];
      }),
      {
        figure: `Unchanged feed (304), 100000 tools, in the extension`,
        value: `${ms(big.notModified.ms)}, outcome ${big.notModified.status}, server ${big.notModified.feedServerStatus}, rows ${big.notModified.rowsBefore} → ${big.notModified.rowsAfter}`,
        goal: `≤ ${GOALS.notModifiedMs} ms, no writes`,
        verdict: big.notModified.rowsBefore === big.notModified.rowsAfter && big.notModified.status === 'unchanged' ? atMost(big.notModified.ms, GOALS.notModifiedMs, ms) : 'MISSED: not a clean 304',
      },
      { figure: '  of which a sync-now with only the bundled feed', value: ms(big.bundledOnlySyncMs) },
      {
        figure: 'Peak extension memory, full sync of 100000 tools (one feed file / snapshot of a manifest)',
        value: `${mb(big.sync.extensionPeakRssBytes)} / ${mb(deltas.fullSync.peakRssBytes)} (the process held ${mb(big.sync.extensionRssBeforeBytes)} / ${mb(deltas.fullSync.rssBeforeBytes)} before the sync)`,
        goal: `≤ ${GOALS.peakMemoryMB} MB`,
        verdict: atMost(Math.max(big.sync.extensionPeakRssBytes, deltas.fullSync.peakRssBytes) / 1_048_576, GOALS.peakMemoryMB, (value) => `${value.toFixed(0)} MB`),
      },
      {
        figure: 'Delta, one tool changed in 100000: patch bytes / on the wire (manifest with the patch inside, gzip)',
        value: `${deltas.oneTool.patchBytes} B${deltas.oneTool.inline ? ' (inside the manifest)' : ''} / ${deltas.oneTool.wireBytes} B in ${deltas.oneTool.requests} request(s)`,
        goal: `≤ ${GOALS.deltaOneToolBytes} B of patch`,
        verdict: atMost(deltas.oneTool.patchBytes, GOALS.deltaOneToolBytes, (value) => `${value} B`),
      },
      { figure: '  applied in the extension (sync of that feed, manifest download included)', value: ms(deltas.oneTool.applyMs), goal: `≤ ${GOALS.deltaApplyMs} ms`, verdict: atMost(deltas.oneTool.applyMs, GOALS.deltaApplyMs, ms) },
      {
        figure: 'Delta, a client five days behind: requests / bytes on the wire / time',
        value: `${deltas.fiveDaysBehind.requests} / ${deltas.fiveDaysBehind.wireBytes} B / ${ms(deltas.fiveDaysBehind.ms)}`,
        goal: `${GOALS.deltaFiveDaysRequests} request`,
        verdict: atMost(deltas.fiveDaysBehind.requests, GOALS.deltaFiveDaysRequests, (value) => String(value)),
      },
      { figure: '  full sync through nginx (manifest and gzipped snapshot): time / requests / bytes on the wire', value: `${ms(deltas.fullSync.ms)} / ${deltas.fullSync.requests} / ${mb(deltas.fullSync.wireBytes)}` },
      { figure: '  unchanged manifest: time / requests', value: `${ms(deltas.unchanged.ms)} (${deltas.unchanged.status}) / ${deltas.unchanged.requests}` },
      {
        figure: '  same in Node: time, tool rows / feed-status rows written',
        value: `${ms(node[100_000]!.notModified.ms)}, ${node[100_000]!.notModified.toolRowsWritten} / ${node[100_000]!.notModified.feedStatusRowsWritten}`,
        goal: `≤ ${GOALS.notModifiedMs} ms, 0 tool rows`,
        verdict: node[100_000]!.notModified.toolRowsWritten === 0 ? atMost(node[100_000]!.notModified.ms, GOALS.notModifiedMs, ms) : 'MISSED: tool rows written',
      },
      ...(scale[BREAKDOWN_SIZE]!.breakdown
        ? [
            {
              figure: `Sync breakdown, ${BREAKDOWN_SIZE} tools: fetch / parse / decode (Node) / raw IndexedDB put, one row per tool (v1–v4 storage)`,
              value: [scale[BREAKDOWN_SIZE]!.breakdown.fetchMs, scale[BREAKDOWN_SIZE]!.breakdown.parseMs, scale[BREAKDOWN_SIZE]!.breakdown.decodeInNodeMs, scale[BREAKDOWN_SIZE]!.breakdown.rawIndexedDbPutMs].map(ms).join(' / '),
            },
          ]
        : []),
      {
        figure: `Node writes, ${BREAKDOWN_SIZE} tools: storeFeed (chunks) / one row per tool: bulkPut / put loop, 1 tx / put, 1 tx per row`,
        value: [writeComparison.storeFeedMs, writeComparison.perToolBulkPutMs, writeComparison.putLoopOneTransactionMs, writeComparison.putPerRowTransactionMs].map(ms).join(' / '),
      },
      ...sizes.contentScripts.map((file) => ({
        figure: `Content script ${file.file}: raw (gzip)`,
        value: `${kB(file.bytes)} (${kB(file.gzipBytes)})`,
        goal: `≤ ${kB(GOALS.contentScriptBytes)}`,
        verdict: atMost(file.bytes, GOALS.contentScriptBytes, kB),
      })),
      ...Object.entries(composition)
        .filter(([file]) => file !== 'background.js')
        .map(([file, parts]) => ({ figure: `  largest parts of ${file}`, value: parts.slice(0, 4).map((part) => `${part.owner} ${kB(part.bytes)}`).join(', ') })),
      { figure: 'Background worker background.js: raw (gzip)', value: `${kB(sizes.background.bytes)} (${kB(sizes.background.gzipBytes)})` },
      { figure: '  largest parts', value: (composition['background.js'] ?? []).slice(0, 4).map((part) => `${part.owner} ${kB(part.bytes)}`).join(', ') },
      {
        figure: `Link badges: main-thread ms per 1,000 links (${badges.expectedBadges} badges, median of ${badges.runsEach} on/off pairs)`,
        value: ms(badges.mainThreadMsPer1000),
        goal: `≤ ${GOALS.linkBadgesMsPer1000} ms`,
        verdict: atMost(badges.mainThreadMsPer1000, GOALS.linkBadgesMsPer1000, ms),
      },
      { figure: '  of which script / layout and style', value: `${ms(badges.scriptMsPer1000)} / ${ms(badges.layoutAndStyleMsPer1000)}` },
      { figure: '  insertion to the badges near the viewport placed: median / max', value: `${ms(badges.allBadgesPresent.median)} / ${ms(badges.allBadgesPresent.max)}` },
      { figure: '  longest task, badges on / off', value: `${ms(badges.longestTaskMs.badges)} / ${ms(badges.longestTaskMs.noBadges)}` },
    ];
    const notes = [
      'Page to card runs from DOMContentLoaded to the first frame in which the card has a size, measured in the page. Signpost starts its lookup at document_start, so on a slow page (the 1.2 MB Google Play fixture) the answer is usually in before DOMContentLoaded; on a fast one (the small App Store fixture) it is not.',
      `The remote lookup is measured on loopback, with the answer precomputed: a real network adds its round trip (typically 20 to 150 ms, more on mobile links and NHS networks) to every page, and it sends every URL visited to the server.`,
      'Worker start times are seen from Node through DevTools; Playwright attaches to each worker as it starts, which adds to both the Signpost and the empty-extension figure.',
      `Machine: ${results.machine.cores} cores (${results.machine.model}), ${mb(results.machine.totalMemoryBytes)} memory, Node ${results.machine.node}, ${results.machine.chromium}; load average ${loadAtStart.map((load) => load.toFixed(2)).join(' ')} at start, ${os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')} at the end.`,
      `Sizes: kB = 1,000 bytes; gzip at Node's default level. Results in ${RESULTS_FILE.slice(REPO_ROOT.length)}; took ${((performance.now() - began) / 1000).toFixed(0)} s.`,
    ];
    console.log('');
    printTable(rows, notes);
  } finally {
    await Promise.allSettled([site?.close(), feeds?.close(), lookupServer?.close()]);
  }
}

await main();
