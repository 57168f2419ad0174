// Reaches into Signpost's shadow roots the way assistive technology and a person do, never the way
// a page could: through Chromium's DevTools protocol. Elements are found by role and accessible
// name in Chromium's accessibility tree (which flattens shadow roots, open or closed), read in an
// isolated world of the test's own (so a page's patched prototypes can neither see nor falsify the
// reads), and clicked with trusted input events at their box. A page script has no such door:
// `host.shadowRoot` is null to it once the roots are closed. Everything here works on open roots too.
import type { CDPSession, Page } from 'playwright-core';
import { waitFor } from './wait';

export interface Point {
  x: number;
  y: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One node of Chromium's accessibility tree, as a screen reader meets it. */
export interface AccessibleNode {
  backendNodeId: number;
  role: string;
  name: string;
}

/** A function run in the test's isolated world; it must be self-contained (it is sent as source). */
export type InPageFunction<Target, Args extends unknown[], Result> = (target: Target, ...args: Args) => Result | Promise<Result>;

// One CDP session and one isolated world per page, made on first use.
const sessions = new WeakMap<Page, Promise<CDPSession>>();
const worlds = new WeakMap<Page, Promise<number>>();
let objectGroups = 0;

function cdpFor(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
  }
  return session;
}

async function createWorld(page: Page): Promise<number> {
  const cdp = await cdpFor(page);
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const { executionContextId } = await cdp.send('Page.createIsolatedWorld', { frameId: frameTree.frame.id, worldName: 'signpost-e2e' });
  return executionContextId;
}

/**
 * Runs `use` with the page's isolated world. A world lives as long as its document: after a
 * navigation its id is stale, and the call is retried once in a world made for the new document.
 * (A world's globals persist between calls until then, which watchers rely on.)
 */
async function withWorld<T>(page: Page, use: (cdp: CDPSession, world: number, objectGroup: string) => Promise<T>): Promise<T> {
  const cdp = await cdpFor(page);
  for (let attempt = 0; ; attempt++) {
    let world = worlds.get(page);
    if (!world) {
      world = createWorld(page);
      worlds.set(page, world);
    }
    // Every remote object a call makes is released with its group when the call ends.
    const objectGroup = `signpost-e2e-${++objectGroups}`;
    try {
      return await use(cdp, await world, objectGroup);
    } catch (error) {
      const stale = error instanceof Error && /context|Could not find object/i.test(error.message);
      if (!stale || attempt > 0) throw error;
      if (worlds.get(page) === world) worlds.delete(page);
    } finally {
      await cdp.send('Runtime.releaseObjectGroup', { objectGroup }).catch(() => undefined);
    }
  }
}

/** Source that calls `fn(this, ...args)`; `__name` stands in for the helper tsx's keepNames adds (see tests/bench/probe.ts). */
const callingThis = (fn: (...args: never[]) => unknown) => `function (...args) { var __name = (target) => target; return (${fn.toString()})(this, ...args); }`;

async function callOn<T>(cdp: CDPSession, objectId: string, fn: (...args: never[]) => unknown, args: unknown[], where: string): Promise<T> {
  const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', {
    objectId,
    functionDeclaration: callingThis(fn),
    arguments: args.map((value) => ({ value })),
    returnByValue: true,
    awaitPromise: true,
  });
  if (exceptionDetails) throw new Error(`in ${where}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
  return result.value as T;
}

/** The first `hostName` element of the page's main frame and its shadow root, or null. */
async function findHost(cdp: CDPSession, world: number, objectGroup: string, hostName: string): Promise<{ host: number; shadowRoot?: { backendNodeId: number; mode: string } } | null> {
  const { result } = await cdp.send('Runtime.evaluate', { expression: `document.querySelector(${JSON.stringify(hostName)})`, contextId: world, objectGroup });
  if (!result.objectId) return null;
  // Depth 1 with pierce: the host and its shadow root, not the root's contents.
  const { node } = await cdp.send('DOM.describeNode', { objectId: result.objectId, depth: 1, pierce: true });
  const [shadowRoot] = node.shadowRoots ?? [];
  return { host: node.backendNodeId, shadowRoot: shadowRoot && { backendNodeId: shadowRoot.backendNodeId, mode: shadowRoot.shadowRootType ?? 'unknown' } };
}

async function resolve(cdp: CDPSession, world: number, objectGroup: string, backendNodeId: number): Promise<string> {
  const { object } = await cdp.send('DOM.resolveNode', { backendNodeId, executionContextId: world, objectGroup });
  if (!object.objectId) throw new Error(`node ${backendNodeId} could not be resolved`);
  return object.objectId;
}

/** How many `hostName` elements the page has (hosts are in the page's own DOM: no root needed). */
export function countHosts(page: Page, hostName: string): Promise<number> {
  return withWorld(page, async (cdp, world) => {
    const { result } = await cdp.send('Runtime.evaluate', { expression: `document.querySelectorAll(${JSON.stringify(hostName)}).length`, contextId: world, returnByValue: true });
    return result.value as number;
  });
}

/** The backend node id of the first `hostName` element, or null. */
export function hostNode(page: Page, hostName: string): Promise<number | null> {
  return withWorld(page, async (cdp, world, group) => (await findHost(cdp, world, group, hostName))?.host ?? null);
}

/** Whether the first `hostName` element's shadow root is 'open' or 'closed', as DevTools reports it; null without one. */
export function shadowRootMode(page: Page, hostName: string): Promise<string | null> {
  return withWorld(page, async (cdp, world, group) => (await findHost(cdp, world, group, hostName))?.shadowRoot?.mode ?? null);
}

/** Thrown when the page has no such host, or the host no shadow root (the card not drawn, say). */
export class NoShadowRoot extends Error {
  constructor(hostName: string) {
    super(`there is no ${hostName} with a shadow root on the page`);
  }
}

/** `read`'s result, or `fallback` when the page has no such shadow root. */
export async function unlessNoShadowRoot<T>(read: Promise<T>, fallback: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof NoShadowRoot) return fallback;
    throw error;
  }
}

/**
 * Runs `fn(root, ...args)` on the shadow root of the first `hostName` element, in one step in the
 * test's isolated world, and returns its (JSON-serialisable) result. Throws NoShadowRoot when
 * there is no such element or it has no shadow root.
 */
export function inShadowRoot<Args extends unknown[], Result>(page: Page, hostName: string, fn: InPageFunction<ShadowRoot, Args, Result>, ...args: Args): Promise<Result> {
  return withWorld<Result>(page, async (cdp, world, group) => {
    const found = await findHost(cdp, world, group, hostName);
    if (!found?.shadowRoot) throw new NoShadowRoot(hostName);
    return callOn<Result>(cdp, await resolve(cdp, world, group, found.shadowRoot.backendNodeId), fn, args, `${hostName}'s shadow root`);
  });
}

/** Runs `fn(element, ...args)` on one node (found by backend id), in the test's isolated world. */
export function onNode<Args extends unknown[], Result>(page: Page, backendNodeId: number, fn: InPageFunction<Element, Args, Result>, ...args: Args): Promise<Result> {
  return withWorld<Result>(page, async (cdp, world, group) => callOn<Result>(cdp, await resolve(cdp, world, group, backendNodeId), fn, args, `node ${backendNodeId}`));
}

/**
 * The accessibility tree's nodes of `role` under the node `within` (a shadow host's subtree
 * includes its shadow root), in document order, whose accessible name matches `name` (exactly for
 * a string). Nodes hidden from assistive technology are left out, as a screen reader leaves them.
 */
export async function queryByRole(page: Page, within: number, role: string, name?: string | RegExp): Promise<AccessibleNode[]> {
  const cdp = await cdpFor(page);
  const { nodes } = await cdp.send('Accessibility.queryAXTree', { backendNodeId: within, role });
  return nodes
    .filter((node) => !node.ignored && node.backendDOMNodeId !== undefined)
    .map((node) => ({ backendNodeId: node.backendDOMNodeId!, role: String(node.role?.value ?? ''), name: String(node.name?.value ?? '') }))
    .filter((node) => name === undefined || (typeof name === 'string' ? node.name === name : name.test(node.name)));
}

/** The node's border box in the viewport (CSS pixels), or null when it has none. */
export function boxOf(page: Page, backendNodeId: number): Promise<Box | null> {
  return onNode(page, backendNodeId, (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 ? { x: box.x, y: box.y, width: box.width, height: box.height } : null;
  });
}

/**
 * Where a person would click the node: scrolled into view (inside the card's own scrolling
 * too), still for a frame (the card is placed a frame after it is drawn), and the node itself, not
 * something over it, at the centre of its box.
 */
export async function clickablePoint(page: Page, backendNodeId: number, what: string, timeoutMs = 10_000): Promise<Point> {
  const cdp = await cdpFor(page);
  let last = 'no box';
  return waitFor(
    async () => {
      await cdp.send('DOM.scrollIntoViewIfNeeded', { backendNodeId });
      const before = await boxOf(page, backendNodeId);
      await onNode(page, backendNodeId, () => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
      const box = await boxOf(page, backendNodeId);
      if (!box || JSON.stringify(box) !== JSON.stringify(before)) {
        last = box ? 'moving' : 'no box';
        return null;
      }
      const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
      const hit = await cdp.send('DOM.getNodeForLocation', { x: Math.round(point.x), y: Math.round(point.y), includeUserAgentShadowDOM: false, ignorePointerEventsNone: true });
      const covered = !(await contains(page, backendNodeId, hit.backendNodeId));
      last = covered ? `covered by node ${hit.backendNodeId}` : 'clickable';
      return covered ? null : point;
    },
    { timeoutMs, message: () => `${what} to be clickable (last: ${last})` },
  );
}

/** Whether the node `inner` is `outer` or inside it (both in one shadow tree or document). */
function contains(page: Page, outer: number, inner: number): Promise<boolean> {
  return withWorld(page, async (cdp, world, group) => {
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: await resolve(cdp, world, group, outer),
      functionDeclaration: 'function (other) { return this.contains(other); }',
      arguments: [{ objectId: await resolve(cdp, world, group, inner) }],
      returnByValue: true,
    });
    return result.value === true;
  });
}

/** A trusted click (as a person's) at a point of the viewport: the pointer moved there, pressed and released. */
export async function trustedClickAt(page: Page, point: Point): Promise<void> {
  const cdp = await cdpFor(page);
  await cdp.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: point.x, y: point.y, button: 'none' });
  await cdp.send('Input.dispatchMouseEvent', { type: 'mousePressed', x: point.x, y: point.y, button: 'left', buttons: 1, clickCount: 1 });
  await cdp.send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: point.x, y: point.y, button: 'left', buttons: 0, clickCount: 1 });
}

/** A trusted click on the node, where a person would click it (see clickablePoint). */
export async function trustedClick(page: Page, backendNodeId: number, what: string): Promise<void> {
  await trustedClickAt(page, await clickablePoint(page, backendNodeId, what));
}
