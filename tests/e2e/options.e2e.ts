// The settings page in real Chromium: adding a feed served from this computer through the UI (by
// mouse and by keyboard alone), a feed address that fails, removing a feed, and axe-core on the
// rendered page in light and dark. The permission prompt cannot be answered in headless Chromium,
// so nothing here depends on it: the test feed server sends CORS headers, as feed hosts should.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';
import { endorsement, feed, tool } from '../helpers/feeds';
import { launchWithExtension, type ExtensionSession } from './harness/browser';
import { countTools, readFeeds, waitForRegistry } from './harness/idb';
import { REPO_ROOT } from './harness/paths';
import { startFeedServer, type FeedServer } from './harness/server';
import { openSettings } from './harness/pages';

const AXE_SOURCE = readFileSync(join(REPO_ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
const NETWORK = 'Example Test Network (test)';
const CHARITY = 'Example Test Charity (test)';

let feeds: FeedServer;
let session: ExtensionSession;
let networkUrl: string;
let charityUrl: string;

beforeAll(async () => {
  feeds = await startFeedServer();
  networkUrl = feeds.publish(
    '/network/feed.json',
    feed({
      publisher: { id: 'e2e-network', name: NETWORK, kind: 'local-network' },
      tools: [
        tool({ id: 'e2e-one', name: 'Example Breathing Coach (test)', identifiers: { apple: ['1000000003'] }, endorsements: [endorsement()] }),
        tool({ id: 'e2e-two', name: 'Example Health Companion (test)', identifiers: { googlePlay: ['com.example.healthcompanion'] } }),
        tool({ id: 'e2e-three', name: 'Example Sleep Course (test)', identifiers: { web: [{ origin: 'https://sleep.example' }] } }),
      ],
    }),
  );
  charityUrl = feeds.publish('/charity/feed.json', feed({ publisher: { id: 'e2e-charity', name: CHARITY, kind: 'charity' }, tools: [tool({ id: 'e2e-four' })] }));
  feeds.publish('/not-a-feed.json', { hello: 'world' });
  // A feed host that sends CORS headers but has no such file.
  feeds.route('/moved.json', (_request, response) => {
    response.writeHead(404, { 'access-control-allow-origin': '*', 'content-type': 'text/plain' });
    response.end('Not found');
  });
  session = await launchWithExtension();
  await waitForRegistry(session.serviceWorker);
});

afterAll(async () => {
  await Promise.allSettled([session?.close(), feeds?.close()]);
});

const openSettingsPage = () => openSettings(session, { width: 1000, height: 900 });

const feedsSection = (page: Page) => page.getByRole('region', { name: 'Feeds' });
const feedItem = (page: Page, name: string) => feedsSection(page).getByRole('listitem').filter({ has: page.getByRole('heading', { name, level: 3 }) });
const feedsStatus = (page: Page) => feedsSection(page).getByRole('status').first();
const toolsOf = (url: string) => countTools(session.serviceWorker, url);

async function checkAddress(page: Page, url: string): Promise<void> {
  await page.getByLabel('Feed address').fill(url);
  await page.getByRole('button', { name: 'Check feed' }).click();
}

/** axe-core run inside the page. Evaluated, not added as a script tag, which the extension's CSP refuses. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(context: Document): Promise<AxeResults> } }).axe.run(document));
  expect(results.passes.map((rule) => rule.id)).toContain('color-contrast');
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

describe('adding a feed', () => {
  test('by its address: the preview shows publisher and counts, and after Subscribe the feed shows its status', async () => {
    const page = await openSettingsPage();
    await checkAddress(page, networkUrl);

    const preview = page.locator('.preview');
    await expect.poll(() => preview.textContent()).toContain(`Publisher${NETWORK}`);
    expect(await preview.textContent()).toContain('KindLocal NHS network');
    expect(await preview.textContent()).toContain('Contents3 tools, 1 endorsement');
    expect(await preview.textContent()).toContain('This feed is on this computer (http://)');
    expect(await toolsOf(networkUrl)).toBe(0);

    await preview.getByRole('button', { name: 'Subscribe' }).click();

    await expect.poll(() => feedsStatus(page).textContent(), { timeout: 15_000 }).toBe(`Subscribed to ${NETWORK}: updated (3 tools, 1 endorsement).`);
    const item = feedItem(page, NETWORK);
    await expect.poll(() => item.textContent()).toContain('Contents3 tools, 1 endorsement');
    expect(await item.textContent()).toContain('Last checkedjust now');
    expect(await item.textContent()).toContain(networkUrl);
    expect(await item.locator('.problem').count()).toBe(0);
    expect(await toolsOf(networkUrl)).toBe(3);
    expect((await readFeeds(session.serviceWorker)).find((row) => row.url === networkUrl)?.lastError).toBeUndefined();
    await page.close();
  });

  test('an address that is not found, not a feed, or not readable is explained, and nothing is subscribed', async () => {
    const page = await openSettingsPage();
    const listed = await feedsSection(page).getByRole('listitem').count();
    const rowsBefore = (await readFeeds(session.serviceWorker)).length;

    await checkAddress(page, `${feeds.origin}/moved.json`);
    const problem = page.locator('.add-feed .problem');
    await expect.poll(() => problem.textContent()).toContain('This feed could not be added');
    expect(await problem.textContent()).toContain('The feed was not found at this address (HTTP 404). Check the link with whoever publishes it.');
    expect(await problem.textContent()).toContain('Nothing has been added to your feeds.');
    expect(await problem.getByRole('button', { name: /Allow downloads/ }).count()).toBe(0);

    // The browser hides a reply without CORS headers (this server's own 404) as a network error:
    // the address may be wrong, or the host may need the user's permission, so both are said.
    await checkAddress(page, `${feeds.origin}/missing.json`);
    await expect.poll(() => problem.textContent()).toContain('The feed could not be reached (network error).');
    // The offer appears once the permission check answers, a moment after the error itself.
    await expect.poll(() => problem.textContent()).toContain(`Signpost needs permission to download from 127.0.0.1:${feeds.port}. It will only download the feed from there.`);
    expect(await problem.getByRole('button', { name: `Allow downloads from 127.0.0.1:${feeds.port}` }).count()).toBe(1);

    await checkAddress(page, `${feeds.origin}/not-a-feed.json`);
    await expect.poll(() => problem.textContent()).toContain('The file is not a valid Signpost feed');

    await checkAddress(page, 'http://feeds.example.org/feed.json');
    await expect.poll(() => page.locator('.add-feed .error-message').textContent()).toBe('Error: Feeds must use HTTPS (http:// is only allowed on this computer, for testing).');
    expect(await page.getByLabel('Feed address').getAttribute('aria-invalid')).toBe('true');

    expect(await feedsSection(page).getByRole('listitem').count()).toBe(listed);
    expect((await readFeeds(session.serviceWorker)).length).toBe(rowsBefore);
    expect(feeds.requests.some((request) => request.url.includes('feeds.example.org'))).toBe(false);
    await page.close();
  });

  test('with the keyboard alone, with focus always visible', async () => {
    const page = await openSettingsPage();
    const field = page.getByLabel('Feed address');
    // Links and fields get a yellow outline; buttons turn yellow.
    const focusShown = () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.activeElement!);
        return style.outlineStyle !== 'none' || style.backgroundColor === 'rgb(255, 235, 59)';
      });
    for (let presses = 0; presses < 40 && !(await field.evaluate((element) => element === document.activeElement)); presses += 1) {
      await page.keyboard.press('Tab');
      expect(await focusShown()).toBe(true);
    }
    expect(await field.evaluate((element) => element === document.activeElement)).toBe(true);

    await page.keyboard.type(charityUrl);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.querySelector('h4')?.textContent)).toBe('Check before subscribing');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Subscribe');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).backgroundColor)).toBe('rgb(255, 235, 59)');
    await page.keyboard.press('Enter');

    await expect.poll(() => feedsStatus(page).textContent(), { timeout: 15_000 }).toBe(`Subscribed to ${CHARITY}: updated (1 tool, 0 endorsements).`);
    expect(await feedsStatus(page).evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await toolsOf(charityUrl)).toBe(1);
    await page.close();
  });
});

describe('checking feeds', () => {
  test('"Check all feeds now" checks every feed and says how each went', async () => {
    const page = await openSettingsPage();
    const revalidations = () => feeds.requests.filter((request) => request.url === networkUrl && request.status === 304).length;
    const before = revalidations();
    await page.getByRole('button', { name: 'Check all feeds now' }).click();
    await expect.poll(() => feedsStatus(page).textContent(), { timeout: 15_000 }).toBe('Checked 3 feeds: 3 unchanged.');
    expect(await feedItem(page, NETWORK).textContent()).toContain('Just checked: no changes.');
    expect(revalidations()).toBe(before + 1);
    await page.close();
  });
});

describe('removing a feed', () => {
  test('removes its subscription and its tools; the bundled feed cannot be removed', async () => {
    const page = await openSettingsPage();
    const bundledTools = await toolsOf(`chrome-extension://${session.extensionId}/feeds/default.json`);
    const item = feedItem(page, CHARITY);
    await item.getByRole('button', { name: `Remove ${CHARITY}` }).click();
    await item.getByRole('button', { name: 'Yes, remove it' }).click();

    await expect.poll(() => feedsStatus(page).textContent()).toBe(`${CHARITY} was removed, with its tools.`);
    await expect.poll(() => item.count()).toBe(0);
    expect(await toolsOf(charityUrl)).toBe(0);
    expect((await readFeeds(session.serviceWorker)).some((row) => row.url === charityUrl)).toBe(false);
    expect(await toolsOf(networkUrl)).toBe(3);
    expect(await toolsOf(`chrome-extension://${session.extensionId}/feeds/default.json`)).toBe(bundledTools);
    expect(await feedItem(page, 'Signpost UK seed registry (compiled November 2026)').getByRole('button', { name: /Remove/ }).count()).toBe(0);
    await page.close();
  });
});

describe('accessibility in the browser', () => {
  async function pageWithEverythingShown(): Promise<Page> {
    const page = await openSettingsPage();
    await checkAddress(page, `${feeds.origin}/missing.json`);
    await page.locator('.add-feed .host-access').waitFor();
    await page.getByLabel("Your digital champion's email").fill('not an email');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.locator('#profile .error-message').waitFor();
    return page;
  }

  test.each(['light', 'dark'] as const)('axe-core finds no violations on the whole page (%s)', async (colorScheme) => {
    const page = await pageWithEverythingShown();
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  test('at 200% zoom nothing needs scrolling sideways', async () => {
    const page = await pageWithEverythingShown();
    // 200% zoom of a 1280 px window: the page lays out in 640 CSS pixels.
    await page.setViewportSize({ width: 640, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    await page.close();
  });
});
