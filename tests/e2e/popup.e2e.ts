// The toolbar popup in real Chromium with the built extension and the bundled registry.
// A headless browser cannot click the toolbar icon, so the popup is opened as a tab:
// popup.html?tab=<id> (a test hook documented in components/popup/browser-deps.ts) makes it check
// that tab, the store page, instead of itself.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { axeViolations } from './harness/axe';
import type { ExtensionSession } from './harness/browser';
import { WYSA_HEADLINE } from './harness/bundled-feed';
import { readHeadline } from './harness/card';
import { localAuthority, subscribeAuthorisedFeed } from './harness/local-authority';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';
import { endorsement, tool } from '../helpers/feeds';

const WYSA_PLAY = 'https://play.google.com/store/apps/details?id=bot.touchkin';
const POPUP_SIZE = { width: 380, height: 560 };
const ICB = 'Example ICB (test)';

let session: ExtensionSession;
let stores: StoreSession;
let feeds: FeedServer;
/** Requests made by the extension itself (its service worker or its pages), never the page's. */
let extensionRequests: string[] = [];

beforeAll(async () => {
  [feeds, stores] = await Promise.all([startFeedServer(), startStoreSession()]);
  ({ session, extensionRequests } = stores);
  // Patient text is written only for a current authorised recommendation, and the bundled feed
  // only reports the NHS App's listing: the ICB recommending it is what lets a clinician signpost it.
  await subscribeAuthorisedFeed(session, feeds, await localAuthority('example-icb', ICB), '/icb/feed.json', [
    tool({
      id: 'nhs-app',
      name: 'NHS App',
      identifiers: { apple: ['1388411277'], googlePlay: ['com.nhs.online.nhsonline'] },
      conditions: ['long-term-conditions-general'],
      endorsements: [endorsement({ issuer: ICB, issuerKind: 'local-network', status: 'recommended', decisionDate: '2026-10', sourceUrl: 'https://icb.example/formulary' })],
    }),
  ]);
  // Subscribing fetched the ICB's feed; the popup itself must fetch nothing.
  extensionRequests.length = 0;
});

afterAll(async () => {
  await Promise.allSettled([stores?.close(), feeds?.close()]);
});

/** Opens the store page, then the popup as a tab that checks it. */
async function popupFor(url: string): Promise<{ store: Page; popup: Page }> {
  const store = await session.context.newPage();
  await store.goto(url, { waitUntil: 'domcontentloaded' });
  const tabId = await session.serviceWorker.evaluate(async (pageUrl) => {
    const [tab] = await browser.tabs.query({ url: pageUrl });
    return tab?.id;
  }, url);
  expect(tabId).toBeTypeOf('number');
  const popup = await session.context.newPage();
  await popup.setViewportSize(POPUP_SIZE);
  await popup.goto(`chrome-extension://${session.extensionId}/popup.html?tab=${tabId}`);
  return { store, popup };
}

const card = (page: Page) => page.getByRole('region', { name: 'Signpost trust check' });

/** Types into the popup's search box, key by key, once the page's card is up. */
async function searchInPopup(text: string) {
  const opened = await popupFor(WYSA_PLAY);
  await card(opened.popup).waitFor();
  const box = opened.popup.getByRole('combobox', { name: 'Search your registry' });
  await box.click();
  await box.pressSequentially(text);
  return { ...opened, box };
}

describe('toolbar popup', () => {
  test('opens on the current tab\'s verdict (Wysa on Google Play), worded as on the page, with no accessibility violations', async () => {
    const { store, popup } = await popupFor(WYSA_PLAY);
    await expect.poll(() => readHeadline(card(popup)), { timeout: 10_000 }).toEqual(WYSA_HEADLINE);
    expect(await card(popup).getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded')).toBe('true');
    expect(await popup.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(POPUP_SIZE.width);
    expect(await axeViolations(popup)).toEqual([]);
    await popup.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(popup)).toEqual([]);
    await popup.emulateMedia({ colorScheme: 'light' });
    await Promise.all([store.close(), popup.close()]);
  });

  test('search by condition lists endorsed tools first; the detail has the patient text and a QR code', async () => {
    const { store, popup, box } = await searchInPopup('COPD');
    const options = popup.getByRole('listbox', { name: 'Search results' }).getByRole('option');
    await expect.poll(() => options.count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const states = await options.evaluateAll((items) => items.map((item) => /state-(\S+)/.exec(item.className)?.[1] ?? ''));
    const endorsed = (state: string) => state === 'recommended' || state === 'conditional';
    const firstOther = states.findIndex((state) => !endorsed(state));
    expect(firstOther).toBeGreaterThan(0);
    expect(states.slice(firstOther).some(endorsed)).toBe(false);
    expect(await popup.getByRole('status').filter({ hasText: 'match “COPD”' }).textContent()).toMatch(/^\d+ tools match “COPD”\. Endorsed tools first\.$/);
    expect(await axeViolations(popup)).toEqual([]);

    await box.press('ArrowDown');
    const first = (await options.first().locator('.result-name').textContent())!;
    await box.press('Enter');
    await expect.poll(() => popup.evaluate(() => document.activeElement?.textContent)).toBe(first);
    const text = await popup.getByRole('textbox', { name: /Text for the patient/ }).inputValue();
    expect(text.startsWith(`${first} is `)).toBe(true);
    expect(text.split('\n')[0]).toContain('COPD');
    // Scope (ages, setting) comes before the guidance code: "(ages 18 and over; …; HTE19)".
    expect(text).toMatch(/NICE (recommends it|says it can be used( for [^.]+)? while more evidence is generated) \(([^()]+; )?HTE\d+\)/);
    expect(text).not.toMatch(/Wysa/);
    // A QR code whenever the registry has a link to give (the tool with links is checked below), shown on request.
    if (text.includes('Get it here:')) await popup.getByRole('button', { name: 'Show QR code' }).click();
    expect(await popup.getByRole('img', { name: /^QR code for https:\/\// }).count()).toBe(text.includes('Get it here:') ? 1 : 0);
    expect(await axeViolations(popup)).toEqual([]);

    await popup.keyboard.press('Escape');
    await expect.poll(() => popup.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('combobox');
    await Promise.all([store.close(), popup.close()]);
  });

  test('signposting a patient to a tool with store links: the QR code and the printable handout', async () => {
    const { store, popup } = await searchInPopup('NHS App');
    await popup.getByRole('option').filter({ has: popup.locator('.result-name', { hasText: /^NHS App$/ }) }).click();
    await popup.getByRole('heading', { level: 2, name: 'NHS App' }).waitFor();
    const text = await popup.getByRole('textbox', { name: /Text for the patient/ }).inputValue();
    expect(text).toContain(`${ICB} recommends it for long-term conditions (general)`);
    expect(text).toContain('App Store: https://apps.apple.com/gb/app/id1388411277');
    // Two websites: told apart by address, so the choice means something.
    expect(await popup.getByRole('radio', { name: 'Website (www.nhs.uk/nhs-app)' }).count()).toBe(1);
    await popup.getByRole('radio', { name: 'Google Play' }).check();
    await popup.getByRole('button', { name: 'Show QR code' }).click();
    const qr = popup.getByRole('img', { name: 'QR code for https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline' });
    expect(await qr.locator('rect').count()).toBeGreaterThan(50);

    const [handout] = await Promise.all([session.context.waitForEvent('page'), popup.getByRole('button', { name: /Printable handout/ }).click()]);
    await handout.getByRole('heading', { level: 1, name: 'NHS App' }).waitFor();
    expect(await handout.getByRole('img', { name: 'QR code for https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline' }).count()).toBe(1);
    expect(await handout.locator('.checked').textContent()).toMatch(/^Signpost checked this on \d+ \w+ \d{4} from Example ICB \(test\) formulary, Signpost UK seed registry/);
    expect(await axeViolations(handout)).toEqual([]);
    await Promise.all([store.close(), popup.close(), handout.close()]);
  });

  test('the popup made no network request', () => {
    expect(extensionRequests.filter((url) => /^https?:/.test(url))).toEqual([]);
  });
});
