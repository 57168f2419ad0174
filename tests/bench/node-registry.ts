// The registry's own lib code run in Node, on fake-indexeddb: the secondary lines of the lookup
// and sync figures, and the comparison of storeFeed with naive writes. fake-indexeddb is an
// in-memory JavaScript implementation with its own costs (its cursors walk key ranges linearly),
// so these lines compare code paths with each other; they say nothing absolute about Chromium.
import 'fake-indexeddb/auto';
import type { DBCoreMutateRequest } from 'dexie';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import type { Feed } from '@/lib/feed/schema';
import { readFeedDocument } from '@/lib/feed/signature';
import { verifyFeedDocument } from '@/lib/feed/verify';
import { cardDataFor } from '@/lib/registry/card-data';
import { lookupUrl, type RegistrySource } from '@/lib/registry/lookup';
import type { FeedSummary, ToolRecord } from '@/lib/registry/types';
import type { TrustRoot } from '@/lib/trust/trust-root';
import { VERDICT_LABELS } from '@/lib/registry/verdict-look';
import { SignpostDatabase } from '@/lib/storage/db';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { storedToolRecords, toolRecord } from '@/lib/storage/tool-store';
import { storeFeed, syncFeed, validateFeed, type SyncOutcome } from '@/lib/sync/sync';
import type { FeedServer } from '../e2e/harness/server';
import { peakResidentBytes, resetPeakResident } from './memory';
import { perToolDatabase, perToolRow } from './per-tool-table';
import { summarise, type Summary } from './stats';
import { lookupUrlMix, syntheticFeed } from './synthetic';

let databases = 0;

/** A database that counts every row written to each table, through Dexie's own middleware stack. */
function countingDb(): { db: SignpostDatabase; writes: Record<string, number> } {
  const writes: Record<string, number> = {};
  const db = new SignpostDatabase(`signpost-bench-${++databases}`);
  const rowsOf = (request: DBCoreMutateRequest) => (request.type === 'deleteRange' ? 1 : request.type === 'delete' ? request.keys.length : request.values.length);
  db.use({
    stack: 'dbcore',
    name: 'bench-write-counter',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (request) => {
            writes[name] = (writes[name] ?? 0) + rowsOf(request);
            return table.mutate(request);
          },
        };
      },
    }),
  });
  return { db, writes };
}

/** The card's one-line verdict for each URL, from the bundled feed: what the remote-lookup stand-in answers. */
export async function bundledHeadlines(bundledFeedText: string, urls: readonly string[]): Promise<Map<string, string>> {
  const { db } = countingDb();
  const bundledUrl = 'bundled';
  try {
    // Checked against Signpost's own keys and judged as the bundled feed, as the extension does,
    // so its relayed national decisions count (docs/trust-model.md §1).
    const document = await readFeedDocument(bundledFeedText);
    const { verification: signature } = await verifyFeedDocument(document, { bundled: true, anchors: BUNDLED_FEED_KEYS, now: Date.now() });
    await storeFeed(db, bundledUrl, validateFeed(document.json), { at: Date.now(), signature });
    const source = dexieRegistrySource(db, undefined, { isBundled: (url) => url === bundledUrl });
    const headlines = new Map<string, string>();
    for (const url of urls) {
      const [first] = (await cardDataFor(source, url, Date.now())).matches;
      headlines.set(url, first ? `${first.product.name}: ${VERDICT_LABELS[first.verdict.state]}` : `This app: ${VERDICT_LABELS['not-in-registry']}`);
    }
    return headlines;
  } finally {
    await db.delete();
  }
}

export interface NodeSyncResult {
  ms: number;
  rowsPerSecond: number;
  /** Resident high-water mark of the whole Node process during the sync. */
  peakRssBytes: number;
  rssBeforeBytes: number;
  notModified: { ms: number; status: SyncOutcome['status']; toolRowsWritten: number; feedStatusRowsWritten: number };
  /** lookupUrl over fake-indexeddb, and over an in-memory index (the function's own cost). */
  lookup: { fakeIndexedDb: Summary; inMemory: Summary };
}

/**
 * syncFeed exactly as the background runs it (fetch from the feed server, validate, store), then
 * again to get a 304, counting the rows each run writes.
 */
export async function nodeSync(feeds: FeedServer, size: number, lookups: { fakeIndexedDb: number; inMemory: number }): Promise<NodeSyncResult> {
  const url = feeds.publish(`/bench/node-${size}.json`, syntheticFeed(size));
  const { db, writes } = countingDb();
  const deps = { db, fetch, now: Date.now };
  try {
    const rssBeforeBytes = process.memoryUsage().rss;
    resetPeakResident(process.pid);
    let started = performance.now();
    const first = await syncFeed(deps, url);
    const ms = performance.now() - started;
    const peakRssBytes = peakResidentBytes(process.pid);
    if (first.status !== 'updated' || first.counts.tools !== size) throw new Error(`Node sync of ${size} tools: ${JSON.stringify(first)}`);

    const before = { ...writes };
    started = performance.now();
    const second = await syncFeed(deps, url);
    const notModifiedMs = performance.now() - started;
    const written = (table: string) => (writes[table] ?? 0) - (before[table] ?? 0);

    const urls = lookupUrlMix(size, Math.max(lookups.fakeIndexedDb, lookups.inMemory));
    const fakeIndexedDb = await timeLookups(dexieRegistrySource(db), urls.slice(0, lookups.fakeIndexedDb));
    const stored = dexieRegistrySource(db);
    const inMemory = await timeLookups(inMemorySource(await storedToolRecords(db), await stored.feedSummaries(), await stored.trustRoot()), urls.slice(0, lookups.inMemory));
    return {
      ms,
      rowsPerSecond: size / (ms / 1000),
      peakRssBytes,
      rssBeforeBytes,
      notModified: { ms: notModifiedMs, status: second.status, toolRowsWritten: written('toolChunks') + written('toolIndexes'), feedStatusRowsWritten: written('feeds') },
      lookup: { fakeIndexedDb, inMemory },
    };
  } finally {
    await db.delete();
  }
}

async function timeLookups(source: RegistrySource, urls: readonly string[]): Promise<Summary> {
  const samples: number[] = [];
  for (const url of urls) {
    const started = performance.now();
    await lookupUrl(source, url, Date.now());
    samples.push(performance.now() - started);
  }
  return summarise(samples);
}

/** The same index as the 'keys' table index, held in a Map: what is left is lookupUrl's own work. */
function inMemorySource(records: readonly ToolRecord[], feeds: FeedSummary[], root: TrustRoot): RegistrySource {
  const byKey = new Map<string, ToolRecord[]>();
  for (const record of records) for (const key of record.keys) byKey.set(key, [...(byKey.get(key) ?? []), record]);
  return {
    recordsWithKeys: async (keys) => [...new Set(keys.flatMap((key) => byKey.get(key) ?? []))],
    feedSummaries: async () => feeds,
    trustRoot: async () => root,
  };
}

export interface WriteComparison {
  size: number;
  /** storeFeed: the feed's tools in chunks and one index row, with its status, in one transaction. */
  storeFeedMs: number;
  /** The same tools one row each, in the per-tool table of schema v1–v4, with one bulkPut. */
  perToolBulkPutMs: number;
  /** The same rows put one by one (awaiting each) inside one transaction. */
  putLoopOneTransactionMs: number;
  /** The same rows put one by one, each in its own transaction. */
  putPerRowTransactionMs: number;
}

/** storeFeed against one-row-per-tool writes of the same decoded feed, each into a fresh database. */
export async function compareWrites(feed: Feed): Promise<WriteComparison> {
  const decoded = { feed, quarantined: [] };
  const rows = feed.tools.map((tool) => perToolRow(toolRecord('bench', tool)));
  const perTool = async (write: (db: ReturnType<typeof perToolDatabase>) => Promise<unknown>) => {
    const db = perToolDatabase(`signpost-bench-per-tool-${++databases}`);
    try {
      await db.open();
      const started = performance.now();
      await write(db);
      const ms = performance.now() - started;
      if ((await db.tools.count()) !== rows.length) throw new Error('A write strategy lost rows');
      return ms;
    } finally {
      await db.delete();
    }
  };
  const { db } = countingDb();
  let storeFeedMs: number;
  try {
    const started = performance.now();
    await storeFeed(db, 'bench', decoded, { at: Date.now() });
    storeFeedMs = performance.now() - started;
    if ((await storedToolRecords(db)).length !== rows.length) throw new Error('storeFeed lost rows');
  } finally {
    await db.delete();
  }
  return {
    size: rows.length,
    storeFeedMs,
    perToolBulkPutMs: await perTool((db) => db.tools.bulkPut(rows)),
    putLoopOneTransactionMs: await perTool((db) =>
      db.transaction('rw', db.tools, async () => {
        for (const row of rows) await db.tools.put(row);
      }),
    ),
    putPerRowTransactionMs: await perTool(async (db) => {
      for (const row of rows) await db.tools.put(row);
    }),
  };
}
