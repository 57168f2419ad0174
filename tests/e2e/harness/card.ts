import type { Locator } from 'playwright-core';

/** The compact card's headline as a clinician reads it, part by part. */
export interface Headline {
  /** The name and the verdict label: "Wysa: Only in research". */
  verdict: string;
  /** Who says what, for what: "NICE: only in research for depression (HTE8)". */
  statements: string[];
  /** "May be out of date: …", when the card says so. */
  stale?: string;
}

/**
 * The headline of the card in `container` (the card region, or the shadow root it is drawn in),
 * read in one synchronous step, so a card re-drawn mid-read (in-page navigation, the stored copy
 * replaced) never mixes two answers. Self-contained: it runs in a page, sent as source.
 */
export function headlineIn(container: ParentNode): Headline {
  const headline = container.querySelector('.headline');
  if (!headline) throw new Error('the card has no headline (yet)');
  const text = (element: Element | null | undefined) => element?.textContent ?? '';
  const stale = headline.querySelector('.stale');
  return {
    verdict: text(headline.querySelector(':scope > p:first-child')),
    statements: [...headline.querySelectorAll('.statements > li')].map(text),
    ...(stale ? { stale: text(stale) } : {}),
  };
}

/**
 * Reads the headline of a trust card region on an extension page (the popup), in one step. The
 * card on a web page is in a shadow root that locators cannot enter: see page-card.ts.
 */
export function readHeadline(card: Locator): Promise<Headline> {
  return card.evaluate(headlineIn);
}
