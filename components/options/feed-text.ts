import type { Verification } from '@/lib/feed/verify';
import { count } from '@/lib/publish/report';
import type { FeedListEntry, SyncFeedReply } from '@/lib/settings/feeds';
import type { FeedRecord } from '@/lib/storage/db';

// The words the Feeds section uses, kept in one place so the list, the add form and the progress
// messages say the same thing the same way.

/** What the page shows when the background did not reply to a change it asked for. */
export const NO_ANSWER = { ok: false as const, problem: 'Signpost did not answer. Try again.' };

/** A check the page asked for: what the background replied, or that it did not answer. */
export type CheckResult = SyncFeedReply | { url: string; status: 'no-answer' };

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function feedName(entry: FeedListEntry): string {
  if (entry.record?.publisher) return entry.record.publisher.name;
  return entry.bundled ? 'Signpost UK registry' : `Feed from ${hostOf(entry.url)}`;
}

export function contentsText(counts: NonNullable<FeedRecord['counts']>): string {
  const parts = [`${count(counts.tools, 'tool')}, ${count(counts.endorsements, 'endorsement')}`];
  if (counts.notes) parts.push(count(counts.notes, 'peer note'));
  return parts.join(', ');
}

/** Whether a feed was signed, in words: checked against a pinned key (reached by rotation or not), or not. */
export function signatureText(signature: Verification | undefined): string {
  switch (signature?.status) {
    case 'verified':
      return signature.anchorKey && signature.anchorKey !== signature.key
        ? `signed by the publisher's key (${signature.keyId}), checked: a key they changed to from the one pinned`
        : `signed by the publisher's key (${signature.keyId}), checked`;
    case 'signed-unpinned':
      return `signed (key ${signature.keyIds.join(', ')}), not checked: no publisher key is pinned`;
    default:
      return 'not signed';
  }
}

export function checkResultText(result: CheckResult): string {
  switch (result.status) {
    case 'updated':
      return `updated (${contentsText(result.counts)})`;
    case 'unchanged':
      return 'no changes';
    case 'failed':
      return 'could not be downloaded; the last good copy is kept';
    case 'not-subscribed':
      return 'no longer in your feeds';
    case 'no-answer':
      return 'Signpost did not answer; try again';
  }
}

const SUMMARY_WORDS: Record<CheckResult['status'], string> = {
  updated: 'updated',
  unchanged: 'unchanged',
  failed: 'could not be downloaded',
  'not-subscribed': 'no longer in your feeds',
  'no-answer': 'not answered',
};

/** "Checked 3 feeds: 2 unchanged, 1 could not be downloaded." */
export function checkSummary(results: readonly CheckResult[]): string {
  const tally = new Map<string, number>();
  for (const { status } of results) tally.set(SUMMARY_WORDS[status], (tally.get(SUMMARY_WORDS[status]) ?? 0) + 1);
  return `Checked ${count(results.length, 'feed')}: ${[...tally].map(([words, n]) => `${n} ${words}`).join(', ')}.`;
}
