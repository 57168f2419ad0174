import type { Request } from 'playwright-core';
import { launchWithExtension, type ExtensionSession, type LaunchOptions } from './browser';
import { waitForRegistry } from './idb';
import { startSiteServer, type SiteServer } from './server';

export interface StoreSession {
  site: SiteServer;
  session: ExtensionSession;
  /** URLs requested by the extension itself (its worker or its pages), never by a page. */
  extensionRequests: string[];
  close(): Promise<void>;
}

/** The site server, the built extension in Chromium, and the bundled registry synced: ready to visit pages. */
export async function startStoreSession(options: Omit<LaunchOptions, 'hostRules'> = {}): Promise<StoreSession> {
  const site = await startSiteServer();
  const session = await launchWithExtension({ ...options, hostRules: site.hostRules });
  const extensionRequests: string[] = [];
  session.context.on('request', (request: Request) => {
    // A navigation may come before its frame exists (a tab the popup opens), and frame() then
    // throws; navigations are pages being opened, not requests Signpost makes on its own.
    if (request.serviceWorker() || (!request.isNavigationRequest() && request.frame().url().startsWith('chrome-extension://'))) extensionRequests.push(request.url());
  });
  await waitForRegistry(session.serviceWorker);
  return {
    site,
    session,
    extensionRequests,
    close: async () => {
      // Each is closed even if the other fails, so a failed run leaves no browser or port behind.
      await Promise.allSettled([session.close(), site.close()]);
    },
  };
}
