import type { CardSource } from '../registry/card-data';
import type { FeedSummary } from '../registry/types';
import type { FeedRecord, SignpostDatabase } from './db';

/** Only feeds that have stored data at least once can stand behind a claim. */
export function feedSummary(record: FeedRecord): FeedSummary | null {
  if (!record.publisher || !record.generatedAt || record.lastSuccessAt === undefined) return null;
  return {
    url: record.url,
    publisher: record.publisher,
    generatedAt: record.generatedAt,
    ...(record.expiresAt ? { expiresAt: record.expiresAt } : {}),
    lastSuccessAt: record.lastSuccessAt,
    ...(record.lastError?.code === 'bad-signature' ? { signatureRefused: true } : {}),
  };
}

export function dexieRegistrySource(db: SignpostDatabase): CardSource {
  return {
    recordsWithKeys: (keys) => db.tools.where('keys').anyOf([...keys]).distinct().toArray(),
    recordsEndorsedFor: (conditions, limit) => db.tools.where('endorsedFor').anyOf([...conditions]).distinct().limit(limit).toArray(),
    feedSummaries: async () => (await db.feeds.toArray()).map(feedSummary).filter((summary) => summary !== null),
  };
}
