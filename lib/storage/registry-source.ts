import type { CardSource } from '../registry/card-data';
import type { FeedSummary } from '../registry/types';
import type { FeedRecord, SignpostDatabase } from './db';
import { ToolReader } from './tool-store';

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

/** The registry as the worker and extension pages read it: through one cached reader per database. */
export function dexieRegistrySource(db: SignpostDatabase, reader = new ToolReader(db)): CardSource {
  return {
    recordsWithKeys: (keys) => reader.recordsWithKeys(keys),
    recordsEndorsedFor: (conditions, limit) => reader.recordsEndorsedFor(conditions, limit),
    feedSummaries: async () => (await reader.feeds()).map(feedSummary).filter((summary) => summary !== null),
  };
}
