import type { CardSource } from '../registry/card-data';
import type { FeedSummary } from '../registry/types';
import { loadPolicy, policyFeed, policyTrustRoot, type Policy } from '../settings/policy';
import { BUNDLED_FEED_PATH } from '../settings/feeds';
import type { SyncErrorCode } from '../sync/errors';
import type { FeedRecord, SignpostDatabase } from './db';
import { ToolReader } from './tool-store';

/**
 * The feed shipped inside Signpost is read from the extension's own origin; no subscription can
 * have such an address (feeds are https, or http on this computer only), so the address says it.
 */
export function isBundledFeedUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return /^(chrome|moz|safari-web)-extension:$/.test(parsed.protocol) && parsed.pathname === BUNDLED_FEED_PATH;
  } catch {
    return false;
  }
}

export interface SummaryOptions {
  policy?: Policy;
  /** Which stored feed is the bundled one (the CLI stores it under a file:// address). */
  isBundled?: (url: string) => boolean;
}

/** Downloads refused for what they are, not for how they travelled: the card says an update was refused. */
const REFUSED_UPDATES: ReadonlySet<SyncErrorCode> = new Set(['bad-signature', 'same-sequence-changed', 'sequence-jump']);

/** Only feeds that have stored data at least once can stand behind a claim. */
export function feedSummary(record: FeedRecord, options: SummaryOptions = {}): FeedSummary | null {
  if (!record.publisher || !record.generatedAt || record.lastSuccessAt === undefined) return null;
  // After a key rotation the feed is signed with a new key; what it may speak for follows the chain back to its anchor.
  const verifiedKey = record.signature?.status === 'verified' ? (record.signature.anchorKey ?? record.signature.key) : undefined;
  const pinnedByPolicy = options.policy ? policyFeed(options.policy, record.url)?.keys ?? [] : [];
  return {
    url: record.url,
    publisher: record.publisher,
    generatedAt: record.generatedAt,
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    ...(record.staleAfterDays ? { staleAfterDays: record.staleAfterDays } : {}),
    lastSuccessAt: record.lastSuccessAt,
    ...(record.lastError && REFUSED_UPDATES.has(record.lastError.code) ? { signatureRefused: true } : {}),
    ...(verifiedKey ? { verifiedKey } : {}),
    ...((options.isBundled ?? isBundledFeedUrl)(record.url) ? { bundled: true } : {}),
    ...(record.publisher.kind === 'peer-team' || record.importedFrom ? { teamOnly: true } : {}),
    ...(verifiedKey && pinnedByPolicy.includes(verifiedKey) ? { policyPinned: true } : {}),
  };
}

/** The registry as the worker and extension pages read it: through one cached reader per database. */
export function dexieRegistrySource(db: SignpostDatabase, reader = new ToolReader(db), options: Pick<SummaryOptions, 'isBundled'> = {}): CardSource {
  return {
    recordsWithKeys: (keys) => reader.recordsWithKeys(keys),
    recordsEndorsedFor: (conditions, limit) => reader.recordsEndorsedFor(conditions, limit),
    feedSummaries: async () => {
      // A copy the reader found damaged is left out of answers, so it must not count as a source checked either.
      const [records, policy] = await Promise.all([reader.checkedFeeds(), loadPolicy(db)]);
      return records.map((record) => feedSummary(record, { ...options, policy })).filter((summary) => summary !== null);
    },
    trustRoot: async () => policyTrustRoot(await loadPolicy(db)),
  };
}
