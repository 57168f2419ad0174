import type { LinkVerdict } from '@/lib/background/handlers';
import { verdictLook } from '@/lib/registry/verdict-look';

// Badges beside links to known tools. Design notes:
// - They live in one absolutely positioned layer in a shadow root, never inside the page's own
//   markup, so they cannot shift the page's layout or be styled by it. The layer sits at the
//   document's origin, so a badge's position is in document coordinates: scrolling the document
//   does not move a badge relative to its link.
// - Positions come from an IntersectionObserver, never from getBoundingClientRect: its entries
//   carry each link's box as of a frame the browser draws anyway, so badging never makes the
//   browser lay the page out ahead of time (on a long page, that forced layout cost more than
//   everything else here together). To measure a link, the layer observes it, and the layer's own
//   host, afresh: both entries come from the same frame, and their difference is the position.
// - Only links near the viewport (the observer's margin) get a badge element; the others get one
//   as they come near, measured then. A page with a thousand badged links costs the browser a
//   few dozen small boxes, and the script a few dozen elements.
// - Writes happen in the observer's callback, together; requests to measure again (scroll,
//   resize, mutations) are batched once per animation frame.
// - The shadow root is closed: a page that planted links to every tool it can think of must not
//   read back which ones Signpost knows, and what it says of them, from the badges' text.
// - The layer is hidden from assistive technology: the words are on the trust card, which opens
//   when the link itself is hovered or focused, so keyboard and screen-reader users meet the same
//   information at the link, in the page's own tab order.

/** The badge's height in BADGE_CSS. */
const BADGE_HEIGHT = 16;
/** How far beyond the viewport badges are drawn, so that scrolling finds them in place. */
const NEAR_MARGIN = '50%';

// One line: the content script carries it as it stands.
const BADGE_CSS =
  ':host{all:initial}.badge{position:absolute;top:0;left:0;display:inline-flex;align-items:center;gap:2px;padding:0 4px;height:16px;border-radius:8px;' +
  'font:700 10px/16px Arial,sans-serif;color:#fff;white-space:nowrap;pointer-events:none;box-shadow:0 0 0 1px #fff}';

export interface LinkBadgeLayer {
  add(anchors: readonly HTMLAnchorElement[], verdict: LinkVerdict): void;
  verdictFor(anchor: Element): LinkVerdict | undefined;
  /** How many links have a badge (drawn or not). */
  size(): number;
  /** Links may have moved: measure the drawn badges again, next frame. */
  scheduleLayout(): void;
  /** Links may have been removed: their badges go, next frame. */
  schedulePrune(): void;
  destroy(): void;
}

interface Badge {
  verdict: LinkVerdict;
  /** Made the first time the link is measured near the viewport. */
  element: HTMLElement | null;
  /** Within NEAR_MARGIN of the viewport, as of the observer's last word. */
  near: boolean;
  shown: boolean;
  transform: string;
}

export function createLinkBadgeLayer(): LinkBadgeLayer {
  const host = document.createElement('signpost-link-badges');
  for (const [property, value] of Object.entries({ all: 'initial', position: 'absolute', top: '0', left: '0', width: '0', height: '0', 'z-index': '2147483646', display: 'block' })) {
    host.style.setProperty(property, value, 'important');
  }
  host.setAttribute('aria-hidden', 'true');
  const shadow = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = BADGE_CSS;
  shadow.append(style);

  const badges = new Map<Element, Badge>();
  /** Links to measure next frame; `everyDrawn` adds every link near the viewport. */
  let toMeasure = new Set<Element>();
  let everyDrawn = false;
  let prune = false;
  let frame = 0;

  const badgeFor = (verdict: LinkVerdict) => {
    const look = verdictLook(verdict.state, verdict.stale);
    const element = document.createElement('span');
    element.className = 'badge';
    element.style.background = look.color;
    element.title = `Signpost: ${verdict.name}: ${look.label}${verdict.said ? `. ${verdict.said}` : ''}`;
    element.textContent = `${look.symbol} ${look.short}`;
    return element;
  };
  const hide = (badge: Badge) => {
    if (!badge.shown) return;
    badge.shown = false;
    badge.element!.style.display = 'none';
  };

  const onEntries = (entries: IntersectionObserverEntry[]) => {
    // A link's box is comparable with the host's only when both come from the same frame.
    const hostBoxes = new Map<number, DOMRectReadOnly>();
    for (const entry of entries) if (entry.target === host) hostBoxes.set(entry.time, entry.boundingClientRect);
    if (hostBoxes.size > 0) observer.unobserve(host);
    let made: DocumentFragment | null = null;
    for (const entry of entries) {
      const badge = badges.get(entry.target);
      if (!badge) continue;
      badge.near = entry.isIntersecting;
      if (!badge.near) {
        if (badge.element) hide(badge);
        continue;
      }
      const hostBox = hostBoxes.get(entry.time);
      if (!hostBox) {
        // The link came near (scrolling, usually): measure it, with the host, next frame.
        requestMeasure(entry.target);
        continue;
      }
      const box = entry.boundingClientRect;
      if (box.width === 0 || box.height === 0) {
        if (badge.element) hide(badge);
        continue;
      }
      const transform = `translate(${Math.round(box.right - hostBox.left + 2)}px, ${Math.round(box.top - hostBox.top + (box.height - BADGE_HEIGHT) / 2)}px)`;
      if (!badge.element) {
        badge.element = badgeFor(badge.verdict);
        badge.shown = true;
        (made ??= document.createDocumentFragment()).append(badge.element);
      } else if (!badge.shown) {
        badge.shown = true;
        badge.element.style.display = '';
      }
      if (transform !== badge.transform) {
        badge.transform = transform;
        badge.element.style.transform = transform;
      }
    }
    if (made) shadow.append(made);
  };
  const observer = new IntersectionObserver(onEntries, { rootMargin: NEAR_MARGIN });

  const flush = () => {
    frame = 0;
    if (prune) {
      prune = false;
      for (const [anchor, badge] of badges) {
        if (anchor.isConnected) continue;
        badge.element?.remove();
        observer.unobserve(anchor);
        toMeasure.delete(anchor);
        badges.delete(anchor);
      }
    }
    // Nothing is added to a page until there is a link to badge; and a page may remove the layer.
    if (badges.size > 0 && !host.isConnected) document.documentElement.append(host);
    if (everyDrawn) {
      everyDrawn = false;
      for (const [anchor, badge] of badges) if (badge.near) toMeasure.add(anchor);
    }
    if (toMeasure.size === 0) return;
    // Observing afresh makes the observer report on the next frame, whether or not anything crossed the margin.
    observer.unobserve(host);
    observer.observe(host);
    for (const anchor of toMeasure) {
      observer.unobserve(anchor);
      observer.observe(anchor);
    }
    toMeasure = new Set();
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(flush);
  };
  const requestMeasure = (anchor: Element) => {
    toMeasure.add(anchor);
    schedule();
  };

  return {
    add(anchors, verdict) {
      for (const anchor of anchors) {
        if (badges.has(anchor)) continue;
        badges.set(anchor, { verdict, element: null, near: false, shown: false, transform: '' });
        toMeasure.add(anchor);
      }
      if (toMeasure.size > 0) schedule();
    },
    verdictFor: (anchor) => badges.get(anchor)?.verdict,
    size: () => badges.size,
    scheduleLayout() {
      if (badges.size === 0) return;
      everyDrawn = true;
      schedule();
    },
    schedulePrune() {
      if (badges.size === 0) return;
      prune = true;
      schedule();
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      observer.disconnect();
      badges.clear();
      host.remove();
    },
  };
}
