// Tool websites and link badges: only with the optional site permission. The permission prompt
// cannot be answered in headless Chromium, so the "granted" case loads the e2e-sites build, in
// which the permission is already held; everything after the grant is the real code path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { launchWithExtension, type ExtensionSession } from './harness/browser';
import { waitForRegistry } from './harness/idb';
import { BADGE_LAYER_HOST, badgeCount, hasBadgeBeside, readBadges } from './harness/link-badges';
import { pageCard } from './harness/page-card';
import { REPO_ROOT } from './harness/paths';
import { isFaviconRequest, startSiteServer, type SiteServer } from './harness/server';
import { launchWithSitePermission } from './harness/session';

/** NICE's recommendation of Sleepio, named with who says it, for what, and its scope. */
const SLEEPIO_HEADLINE = { verdict: 'Sleepio: Recommended', statements: [expect.stringMatching(/^NICE: recommended for insomnia \(MTG70; .*primary care/)] };

let site: SiteServer;
let granted: ExtensionSession;
let plain: ExtensionSession;

async function ready(session: ExtensionSession) {
  await waitForRegistry(session.serviceWorker);
}

beforeAll(async () => {
  site = await startSiteServer();
  granted = await launchWithSitePermission(site, { linkBadges: true });
});

afterAll(async () => {
  await Promise.allSettled([granted?.close(), plain?.close(), site?.close()]);
});

async function visit(session: ExtensionSession, url: string): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return page;
}

const card = (page: Page) => pageCard(page);
const headline = (page: Page) => card(page).headlineText();

describe('tool websites (permission granted)', () => {
  test('a tool\'s own website gets its card', async () => {
    const page = await visit(granted, 'https://www.sleepio.com/');
    await expect.poll(() => card(page).headline(), { timeout: 10_000 }).toEqual(SLEEPIO_HEADLINE);
    await page.close();
  });

  test('a registered path of a national site gets the card; the rest of the site does not', async () => {
    const app = await visit(granted, 'https://www.nhs.uk/nhs-app/');
    await expect.poll(() => headline(app), { timeout: 10_000 }).toContain('NHS App');
    await app.close();
    const other = await visit(granted, 'https://www.nhs.uk/conditions/asthma/');
    await other.waitForTimeout(1500);
    expect(await card(other).hostCount()).toBe(0);
    await other.close();
  });
});

describe('link badges (permission granted, badges switched on)', () => {
  test('badges mark links to known tools only, and never move the page', async () => {
    const page = await visit(granted, 'https://forum.example.test/');
    await expect.poll(() => badgeCount(page), { timeout: 10_000 }).toBe(4);
    const badges = await readBadges(page);
    expect(badges.map((badge) => badge.title).sort()).toEqual([
      'Signpost: NHS App: In your registry, no endorsement',
      'Signpost: NHS App: In your registry, no endorsement',
      'Signpost: NHS App: In your registry, no endorsement',
      // Who says it and for what, as on the card (the bundled MTG70 claim with its scope).
      expect.stringMatching(/^Signpost: Sleepio: Recommended\. NICE: recommended for insomnia \(MTG70; /),
    ]);
    expect(badges.map((badge) => badge.text)).toContain('✓ REC');
    const layout = () => page.evaluate(() => JSON.stringify([...document.querySelectorAll('a')].map((a) => a.getBoundingClientRect())));
    const withBadges = await layout();
    // The layer's host is in the page's own DOM (only its root is closed): the page can remove it.
    await page.evaluate((tag) => document.querySelector(tag)!.remove(), BADGE_LAYER_HOST);
    expect(await layout()).toBe(withBadges);
    await page.close();
  });

  test('each badge sits beside its link', async () => {
    const page = await visit(granted, 'https://forum.example.test/');
    await expect.poll(() => badgeCount(page), { timeout: 10_000 }).toBe(4);
    expect(await hasBadgeBeside(page, 'a[href="https://www.sleepio.com/"]')).toBe(true);
    await page.close();
  });

  test('keyboard focus on a marked link opens its trust card; a link to an unknown app opens nothing', async () => {
    const page = await visit(granted, 'https://forum.example.test/');
    await expect.poll(() => badgeCount(page), { timeout: 10_000 }).toBe(4);
    await page.locator('a[data-e2e="apple-app"][href*="id1000000002"]').focus();
    await page.waitForTimeout(500);
    expect(await card(page).hostCount()).toBe(0);
    await page.locator('a[data-e2e="tool-site"][href="https://www.sleepio.com/"]').focus();
    await expect.poll(() => card(page).headline(), { timeout: 5000 }).toEqual(SLEEPIO_HEADLINE);
    await page.locator('a[data-e2e="apple-app"]').first().hover();
    await expect.poll(() => headline(page), { timeout: 5000 }).toContain('NHS App');
    await page.close();
  });

  test('links added later (as webmail does) are badged too', async () => {
    const page = await visit(granted, 'https://forum.example.test/');
    await expect.poll(() => badgeCount(page), { timeout: 10_000 }).toBe(4);
    await page.evaluate(() => {
      const link = document.createElement('a');
      link.href = 'https://play.google.com/store/apps/details?id=bot.touchkin';
      link.textContent = 'Wysa (added later)';
      document.body.append(link);
    });
    await expect.poll(() => badgeCount(page), { timeout: 5000 }).toBe(5);
    await page.close();
  });

  test('badges follow their links: scrolled panes, layout shifts, removed links; far links are badged as they come near', async () => {
    // Badges are placed from IntersectionObserver entries, not getBoundingClientRect: check them where links move without the document.
    const filler = (count: number) => '<p>Filler text that takes a line of the column.</p>'.repeat(count);
    site.route('forum.example.test/moving', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Moving links</title><style>body { margin: 0; font: 15px/1.6 Georgia, serif; } main { max-width: 700px; margin: 0 auto; } #pane { height: 120px; overflow: auto; }</style></head><body><main>` +
          `<p><a id="top" href="https://www.sleepio.com/">Sleepio</a></p><div id="shift"></div>` +
          `<div id="pane">${filler(8)}<p><a id="in-pane" href="https://apps.apple.com/gb/app/nhs-app/id1388411277">NHS App</a></p>${filler(8)}</div>` +
          `${filler(150)}<p><a id="far" href="https://www.sleepio.com/">Sleepio again</a></p></main></body></html>`,
      );
    });
    const page = await visit(granted, 'https://forum.example.test/moving');
    await page.setViewportSize({ width: 900, height: 600 });
    /** Whether the link has a drawn badge beside it. */
    const badged = (id: string) => hasBadgeBeside(page, `#${id}`);
    await expect.poll(() => badged('top'), { timeout: 10_000 }).toBe(true);
    // Scrolled out of sight inside its pane: no badge floating over the page.
    expect(await badged('in-pane')).toBe(false);
    await page.evaluate(() => {
      const pane = document.getElementById('pane')!;
      pane.scrollTop += document.getElementById('in-pane')!.getBoundingClientRect().top - pane.getBoundingClientRect().top - 40;
    });
    await expect.poll(() => badged('in-pane'), { timeout: 5000 }).toBe(true);
    // The page's style moves everything below: no element added or removed.
    await page.evaluate(() => (document.getElementById('shift')!.style.height = '45px'));
    await expect.poll(() => badged('in-pane'), { timeout: 5000 }).toBe(true);
    expect(await badgeCount(page)).toBe(2);
    await page.evaluate(() => document.getElementById('far')!.scrollIntoView());
    await expect.poll(() => badged('far'), { timeout: 5000 }).toBe(true);
    await page.evaluate(() => document.getElementById('top')!.remove());
    await expect.poll(() => badgeCount(page), { timeout: 5000 }).toBe(2);
    await page.close();
  });

  test('no request left the browser because of Signpost', () => {
    const unexpected = site.requests.filter((request) => !isFaviconRequest(request) && request.headers['sec-fetch-dest'] !== 'document');
    expect(unexpected).toEqual([]);
  });
});

describe('without the permission', () => {
  test('the shipped manifest asks for the two app stores only; every other site is optional', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, '.output/chrome-mv3/manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.host_permissions).toEqual(['https://apps.apple.com/*', 'https://play.google.com/*']);
    expect(manifest.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
  });

  test('tool websites and links are left alone', async () => {
    plain = await launchWithExtension({ hostRules: site.hostRules });
    await ready(plain);
    const page = await visit(plain, 'https://www.sleepio.com/');
    await page.waitForTimeout(1500);
    expect(await card(page).hostCount()).toBe(0);
    const forum = await visit(plain, 'https://forum.example.test/');
    await forum.waitForTimeout(1000);
    expect(await forum.locator(BADGE_LAYER_HOST).count()).toBe(0);
    await Promise.all([page.close(), forum.close()]);
  });
});
