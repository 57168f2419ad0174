import type { LookupResult } from '../registry/lookup';
import { VERDICT_LABELS, type VerdictState } from '../registry/verdict';

// The toolbar icon per tab: short text plus colour, and a title that says it in words.

export interface Badge {
  text: string;
  color: string;
  title: string;
}

/** Short text and colour per verdict: the toolbar badge and the link badges use the same. */
export const VERDICT_BADGES: Record<VerdictState, { text: string; color: string }> = {
  recommended: { text: 'REC', color: '#007f3b' },
  conditional: { text: 'EVID', color: '#005eb8' },
  'research-only': { text: 'RES', color: '#7c2855' },
  listed: { text: 'LIST', color: '#4c6272' },
  'no-endorsement': { text: 'NONE', color: '#4c6272' },
  'not-in-registry': { text: '?', color: '#4c6272' },
  'not-recommended': { text: 'NOT', color: '#d5281b' },
  withdrawn: { text: 'WDN', color: '#d5281b' },
  disagreement: { text: '!', color: '#ed8b00' },
};

/** No badge for pages that are not a tool; otherwise the verdict of the first match. */
export function badgeFor(result: LookupResult): Badge | null {
  if (!result.identity) return null;
  const [first] = result.matches;
  if (!first && result.identity.kind === 'web') return null;
  const state: VerdictState = first?.verdict.state ?? 'not-in-registry';
  const subject = first ? first.product.name : 'This app';
  return { ...VERDICT_BADGES[state], title: `Signpost: ${subject}: ${VERDICT_LABELS[state]}` };
}
