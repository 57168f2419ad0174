import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { LinkVerdict } from '@/lib/background/handlers';
import { candidateLinks, MAX_LINKS_PER_BATCH } from '@/lib/page/links';
import { createLinkBadgeLayer } from './link-badges';
import type { PageCard } from './page-card';

// Watches a page's links: badges the ones that lead to known tools, and opens the trust card when
// such a link is hovered or focused. Scanning only looks at what was added since the last scan,
// and waits until the browser is idle: the page's own rendering of what it added comes first, and
// the lookups (which keep the worker busy) start after it. Nothing here reads the page's layout
// (see link-badges.ts).

const HIDE_DELAY_MS = 600;
/** The longest a scan waits for the browser to be idle. */
const SCAN_WAIT_MS = 200;

export function watchLinks(ctx: ContentScriptContext, card: PageCard): void {
  const layer = createLinkBadgeLayer();
  const verdicts = new Map<string, LinkVerdict | null>();
  let pendingRoots: ParentNode[] = [document];
  let scanning = false;
  let hideTimer: number | undefined;

  const scan = async () => {
    scanning = false;
    const roots = pendingRoots;
    pendingRoots = [];
    const found = candidateLinks(roots, location.hostname);
    const unknown = [...found.keys()].filter((url) => !verdicts.has(url));
    const batches: string[][] = [];
    for (let start = 0; start < unknown.length; start += MAX_LINKS_PER_BATCH) batches.push(unknown.slice(start, start + MAX_LINKS_PER_BATCH));
    // Batches go together: the worker answers each from the same index, so none waits on another.
    await Promise.all(
      batches.map(async (urls) => {
        const answers = ((await browser.runtime.sendMessage({ type: 'lookup-links', urls })) as LinkVerdict[] | undefined) ?? [];
        for (const url of urls) verdicts.set(url, null);
        for (const answer of answers) verdicts.set(answer.url, answer);
      }),
    );
    for (const [url, anchors] of found) {
      const verdict = verdicts.get(url);
      if (verdict) layer.add(anchors, verdict);
    }
  };
  const scheduleScan = (root: ParentNode) => {
    pendingRoots.push(root);
    if (scanning) return;
    scanning = true;
    requestIdleCallback(() => void scan(), { timeout: SCAN_WAIT_MS });
  };

  const observer = new MutationObserver((records) => {
    let removed = false;
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === Node.ELEMENT_NODE) scheduleScan(node as Element);
      if (record.removedNodes.length > 0) removed = true;
    }
    // Badges are measured again only when there are badges: otherwise the page is left alone.
    // Neither call reads the page's layout: both take effect at the next frame.
    if (removed) layer.schedulePrune();
    layer.scheduleLayout();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  // Images, fonts and style changes move links without adding or removing any.
  const resizes = new ResizeObserver(() => layer.scheduleLayout());
  resizes.observe(document.documentElement);
  void scan();

  const badgedLink = (target: EventTarget | null) => {
    const anchor = target instanceof Element ? target.closest('a') : null;
    const verdict = anchor ? layer.verdictFor(anchor) : undefined;
    return verdict ? { anchor: anchor!, verdict } : null;
  };
  // Only a person's own hover or focus opens or closes a card: a page's made-up events
  // (isTrusted false) must not open the card of every tool it plants a link to.
  const open = (event: Event) => {
    if (!event.isTrusted) return;
    const link = badgedLink(event.target);
    if (!link) return;
    clearTimeout(hideTimer);
    void card.showFor(link.verdict.url, { forLink: true });
  };
  const close = (event: Event) => {
    if (!event.isTrusted || !badgedLink(event.target)) return;
    clearTimeout(hideTimer);
    hideTimer = window.setTimeout(() => {
      if (!card.isInUse()) card.hide();
    }, HIDE_DELAY_MS);
  };
  ctx.addEventListener(document, 'mouseover', open);
  ctx.addEventListener(document, 'focusin', open);
  ctx.addEventListener(document, 'mouseout', close);
  ctx.addEventListener(document, 'focusout', close);
  ctx.addEventListener(window, 'resize', () => layer.scheduleLayout(), { passive: true });
  // The badges scroll with the document; links in inner scrolling containers (webmail panes), and
  // fixed or sticky links, move without it.
  ctx.addEventListener(document, 'scroll', () => layer.scheduleLayout(), { capture: true, passive: true });
  ctx.onInvalidated(() => {
    observer.disconnect();
    resizes.disconnect();
    layer.destroy();
  });
}
