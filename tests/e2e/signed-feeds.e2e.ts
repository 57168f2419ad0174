// Signed feeds in real Chromium: a feed pinned to its publisher's key is accepted; the same feed
// re-signed with a wrong key is refused whole, the settings page and the card say so, and the
// card keeps showing the last good data; the publisher rotates keys and the worker follows, then
// refuses the retired key and a silent change (feed protocol v2, docs/threat-model.md T6, T7).
// (The bundled feed is signed too: every session here starts by verifying it in the service
// worker's WebCrypto.)
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { generateKeyPair, type KeyPair } from '@/lib/feed/keys';
import { rotationText } from '@/lib/feed/signature';
import { signFeed } from '../helpers/publish';
import { endorsement, feed, tool } from '../helpers/feeds';
import { readFeeds } from './harness/idb';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';
import { openSettings } from './harness/pages';
import { pageCard } from './harness/page-card';

const NHS_APP_APPLE = 'https://apps.apple.com/gb/app/nhs-app/id1388411277';
const PUBLISHER = 'Example Signed ICB (test)';

let feeds: FeedServer;
let stores: StoreSession;
let right: KeyPair;
let wrong: KeyPair;
let feedUrl = '';

const icbFeed = (sequence: number, status: 'listed' | 'not-recommended') =>
  `${JSON.stringify(
    feed({
      sequence,
      publisher: { id: 'example-signed-icb', name: PUBLISHER, kind: 'local-network' },
      tools: [tool({ id: 'nhs-app', name: 'NHS App', identifiers: { apple: ['1388411277'] }, endorsements: [endorsement({ issuer: PUBLISHER, issuerKind: 'local-network', status, decisionDate: '2026-10' })] })],
    }),
    null,
    2,
  )}\n`;

/** Serves exactly this text (a signed envelope) at the feed's address. */
const FEED_PATH = '/icb/feed.json';
const serve = (text: string) => feeds.publish(FEED_PATH, JSON.parse(text));
/** Signed for the address the test server gives it, as its publisher would sign it for theirs. */
const signedFor = (text: string, key: KeyPair) => signFeed(text, [key], [feeds.origin + FEED_PATH]);

beforeAll(async () => {
  [right, wrong] = await Promise.all([generateKeyPair(), generateKeyPair()]);
  [feeds, stores] = await Promise.all([startFeedServer(), startStoreSession()]);
  feedUrl = serve(await signedFor(icbFeed(1, 'listed'), right));
});

afterAll(async () => {
  await Promise.allSettled([stores?.close(), feeds?.close()]);
});

const openSettingsPage = () => openSettings(stores.session);

async function cardDetails(page: Page): Promise<string> {
  await pageCard(page).openDetails();
  return pageCard(page).detailsText();
}

describe('signed feeds', () => {
  test('a feed pinned to its publisher key is checked and used', async () => {
    const settings = await openSettingsPage();
    await settings.getByLabel('Feed address').fill(feedUrl);
    await settings.getByLabel("Publisher's signing key (optional)").fill(right.publicKey);
    await settings.getByRole('button', { name: 'Check feed' }).click();
    const preview = settings.locator('.preview');
    await expect.poll(() => preview.textContent()).toContain(`Signaturesigned by the publisher's key (${right.keyId}), checked`);
    await preview.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(async () => (await readFeeds(stores.session.serviceWorker)).find((row) => row.url === feedUrl)?.signature?.status, { timeout: 15_000 }).toBe('verified');
    await settings.close();

    const page = await stores.session.context.newPage();
    await page.goto(NHS_APP_APPLE, { waitUntil: 'domcontentloaded' });
    expect(await cardDetails(page)).toContain(`${PUBLISHER} (Local network): Listed or available (not a recommendation)`);
    await page.close();
  });

  test('the same feed re-signed with a wrong key is refused: the settings page and the card say so, and the old data stays on screen', async () => {
    serve(await signedFor(icbFeed(2, 'not-recommended'), wrong));
    const settings = await openSettingsPage();
    const item = settings.getByRole('region', { name: 'Feeds' }).getByRole('listitem').filter({ has: settings.getByRole('heading', { name: PUBLISHER, level: 3 }) });
    await item.getByRole('button', { name: `Check now for ${PUBLISHER}` }).click();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain("This feed's signature does not match the publisher's key you pinned");
    expect(await item.textContent()).toContain('is still in use');
    await settings.close();

    const rows = await readFeeds(stores.session.serviceWorker);
    expect(rows.find((row) => row.url === feedUrl)).toMatchObject({ sequence: 1, lastError: { code: 'bad-signature' } });

    const page = await stores.session.context.newPage();
    await page.goto(NHS_APP_APPLE, { waitUntil: 'domcontentloaded' });
    const details = await cardDetails(page);
    expect(details).toContain(`${PUBLISHER} (Local network): Listed or available (not a recommendation)`);
    expect(details).not.toContain('Not recommended');
    expect(details).toContain(`Update refused: the latest feed from ${PUBLISHER} was not signed with the publisher's key`);
    await page.close();
  });

  test('the publisher rotates keys: the worker follows from the pinned key, then refuses the retired key and a silent change', async () => {
    const next = await generateKeyPair();
    const rotation = await rotationText('example-signed-icb', [right.privateJwk], [next.privateJwk], new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
    serve(await signFeed(icbFeed(3, 'listed'), [next], [feeds.origin + FEED_PATH], { rotations: [rotation] }));
    const settings = await openSettingsPage();
    const item = settings.getByRole('region', { name: 'Feeds' }).getByRole('listitem').filter({ has: settings.getByRole('heading', { name: PUBLISHER, level: 3 }) });
    const check = () => item.getByRole('button', { name: `Check now for ${PUBLISHER}` }).click();
    await check();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain(`signed by the publisher's key (${next.keyId}), checked: a key they changed to from the one pinned`);
    expect((await readFeeds(stores.session.serviceWorker)).find((row) => row.url === feedUrl)).toMatchObject({ sequence: 3, signature: { key: next.publicKey, anchorKey: right.publicKey } });

    // The pinned key is retired now: a copy signed with it is refused, though the subscription still pins it.
    serve(await signedFor(icbFeed(4, 'not-recommended'), right));
    await check();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain("This feed's signature does not match the publisher's key you pinned");

    // Different content under the sequence already held is refused and shown.
    serve(await signFeed(icbFeed(3, 'not-recommended'), [next], [feeds.origin + FEED_PATH], { rotations: [rotation] }));
    await check();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('The feed changed without a new sequence number (still 3)');
    await settings.close();
    expect((await readFeeds(stores.session.serviceWorker)).find((row) => row.url === feedUrl)).toMatchObject({ sequence: 3, lastError: { code: 'same-sequence-changed' } });

    const page = await stores.session.context.newPage();
    await page.goto(NHS_APP_APPLE, { waitUntil: 'domcontentloaded' });
    const details = await cardDetails(page);
    expect(details).not.toContain('Not recommended');
    expect(details).toContain(`Update refused: the latest feed from ${PUBLISHER}`);
    await page.close();
  });
});
