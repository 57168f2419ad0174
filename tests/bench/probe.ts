// The in-page stopwatch for "page to card": injected with page.addInitScript, so it runs in the
// page's main world before any of the page's scripts. It reads the DOM the content script writes
// into (shared across worlds) and never touches the extension.
import type { Page } from 'playwright-core';

export interface ProbeReading {
  /** performance.now() at DOMContentLoaded. */
  dcl: number;
  /**
   * The first animation frame after DOMContentLoaded: the earliest any element could be painted
   * after it, whoever inserts it. The page's own first layout and paint decide it.
   */
  firstFrame: number;
  /** When the element was attached to <html> (MutationObserver). */
  inserted: number;
  /** The first animation frame in which the element had a non-zero size: the frame that paints it. */
  visible: number;
  /** The page's performance.timeOrigin (epoch ms), to line page times up with the worker's. */
  timeOrigin: number;
}

export interface ProbeOptions {
  /** The element to wait for, attached directly to <html>. */
  tag: string;
  /**
   * The remote-lookup baseline: at DOMContentLoaded, fetch `${lookupEndpoint}?url=<page URL>`
   * and attach a comparable element, as per-URL lookup extensions do.
   */
  lookupEndpoint?: string;
}

interface ProbeWindow {
  __signpostBench: { done: Promise<ProbeReading> };
}

/** Self-contained: it runs in the page, from its source text (see pageSource). */
function installProbe({ tag, lookupEndpoint }: ProbeOptions): void {
  const reading: ProbeReading = { dcl: NaN, firstFrame: NaN, inserted: NaN, visible: NaN, timeOrigin: performance.timeOrigin };
  let finish: (value: ProbeReading) => void = () => undefined;
  (window as unknown as ProbeWindow).__signpostBench = { done: new Promise((resolve) => (finish = resolve)) };
  document.addEventListener(
    'DOMContentLoaded',
    () => {
      reading.dcl = performance.now();
      requestAnimationFrame(() => (reading.firstFrame = performance.now()));
    },
    { once: true },
  );

  const watchFrames = () => {
    const host = document.documentElement.querySelector(`:scope > ${tag}`);
    const box = host?.getBoundingClientRect();
    if (box && box.width > 0 && box.height > 0) {
      reading.visible = performance.now();
      finish(reading);
    } else requestAnimationFrame(watchFrames);
  };
  // Only <html>'s own children are observed: a subtree observer would queue a record for every
  // node the parser inserts, and slow the very page being measured.
  const onHtmlChildren = new MutationObserver((records) => {
    if (!records.some((record) => [...record.addedNodes].some((node) => node.nodeName.toLowerCase() === tag))) return;
    reading.inserted = performance.now();
    onHtmlChildren.disconnect();
    requestAnimationFrame(watchFrames);
  });
  const watchHtml = () => onHtmlChildren.observe(document.documentElement, { childList: true });
  if (document.documentElement) watchHtml();
  else {
    const onDocument = new MutationObserver(() => {
      if (!document.documentElement) return;
      onDocument.disconnect();
      watchHtml();
    });
    onDocument.observe(document, { childList: true });
  }

  if (!lookupEndpoint) return;
  document.addEventListener(
    'DOMContentLoaded',
    async () => {
      const response = await fetch(`${lookupEndpoint}?url=${encodeURIComponent(location.href)}`);
      const verdict = (await response.json()) as { headline: string };
      const host = document.createElement(tag);
      host.style.cssText = 'all: initial !important; position: fixed !important; right: 16px !important; bottom: 16px !important; z-index: 2147483647 !important; display: block !important;';
      const card = document.createElement('div');
      card.setAttribute('role', 'region');
      card.setAttribute('aria-label', 'Remote lookup verdict');
      card.style.cssText = 'width: 320px; padding: 12px 16px; font: 14px/1.4 Arial, sans-serif; color: #212b32; background: #fff; border: 1px solid #768692; border-radius: 8px;';
      card.textContent = verdict.headline;
      host.attachShadow({ mode: 'open' }).append(card);
      document.documentElement.append(host);
    },
    { once: true },
  );
}

/**
 * Source text that runs `fn(arg)` in a page. tsx compiles with esbuild's keepNames, which wraps
 * named inner functions in a `__name` helper that exists only in Node: the page gets an identity
 * stand-in. Playwright's own function serialisation would carry the calls without the helper.
 */
export function pageSource<T>(fn: (arg: T) => unknown, arg: T): string {
  return `var __name = (target) => target;\n(${fn.toString()})(${JSON.stringify(arg)});`;
}

export const probeScript = (options: ProbeOptions) => pageSource(installProbe, options);

export async function readProbe(page: Page, timeoutMs = 10_000): Promise<ProbeReading> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`The element did not become visible on ${page.url()} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([page.evaluate(() => (window as unknown as ProbeWindow).__signpostBench.done), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
