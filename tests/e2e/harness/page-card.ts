// The trust card on a web page, as a clinician and a screen reader meet it. The card is drawn in a
// shadow root that Playwright's locators cannot enter once it is closed, so every read and every
// action here goes through closed-root.ts: parts are found by role and accessible name in the
// accessibility tree, read in the test's isolated world, clicked with trusted mouse events, and
// typed into with page.keyboard. The same tests pass on an open root.
import type { Page } from 'playwright-core';
import { headlineIn, type Headline } from './card';
import { boxOf, countHosts, hostNode, inShadowRoot, onNode, queryByRole, trustedClick, type Box, type InPageFunction } from './closed-root';
import { waitFor } from './wait';

export const CARD_HOST = 'signpost-trust-card';
/** The card region's accessible name (components/TrustCard.tsx). */
export const CARD_REGION_NAME = 'Signpost trust check';

/** How long an action or a read waits for its part to appear, as Playwright's locators do. */
const PART_TIMEOUT_MS = 10_000;

/** Something in the card found as assistive technology finds it: by role and accessible name, under a scope. */
export interface CardPart {
  /** A part inside this one. */
  getByRole(role: string, name?: string | RegExp): CardPart;
  /** How many such parts there are now (no waiting). */
  count(): Promise<number>;
  /** Waits until the part exists (and, with `visible`, has a box). */
  waitFor(options?: { state?: 'attached' | 'visible'; timeout?: number }): Promise<void>;
  textContent(): Promise<string>;
  getAttribute(name: string): Promise<string | null>;
  /** The attribute of every such part (links' hrefs, say). */
  allAttributes(name: string): Promise<(string | null)[]>;
  boundingBox(): Promise<Box | null>;
  /** Runs `fn(element, ...args)` on the part, in one step, in the test's isolated world. */
  evaluate<Args extends unknown[], Result>(fn: InPageFunction<Element, Args, Result>, ...args: Args): Promise<Result>;
  /** Whether keyboard focus is on the part. */
  isFocused(): Promise<boolean>;
  /** A trusted click at the part's centre, as a person's. */
  click(): Promise<void>;
  /** Replaces a text field's value as a person does: clicks into it, selects all, types `text` key by key. */
  fill(text: string): Promise<void>;
}

export interface PageCard {
  /** The card region itself. */
  readonly region: CardPart;
  /** A part anywhere in the card. */
  getByRole(role: string, name?: string | RegExp): CardPart;
  /** How many card hosts the page has (a doubled card shows here). */
  hostCount(): Promise<number>;
  /** Waits until the card region is there with a box, as a person would see it. */
  waitUntilShown(timeoutMs?: number): Promise<void>;
  /** The headline, read in one step (see headlineIn). Throws while there is no card. */
  headline(): Promise<Headline>;
  /** The headline's whole text, as one string. */
  headlineText(): Promise<string>;
  /** Opens the details with a trusted click on "Details", and waits until they are open. */
  openDetails(): Promise<void>;
  /** The details' text ('' while they are closed). */
  detailsText(): Promise<string>;
  /** The text of the first element matching `selector` in the card ('' if none). */
  textOf(selector: string): Promise<string>;
  /** The text of every element matching `selector` in the card. */
  textsOf(selector: string): Promise<string[]>;
  /** Runs `fn(root, ...args)` on the card's shadow root, in one step, in the test's isolated world. Throws while there is no card. */
  read<Args extends unknown[], Result>(fn: InPageFunction<ShadowRoot, Args, Result>, ...args: Args): Promise<Result>;
  /** Presses Tab (page.keyboard, trusted) until keyboard focus is on `part`: focus really moves into the card. */
  tabTo(part: CardPart, maxPresses?: number): Promise<void>;
}

interface Query {
  role: string;
  name?: string | RegExp;
}

const describeQuery = (queries: readonly Query[]) => queries.map(({ role, name }) => (name === undefined ? role : `${role} "${name}"`)).join(' > ');

/**
 * The parts matching the last query, each searched for under the first match of the query before
 * it, from the card's host. Empty while any step finds nothing.
 */
async function resolveAll(page: Page, queries: readonly Query[]): Promise<number[]> {
  let scope = await hostNode(page, CARD_HOST);
  if (scope === null) return [];
  for (const [index, { role, name }] of queries.entries()) {
    const found = await queryByRole(page, scope, role, name);
    if (index === queries.length - 1) return found.map((node) => node.backendNodeId);
    if (!found[0]) return [];
    scope = found[0].backendNodeId;
  }
  return [scope];
}

function cardPart(page: Page, queries: readonly Query[]): CardPart {
  const what = `the card's ${describeQuery(queries)}`;
  /** The first match, waited for as a locator's action waits for its element. */
  const first = () => waitFor(async () => (await resolveAll(page, queries))[0], { timeoutMs: PART_TIMEOUT_MS, message: what });
  const firstNow = async () => (await resolveAll(page, queries))[0];
  const part: CardPart = {
    getByRole: (role, name) => cardPart(page, [...queries, { role, name }]),
    count: async () => (await resolveAll(page, queries)).length,
    waitFor: async ({ state = 'visible', timeout = PART_TIMEOUT_MS } = {}) => {
      await waitFor(async () => {
        const node = await firstNow();
        return node !== undefined && (state === 'attached' || (await boxOf(page, node)) !== null);
      }, { timeoutMs: timeout, message: `${what} (${state})` });
    },
    textContent: async () => onNode(page, await first(), (element) => element.textContent ?? ''),
    getAttribute: async (name) => onNode(page, await first(), (element, attribute) => element.getAttribute(attribute), name),
    allAttributes: async (name) => Promise.all((await resolveAll(page, queries)).map((node) => onNode(page, node, (element, attribute) => element.getAttribute(attribute), name))),
    boundingBox: async () => {
      const node = await firstNow();
      return node === undefined ? null : boxOf(page, node);
    },
    evaluate: async (fn, ...args) => onNode(page, await first(), fn, ...args),
    isFocused: async () => {
      const node = await firstNow();
      // The focused element inside a shadow root is that root's activeElement (the document's is the host).
      return node !== undefined && onNode(page, node, (element) => (element.getRootNode() as Document | ShadowRoot).activeElement === element);
    },
    click: async () => trustedClick(page, await first(), what),
    fill: async (text) => {
      await part.click();
      await page.keyboard.press('ControlOrMeta+A');
      if (text) await page.keyboard.type(text);
      else await page.keyboard.press('Backspace');
    },
  };
  return part;
}

export function pageCard(page: Page): PageCard {
  const region = cardPart(page, [{ role: 'region', name: CARD_REGION_NAME }]);
  const card: PageCard = {
    region,
    getByRole: (role, name) => region.getByRole(role, name),
    hostCount: () => countHosts(page, CARD_HOST),
    waitUntilShown: (timeoutMs = PART_TIMEOUT_MS) => region.waitFor({ state: 'visible', timeout: timeoutMs }),
    headline: () => inShadowRoot(page, CARD_HOST, headlineIn),
    headlineText: () => inShadowRoot(page, CARD_HOST, (root) => root.querySelector('.headline')?.textContent ?? ''),
    openDetails: async () => {
      await card.getByRole('button', 'Details').click();
      await card.getByRole('button', 'Hide details').waitFor();
    },
    detailsText: () => card.textOf('.details'),
    textOf: (selector) => inShadowRoot(page, CARD_HOST, (root, css) => root.querySelector(css)?.textContent ?? '', selector),
    textsOf: (selector) => inShadowRoot(page, CARD_HOST, (root, css) => [...root.querySelectorAll(css)].map((element) => element.textContent ?? ''), selector),
    read: (fn, ...args) => inShadowRoot(page, CARD_HOST, fn, ...args),
    tabTo: async (part, maxPresses = 100) => {
      for (let presses = 0; presses < maxPresses; presses++) {
        if (await part.isFocused()) return;
        await page.keyboard.press('Tab');
      }
      if (!(await part.isFocused())) throw new Error(`${maxPresses} presses of Tab did not bring keyboard focus to the card part`);
    },
  };
  return card;
}

/** Every distinct state of the card seen while watching a page, in order. */
export interface CardWatch {
  /** Each headline text the card showed, in the order shown (a repeat of the last is not recorded). */
  headlines: string[];
  /** The most card hosts seen on the page at once. */
  mostHosts: number;
  /** Whether a card host was seen at all. */
  seen: boolean;
}

/**
 * Watches the card on `page` from now until stop(), polling through CDP from the test: a page
 * script can no longer watch a closed root, and neither can the test from inside the page. Start
 * it before page.goto to see the very first card drawn. A card that comes and goes between two
 * polls (every few milliseconds) can be missed.
 */
export function watchCard(page: Page, intervalMs = 10): { stop(): Promise<CardWatch> } {
  const watch: CardWatch = { headlines: [], mostHosts: 0, seen: false };
  let watching = true;
  const poll = async () => {
    while (watching) {
      try {
        const hosts = await countHosts(page, CARD_HOST);
        watch.mostHosts = Math.max(watch.mostHosts, hosts);
        if (hosts > 0) {
          watch.seen = true;
          const text = await inShadowRoot(page, CARD_HOST, (root) => root.querySelector('.headline')?.textContent ?? '');
          if (text && watch.headlines.at(-1) !== text) watch.headlines.push(text);
        }
      } catch {
        // Mid-navigation the page's world comes and goes: the next poll reads the new document.
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
  const polling = poll();
  return {
    stop: async () => {
      watching = false;
      await polling;
      return watch;
    },
  };
}
