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
 * Reads the headline of a trust card region (on a page or in the popup) in one step, so a card
 * re-drawn mid-read (in-page navigation, the stored copy replaced) never mixes two answers.
 */
export function readHeadline(card: Locator): Promise<Headline> {
  return card.locator('.headline').evaluate((headline) => {
    const text = (element: Element | null | undefined) => element?.textContent ?? '';
    const stale = headline.querySelector('.stale');
    return {
      verdict: text(headline.querySelector(':scope > p:first-child')),
      statements: [...headline.querySelectorAll('.statements > li')].map(text),
      ...(stale ? { stale: text(stale) } : {}),
    };
  });
}
