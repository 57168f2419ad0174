import { join } from 'node:path';
import type { Request } from 'playwright-core';
import { LINK_BADGES_SETTING } from '@/lib/settings/site-access';
import { launchWithExtension, type ExtensionSession, type LaunchOptions } from './browser';
import { waitForRegistry } from './idb';
import { REPO_ROOT } from './paths';
import { startSiteServer, type SiteServer } from './server';

/**
 * The e2e-sites build: the optional site permission is already held, since headless Chromium
 * cannot answer the permission prompt; everything after the grant is the real code path.
 */
export const SITES_BUILD = join(REPO_ROOT, '.output/chrome-mv3-e2e-sites');

export interface StoreSession {
  site: SiteServer;
  session: ExtensionSession;
  /** URLs requested by the extension itself (its worker or its pages), never by a page. */
  extensionRequests: string[];
  close(): Promise<void>;
}

/**
 * The address of the frame that made a request, or undefined for a page being opened: a
 * navigation, or the first requests of a tab the popup opens (the printable handout), may come
 * before Playwright knows their frame, and frame() then throws (it failed two of today's full runs).
 */
function frameUrlOf(request: Request): string | undefined {
  if (request.isNavigationRequest()) return undefined;
  try {
    return request.frame().url();
  } catch {
    return undefined;
  }
}

/** The site server, the built extension in Chromium, and the bundled registry synced: ready to visit pages. */
export async function startStoreSession(options: Omit<LaunchOptions, 'hostRules'> = {}): Promise<StoreSession> {
  const site = await startSiteServer();
  const session = await launchWithExtension({ ...options, hostRules: site.hostRules });
  const extensionRequests: string[] = [];
  session.context.on('request', (request: Request) => {
    if (request.serviceWorker() || frameUrlOf(request)?.startsWith('chrome-extension://')) extensionRequests.push(request.url());
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

/**
 * The e2e-sites build in Chromium, pointed at `site`, with the bundled registry synced and, when
 * asked, link badges switched on (a second opt-in, stored where the content script reads it).
 */
export async function launchWithSitePermission(site: SiteServer, { linkBadges }: { linkBadges: boolean }): Promise<ExtensionSession> {
  const session = await launchWithExtension({ extensionDir: SITES_BUILD, hostRules: site.hostRules });
  try {
    await waitForRegistry(session.serviceWorker);
    if (linkBadges) await session.serviceWorker.evaluate(([key]) => browser.storage.local.set({ [key]: true }), [LINK_BADGES_SETTING] as const);
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}
