import { SITE_ORIGINS, SITES_SCRIPT_FILE, SITES_SCRIPT_ID, STORE_MATCHES } from '../settings/site-access';

/** The slice of the extension API this needs, so a unit test can stand in for the browser. */
export interface SiteAccessApi {
  permissions: { contains(permissions: { origins: string[] }): Promise<boolean> };
  scripting: {
    getRegisteredContentScripts(filter: { ids: string[] }): Promise<unknown[]>;
    registerContentScripts(
      scripts: { id: string; matches: string[]; excludeMatches: string[]; js: string[]; runAt: 'document_idle'; persistAcrossSessions: boolean }[],
    ): Promise<unknown>;
    unregisterContentScripts(filter: { ids: string[] }): Promise<unknown>;
  };
}

/**
 * Keeps the sites content script registered exactly while the optional permission is granted.
 * Called at start-up and whenever permissions change, so the two can never drift apart.
 */
export async function syncSitesScript(api: SiteAccessApi): Promise<'registered' | 'unregistered'> {
  const granted = await api.permissions.contains({ origins: SITE_ORIGINS });
  const registered = (await api.scripting.getRegisteredContentScripts({ ids: [SITES_SCRIPT_ID] })).length > 0;
  if (granted && !registered) {
    await api.scripting.registerContentScripts([
      { id: SITES_SCRIPT_ID, matches: SITE_ORIGINS, excludeMatches: STORE_MATCHES, js: [SITES_SCRIPT_FILE], runAt: 'document_idle', persistAcrossSessions: true },
    ]);
  }
  if (!granted && registered) await api.scripting.unregisterContentScripts({ ids: [SITES_SCRIPT_ID] });
  return granted ? 'registered' : 'unregistered';
}
