import type { LookupResult } from '../registry/lookup';
import { VERDICT_LABELS, type VerdictState } from '../registry/verdict';
import { VERDICT_LOOK } from '../registry/verdict-look';

// The toolbar icon per tab: short text plus colour, and a title that says it in words.

export interface Badge {
  text: string;
  color: string;
  title: string;
}

/** No badge for pages that are not a tool; otherwise the verdict of the first match. */
export function badgeFor(result: LookupResult): Badge | null {
  if (!result.identity) return null;
  const [first] = result.matches;
  if (!first && result.identity.kind === 'web') return null;
  const state: VerdictState = first?.verdict.state ?? 'not-in-registry';
  const subject = first ? first.product.name : 'This app';
  return { text: VERDICT_LOOK[state].short, color: VERDICT_LOOK[state].color, title: `Signpost: ${subject}: ${VERDICT_LABELS[state]}` };
}
