// The trust model on store pages in real Chromium (docs/trust-model.md): a feed that writes "NICE"
// without NICE's authority, a claim scoped to one platform, and a claim whose review date has
// passed, each as the clinician sees it in the compact card and the toolbar badge.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { endorsement, feed, tool } from '../helpers/feeds';
import { localAuthority, subscribeAuthorisedFeed, subscribeThroughSettings } from './harness/local-authority';
import { pageCard } from './harness/page-card';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';

const NHS_APP_APPLE = 'https://apps.apple.com/gb/app/nhs-app/id1388411277';
const NHS_APP_PLAY = 'https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline&hl=en_GB';
const ACTIVE_10_APPLE = 'https://apps.apple.com/gb/app/nhs-active-10-walking-tracker/id1204295312';
const CLONE_APPLE = 'https://apps.apple.com/gb/app/example-health-companion/id1000000002';
const COUCH_TO_5K_APPLE = 'https://apps.apple.com/gb/app/nhs-couch-to-5k/id1082307672';
const ICB = 'Example ICB (test)';
const IMPOSTOR = 'Impostor Feed (test)';

let feeds: FeedServer;
let stores: StoreSession;

/** An unsigned feed that writes issuer "NICE" for Active 10 and for a clone app it lists beside it. */
const impostorFeed = feed({
  publisher: { id: 'impostor', name: IMPOSTOR, kind: 'nice' },
  tools: [
    tool({
      id: 'active-10',
      name: 'NHS Active 10 PRO',
      identifiers: { apple: ['1204295312', '1000000002'] },
      conditions: ['physical-activity'],
      endorsements: [endorsement({ issuer: 'NICE', issuerKind: 'nice', status: 'recommended', guidanceCode: 'MTG91', sourceUrl: 'https://www.nice.org.uk/guidance/mtg91' })],
    }),
  ],
});

/** The ICB's own tools, in its signed feed: one claim for the iOS app only, one whose review date has passed. */
const icbTools = [
  tool({
    id: 'nhs-app',
    name: 'NHS App',
    identifiers: { apple: ['1388411277'], googlePlay: ['com.nhs.online.nhsonline'] },
    conditions: ['long-term-conditions-general'],
    endorsements: [endorsement({ issuer: ICB, issuerKind: 'local-network', status: 'recommended', decisionDate: '2026-10', platforms: ['ios'] })],
  }),
  tool({
    id: 'couch-to-5k',
    name: 'NHS Couch to 5K',
    identifiers: { apple: ['1082307672'] },
    conditions: ['physical-activity'],
    endorsements: [endorsement({ issuer: ICB, issuerKind: 'local-network', status: 'recommended', decisionDate: '2025-01', reviewDate: '2026-01' })],
  }),
];

beforeAll(async () => {
  [feeds, stores] = await Promise.all([startFeedServer(), startStoreSession()]);
  // NHS IT's policy names the ICB and its key; nobody names the impostor.
  await subscribeThroughSettings(stores.session, feeds.publish('/impostor/feed.json', impostorFeed));
  await subscribeAuthorisedFeed(stores.session, feeds, await localAuthority('example-icb', ICB), '/icb/feed.json', icbTools);
});

afterAll(async () => {
  await Promise.allSettled([stores?.close(), feeds?.close()]);
});

async function visit(url: string): Promise<Page> {
  const page = await stores.session.context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await pageCard(page).waitUntilShown();
  return page;
}

const headline = (page: Page) => pageCard(page).headlineText();

async function badgeOfActiveTab(): Promise<{ text: string; title: string }> {
  return stores.session.serviceWorker.evaluate(async () => {
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    return { text: await browser.action.getBadgeText({ tabId: tab!.id! }), title: await browser.action.getTitle({ tabId: tab!.id! }) };
  });
}

async function details(page: Page): Promise<string> {
  await pageCard(page).openDetails();
  return pageCard(page).detailsText();
}

describe('trust model on store pages', () => {
  test('impersonation: a feed writing "NICE" without NICE\'s authority never puts NICE in the headline or REC on the badge', async () => {
    const page = await visit(ACTIVE_10_APPLE);
    await expect.poll(() => headline(page)).toMatch(/^NHS Active 10/);
    expect(await headline(page)).not.toMatch(/NICE|Recommended/);
    await expect.poll(badgeOfActiveTab).not.toMatchObject({ text: 'REC' });
    expect((await badgeOfActiveTab()).title).not.toContain('NICE');
    const text = await details(page);
    expect(text).toContain(`Reported by ${IMPOSTOR}: not checked against the issuer, so it does not decide the verdict`);
    expect(text).toContain('Reported by feeds, not checked against the issuer');
    await page.close();

    // The clone the feed lists beside the real app gets no NICE claim either.
    const clone = await visit(CLONE_APPLE);
    await expect.poll(() => headline(clone)).toContain('In your registry, no endorsement');
    expect(await headline(clone)).not.toContain('NICE');
    await clone.close();
  });

  test('scope: a claim for the iOS app says so on the App Store, and does not speak for the Android app', async () => {
    const apple = await visit(NHS_APP_APPLE);
    await expect.poll(() => headline(apple)).toContain(`${ICB}: recommended for long-term conditions (general) (iOS only)`);
    await expect.poll(badgeOfActiveTab).toMatchObject({ text: 'REC' });
    await apple.close();

    const play = await visit(NHS_APP_PLAY);
    await expect.poll(() => headline(play)).toContain('NHS App');
    expect(await headline(play)).not.toContain(ICB);
    await expect.poll(badgeOfActiveTab).not.toMatchObject({ text: 'REC' });
    expect(await details(play)).toContain('Not counted: it is about another platform than this page.');
    await play.close();
  });

  test('staleness: a passed review date shows in the compact card and turns the badge to OLD', async () => {
    const page = await visit(COUCH_TO_5K_APPLE);
    await expect.poll(() => headline(page)).toContain(`May be out of date: ${ICB}: review date January 2026 has passed`);
    expect(await headline(page)).toContain('Recommended, but may be out of date');
    await expect.poll(badgeOfActiveTab).toMatchObject({ text: 'OLD' });
    expect((await badgeOfActiveTab()).title).toContain(`Out of date: ${ICB}: review date January 2026 has passed`);
    await page.close();
  });
});
