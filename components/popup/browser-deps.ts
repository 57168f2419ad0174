import { localNoteActions } from '@/lib/notes/actions';
import { dexieSearchSource } from '@/lib/search/registry-search';
import { loadProfile } from '@/lib/settings/profile';
import { handoutQuery } from '@/lib/signposting/handout';
import { SignpostDatabase } from '@/lib/storage/db';
import { repairDamagedCopies } from '@/lib/storage/set-aside';
import { dexieHiddenCardsPort } from '../hidden-cards-port';
import { messageSignpostingPort } from '../signposting/message-port';
import type { CurrentTab, PopupDeps, RegistryDeps } from './deps';

export function browserRegistryDeps(db: SignpostDatabase): RegistryDeps {
  // A copy this page's reader finds damaged is set aside here; the worker downloads it again (H46).
  const onDamaged = repairDamagedCopies(db, (url) => browser.runtime.sendMessage({ type: 'sync-feed', url }));
  return { source: dexieSearchSource(db, onDamaged), now: Date.now, signposting: messageSignpostingPort() };
}

export function browserPopupDeps(): PopupDeps {
  const db = new SignpostDatabase();
  return {
    ...browserRegistryDeps(db),
    currentTab: () => currentTab(new URLSearchParams(location.search)),
    profile: () => loadProfile(db),
    copyText: (text) => navigator.clipboard.writeText(text),
    openHandout: (recordId, link, condition) => void browser.tabs.create({ url: browser.runtime.getURL('/handout.html') + handoutQuery(recordId, link, condition) }),
    openSettings: () => void browser.runtime.openOptionsPage(),
    openSignpostingPage: () => void browser.tabs.create({ url: browser.runtime.getURL('/signposting.html') }),
    notes: localNoteActions(db, Date.now),
    hiddenCards: dexieHiddenCardsPort(db),
  };
}

/**
 * The active tab, read through activeTab (granted by the click on the toolbar icon) or the store
 * host permissions. Test hook: the end-to-end tests open popup.html as a tab of its own, where the
 * active tab would be the popup itself, so `?tab=<id>` names the tab to check instead. Only the
 * extension's own pages can open that address, and the tab's URL is readable only where Signpost
 * already has access, so the hook grants nothing.
 */
async function currentTab(params: URLSearchParams): Promise<CurrentTab | null> {
  const requested = Number(params.get('tab'));
  const tab = params.has('tab') && Number.isInteger(requested) ? await browser.tabs.get(requested) : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
  return tab ? { url: tab.url, title: tab.title } : null;
}
