// Stops the extension's service worker on demand and reports, from Chromium's own ServiceWorker
// domain, whether it really stopped and when it started again. Playwright's serviceWorkers() list
// is no witness here: it keeps a stopped worker listed, and fires no new event when it restarts.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { waitFor } from '../e2e/harness/wait';

type RunningStatus = 'stopped' | 'starting' | 'running' | 'stopping';

interface WorkerVersion {
  scriptURL: string;
  runningStatus: RunningStatus;
}

export interface WorkerControl {
  status(): RunningStatus | undefined;
  /** How many times the worker has started since this control was created. */
  starts(): number;
  /** Epoch ms at which the last start began and the worker was next reported running (as seen from Node). */
  lastStart(): { startingAt: number; runningAt: number } | undefined;
  stop(): Promise<void>;
  /** Starts the stopped worker with no page involved; resolves with the ms from "starting" to "running". */
  start(): Promise<number>;
  /** The browser's own report of its version ("Chrome/156.0…"), over the same DevTools session. */
  browserVersion(): Promise<{ product: string }>;
  close(): Promise<void>;
}

export async function controlWorker(context: BrowserContext, extensionId: string): Promise<WorkerControl> {
  const page: Page = await context.newPage();
  const cdp: CDPSession = await context.newCDPSession(page);
  const prefix = `chrome-extension://${extensionId}/`;
  let status: RunningStatus | undefined;
  let starts = 0;
  let lastStart: { startingAt: number; runningAt: number } | undefined;
  let startingAt = 0;
  /** The last few status changes, for a failure to report. */
  const history: string[] = [];
  cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: WorkerVersion[] }) => {
    for (const version of versions) {
      if (!version.scriptURL.startsWith(prefix) || version.runningStatus === status) continue;
      status = version.runningStatus;
      history.push(`${status} at ${Date.now() % 100_000}`);
      history.splice(0, history.length - 8);
      if (status === 'starting') {
        starts++;
        startingAt = Date.now();
      }
      if (status === 'running' && startingAt) lastStart = { startingAt, runningAt: Date.now() };
    }
  });
  await cdp.send('ServiceWorker.enable');
  await waitFor(() => status, { message: "Chromium's report of the extension's service worker" });
  return {
    status: () => status,
    starts: () => starts,
    lastStart: () => lastStart,
    // A message still on its way when the worker stops starts it again at once: ask again then.
    stop: async () => {
      for (let attempt = 1; attempt <= 3; attempt++) {
        await cdp.send('ServiceWorker.stopAllWorkers');
        const stopped = await waitFor(() => status === 'stopped', { timeoutMs: 2000, message: '' }).then(
          () => true,
          () => false,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (stopped && status === 'stopped') return;
      }
      throw new Error(`The service worker did not stay stopped (last status: ${status}; recent: ${history.join(', ')})`);
    },
    start: async () => {
      const before = starts;
      await cdp.send('ServiceWorker.startWorker', { scopeURL: prefix });
      await waitFor(() => starts > before && status === 'running' && lastStart, { timeoutMs: 10_000, message: () => `the service worker to start (last status: ${status})` });
      return lastStart!.runningAt - lastStart!.startingAt;
    },
    browserVersion: () => cdp.send('Browser.getVersion'),
    close: async () => {
      await cdp.detach().catch(() => undefined);
      await page.close();
    },
  };
}
