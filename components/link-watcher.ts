import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { LinkVerdict } from '@/lib/background/handlers';
import { candidateLinks, MAX_LINKS_PER_BATCH } from '@/lib/page/links';
import { createLinkBadgeLayer } from './link-badges';
import type { PageCard } from './page-card';

// Watches a page's links: badges the ones that lead to known tools, and opens the trust card when
// such a link is hovered or focused. Scanning is batched once per animation frame and only looks
// at what was added since the last frame.

const HIDE_DELAY_MS = 600;

export function watchLinks(ctx: ContentScriptContext, card: PageCard): void {
  const layer = createLinkBadgeLayer();
  const verdicts = new Map<string, LinkVerdict | null>();
  let pendingRoots: ParentNode[] = [document];
  let frame = 0;
  let hideTimer: number | undefined;

  const scan = async () => {
    frame = 0;
    const roots = pendingRoots;
    pendingRoots = [];
    const found = new Map<string, HTMLAnchorElement[]>();
    for (const root of roots) {
      for (const [url, anchors] of candidateLinks(root, location.hostname)) found.set(url, [...(found.get(url) ?? []), ...anchors]);
    }
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
    if (!frame) frame = requestAnimationFrame(() => void scan());
  };

  const observer = new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (node instanceof Element) scheduleScan(node);
    // Positions are read only when there are badges to move: otherwise the page's layout is left alone.
    if (layer.size() > 0) layer.scheduleLayout();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  void scan();

  const badgedLink = (target: EventTarget | null) => {
    const anchor = target instanceof Element ? target.closest('a') : null;
    const verdict = anchor ? layer.verdictFor(anchor) : undefined;
    return verdict ? { anchor: anchor!, verdict } : null;
  };
  const open = (event: Event) => {
    const link = badgedLink(event.target);
    if (!link) return;
    clearTimeout(hideTimer);
    void card.showFor(link.verdict.url);
  };
  const close = (event: Event) => {
    if (!badgedLink(event.target)) return;
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
  // Inner scrolling containers (webmail panes) move links without moving the document.
  ctx.addEventListener(document, 'scroll', () => layer.scheduleLayout(), { capture: true, passive: true });
  ctx.onInvalidated(() => {
    observer.disconnect();
    layer.destroy();
  });
}
