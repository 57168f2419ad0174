// A browser with Signpost for tests that stop and start its worker and reach into its database:
// a feed server, control of the worker, and an extension page (manifest.json) that reads and
// writes IndexedDB directly, whether or not the worker runs.
import type { Page } from 'playwright-core';
import { controlWorker, type WorkerControl } from '../../bench/worker-control';
import { launchWithExtension, type ExtensionSession } from './browser';
import { startFeedServer, type FeedServer } from './server';

export interface InspectedExtension {
  feeds: FeedServer;
  session: ExtensionSession;
  worker: WorkerControl;
  inspector: Page;
}

export async function launchInspected(): Promise<InspectedExtension> {
  const feeds = await startFeedServer();
  const session = await launchWithExtension();
  const worker = await controlWorker(session.context, session.extensionId);
  const inspector = await session.context.newPage();
  await inspector.goto(`chrome-extension://${session.extensionId}/manifest.json`);
  return { feeds, session, worker, inspector };
}

/** Closes whatever a launch got as far as starting. */
export async function closeInspected(started: Partial<InspectedExtension> | undefined): Promise<void> {
  await started?.worker?.close().catch(() => undefined);
  await Promise.allSettled([started?.session?.close(), started?.feeds?.close()]);
}
