// Where the extension process's memory goes around a streamed full sync (issue #15): the process
// at each stage before the sync, split into what the kernel counts (anonymous memory, mapped
// files such as Chromium's own code, shared memory) and what V8 holds (the worker's and the open
// extension page's JS heaps, used against reserved), then the same figures sampled every ~100 ms
// during the sync. A diagnostic for working on memory, not part of `npm run bench`.
//
//   npm run build && node --experimental-websocket --import tsx tests/bench/sync-memory-profile.ts [--size 100000]
//   … --extension <dir>: another build of Signpost (e.g. the main branch's, to compare)
//   … --collect-every 500: a full GC in the worker every 500 ms of the sync, leaving what it keeps alive
//   … --by-alarm: no extension page open; the sync is started by the worker's own periodic alarm, as
//     a scheduled sync is (the bench's page adds ~28 MB of Chromium's rendering code to the process)
//   … --allocations promoted: where the sync's old-generation garbage comes from (V8's sampling heap
//     profiler, counting what survived to a full GC, live or collected by one); --allocations all
//     counts every allocation. Build unminified for names that mean something (vite minify: false).
//   … --floor --extension /tmp/empty-extension: the stages before a sync only, for any unpacked
//     extension (one whose worker does nothing gives Chromium's own floor for an extension process)
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@/lib/feed/keys';
import { MANIFEST_FILE, publishFeed } from '@/lib/publish/publish';
import type { SyncOutcome } from '@/lib/sync/sync';
import { diskFolder } from '../../scripts/disk-folder';
import { launchWithExtension } from '../e2e/harness/browser';
import { readFeeds, writeSetting } from '../e2e/harness/idb';
import { startNginx } from '../e2e/harness/nginx';
import { waitFor } from '../e2e/harness/wait';
import { extensionProcessId, resetPeakResident } from './memory';
import { syntheticFeed } from './synthetic';

const MB = 1_048_576;

/** A DevTools connection to the whole browser, with flat sessions for the targets it attaches to. */
class DevTools {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown; error?: { message: string } };
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id!);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    });
  }

  static async connect(port: number): Promise<DevTools> {
    const { webSocketDebuggerUrl } = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as { webSocketDebuggerUrl: string };
    const socket = new WebSocket(webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    return new DevTools(socket);
  }

  send<T = unknown>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  /** A session on the first target of `type` whose URL starts with `urlPrefix`. */
  async attach(type: string, urlPrefix: string): Promise<string> {
    const { targetInfos } = await this.send<{ targetInfos: { targetId: string; type: string; url: string }[] }>('Target.getTargets');
    const target = targetInfos.find((info) => info.type === type && info.url.startsWith(urlPrefix));
    if (!target) throw new Error(`No ${type} target at ${urlPrefix}`);
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', { targetId: target.targetId, flatten: true });
    return sessionId;
  }

  close(): void {
    this.socket.close();
  }
}

interface Heap {
  used: number;
  total: number;
  /** Blink's own objects (Oilpan) and ArrayBuffer contents, outside the JS heap proper. */
  embedder: number;
  backing: number;
}

async function heapOf(devTools: DevTools, sessionId: string, timeoutMs = 2000): Promise<Heap | null> {
  const usage = devTools.send<{ usedSize: number; totalSize: number; embedderHeapUsedSize?: number; backingStorageSize?: number }>('Runtime.getHeapUsage', {}, sessionId);
  const answered = await Promise.race([usage, new Promise<null>((done) => setTimeout(() => done(null), timeoutMs))]);
  return answered && { used: answered.usedSize, total: answered.totalSize, embedder: answered.embedderHeapUsedSize ?? NaN, backing: answered.backingStorageSize ?? NaN };
}

function processMemory(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: field('VmRSS'), hwm: field('VmHWM'), anon: field('RssAnon'), file: field('RssFile'), shmem: field('RssShmem') };
}

const mb = (bytes: number | undefined) => (bytes === undefined || Number.isNaN(bytes) ? '   -' : (bytes / MB).toFixed(0).padStart(4));
const heapText = (heap: Heap | null | undefined) => (heap ? `${mb(heap.used)}/${mb(heap.total)} ${mb(heap.embedder)} ${mb(heap.backing)}` : '     -/-    -    -');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/** The functions that allocated most during the sync, by bytes sampled, each with its caller. */
function printAllocations({ profile }: { profile: { head: AllocationNode } }): void {
  const bySite = new Map<string, number>();
  const visit = (node: AllocationNode, stack: string) => {
    const frame = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
    const path = stack ? `${stack} < ${frame}` : frame;
    if (node.selfSize) bySite.set(path, (bySite.get(path) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child, node.callFrame.functionName === '(root)' ? '' : frame);
  };
  visit(profile.head, '');
  const total = [...bySite.values()].reduce((sum, bytes) => sum + bytes, 0);
  console.log(`\nallocated during the sync (sampled): ${mb(total)} MB; by function < caller:`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${mb(bytes)} MB  ${site}`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, extension: { type: 'string' }, floor: { type: 'boolean', default: false }, 'by-alarm': { type: 'boolean', default: false }, settle: { type: 'string', default: '3000' }, 'collect-every': { type: 'string' }, allocations: { type: 'string' } } });
/** Forces a full GC in the worker this often during the sync: what is then left is what the sync keeps alive. */
const collectEveryMs = values['collect-every'] ? Number(values['collect-every']) : undefined;
const size = Number(values.size);
const settleMs = Number(values.settle);
const port = await freePort();
const session = await launchWithExtension({ ...(values.extension ? { extensionDir: resolve(values.extension) } : {}), args: [`--remote-debugging-port=${port}`] });
const devTools = await DevTools.connect(port);
const root = await mkdtemp(join(tmpdir(), 'signpost-memory-profile-'));
const nginx = values.floor ? undefined : await startNginx(root);
try {
  const origin = `chrome-extension://${session.extensionId}/`;
  const pid = extensionProcessId();
  const worker = await devTools.attach('service_worker', origin);
  let page: string | undefined;
  console.log('stage                                   rss  anon  file shmem  worker heap used/total embedder buffers   page heap (same)');
  /** Fires the worker's periodic sync alarm now and waits for the feed's row to record the outcome. */
  const syncByAlarm = async (url: string): Promise<Pick<SyncOutcome, 'status'>> => {
    await session.serviceWorker.evaluate((name) => browser.alarms.create(name, { when: Date.now() }), 'signpost-sync'); // entrypoints/background.ts SYNC_ALARM
    const feed = await waitFor(async () => (await readFeeds(session.serviceWorker)).find((row) => row.url === url && (row.lastSuccessAt || row.lastError)), { timeoutMs: 120_000, intervalMs: 250, message: 'the scheduled sync' });
    return { status: feed.lastError ? 'failed' : 'updated' };
  };
  const stage = async (label: string, { collect = false } = {}) => {
    if (collect) {
      await devTools.send('HeapProfiler.collectGarbage', {}, worker);
      if (page) await devTools.send('HeapProfiler.collectGarbage', {}, page);
    }
    const memory = processMemory(pid);
    const [workerHeap, pageHeap] = await Promise.all([heapOf(devTools, worker), page ? heapOf(devTools, page) : null]);
    console.log(`${label.padEnd(38)} ${mb(memory.rss)}  ${mb(memory.anon)}  ${mb(memory.file)}  ${mb(memory.shmem)}        ${heapText(workerHeap)}              ${heapText(pageHeap)}`);
  };

  await stage('worker just started');
  if (!values.floor) {
    const bundledUrl = `${origin}feeds/default.json`;
    await waitFor(async () => (await readFeeds(session.serviceWorker)).some((feed) => feed.url === bundledUrl && feed.lastSuccessAt), { timeoutMs: 20_000, message: 'the bundled feed synced on install' });
    await stage('bundled feed synced');
  }
  await sleep(settleMs);
  await stage(`${settleMs} ms later`);
  await stage('  after a full GC', { collect: true });
  // The bench asks for the sync from an extension page, in the same process; a scheduled sync has none.
  const tab = values['by-alarm'] ? undefined : await session.context.newPage();
  if (tab) {
    await tab.goto(`${origin}manifest.json`);
    page = await devTools.attach('page', `${origin}manifest.json`);
    await stage('extension page open (manifest.json)');
    await stage('  after a full GC', { collect: true });
  }

  if (nginx) {
    const folder = diskFolder(root);
    const key = await generateKeyPair();
    const manifestUrl = nginx.urlOf(MANIFEST_FILE);
    const feed = { ...syntheticFeed(size), version: 2, sequence: 1 };
    const report = await publishFeed('feed.json', JSON.stringify(feed), folder, { keys: [{ file: 'bench.jwk', text: JSON.stringify(key.privateJwk) }], urls: [manifestUrl], now: Date.parse(feed.generatedAt) });
    if (report.exitCode !== 0) throw new Error(`publish failed: ${report.lines.join('; ')}`);
    await writeSetting(session.serviceWorker, 'subscriptions', [{ url: manifestUrl, addedAt: Date.now(), keys: [key.publicKey] }]);
    await sleep(settleMs);
    await stage('subscribed, before the sync');

    resetPeakResident(pid);
    const started = Date.now();
    let syncing = true;
    const samples: { at: number; rss: number; anon: number; heap: Heap | null }[] = [];
    let collectedAt = 0;
    const sampling = (async () => {
      while (syncing) {
        if (collectEveryMs && Date.now() - collectedAt >= collectEveryMs) {
          collectedAt = Date.now();
          await devTools.send('HeapProfiler.collectGarbage', {}, worker);
        }
        const heap = await heapOf(devTools, worker, 1000);
        const { rss, anon } = processMemory(pid);
        samples.push({ at: Date.now() - started, rss, anon, heap });
        await sleep(100);
      }
    })();
    // Objects a scavenge collected never reached the old generation, whose garbage is what makes the
    // heap grow between full GCs; "all" counts them too (and slows the sync several times over).
    if (values.allocations) await devTools.send('HeapProfiler.startSampling', { samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: values.allocations === 'all' }, worker);
    const outcome = tab ? await tab.evaluate((url) => browser.runtime.sendMessage({ type: 'sync-feed', url }) as Promise<SyncOutcome>, manifestUrl) : await syncByAlarm(manifestUrl);
    const ms = Date.now() - started;
    syncing = false;
    await sampling;
    if (values.allocations) printAllocations(await devTools.send<{ profile: { head: AllocationNode } }>('HeapProfiler.stopSampling', {}, worker));
    const { hwm } = processMemory(pid);
    if (outcome.status !== 'updated') throw new Error(`sync: ${JSON.stringify(outcome)}`);
    console.log(`\nsync of ${size} tools: ${ms} ms, peak resident (VmHWM) ${mb(hwm)} MB`);
    console.log('   ms   rss  anon  worker heap used/total embedder buffers');
    const step = Math.max(1, Math.round(samples.length / 40));
    const peak = samples.reduce((best, sample) => (sample.rss > best.rss ? sample : best));
    for (const [index, sample] of samples.entries()) {
      if (index % step === 0 || sample === peak) console.log(`${String(sample.at).padStart(5)}  ${mb(sample.rss)}  ${mb(sample.anon)}        ${heapText(sample.heap)}${sample === peak ? '   <- highest sampled rss' : ''}`);
    }
    const heaps = samples.map((sample) => sample.heap).filter((heap) => heap !== null);
    console.log(`highest sampled: rss ${mb(peak.rss)}, heap used ${mb(Math.max(...heaps.map((heap) => heap.used)))}, heap total ${mb(Math.max(...heaps.map((heap) => heap.total)))} (MB)\n`);
    await stage('sync done');
    // What the process gives back by itself (V8's memory reducer, the worker stopping when idle).
    let waited = 0;
    for (const seconds of [10, 30, 60]) {
      await sleep((seconds - waited) * 1000);
      waited = seconds;
      await stage(`${seconds} s after the sync`);
    }
    await stage('  after a full GC', { collect: true });
  }
} finally {
  devTools.close();
  await session.close();
  await nginx?.close();
  await rm(root, { recursive: true, force: true });
}
