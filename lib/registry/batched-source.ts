import type { TrustRoot } from '../trust/trust-root';
import type { RegistrySource } from './lookup';
import type { FeedSummary, ToolRecord } from './types';

/**
 * A registry source for many lookups at once (a page's links): the feed list and trust root are read once, and
 * every key asked for in the same turn of the event loop goes to the database in one indexed read
 * instead of one per link. Design note: lookups started together reach each await at the same
 * moment, so requests queued before the flush (itself a queued microtask) are all in its batch.
 */
export function batchedSource(source: RegistrySource): RegistrySource {
  let summaries: Promise<FeedSummary[]> | null = null;
  let root: Promise<TrustRoot> | null = null;
  let pending: { keys: readonly string[]; resolve: (records: ToolRecord[]) => void; reject: (error: unknown) => void }[] = [];

  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const records = await source.recordsWithKeys([...new Set(batch.flatMap((request) => request.keys))]);
      for (const request of batch) {
        const wanted = new Set(request.keys);
        request.resolve(records.filter((record) => record.keys.some((key) => wanted.has(key))));
      }
    } catch (error) {
      for (const request of batch) request.reject(error);
    }
  };

  return {
    feedSummaries: () => (summaries ??= source.feedSummaries()),
    trustRoot: () => (root ??= source.trustRoot()),
    recordsWithKeys: (keys) =>
      new Promise((resolve, reject) => {
        if (pending.length === 0) queueMicrotask(() => void flush());
        pending.push({ keys, resolve, reject });
      }),
  };
}
