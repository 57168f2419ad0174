// Signpost's link badges, read as DevTools reads them. The badge layer is hidden from assistive
// technology (its words are on the card a link opens) and lives in a shadow root that page scripts
// cannot read once it is closed, so the tests read it through closed-root.ts, in their own
// isolated world, never from the page's.
import type { Page } from 'playwright-core';
import { inShadowRoot, unlessNoShadowRoot } from './closed-root';

export const BADGE_LAYER_HOST = 'signpost-link-badges';

export interface BadgeView {
  /** The badge's tooltip: "Signpost: NHS App: In your registry, no endorsement". */
  title: string;
  /** What it shows: "✓ REC". */
  text: string;
  /** Drawn now: a badge whose link went out of sight is kept, hidden. */
  shown: boolean;
  /** Its box in the viewport. */
  box: { left: number; top: number; width: number; height: number };
}

/** Every badge in the layer, read in one step; none while there is no layer. */
export function readBadges(page: Page): Promise<BadgeView[]> {
  const read = inShadowRoot(page, BADGE_LAYER_HOST, (layer) =>
    [...layer.querySelectorAll<HTMLElement>('.badge')].map((badge) => {
      const { left, top, width, height } = badge.getBoundingClientRect();
      return { title: badge.title, text: badge.textContent ?? '', shown: badge.style.display !== 'none', box: { left, top, width, height } };
    }),
  );
  return unlessNoShadowRoot(read, []);
}

export const badgeCount = async (page: Page): Promise<number> => (await readBadges(page)).length;

/**
 * Whether a drawn badge sits beside the first element matching `linkSelector`: 2 px after its
 * right edge, centred on it. The link and the badges are measured in the same step, so a layout
 * change between two reads cannot fake or hide it.
 */
export function hasBadgeBeside(page: Page, linkSelector: string): Promise<boolean> {
  const beside = inShadowRoot(
    page,
    BADGE_LAYER_HOST,
    (layer, selector) => {
      const link = document.querySelector(selector)?.getBoundingClientRect();
      if (!link) return false;
      const drawn = [...layer.querySelectorAll<HTMLElement>('.badge')].filter((badge) => badge.style.display !== 'none');
      return drawn.some((badge) => {
        const box = badge.getBoundingClientRect();
        return Math.abs(box.left - (link.right + 2)) <= 1 && Math.abs(box.top + box.height / 2 - (link.top + link.height / 2)) <= 2;
      });
    },
    linkSelector,
  );
  return unlessNoShadowRoot(beside, false);
}
