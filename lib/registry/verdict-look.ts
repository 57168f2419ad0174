import type { VerdictState } from './verdict';

/**
 * How each verdict looks wherever it appears (card, toolbar badge, link badge): a symbol and
 * short text beside the colour, never the colour alone.
 */
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
