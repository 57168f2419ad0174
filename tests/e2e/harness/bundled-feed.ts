import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFeedDocument } from '@/lib/feed/signature';
import type { Feed } from '@/lib/feed/schema';
import type { Headline } from './card';
import { REPO_ROOT } from './paths';

/**
 * The feed that ships with Signpost, as its signed envelope carries it. Tests take its publisher
 * name and date from here, so regenerating the bundled registry does not change what they expect.
 */
export const bundledFeedDocument = await readFeedDocument(readFileSync(join(REPO_ROOT, 'public/feeds/default.json'), 'utf8'));
export const bundledFeed = bundledFeedDocument.json as Feed;

/** The date the card gives for the bundled registry's data, the day it was generated (UTC): "2 December 2026". */
export const bundledFeedDate = new Date(bundledFeed.generatedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** The NHS App's headline from the bundled feed alone: it only reports the listing (a GitHub scrape), so it decides nothing. */
export const NHS_APP_HEADLINE_TEXT = 'NHS App: In your registry, no endorsement';

/**
 * What the bundled feed makes the card say about Wysa, on the page and in the popup alike: NICE's
 * research-only decision (HTE8), relayed by the bundled feed, past its review date.
 */
export const WYSA_HEADLINE: Headline = {
  verdict: 'Wysa: Only in research',
  statements: ['NICE: only in research for depression (HTE8)'],
  stale: 'May be out of date: NICE HTE8: review date May 2026 has passed.',
};
