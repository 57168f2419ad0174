import type { Population } from '../feed/schema';
import { PLATFORMS, type Platform } from '../feed/vocabulary';
import type { Standing } from './standing';
import type { Claim } from './types';

// A claim's scope and standing in words, shared by the card (in the page's content script: keep
// this module tiny and free of verdict logic), the verdict's headline and the CLI.

/** "the NHS website" starts a sentence as "The NHS website". */
export function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** "COPD", "low back pain", "once DTAC is in place": text read mid-sentence, acronyms kept. */
export function inSentence(text: string): string {
  const [first = '', second = ''] = text;
  return second && second === second.toLowerCase() ? first.toLowerCase() + text.slice(1) : text;
}

export function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function populationInWords(population: Population): string {
  const { minAge, maxAge, description } = population;
  const ages =
    minAge !== undefined && maxAge !== undefined ? `ages ${minAge} to ${maxAge}` : minAge !== undefined ? `ages ${minAge} and over` : maxAge !== undefined ? `ages up to ${maxAge}` : '';
  return [ages, description && inSentence(description)].filter(Boolean).join(', ');
}

const PLATFORM_SHORT: Record<Platform, string> = { ios: 'iOS', android: 'Android', web: 'web' };

export function platformsInWords(platforms: readonly Platform[]): string {
  return `${listInWords(PLATFORMS.filter((p) => platforms.includes(p)).map((p) => PLATFORM_SHORT[p]))} only`;
}

/** Why a claim does not count, for the standings that need saying (reported and vendor-stated claims say so already). */
export const NOT_COUNTED: Record<Exclude<Standing, 'in-force' | 'reported' | 'vendor-stated'>, string> = {
  superseded: 'replaced by a newer decision of the same issuer',
  future: 'dated in the future, so not in force yet (or mis-dated)',
  expired: 'past its expiry date',
  'other-platform': 'it is about another platform than this page',
  'to-verify': 'it needs checking first',
};

/** "nice.org.uk" for https://www.nice.org.uk/guidance/…: where a relayed decision was compiled from. */
function sourceSite(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return 'its own site';
  }
}

/**
 * Where a claim comes from and how far it counts, in the words the card and the publisher CLI
 * share: plain on every claim, not small print (docs/trust-model.md §1).
 */
export function basisInWords(claim: Pick<Claim, 'authority' | 'feedPublisher' | 'sourceUrl'>): string {
  const { authority } = claim;
  if (authority.level === 'issuer') return `Published by ${authority.authority!.name} itself, signed with its key`;
  if (authority.level === 'relayed') {
    return `${authority.authority!.name}'s published decision, compiled from ${sourceSite(claim.sourceUrl)} by ${authority.curator} (feed: ${claim.feedPublisher})`;
  }
  return `Reported by ${claim.feedPublisher}: not checked against the issuer, so it does not decide the verdict`;
}
