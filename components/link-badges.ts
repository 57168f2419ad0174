import type { LinkVerdict } from '@/lib/background/handlers';
import { VERDICT_LABELS } from '@/lib/registry/verdict';
import { VERDICT_LOOK } from '@/lib/registry/verdict-look';

// Badges beside links to known tools. Design notes:
// - They live in one absolutely positioned layer in a shadow root, never inside the page's own
//   markup, so they cannot shift the page's layout or be styled by it.
// - Reads (getBoundingClientRect) and writes (transforms) happen together once per animation
//   frame, however many scroll, resize or mutation events arrive (as uBlock Origin batches).
// - The layer is hidden from assistive technology: the words are on the trust card, which opens
//   when the link itself is hovered or focused, so keyboard and screen-reader users meet the same
//   information at the link, in the page's own tab order.

const BADGE_CSS = `
:host { all: initial; }
.badge {
  position: absolute; top: 0; left: 0;
  display: inline-flex; align-items: center; gap: 2px;
  padding: 0 4px; height: 16px; border-radius: 8px;
  font: 700 10px/16px Arial, sans-serif; color: #fff; white-space: nowrap;
  pointer-events: none; box-shadow: 0 0 0 1px #fff;
}
`;

export interface LinkBadgeLayer {
  add(anchors: readonly HTMLAnchorElement[], verdict: LinkVerdict): void;
  verdictFor(anchor: HTMLAnchorElement): LinkVerdict | undefined;
  size(): number;
  scheduleLayout(): void;
  destroy(): void;
}

export function createLinkBadgeLayer(): LinkBadgeLayer {
  const host = document.createElement('signpost-link-badges');
  for (const [property, value] of Object.entries({ all: 'initial', position: 'absolute', top: '0', left: '0', width: '0', height: '0', 'z-index': '2147483646', display: 'block' })) {
    host.style.setProperty(property, value, 'important');
  }
  host.setAttribute('aria-hidden', 'true');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = BADGE_CSS;
  shadow.append(style);
  const badges = new Map<HTMLAnchorElement, { element: HTMLElement; verdict: LinkVerdict }>();
  let frame = 0;

  const layout = () => {
    frame = 0;
    // Nothing is added to a page until there is a badge to show.
    if (badges.size === 0) return;
    if (!host.isConnected) document.documentElement.append(host);
    const hostBox = host.getBoundingClientRect();
    const positions: [HTMLElement, number, number, boolean][] = [];
    for (const [anchor, { element }] of badges) {
      if (!anchor.isConnected) {
        element.remove();
        badges.delete(anchor);
        continue;
      }
      const box = anchor.getBoundingClientRect();
      const visible = box.width > 0 && box.height > 0;
      positions.push([element, box.right - hostBox.left + 2, box.top - hostBox.top + (box.height - 16) / 2, visible]);
    }
    for (const [element, x, y, visible] of positions) {
      element.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
      element.style.display = visible ? '' : 'none';
    }
  };

  return {
    add(anchors, verdict) {
      const look = VERDICT_LOOK[verdict.state];
      for (const anchor of anchors) {
        if (badges.has(anchor)) continue;
        const element = document.createElement('span');
        element.className = 'badge';
        element.style.background = look.color;
        element.textContent = `${look.symbol} ${look.short}`;
        element.title = `Signpost: ${verdict.name}: ${VERDICT_LABELS[verdict.state]}`;
        shadow.append(element);
        badges.set(anchor, { element, verdict });
      }
      this.scheduleLayout();
    },
    verdictFor: (anchor) => badges.get(anchor)?.verdict,
    size: () => badges.size,
    scheduleLayout() {
      if (!frame) frame = requestAnimationFrame(layout);
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      badges.clear();
      host.remove();
    },
  };
}
