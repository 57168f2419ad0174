import type { LookupResult } from '../registry/lookup';
import { verdictLook, type VerdictState } from '../registry/verdict-look';

// The toolbar icon per tab: short text plus colour, and a title that says it in words.

export interface Badge {
  text: string;
  color: string;
  title: string;
}

/**
 * No badge for pages that are not a tool; otherwise the verdict of the first match, with who says
 * it and, when it may be out of date, why (a stale positive verdict shows OLD, never REC).
 */
export function badgeFor(result: LookupResult): Badge | null {
  if (!result.identity) return null;
  const [first] = result.matches;
  if (!first && result.identity.kind === 'web') return null;
  const state: VerdictState = first?.verdict.state ?? 'not-in-registry';
  const stale = first?.verdict.stale ?? [];
  const look = verdictLook(state, stale.length > 0);
  const subject = first ? first.product.name : 'This app';
  const said = first?.verdict.headline.map((statement) => statement.text) ?? [];
  const title = [`Signpost: ${subject}: ${look.label}`, ...said, ...stale.map((reason) => `Out of date: ${reason.text}`)].join('\n');
  return { text: look.short, color: look.color, title };
}
