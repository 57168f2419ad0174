// Hostile feed text in real Chromium. A feed served from this computer puts XSS payloads in every
// text field of a tool, its endorsements and facts, its publisher, and a colleague's peer note, and
// javascript:/data: URLs where links go. It is subscribed through the settings page; then the
// card on the store page (inside its shadow root, in the content script's isolated world), the
// popup for that tab, the tool's detail, the printable handout and the settings page are checked:
// every payload shows as literal text, no payload element exists, nothing ran (window.__xss stays
// undefined, no dialog opened, the extension pages' CSP never had to refuse an inline handler),
// and the entries with javascript:/data: links were quarantined, so no such link is anywhere.
// The feed is signed by a charity NHS IT's policy names (under the same hostile name), so its
// recommendation decides the verdict and the popup writes patient text and a handout with it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { countRows, countTools, readFeeds } from './harness/idb';
import { localAuthority, publishSigned, trustLocalAuthorities, type LocalAuthority } from './harness/local-authority';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';
import { openSettings } from './harness/pages';
import { pageCard } from './harness/page-card';
import { waitFor } from './harness/wait';

const IMG = '<img src=x onerror="window.__xss=1">';
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = '"><svg onload=window.__xss=1>';
const JS_URL = 'javascript:window.__xss=1';
const ALERT = '<img src=x onerror=alert(1)>';
const PAYLOADS = [IMG, SCRIPT, SVG, JS_URL];

/** An App Store id of no real app: the store fixture page answers for any /app/ path. */
const APPLE_ID = '1000000077';
const STORE_URL = `https://apps.apple.com/gb/app/xss-probe/id${APPLE_ID}`;
/** A plain word in the tool's name, to find it again. */
const MARKER = 'Zyxprobe';
const TOOL_NAME = `${MARKER} ${IMG}`;
const PUBLISHER_NAME = `Hostile publisher (test) ${SVG}`;

const endorsementBase = {
  issuerKind: 'charity',
  status: 'recommended',
  decisionDate: '2026-01',
  sourceType: 'primary',
};

const HOSTILE_FEED = {
  format: 'signpost-feed',
  version: 1,
  publisher: { id: 'xss-probe', name: PUBLISHER_NAME, kind: 'charity', url: 'https://publisher.example/' },
  sequence: 1,
  // Generated now: a feed past its refresh period gives no patient text.
  generatedAt: new Date().toISOString(),
  tools: [
    {
      id: 'xss-probe',
      name: TOOL_NAME,
      publisher: SCRIPT,
      description: `${IMG} ${SCRIPT} ${SVG} ${JS_URL}`,
      identifiers: { apple: [APPLE_ID] },
      conditions: [IMG, JS_URL],
      endorsements: [
        {
          ...endorsementBase,
          issuer: `Charity ${SCRIPT}`,
          guidanceCode: SVG,
          dateNote: IMG,
          quote: `${JS_URL} ${IMG}`,
          conditions: [SCRIPT],
          note: SVG,
          sourceUrl: 'https://charity.example/xss-probe',
        },
        { ...endorsementBase, issuer: 'Javascript link (test)', status: 'not-recommended', sourceUrl: JS_URL },
        { ...endorsementBase, issuer: 'Data link (test)', status: 'withdrawn', sourceUrl: 'data:text/html,<script>window.__xss=1</script>' },
        { ...endorsementBase, issuer: 'Split javascript link (test)', status: 'withdrawn', sourceUrl: ' java\nscript:window.__xss=1' },
      ],
      facts: [
        { topic: 'cost', text: `Free ${SVG} ${ALERT}`, sourceType: 'primary', sourceUrl: 'https://charity.example/cost' },
        { topic: 'accessibility', text: `Readable ${SCRIPT}`, sourceType: 'secondary' },
        { topic: 'data-security', text: 'Javascript source (test)', sourceType: 'primary', sourceUrl: JS_URL },
      ],
    },
  ],
  notes: [
    {
      id: 'xss-note',
      toolName: `${MARKER} ${SCRIPT}`,
      identifiers: { apple: [APPLE_ID] },
      verdict: 'use-with-care',
      text: `Hostile note: ${IMG} ${SCRIPT} ${SVG} ${JS_URL}`,
      conditions: [SVG],
      tags: [IMG, ALERT, JS_URL],
      author: { name: `Dr ${SVG}`, role: 'gp', organisation: `Practice ${SCRIPT}` },
      createdAt: '2026-11-01T09:00:00Z',
      updatedAt: '2026-11-01T09:00:00Z',
    },
  ],
};

/** Links the quarantine must have removed: no element anywhere may carry one. */
const FORBIDDEN_LINK = /^\s*(javascript|data|vbscript):/i;

let feeds: FeedServer;
let stores: StoreSession;
let feedUrl = '';
let charity: LocalAuthority;
const dialogs: string[] = [];

beforeAll(async () => {
  [feeds, stores, charity] = await Promise.all([startFeedServer(), startStoreSession(), localAuthority('xss-probe', `Charity ${SCRIPT}`, 'charity')]);
  await trustLocalAuthorities(stores.session, [charity]);
  feedUrl = await publishSigned(feeds, '/hostile/feed.json', HOSTILE_FEED, charity);
  const { context } = stores.session;
  context.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  // Every page records the CSP violations its document sees (in any world: they are DOM events).
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`));
  });
});

afterAll(async () => {
  await Promise.allSettled([stores?.close(), feeds?.close()]);
});

/** What a document or shadow root holds that a payload could have made. */
interface RootReport {
  /** The root's visible text (shadow roots inside it included). */
  text: string;
  /** Elements a payload would have created, or that carry an inline handler or a bad link. */
  injected: string[];
  /** Every href and src in the root, for the link checks. */
  links: string[];
}

interface DomReport extends RootReport {
  xss: unknown;
  /** CSP violations the document has seen since it loaded. */
  csp: string[];
}

/**
 * Inspects a document or a shadow root, and the open shadow roots inside it: text, payload
 * elements, inline handlers, links. Self-contained: it runs in a page, sent as source.
 */
function inspectRoot(start: Document | ShadowRoot): RootReport {
  const roots: (Document | ShadowRoot)[] = [];
  const addRoots = (root: Document | ShadowRoot) => {
    roots.push(root);
    for (const element of root.querySelectorAll('*')) if (element.shadowRoot) addRoots(element.shadowRoot);
  };
  addRoots(start);
  const injected: string[] = [];
  const links: string[] = [];
  const describe = (element: Element) => element.outerHTML.slice(0, 160);
  for (const root of roots) {
    for (const element of root.querySelectorAll('img[src="x"], svg[onload], script:not([src]), iframe, object, embed, base, meta[http-equiv]')) injected.push(describe(element));
    for (const element of root.querySelectorAll('*')) {
      for (const attribute of element.getAttributeNames()) {
        if (/^on/i.test(attribute)) injected.push(`inline handler ${attribute}: ${describe(element)}`);
        if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(attribute.toLowerCase())) links.push(element.getAttribute(attribute) ?? '');
      }
    }
  }
  const textOf = (root: Document | ShadowRoot) => (root instanceof Document ? (root.body?.innerText ?? '') : [...root.children].map((child) => (child as HTMLElement).innerText ?? child.textContent ?? '').join('\n'));
  return { text: roots.map(textOf).join('\n'), injected, links };
}

/** Read in the page's (or frame's) main world, where an injected inline handler would have run. */
function mainWorldFlags(page: Page | Frame): Promise<Pick<DomReport, 'xss' | 'csp'>> {
  return page.evaluate(() => {
    const seen = window as unknown as { __xss?: unknown; __cspViolations?: string[] };
    return { xss: seen.__xss, csp: [...(seen.__cspViolations ?? [])] };
  });
}

/** An extension page (settings, popup, handout, the card's notes frame): its whole document. */
async function inspectDocument(page: Page | Frame): Promise<DomReport> {
  const document = await page.evaluateHandle(() => window.document);
  try {
    return { ...(await document.evaluate(inspectRoot)), ...(await mainWorldFlags(page)) };
  } finally {
    await document.dispose();
  }
}

/**
 * The card on a web page: its shadow root, which the page itself cannot read once it is closed,
 * read through CDP in the test's isolated world (see harness/page-card.ts).
 */
async function inspectCard(page: Page): Promise<DomReport> {
  const card = pageCard(page);
  const report = await card.read(inspectRoot);
  // The card's one iframe is its own: the peer notes, Signpost's notes page (checked on its own).
  const frames = await card.read((root) => [...root.querySelectorAll('iframe')].map((frame) => `${frame.className} ${frame.getAttribute('src')}`));
  // Its host is the session's dynamic id (use_dynamic_url in wxt.config.ts), not the extension's id.
  expect(frames, 'the card frames its own notes page, and nothing else').toEqual([expect.stringMatching(/^notes-frame chrome-extension:\/\/[\w-]+\/card-notes\.html#/)]);
  const injected = report.injected.filter((element) => !element.startsWith('<iframe '));
  expect(report.injected.length - injected.length, 'the notes frame is the one iframe').toBe(1);
  return { ...report, injected, ...(await mainWorldFlags(page)) };
}

function expectSafe(report: DomReport, where: string, payloads: readonly string[] = PAYLOADS): void {
  for (const payload of payloads) expect(report.text, `${where} shows ${payload} as text`).toContain(payload);
  expect(report.injected, `${where}: injected elements or inline handlers`).toEqual([]);
  expect(
    report.links.filter((link) => FORBIDDEN_LINK.test(link)),
    `${where}: javascript:/data: links`,
  ).toEqual([]);
  expect(report.xss, `${where}: window.__xss`).toBeUndefined();
  // None at all: not a payload, and not zod probing eval either (lib/zod.ts configures it first).
  expect(report.csp, `${where}: CSP violations`).toEqual([]);
}

const openSettingsPage = () => openSettings(stores.session);

/** The card in the popup, an extension page: a plain document, so Playwright's locators read it. */
const popupCard = (popup: Page) => popup.getByRole('region', { name: 'Signpost trust check' });

describe('hostile feed text is shown as text and never runs', () => {
  test('subscribed through the settings page: the preview shows the payloads as text; entries with javascript:/data: links are quarantined', async () => {
    const settings = await openSettingsPage();
    await settings.getByLabel('Feed address').fill(feedUrl);
    await settings.getByLabel("Publisher's signing key (optional)").fill(charity.key.publicKey);
    await settings.getByRole('button', { name: 'Check feed' }).click();
    const preview = settings.locator('.preview');
    await expect.poll(() => preview.textContent()).toContain(PUBLISHER_NAME);
    expectSafe(await inspectDocument(settings), 'the settings page (preview)', [SVG]);
    await preview.getByRole('button', { name: 'Subscribe' }).click();

    const { serviceWorker } = stores.session;
    await expect.poll(() => countTools(serviceWorker, feedUrl), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => countRows(serviceWorker, 'teamNotes'), { timeout: 15_000 }).toBe(1);
    const record = (await readFeeds(serviceWorker)).find((row) => row.url === feedUrl);
    expect(record?.lastError).toBeUndefined();
    expect(record?.signature).toMatchObject({ status: 'verified', key: charity.key.publicKey });
    // Three endorsements and one fact had javascript:, data: or a javascript: split by a newline.
    expect(record?.counts).toMatchObject({ tools: 1, endorsements: 1, quarantined: 4, notes: 1 });
    expect(record?.quarantined?.map((entry) => entry.path).sort()).toEqual(['tools[0].endorsements[1]', 'tools[0].endorsements[2]', 'tools[0].endorsements[3]', 'tools[0].facts[2]']);
    for (const entry of record?.quarantined ?? []) expect(entry.problems.map((problem) => problem.message).join(' ')).toContain('http(s)');

    // The feed as listed, with its left-out entries opened.
    const item = settings.getByRole('region', { name: 'Feeds' }).getByRole('listitem').filter({ hasText: PUBLISHER_NAME });
    await expect.poll(() => item.count()).toBe(1);
    const quarantine = item.locator('details.quarantine');
    if ((await quarantine.count()) > 0) await quarantine.locator('summary').click();
    expectSafe(await inspectDocument(settings), 'the settings page (feed list)', [SVG]);
    await settings.close();
  });

  test('the card on the store page, expanded, with the peer note in its frame: payloads are text in the shadow root and the frame; nothing ran', async () => {
    expect(feedUrl).not.toBe('');
    const page = await stores.session.context.newPage();
    await page.goto(STORE_URL, { waitUntil: 'domcontentloaded' });
    const card = pageCard(page);
    await expect.poll(() => card.headlineText().catch(() => ''), { timeout: 10_000 }).toContain(TOOL_NAME);
    await card.openDetails();
    // The peer note is shown in the card's notes frame, an extension page framed in its shadow root.
    const frame = await waitFor(() => page.frames().find((candidate) => candidate.url().includes('/card-notes.html#')), { message: "the card's notes frame" });
    const notes = frame.getByRole('region', { name: /^Peer notes/ });
    await expect.poll(() => notes.textContent(), { timeout: 10_000 }).toContain('Hostile note:');

    const report = await inspectCard(page);
    expectSafe(report, 'the card');
    for (const text of [`Charity ${SCRIPT}`, SVG, `${JS_URL} ${IMG}`]) expect(report.text, `the card shows ${text}`).toContain(text);
    // The quarantined claims are nowhere; the one good claim links to its https source.
    expect(report.text).not.toContain('Javascript link (test)');
    expect(report.text).not.toContain('Data link (test)');
    expect(await card.getByRole('link', /Read the source/).allAttributes('href')).toEqual([
      'https://charity.example/xss-probe',
    ]);

    // The notes frame's document: the note's text, author, organisation, condition and tags are text there; nothing ran in it.
    const framed = await inspectDocument(frame);
    // The violation recorder (beforeAll's init script) runs in the frame too, so its CSP check is real.
    expect(await frame.evaluate(() => Array.isArray((window as unknown as { __cspViolations?: unknown }).__cspViolations))).toBe(true);
    expectSafe(framed, 'the notes frame');
    for (const text of [`Hostile note: ${IMG} ${SCRIPT} ${SVG} ${JS_URL}`, `Dr ${SVG}`, `Practice ${SCRIPT}`, ALERT]) expect(framed.text, `the notes frame shows ${text}`).toContain(text);
    expect(await frame.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload]').length)).toBe(0);
    // The page's main world: nothing set the flag, and no payload element reached the page itself.
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload]').length)).toBe(0);

    // The checks can fail: an element a payload would make, put into the shadow root by hand
    // (through CDP: the page cannot reach a closed root), is reported, and its inline handler runs
    // in the page's main world, whichever world made it, where window.__xss is read.
    await card.read((root) => {
      const img = document.createElement('img');
      img.setAttribute('src', 'x');
      img.setAttribute('onerror', 'window.__xss=1');
      root.append(img);
    });
    await expect.poll(async () => (await inspectCard(page)).xss).toBe(1);
    expect((await inspectCard(page)).injected).toHaveLength(2);
    await page.close();
  });

  test('the popup for that tab, the tool detail with its facts, and the printable handout: payloads are text; nothing ran', async () => {
    const { context, serviceWorker, extensionId } = stores.session;
    const store = await context.newPage();
    await store.goto(STORE_URL, { waitUntil: 'domcontentloaded' });
    const tabId = await serviceWorker.evaluate(async (url) => (await browser.tabs.query({ url }))[0]?.id, STORE_URL);
    expect(tabId).toBeTypeOf('number');
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 380, height: 560 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html?tab=${tabId}`);
    await expect.poll(() => popupCard(popup).locator('.headline').textContent(), { timeout: 10_000 }).toContain(TOOL_NAME);
    await expect.poll(() => popup.locator('body').textContent()).toContain('Hostile note:');
    expectSafe(await inspectDocument(popup), 'the popup (current page)');

    await popup.getByRole('button', { name: /^Details and patient text for / }).click();
    const facts = popup.getByRole('region', { name: 'Cost, accessibility and other facts' });
    await expect.poll(() => facts.textContent()).toContain(`Free ${SVG} ${ALERT}`);
    // The facts come first; the verdict, its claims and the patient text once the registry is read.
    await expect.poll(() => popup.locator('body').textContent()).not.toContain('Reading the registry');
    await popup.getByRole('textbox', { name: /Text for the patient/ }).waitFor();
    const detail = await inspectDocument(popup);
    expectSafe(detail, 'the popup (tool detail)');
    expect(detail.text).toContain(`Readable ${SCRIPT}`);
    expect(detail.text).not.toContain('Javascript source (test)');
    const patientText = await popup.getByRole('textbox', { name: /Text for the patient/ }).inputValue();
    expect(patientText).toContain(TOOL_NAME);

    const [handout] = await Promise.all([context.waitForEvent('page'), popup.getByRole('button', { name: /Printable handout/ }).click()]);
    await handout.getByRole('heading', { level: 1 }).waitFor();
    const printed = await inspectDocument(handout);
    expectSafe(printed, 'the handout', [IMG]);
    await Promise.all([store.close(), popup.close(), handout.close()]);
  });

  test('the settings page after the sync: payloads are text; nothing ran', async () => {
    const settings = await openSettingsPage();
    await expect.poll(() => settings.getByRole('region', { name: 'Feeds' }).textContent()).toContain(PUBLISHER_NAME);
    expectSafe(await inspectDocument(settings), 'the settings page', [SVG]);
    await settings.close();
  });

  test('no dialog opened', () => {
    expect(dialogs).toEqual([]);
  });
});
