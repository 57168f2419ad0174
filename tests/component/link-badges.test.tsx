// The badge layer's bookkeeping, with the browser's frames and IntersectionObserver played by
// hand (happy-dom lays nothing out). Positions and drawing in a real browser are covered by
// tests/e2e/sites.e2e.ts and the link-badge benchmark.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLinkBadgeLayer, type LinkBadgeLayer } from '@/components/link-badges';
import type { LinkVerdict } from '@/lib/background/handlers';
import { VERDICT_LOOK } from '@/lib/registry/verdict-look';
import { captureShadowRoots, type ShadowRoots } from '../helpers/shadow-roots';

class FakeIntersectionObserver {
  static last: FakeIntersectionObserver;
  readonly observed = new Set<Element>();
  /** Every observe() call, in order: observing afresh is how the layer asks for a measurement. */
  readonly observeCalls: Element[] = [];
  constructor(
    readonly callback: (entries: IntersectionObserverEntry[]) => void,
    readonly options: IntersectionObserverInit,
  ) {
    FakeIntersectionObserver.last = this;
  }
  observe(target: Element) {
    this.observed.add(target);
    this.observeCalls.push(target);
  }
  unobserve(target: Element) {
    this.observed.delete(target);
  }
  disconnect() {
    this.observed.clear();
  }
}

let frames: FrameRequestCallback[] = [];
const runFrame = () => {
  const pending = frames;
  frames = [];
  for (const callback of pending) callback(0);
};

function entry(target: Element, time: number, box: { left?: number; top: number; right: number; height?: number }, isIntersecting = true): IntersectionObserverEntry {
  const height = box.height ?? 20;
  const left = box.left ?? box.right - 80;
  const boundingClientRect = { left, top: box.top, right: box.right, bottom: box.top + height, width: box.right - left, height, x: left, y: box.top } as DOMRectReadOnly;
  return { target, time, isIntersecting, boundingClientRect } as IntersectionObserverEntry;
}

const verdict: LinkVerdict = { url: 'https://www.sleepio.com/', name: 'Sleepio', state: 'recommended', stale: false };
let layer: LinkBadgeLayer;
let anchors: HTMLAnchorElement[];
let shadowRoots: ShadowRoots;
const host = () => document.querySelector('signpost-link-badges') as HTMLElement;
const badgeElements = () => [...shadowRoots.of('signpost-link-badges')!.querySelectorAll<HTMLElement>('.badge')];
const observer = () => FakeIntersectionObserver.last;

beforeEach(() => {
  vi.stubGlobal('IntersectionObserver', FakeIntersectionObserver);
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback));
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
  document.body.innerHTML = '<a href="https://www.sleepio.com/">one</a><a href="https://www.sleepio.com/">two</a><a href="https://www.sleepio.com/">three</a>';
  anchors = [...document.querySelectorAll('a')];
  shadowRoots = captureShadowRoots();
  layer = createLinkBadgeLayer();
});

afterEach(() => {
  layer.destroy();
  frames = [];
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  document.body.innerHTML = '';
});

describe('link badge layer', () => {
  it('adds nothing to the page until a link has a badge, then one hidden layer', () => {
    runFrame();
    expect(host()).toBeNull();
    layer.add(anchors, verdict);
    runFrame();
    expect(host().parentElement).toBe(document.documentElement);
    expect(host().getAttribute('aria-hidden')).toBe('true');
    expect(observer().options.rootMargin).toBeTruthy();
    expect(observer().observed).toEqual(new Set([host(), ...anchors]));
  });

  it('keeps its badges in a closed shadow root: a page that planted links cannot read back which tools Signpost knows', () => {
    layer.add(anchors, verdict);
    runFrame();
    observer().callback([entry(host(), 1, { left: 0, right: 0, top: 0, height: 0 }), entry(anchors[0]!, 1, { right: 200, top: 50, height: 20 })]);
    expect(badgeElements()).toHaveLength(1);
    expect(shadowRoots.modes()).toEqual(['closed']);
    expect(host().shadowRoot).toBeNull();
    expect(document.documentElement.textContent).not.toContain('REC');
  });

  it('draws badges only for links near the viewport, beside each link, from boxes of the same frame', () => {
    layer.add(anchors, verdict);
    runFrame();
    observer().callback([
      entry(host(), 1, { left: 0, right: 0, top: -100, height: 0 }),
      entry(anchors[0]!, 1, { right: 200, top: 50, height: 20 }),
      entry(anchors[1]!, 1, { right: 300, top: 5000 }, false),
      entry(anchors[2]!, 1, { right: 300, top: 90, left: 300, height: 0 }),
    ]);
    const [badge, ...others] = badgeElements();
    expect(others).toEqual([]);
    expect(badge!.style.transform).toBe('translate(202px, 152px)');
    expect(badge!.title).toBe('Signpost: Sleepio: Recommended');
    expect(badge!.textContent).toBe('✓ REC');
    expect(badge!.style.background).toBe(VERDICT_LOOK.recommended.color);
    expect(layer.size()).toBe(3);
    expect(layer.verdictFor(anchors[1]!)).toBe(verdict);
    // The host has been measured; it is observed again only with the next measurement.
    expect(observer().observed.has(host())).toBe(false);
  });

  it('marks a link whose positive verdict may be out of date as OLD, never REC', () => {
    layer.add([anchors[0]!], { ...verdict, stale: true, said: 'NICE: recommended for insomnia (MTG70)' });
    runFrame();
    observer().callback([entry(host(), 1, { left: 0, right: 0, top: 0, height: 0 }), entry(anchors[0]!, 1, { right: 200, top: 50, height: 20 })]);
    const [badge] = badgeElements();
    expect(badge!.textContent).toBe('⌛ OLD');
    expect(badge!.title).toBe('Signpost: Sleepio: Recommended, but may be out of date. NICE: recommended for insomnia (MTG70)');
  });

  it('measures a link that comes near again, with the host, before drawing its badge', () => {
    layer.add(anchors.slice(0, 2), verdict);
    runFrame();
    observer().callback([entry(host(), 1, { left: 0, right: 0, top: 0, height: 0 }), entry(anchors[0]!, 1, { right: 100, top: 10 }), entry(anchors[1]!, 1, { right: 100, top: 3000 }, false)]);
    expect(badgeElements()).toHaveLength(1);
    // Scrolled: the second link crossed the margin. Its box is from a frame the host was not measured in.
    observer().callback([entry(anchors[1]!, 2, { right: 100, top: 700 })]);
    expect(badgeElements()).toHaveLength(1);
    observer().observeCalls.length = 0;
    runFrame();
    expect(observer().observeCalls).toEqual([host(), anchors[1]]);
    observer().callback([entry(host(), 3, { left: 0, right: 0, top: -2300, height: 0 }), entry(anchors[1]!, 3, { right: 100, top: 700 })]);
    expect(badgeElements().map((badge) => badge.style.transform)).toEqual(['translate(102px, 12px)', 'translate(102px, 3002px)']);
    // Scrolled away again: hidden, kept for when it comes back.
    observer().callback([entry(anchors[1]!, 4, { right: 100, top: -2000 }, false)]);
    expect(badgeElements()[1]!.style.display).toBe('none');
    observer().callback([entry(anchors[1]!, 5, { right: 100, top: 600 })]);
    runFrame();
    observer().callback([entry(host(), 6, { left: 0, right: 0, top: -2400, height: 0 }), entry(anchors[1]!, 6, { right: 100, top: 600 })]);
    expect(badgeElements()[1]!.style.display).toBe('');
    expect(badgeElements()).toHaveLength(2);
  });

  it('measures again only the badges near the viewport', () => {
    layer.add(anchors, verdict);
    runFrame();
    observer().callback([
      entry(host(), 1, { left: 0, right: 0, top: 0, height: 0 }),
      entry(anchors[0]!, 1, { right: 100, top: 10 }),
      entry(anchors[1]!, 1, { right: 100, top: 40 }),
      entry(anchors[2]!, 1, { right: 100, top: 9000 }, false),
    ]);
    observer().observeCalls.length = 0;
    layer.scheduleLayout();
    layer.scheduleLayout();
    runFrame();
    expect(observer().observeCalls).toEqual([host(), anchors[0], anchors[1]]);
    // Nothing moved: nothing is written.
    const before = badgeElements().map((badge) => badge.getAttribute('style'));
    observer().callback([entry(host(), 2, { left: 0, right: 0, top: 0, height: 0 }), entry(anchors[0]!, 2, { right: 100, top: 10 }), entry(anchors[1]!, 2, { right: 100, top: 40 })]);
    expect(badgeElements().map((badge) => badge.getAttribute('style'))).toEqual(before);
  });

  it('drops the badges of removed links', () => {
    layer.add(anchors, verdict);
    runFrame();
    observer().callback([entry(host(), 1, { left: 0, right: 0, top: 0, height: 0 }), ...anchors.map((anchor, index) => entry(anchor, 1, { right: 100, top: 30 * index }))]);
    expect(badgeElements()).toHaveLength(3);
    anchors[0]!.remove();
    layer.schedulePrune();
    runFrame();
    expect(badgeElements()).toHaveLength(2);
    expect(layer.size()).toBe(2);
    expect(layer.verdictFor(anchors[0]!)).toBeUndefined();
    expect(observer().observed.has(anchors[0]!)).toBe(false);
  });

  it('goes away entirely when destroyed', () => {
    layer.add(anchors, verdict);
    runFrame();
    layer.destroy();
    expect(host()).toBeNull();
    expect(observer().observed.size).toBe(0);
    expect(layer.size()).toBe(0);
  });
});
