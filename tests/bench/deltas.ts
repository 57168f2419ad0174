// Feed deltas at national scale in the real extension (issue #15): a 100,000-tool feed published
// with `registry publish` into a folder served by Debian's nginx, synced in full once, then one tool
// changed (bytes on the wire, time in the worker), then five daily publications (requests for a
// client five days behind). The same publisher code and the same extension build as users get.
import { mkdtemp, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { generateKeyPair } from '@/lib/feed/keys';
import type { Feed } from '@/lib/feed/schema';
import { readFeedFile } from '@/lib/feed/signature';
import { MANIFEST_FILE, publishFeed } from '@/lib/publish/publish';
import { diskFolder } from '../../scripts/disk-folder';
import type { SyncOutcome } from '@/lib/sync/sync';
import { launchWithExtension } from '../e2e/harness/browser';
import { readFeeds, writeSetting } from '../e2e/harness/idb';
import { startNginx, type LoggedRequest } from '../e2e/harness/nginx';
import { waitFor } from '../e2e/harness/wait';
import { extensionProcessId, peakResidentBytes, resetPeakResident, residentBytes } from './memory';
import { syntheticFeed } from './synthetic';

const DAY_MS = 86_400_000;

export interface DeltaResult {
  size: number;
  snapshotBytes: number;
  fullSync: { ms: number; rssBeforeBytes: number; peakRssBytes: number; requests: number; wireBytes: number };
  oneTool: { patchBytes: number; wireBytes: number; requests: number; applyMs: number; inline: boolean };
  fiveDaysBehind: { requests: number; wireBytes: number; ms: number };
  unchanged: { ms: number; requests: number; status: string };
}

async function syncOne(page: Page, url: string): Promise<{ ms: number; outcome: SyncOutcome }> {
  return page.evaluate(async (url) => {
    const started = performance.now();
    const outcome = (await browser.runtime.sendMessage({ type: 'sync-feed', url })) as SyncOutcome;
    return { ms: performance.now() - started, outcome };
  }, url);
}

export async function measureDeltas(size: number, progress: (line: string) => void): Promise<DeltaResult> {
  const root = await mkdtemp(join(tmpdir(), 'signpost-bench-deltas-'));
  let clock = Date.now() - 10 * DAY_MS;
  // nginx's ETag is size and modification time: a real upload moves the time on.
  const folder = diskFolder(root, async (path) => {
    clock += 1000;
    await utimes(path, new Date(clock), new Date(clock));
  });
  const nginx = await startNginx(root);
  const key = await generateKeyPair();
  const manifestUrl = nginx.urlOf(MANIFEST_FILE);
  const base = syntheticFeed(size);
  let current: Feed = { ...base, version: 2, sequence: 1, generatedAt: new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z') };
  const publish = async (next: Feed) => {
    current = next;
    const report = await publishFeed('feed.json', JSON.stringify(current), folder, { keys: [{ file: 'bench.jwk', text: JSON.stringify(key.privateJwk) }], urls: [manifestUrl], now: Date.parse(current.generatedAt) });
    if (report.exitCode !== 0) throw new Error(`publish failed: ${report.lines.join('; ')}`);
  };
  /** The next day's publication, with one tool's name changed. */
  const oneToolLater = (day: number): Feed => {
    const tools = [...current.tools];
    tools[day] = { ...tools[day]!, name: `${tools[day]!.name} (renamed on day ${day})` };
    return { ...current, sequence: current.sequence + 1, generatedAt: new Date(Date.parse(current.generatedAt) + DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z'), tools };
  };
  const wire = (requests: LoggedRequest[]) => requests.reduce((sum, request) => sum + request.bytesSent, 0);
  const since = async (count: number) => (await nginx.requests()).slice(count).filter((request) => request.method === 'GET');

  const session = await launchWithExtension();
  try {
    await publish(current);
    const snapshotBytes = Buffer.byteLength(JSON.stringify(current));
    const bundledUrl = `chrome-extension://${session.extensionId}/feeds/default.json`;
    await waitFor(async () => (await readFeeds(session.serviceWorker)).some((feed) => feed.url === bundledUrl && feed.lastSuccessAt), { timeoutMs: 20_000, message: 'the bundled feed synced on install' });
    await writeSetting(session.serviceWorker, 'subscriptions', [{ url: manifestUrl, addedAt: Date.now(), keys: [key.publicKey] }]);
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/manifest.json`);

    progress(`deltas: full sync of ${size} tools from the snapshot through nginx`);
    const pid = extensionProcessId();
    const rssBeforeBytes = residentBytes(pid);
    resetPeakResident(pid);
    let seen = (await nginx.requests()).length;
    const full = await syncOne(page, manifestUrl);
    const peakRssBytes = peakResidentBytes(pid);
    if (full.outcome.status !== 'updated') throw new Error(`full sync: ${JSON.stringify(full.outcome)}`);
    const fullRequests = await since(seen);

    progress('deltas: one tool changed');
    await publish(oneToolLater(1));
    const manifest = await readFeedFile(await readFile(join(root, MANIFEST_FILE), 'utf8'));
    const patch = manifest.kind === 'manifest' ? manifest.manifest.patches.find((entry) => entry.from === 1) : undefined;
    if (!patch) throw new Error('the manifest has no patch from sequence 1');
    seen = (await nginx.requests()).length;
    const one = await syncOne(page, manifestUrl);
    if (one.outcome.status !== 'updated') throw new Error(`one-tool sync: ${JSON.stringify(one.outcome)}`);
    const oneRequests = await since(seen);

    seen = (await nginx.requests()).length;
    const unchanged = await syncOne(page, manifestUrl);
    const unchangedRequests = await since(seen);

    progress('deltas: five daily publications, then one sync');
    for (let day = 2; day <= 6; day++) await publish(oneToolLater(day));
    seen = (await nginx.requests()).length;
    const behind = await syncOne(page, manifestUrl);
    if (behind.outcome.status !== 'updated') throw new Error(`five-days-behind sync: ${JSON.stringify(behind.outcome)}`);
    const behindRequests = await since(seen);
    const stored = (await readFeeds(session.serviceWorker)).find((feed) => feed.url === manifestUrl);
    if (stored?.sequence !== current.sequence) throw new Error(`after catching up the extension holds sequence ${stored?.sequence}, not ${current.sequence}`);

    return {
      size,
      snapshotBytes,
      fullSync: { ms: full.ms, rssBeforeBytes, peakRssBytes, requests: fullRequests.length, wireBytes: wire(fullRequests) },
      oneTool: { patchBytes: patch.length, wireBytes: wire(oneRequests), requests: oneRequests.length, applyMs: one.ms, inline: patch.inline !== undefined },
      fiveDaysBehind: { requests: behindRequests.length, wireBytes: wire(behindRequests), ms: behind.ms },
      unchanged: { ms: unchanged.ms, requests: unchangedRequests.length, status: unchanged.outcome.status },
    };
  } finally {
    await session.close();
    await nginx.close();
    await rm(root, { recursive: true, force: true });
  }
}
