import type { LookupResult } from '../registry/lookup';
import type { FollowUp } from '../monitoring/follow-up';
import { VERDICT_LOOK, verdictLook, type VerdictState } from '../registry/verdict-look';

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

/**
 * The toolbar icon's default badge while safety follow-ups are unread (docs/monitoring.md §4): a
 * count with "!", and a title naming each tool and what changed. A store page's own verdict badge
 * still stands on its tab; the popup shows the follow-ups whichever tab is open.
 */
export function followUpBadge(followUps: readonly Pick<FollowUp, 'toolName' | 'change'>[]): Badge | null {
  if (followUps.length === 0) return null;
  const count = followUps.length > 9 ? '9+' : String(followUps.length);
  const lines = followUps.map((followUp) => `${followUp.toolName}: ${followUp.change.statement}`);
  const what = followUps.length === 1 ? 'a tool you signposted has changed' : `${followUps.length} tools you signposted have changed`;
  return { text: `!${count}`, color: VERDICT_LOOK.withdrawn.color, title: [`Signpost: safety follow-up: ${what}. Open Signpost to read it.`, ...lines].join('\n') };
}
