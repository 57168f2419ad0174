// Main-thread cost of link badges on a page with 1,000 links, in the build where the optional site
// permission is pre-granted. The links are added to an already loaded page in one insertion, the
// way a forum or webmail shows a thread, with badges on (the watcher is running: the page's one
// static store link has its badge) and off, alternately; the page's own costs are the same in
// both, so the difference is what badging costs.
//
// Badges are drawn for links near the viewport, and for the others as they come near. After each
// measured window (so outside the figures), the run scrolls through the whole thread and checks
// that every link to a known tool, and no other link, has its badge beside it.
//
// The badge layer's shadow root is closed to the page, so everything that reads it (when badges
// changed, where they are) runs in the benchmark's own isolated world through CDP
// (tests/e2e/harness/closed-root.ts), never in the page's main world.
import type { CDPSession, Page } from 'playwright-core';
import { LINK_BADGES_SETTING, SITES_SCRIPT_ID } from '@/lib/settings/site-access';
import { launchWithExtension } from '../e2e/harness/browser';
import { inShadowRoot, unlessNoShadowRoot } from '../e2e/harness/closed-root';
import { readFeeds } from '../e2e/harness/idb';
import { BADGE_LAYER_HOST, badgeCount } from '../e2e/harness/link-badges';
import type { SiteServer } from '../e2e/harness/server';
import { waitFor } from '../e2e/harness/wait';
import { pageSource } from './probe';
import { summarise, type Summary } from './stats';
import { syntheticAppleId, syntheticPlayId } from './synthetic';

const PAGE = 'https://forum.example.test/bench-links';

/** Store pages of tools in the bundled registry: NHS App, Wysa, Couch to 5K, Active 10, Weight Loss Plan. */
const KNOWN_APPS = [
  { apple: '1388411277', play: 'com.nhs.online.nhsonline' },
  { apple: '1166585565', play: 'bot.touchkin' },
  { apple: '1082307672', play: 'com.phe.couchto5K' },
  { apple: '1204295312', play: 'uk.ac.shef.oak.pheactiveten' },
  { apple: '1519208548', play: 'com.nhs.weightloss' },
];
const STOREFRONTS = ['gb', 'us', 'ie', 'au', 'ca', 'nz', 'fr', 'de', 'es', 'it'];

const LINK_MIX = { known: 200, unknownStore: 200, external: 300, internal: 300 } as const;
const LINK_COUNT = Object.values(LINK_MIX).reduce((sum, count) => sum + count, 0);

/** One link of each 1,000: known store links, unknown store links, other sites, and the forum's own pages, interleaved. */
function linkHref(index: number): string {
  const slot = index % 10;
  const n = Math.floor(index / 10);
  if (slot < 2) {
    const app = KNOWN_APPS[n % KNOWN_APPS.length]!;
    const variant = (index >> 1) % STOREFRONTS.length;
    return slot === 0
      ? `https://apps.apple.com/${STOREFRONTS[variant]}/app/id${app.apple}?ref=post${n}`
      : `https://play.google.com/store/apps/details?id=${app.play}&hl=en_${STOREFRONTS[variant]!.toUpperCase()}&ref=post${n}`;
  }
  if (slot < 4) return slot === 2 ? `https://apps.apple.com/gb/app/id${syntheticAppleId(n)}` : `https://play.google.com/store/apps/details?id=${syntheticPlayId(n)}`;
  if (slot < 7) return `https://site${String(index).padStart(4, '0')}.example.test/page`;
  return `https://forum.example.test/thread/${index}`;
}

function threadHtml(): string {
  const posts: string[] = [];
  for (let start = 0; start < LINK_COUNT; start += 10) {
    const links = Array.from({ length: 10 }, (_, offset) => `<a href="${linkHref(start + offset).replaceAll('&', '&amp;')}">link ${start + offset}</a>`);
    posts.push(`<article class="post"><p class="post__author">Synthetic user ${start / 10}</p><p>Have a look at ${links.join(', ')}.</p></article>`);
  }
  return posts.join('\n');
}

const PAGE_HTML = `<!doctype html>
<!-- Signpost benchmark page: a synthetic forum thread; its 1,000 links are added by the benchmark. -->
<html lang="en-GB"><head><meta charset="utf-8"><title>Synthetic thread - Example Forum</title>
<style>body { margin: 0; font: 15px/1.6 Georgia, serif; } main { max-width: 760px; margin: 0 auto; padding: 24px; } .post { margin: 0 0 16px; }</style>
</head><body><main><h1>Synthetic thread</h1>
<p>Static link: <a href="https://apps.apple.com/gb/app/nhs-app/id1388411277">NHS App</a>.</p>
</main></body></html>`;

interface InPageResult {
  /** performance.now() as the insertion began (the thread's HTML not yet parsed). */
  insertedAt: number;
  longTasks: number[];
}

/**
 * Runs in the page: inserts the thread and ends after exactly `windowMs`, so that runs with and
 * without badges are compared over equal windows (the page's own deferred work, such as
 * Chromium's anchor metrics, lands in both).
 */
function insertThread({ html, windowMs }: { html: string; windowMs: number }): Promise<InPageResult> {
  const longTasks: number[] = [];
  const longTaskObserver = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((entry) => entry.duration)));
  longTaskObserver.observe({ type: 'longtask' });
  const insertedAt = performance.now();
  const container = document.createElement('section');
  container.innerHTML = html;
  document.querySelector('main')!.append(container);
  return new Promise((resolve) =>
    setTimeout(() => {
      longTaskObserver.disconnect();
      resolve({ insertedAt, longTasks });
    }, windowMs),
  );
}

interface BadgeClockGlobal {
  __badgeClock?: { lastChange: number; observer: MutationObserver };
}

/**
 * Notes, in the benchmark's isolated world, the time of every change to the badge layer: a
 * MutationObserver, not polling frames (polling would make the page render frames it would not
 * otherwise render). The observer only notes the time: which badges came, and where, is checked
 * after the window. The world keeps the clock until the page navigates (closed-root.ts).
 */
function startBadgeClock(page: Page): Promise<void> {
  return inShadowRoot(page, BADGE_LAYER_HOST, (layer) => {
    const clock = { lastChange: NaN, observer: new MutationObserver(() => (clock.lastChange = performance.now())) };
    clock.observer.observe(layer, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] });
    (globalThis as BadgeClockGlobal).__badgeClock = clock;
  });
}

/** The time of the last change to the badges (performance.now(): one clock for all of a page's worlds); stops the clock. */
function stopBadgeClock(page: Page): Promise<number> {
  return inShadowRoot(page, BADGE_LAYER_HOST, () => {
    const clock = (globalThis as BadgeClockGlobal).__badgeClock;
    clock?.observer.disconnect();
    return clock?.lastChange ?? NaN;
  });
}

interface ViewCheck {
  /** Links to known tools wholly in the viewport, each with its badge beside it. */
  badged: string[];
  problems: string[];
}

/**
 * Runs on the badge layer's root in the benchmark's isolated world: every link to a known tool
 * wholly in the viewport has a drawn badge beside it (as tests/e2e/sites.e2e.ts checks it), and
 * every drawn badge in the viewport sits beside one. Links and badges are measured in one step.
 */
function checkViewport(layer: ShadowRoot, { knownIds }: { knownIds: string[] }): ViewCheck {
  const drawn = [...layer.querySelectorAll<HTMLElement>('.badge')].filter((badge) => badge.style.display !== 'none').map((badge) => badge.getBoundingClientRect());
  const inView = (box: DOMRect) => box.width > 0 && box.top >= 0 && box.bottom <= innerHeight && box.left >= 0 && box.right <= innerWidth;
  const beside = (badge: DOMRect, link: DOMRect) => Math.abs(badge.left - (link.right + 2)) <= 1 && Math.abs(badge.top + badge.height / 2 - (link.top + link.height / 2)) <= 2;
  const isKnown = (href: string) => knownIds.some((id) => href.includes(`/id${id}`) || href.includes(`id=${id}&`) || href.endsWith(`id=${id}`));
  const links = [...document.querySelectorAll('a')].map((anchor) => ({ href: anchor.getAttribute('href') ?? '', box: anchor.getBoundingClientRect() })).filter((link) => inView(link.box));
  const badged: string[] = [];
  const problems: string[] = [];
  for (const link of links) {
    const hasBadge = drawn.some((badge) => beside(badge, link.box));
    if (isKnown(link.href)) {
      if (hasBadge) badged.push(link.href);
      else problems.push(`no badge beside ${link.href} at scroll ${scrollY}`);
    } else if (hasBadge) problems.push(`a badge beside ${link.href}, not a known tool`);
  }
  for (const badge of drawn.filter(inView)) {
    if (!links.some((link) => beside(badge, link.box))) problems.push(`a badge at ${Math.round(badge.left)},${Math.round(badge.top)} beside no link, at scroll ${scrollY}`);
  }
  return { badged, problems };
}

/**
 * After a window with badges on: scrolls through the page, a viewport at a time, and checks each
 * view once the badges have settled (links coming near are measured on the next frames).
 * Returns how many distinct links to known tools were seen badged.
 */
async function checkEveryBadge(page: Page): Promise<number> {
  const knownIds = KNOWN_APPS.flatMap((app) => [app.apple, app.play]);
  const badged = new Set<string>();
  const height = await page.evaluate(() => document.documentElement.scrollHeight - innerHeight);
  const step = await page.evaluate(() => Math.floor(innerHeight * 0.75));
  for (let y = 0; ; y = Math.min(y + step, height)) {
    await page.evaluate((top) => scrollTo(0, top), y);
    let check: ViewCheck = { badged: [], problems: ['not checked'] };
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline) {
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 20)))));
      check = await unlessNoShadowRoot(inShadowRoot(page, BADGE_LAYER_HOST, checkViewport, { knownIds }), { badged: [], problems: ['no badge layer on the page'] });
      if (check.problems.length === 0) break;
    }
    if (check.problems.length > 0) throw new Error(`Link badges wrong after scrolling: ${check.problems.slice(0, 5).join('; ')}`);
    for (const href of check.badged) badged.add(href);
    if (y >= height) break;
  }
  return badged.size;
}

async function mainThreadMs(cdp: CDPSession): Promise<{ task: number; thread: number; script: number; layout: number; style: number }> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  const seconds = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? NaN;
  return { task: seconds('TaskDuration') * 1000, thread: seconds('ThreadTime') * 1000, script: seconds('ScriptDuration') * 1000, layout: seconds('LayoutDuration') * 1000, style: seconds('RecalcStyleDuration') * 1000 };
}

interface Run {
  badges: boolean;
  /** Insertion to the last change to the badges in the window: those near the viewport placed (badges on only). */
  badgesMs: number;
  taskMs: number;
  scriptMs: number;
  layoutAndStyleMs: number;
  longTasks: number[];
}

export interface LinkBadgeResult {
  links: number;
  expectedBadges: number;
  runsEach: number;
  /** Median main-thread time (CDP TaskDuration) over equal windows, with badges minus without: what badging costs, per 1,000 links. */
  mainThreadMsPer1000: number;
  scriptMsPer1000: number;
  layoutAndStyleMsPer1000: number;
  /**
   * Insertion to the last change to the badges in the window: every badge near the viewport
   * placed. (The others are drawn as their links come near; checked after the window.)
   */
  allBadgesPresent: Summary;
  /** Longest task seen in any run with badges, and without. */
  longestTaskMs: { badges: number; noBadges: number };
  runs: Run[];
  /**
   * The same difference in the main thread's CPU time (CDP ThreadTime) rather than its tasks'
   * wall-clock time: on a busy machine a task's wall-clock time includes the time the thread
   * waited for a core, so this figure varies less from run to run. Not in results.json.
   */
  mainThreadCpuMsPer1000: number;
  /** ThreadTime per run, in the order of `runs`. */
  threadMsByRun: number[];
}

export async function measureLinkBadges(site: SiteServer, extensionDir: string, { runs, windowMs }: { runs: number; windowMs: number }): Promise<LinkBadgeResult> {
  site.route(new URL(PAGE).hostname + new URL(PAGE).pathname, (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(PAGE_HTML);
  });
  const html = threadHtml();
  const expectedBadges = 1 + LINK_MIX.known;
  const session = await launchWithExtension({ extensionDir, hostRules: site.hostRules });
  try {
    await waitFor(async () => (await readFeeds(session.serviceWorker)).some((feed) => feed.lastSuccessAt), { timeoutMs: 20_000, message: 'the bundled feed to be synced' });
    await waitFor(
      () => session.serviceWorker.evaluate(async (id) => (await browser.scripting.getRegisteredContentScripts({ ids: [id] })).length === 1, SITES_SCRIPT_ID),
      { message: 'the sites content script to be registered (is this the e2e-sites build?)' },
    );
    const results: Run[] = [];
    const threadMsByRun: number[] = [];
    for (let run = 0; run < runs * 2; run++) {
      const badges = run % 2 === 0;
      await session.serviceWorker.evaluate(([key, value]) => browser.storage.local.set({ [key]: value }), [LINK_BADGES_SETTING, badges] as const);
      const page = await session.context.newPage();
      const cdp = await session.context.newCDPSession(page);
      try {
        await cdp.send('Performance.enable');
        await page.goto(PAGE, { waitUntil: 'load' });
        if (badges) await waitFor(async () => (await badgeCount(page)) === 1, { message: 'the static link\'s badge (the link watcher running)' });
        if (badges) await startBadgeClock(page);
        const before = await mainThreadMs(cdp);
        const inPage = (await page.evaluate(pageSource(insertThread, { html, windowMs }))) as InPageResult;
        const after = await mainThreadMs(cdp);
        // Insertion to the last change to the badges in the window; NaN with badges off, or if none came.
        const lastBadgeChange = badges ? await stopBadgeClock(page) : NaN;
        const badgesMs = lastBadgeChange > inPage.insertedAt ? lastBadgeChange - inPage.insertedAt : NaN;
        if (badges && Number.isNaN(badgesMs)) throw new Error(`No badge came within ${windowMs} ms of the insertion (found ${await badgeCount(page)})`);
        if (badges) {
          // Every link to a known tool has its own address (ref=post…), so this counts links.
          const seen = await checkEveryBadge(page);
          if (seen !== expectedBadges) throw new Error(`${seen} of the ${expectedBadges} links to known tools were seen badged while scrolling`);
        } else if ((await badgeCount(page)) > 0) throw new Error('Badges with badges switched off');
        threadMsByRun.push(after.thread - before.thread);
        results.push({
          badges,
          badgesMs,
          taskMs: after.task - before.task,
          scriptMs: after.script - before.script,
          layoutAndStyleMs: after.layout + after.style - before.layout - before.style,
          longTasks: inPage.longTasks,
        });
      } finally {
        await cdp.detach().catch(() => undefined);
        await page.close();
      }
    }
    const median = (badges: boolean, pick: (run: Run) => number) => summarise(results.filter((run) => run.badges === badges).map(pick)).median;
    const difference = (pick: (run: Run) => number) => median(true, pick) - median(false, pick);
    const longest = (badges: boolean) => Math.max(0, ...results.filter((run) => run.badges === badges).flatMap((run) => run.longTasks));
    return {
      links: LINK_COUNT,
      expectedBadges,
      runsEach: runs,
      mainThreadMsPer1000: (difference((run) => run.taskMs) * 1000) / LINK_COUNT,
      scriptMsPer1000: (difference((run) => run.scriptMs) * 1000) / LINK_COUNT,
      layoutAndStyleMsPer1000: (difference((run) => run.layoutAndStyleMs) * 1000) / LINK_COUNT,
      allBadgesPresent: summarise(results.filter((run) => run.badges).map((run) => run.badgesMs)),
      longestTaskMs: { badges: longest(true), noBadges: longest(false) },
      runs: results,
      mainThreadCpuMsPer1000: ((summarise(threadMsByRun.filter((_, index) => results[index]!.badges)).median - summarise(threadMsByRun.filter((_, index) => !results[index]!.badges)).median) * 1000) / LINK_COUNT,
      threadMsByRun,
    };
  } finally {
    await session.close();
  }
}
