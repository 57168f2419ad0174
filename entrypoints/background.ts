import { badgeFor, followUpBadge } from '@/lib/background/badge';
import { cardSnapshotScheduler, forgetCards } from '@/lib/background/card-snapshot';
import { handleMessage, lookupForCard, type BackgroundContext, type LookupReply } from '@/lib/background/handlers';
import { pageLinks } from '@/lib/background/page-links';
import { applyManagedPolicy } from '@/lib/background/policy';
import { syncSitesScript } from '@/lib/background/site-access';
import { localNoteActions } from '@/lib/notes/actions';
import { signpostingActions } from '@/lib/monitoring/actions';
import { dexieSearchSource, matchForRecord } from '@/lib/search/registry-search';
import { hiddenListingKeys, hideCard } from '@/lib/settings/dismissed';
import { loadProfile } from '@/lib/settings/profile';
import { BUNDLED_FEED_PATH, feedManager } from '@/lib/settings/feeds';
import { SignpostDatabase } from '@/lib/storage/db';
import { onTablesWritten } from '@/lib/storage/changes';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { ToolReader } from '@/lib/storage/tool-store';
import { repairDamagedCopies } from '@/lib/storage/set-aside';

const SYNC_ALARM = 'signpost-sync';
const SYNC_PERIOD_MINUTES = 6 * 60;

export default defineBackground(() => {
  const db = new SignpostDatabase();
  const bundledFeedUrl = browser.runtime.getURL(BUNDLED_FEED_PATH);
  const extensionOrigin = browser.runtime.getURL('/').replace(/\/$/, '');
  const feeds = feedManager({
    db,
    fetch: (input, init) => fetch(input, init),
    now: Date.now,
    extensionOrigin,
    bundledFeedUrl,
    releaseHostPermission: async (pattern) => {
      await browser.permissions.remove({ origins: [pattern] });
    },
  });
  // A stored copy found damaged is set aside and downloaded again (lib/storage/stored-rows.ts).
  const onDamaged = repairDamagedCopies(db, (url) => feeds.sync(url));
  const reader = new ToolReader(db, onDamaged);

  const showBadge = async (tabId: number, reply: LookupReply) => {
    const badge = badgeFor(reply);
    await browser.action.setBadgeText({ tabId, text: badge?.text ?? '' });
    await browser.action.setTitle({ tabId, title: badge?.title ?? 'Signpost' });
    if (badge) await browser.action.setBadgeBackgroundColor({ tabId, color: badge.color });
  };

  // The signposting record and its safety follow-ups (docs/monitoring.md), raised after every sync.
  const searchSource = dexieSearchSource(db, onDamaged);
  const myConditions = async () => (await loadProfile(db)).myConditions;
  const signposting = signpostingActions({
    db,
    matchFor: (recordId, pageContext) => matchForRecord(searchSource, recordId, pageContext),
    now: Date.now,
    myConditions,
    authorName: async () => (await loadProfile(db)).displayName,
    showFollowUps: (followUps) => {
      const badge = followUpBadge(followUps);
      void browser.action.setBadgeText({ text: badge?.text ?? '' });
      void browser.action.setTitle({ title: badge?.title ?? 'Signpost' });
      if (badge) void browser.action.setBadgeBackgroundColor({ color: badge.color });
    },
  });
  const afterSync = <T>(outcome: T) =>
    signposting.afterSync().then(
      () => outcome,
      (error: unknown) => (console.warn('Signpost: the safety follow-up check failed', error), outcome),
    );
  const syncAll = () => feeds.syncAll().then(afterSync);

  const context: BackgroundContext = {
    extensionId: browser.runtime.id,
    extensionOrigin,
    registry: dexieRegistrySource(db, reader),
    now: Date.now,
    hiddenListings: () => hiddenListingKeys(db),
    myConditions,
    hideCard: async (card) => {
      await hideCard(db, card);
      await forgetCards(browser.storage.local, [card.key]);
    },
    pageLinks: pageLinks(),
    showVerdictOnToolbar: (tabId, reply) => void showBadge(tabId, reply),
    syncAll,
    feeds: { ...feeds, sync: (url) => feeds.sync(url).then(afterSync) },
    notes: localNoteActions(db, Date.now),
    signposting,
  };

  // The store pages' cards, copied to storage.local for a cold worker (lib/background/card-snapshot.ts),
  // rewritten after any change to feeds or settings, from this context or another.
  const cardSnapshot = cardSnapshotScheduler({
    area: browser.storage.local,
    storeKeys: async () => [...(await reader.keysWithPrefix('apple:')), ...(await reader.keysWithPrefix('play:'))],
    cardFor: (url) => lookupForCard(context, url),
  });
  onTablesWritten(db, ['feeds', 'settings'], () => cardSnapshot.schedule());

  // The cached policy is in force from the first lookup; the browser's copy is read, put in force,
  // and then the feeds are synced: once at start-up, and again whenever the policy changes.
  const followPolicy = async () => {
    // Feeds are synced even when the policy cannot be read: the last one in force still stands.
    const state = await applyManagedPolicy(db, browser, Date.now()).catch((error: unknown) => void console.warn('Signpost: the managed policy could not be read', error));
    if (state?.status?.ok === false) console.warn('Signpost: the managed policy is invalid; the last valid one stays in force', state.status.problems);
    await context.syncAll();
  };
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') void followPolicy();
  });

  const startSyncing = async () => {
    cardSnapshot.schedule();
    await syncSitesScript(browser);
    if (!(await browser.alarms.get(SYNC_ALARM))) {
      await browser.alarms.create(SYNC_ALARM, { periodInMinutes: SYNC_PERIOD_MINUTES, delayInMinutes: SYNC_PERIOD_MINUTES });
    }
    await followPolicy();
  };
  browser.runtime.onInstalled.addListener(() => void startSyncing());
  browser.runtime.onStartup.addListener(() => void startSyncing());
  browser.permissions.onAdded.addListener(() => void syncSitesScript(browser));
  browser.permissions.onRemoved.addListener(() => void syncSitesScript(browser));
  // A closed tab's pages can ask nothing more; what they were told about their links goes with them.
  browser.tabs.onRemoved.addListener((tabId) => context.pageLinks.forgetTab(tabId));
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void context.syncAll();
  });

  // Chromium drops replies given as non-native promises (Dexie's), so answer through sendResponse.
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const reply = handleMessage(context, message, sender);
    if (!reply) return undefined;
    reply.then(
      (value) => sendResponse(value),
      (error: unknown) => {
        console.error('Signpost: message failed', error);
        sendResponse(undefined);
      },
    );
    return true;
  });
});
