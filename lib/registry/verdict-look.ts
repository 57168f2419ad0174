// The verdict's states and how each looks wherever it appears (card, toolbar badge, link badge).
// Kept apart from verdict.ts so that content scripts can draw a verdict without its logic.

export type VerdictState =
  | 'not-in-registry'
  | 'no-endorsement'
  | 'listed'
  | 'research-only'
  | 'conditional'
  | 'recommended'
  | 'not-recommended'
  | 'withdrawn'
  | 'disagreement';

/** Plain-English headline for each state; colour is never the only carrier of meaning. */
export const VERDICT_LABELS: Record<VerdictState, string> = {
  'not-in-registry': 'Not in your registry',
  'no-endorsement': 'In your registry, no endorsement',
  listed: 'Listed or available, not a recommendation',
  'research-only': 'Only in research',
  conditional: 'Can be used while more evidence is generated',
  recommended: 'Recommended',
  'not-recommended': 'Not recommended',
  withdrawn: 'Withdrawn or no longer available',
  disagreement: 'Sources disagree',
};

/** A symbol and short text beside the colour, never the colour alone. */
export const VERDICT_LOOK: Record<VerdictState, { symbol: string; short: string; color: string }> = {
  recommended: { symbol: '✓', short: 'REC', color: '#007f3b' },
  conditional: { symbol: '◐', short: 'EVID', color: '#005eb8' },
  'research-only': { symbol: '⚗', short: 'RES', color: '#7c2855' },
  listed: { symbol: '☰', short: 'LIST', color: '#4c6272' },
  'no-endorsement': { symbol: '○', short: 'NONE', color: '#4c6272' },
  'not-in-registry': { symbol: '?', short: '?', color: '#4c6272' },
  'not-recommended': { symbol: '✕', short: 'NOT', color: '#d5281b' },
  withdrawn: { symbol: '⊘', short: 'WDN', color: '#d5281b' },
  disagreement: { symbol: '⚠', short: '!', color: '#ed8b00' },
};

/**
 * How a verdict looks, given whether what it rests on may be out of date. A positive verdict on
 * stale data must not pass for current: its badge says OLD and its label says so. A negative or
 * limiting verdict keeps its own look (staleness never softens a warning); the card says why.
 */
export function verdictLook(state: VerdictState, stale: boolean): { symbol: string; short: string; color: string; label: string } {
  if (stale && (state === 'recommended' || state === 'conditional')) {
    return { symbol: '⌛', short: 'OLD', color: '#ed8b00', label: `${VERDICT_LABELS[state]}, but may be out of date` };
  }
  return { ...VERDICT_LOOK[state], label: VERDICT_LABELS[state] };
}
