import { liveQuery } from 'dexie';
import { BUNDLED_FEED_PATH, feedList, hostPermissionPattern, previewFeed, recordFeedPermission } from '@/lib/settings/feeds';
import { loadPolicyState } from '@/lib/settings/policy';
import { loadProfile, saveProfile } from '@/lib/settings/profile';
import { SignpostDatabase } from '@/lib/storage/db';
import { askBackground } from '../ask-background';
import { dexieHiddenCardsPort } from '../hidden-cards-port';
import { dexieNotesPort } from './notes-port';
import type { OptionsPorts } from './ports';
import { browserSiteAccess } from './SiteAccess';

/** How long a downloaded file's blob address stays valid: long enough for the browser to start saving it. */
const DOWNLOAD_URL_LIFETIME_MS = 60_000;

/**
 * The settings page reads the database itself (live, so the list follows a sync as it runs) and
 * asks the background for every change that must be synced.
 */
export function browserOptionsPorts(): OptionsPorts {
  const db = new SignpostDatabase();
  const bundledFeedUrl = browser.runtime.getURL(BUNDLED_FEED_PATH);

  return {
    policy: () => loadPolicyState(db),
    feeds: {
      watch: (onChange, onError) => {
        const subscription = liveQuery(() => feedList(db, bundledFeedUrl)).subscribe({ next: onChange, error: onError });
        return () => subscription.unsubscribe();
      },
      preview: (url, keys) => previewFeed({ fetch: (input, init) => fetch(input, init), now: Date.now }, url, keys),
      subscribe: (url, keys) => askBackground({ type: 'subscribe-feed', url, ...(keys?.length ? { keys: [...keys] } : {}) }),
      sync: (url) => askBackground({ type: 'sync-feed', url }),
      forget: (url) => askBackground({ type: 'forget-feed', url }),
      hasHostAccess: async (url) => {
        const pattern = hostPermissionPattern(url);
        return pattern !== null && browser.permissions.contains({ origins: [pattern] });
      },
      requestHostAccess: async (url) => {
        const pattern = hostPermissionPattern(url);
        if (!pattern) return false;
        const granted = await browser.permissions.request({ origins: [pattern] }).catch(() => false);
        if (granted) await recordFeedPermission(db, pattern);
        return granted;
      },
    },
    notes: dexieNotesPort(db, Date.now),
    profile: {
      load: () => loadProfile(db),
      save: (profile) => saveProfile(db, profile),
    },
    siteAccess: browserSiteAccess,
    hiddenCards: dexieHiddenCardsPort(db),
    download: (fileName, text) => {
      const href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      Object.assign(document.createElement('a'), { href, download: fileName }).click();
      setTimeout(() => URL.revokeObjectURL(href), DOWNLOAD_URL_LIFETIME_MS);
    },
    now: Date.now,
  };
}
