import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { FeedPublisher } from '../feed/schema';
import type { FeedTrustState, Verification } from '../feed/verify';
import type { FeedNote, LocalNote } from '../notes/schema';
import type { QuarantinedEntry } from '../feed/parse';
import type { ToolRecord } from '../registry/types';
import type { FollowUpRecord } from '../monitoring/follow-up';
import type { SignpostingEntry } from '../monitoring/record';
import { endorsedConditions } from '../registry/verdict';
import { toolSearchWords } from '../search/search';
import type { SyncErrorCode } from '../sync/errors';
import { stateEnvelopeOf, type StateEnvelope } from '../feed/delta';
import { CHUNK_SIZE, chunkedRecords, storedState, writeFeedTools, type ChunkPlacement, type ToolTables } from './tool-store';

/** A subscribed feed's cached state: what the settings page shows and what sync compares against. */
export interface FeedRecord {
  url: string;
  publisher?: FeedPublisher;
  sequence?: number;
  generatedAt?: string;
  expiresAt?: string;
  /** The publisher's staleness period (feed format v2). */
  staleAfterDays?: number;
  etag?: string;
  lastModified?: string;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: { code: SyncErrorCode; message: string; at: number };
  /** Changes whenever the feed's tools are stored: the version its tool chunks and index carry. */
  contentVersion?: string;
  counts?: { tools: number; endorsements: number; quarantined: number; notes?: number };
  /** The digest of the stored state (lib/feed/delta.ts): the base a patch must start from. */
  state?: string;
  /**
   * The envelope `state` was computed from: the feed's own publisher, dates and staleness period
   * (the row's expiry may be a signed header's earlier one). Readers check the row against it
   * (hazard H46). Rows stored before it was kept have none.
   */
  stateEnvelope?: StateEnvelope;
  /** Whether the stored copy was signed, and by a pinned key. */
  signature?: Verification;
  /** Set for a team feed imported from a file: it has no address to sync from. */
  importedFrom?: { fileName: string; at: number };
  /** Set when the stored copy stopped meeting the trust in force (a key pinned or retired since) and its data was removed. */
  withdrawn?: boolean;
  /** The first quarantined entries of the last stored version (capped; counts has the total). */
  quarantined?: QuarantinedEntry[];
}

/** One of the clinician's own peer notes. Read through lib/notes/store.ts, which validates it. */
export interface NoteRecord {
  id: string;
  /** productKeys of the note's identifiers: the one-read lookup from a tool to its notes. */
  toolKeys: string[];
  note: LocalNote;
  /** Set when deleted: the note stays restorable for a short time, then is removed. */
  deletedAt?: number;
}

/** A colleague's note from a team feed: replaced with its feed, never edited on the device. */
export interface TeamNoteRecord {
  /** `${feedUrl} ${noteId}`, as tool records are keyed. */
  id: string;
  feedUrl: string;
  toolKeys: string[];
  note: FeedNote;
}

/** A tool row as versions 1 to 4 kept them, with the fields their indexes read. */
type V4ToolRecord = ToolRecord & { conditions?: string[]; endorsedFor?: string[]; words?: string[] };

export interface SettingRecord {
  key: string;
  value: unknown;
}

/**
 * Every schema version ever shipped, oldest first. Never edit a released entry: add one.
 * Design note: IndexedDB upgrades run inside a versionchange transaction, so an upgrade that
 * throws leaves the previous version (and every note) as it was.
 */
export const SCHEMA_VERSIONS: readonly {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<unknown>;
}[] = [
  {
    version: 1,
    stores: { feeds: 'url', tools: 'id, feedUrl, *keys', notes: 'id, *toolKeys, updatedAt', settings: 'key' },
  },
  {
    // v2: index tools by condition, so the card can offer endorsed tools for the same conditions.
    version: 2,
    stores: { tools: 'id, feedUrl, *keys, *conditions' },
    upgrade: (tx) =>
      tx
        .table<ToolRecord>('tools')
        .toCollection()
        .modify((record: ToolRecord & { conditions?: string[] }) => {
          record.conditions = record.tool.conditions;
        }),
  },
  {
    // v3: index each record's search words, so a popup search reads only rows that can match
    // (reading all 100k rows took seconds); and index the conditions a record's own claims endorse
    // it for, so the card's alternatives read only endorsed rows, not every tool for a condition.
    // The plain conditions index had no other reader and only slowed writes, so it goes.
    version: 3,
    stores: { tools: 'id, feedUrl, *keys, *endorsedFor, *words' },
    upgrade: (tx) =>
      tx
        .table<V4ToolRecord>('tools')
        .toCollection()
        .modify((record) => {
          record.words = toolSearchWords(record.tool);
          record.endorsedFor = [...endorsedConditions(record.tool.endorsements, record.tool.conditions)];
          delete record.conditions;
        }),
  },
  {
    // v4: peer notes. The clinician's own notes keep their table (no version wrote to it before);
    // colleagues' notes from team feeds get their own, so a sync can replace them without ever
    // touching the clinician's. Notes are ordered in memory, so the unused updatedAt index goes.
    version: 4,
    stores: { notes: 'id, *toolKeys', teamNotes: 'id, feedUrl, *toolKeys' },
  },
  {
    // v5: tools in chunks with one sorted index row per feed (tool-store.ts): a 100k-tool sync
    // wrote 100k rows into three multi-entry indexes. Each feed's tools move over (in id order: v4 kept no feed order).
    version: 5,
    stores: { toolChunks: 'id, feedUrl', toolIndexes: 'feedUrl', toolWords: 'feedUrl' },
    upgrade: async (tx) => {
      const byFeed = new Map<string, ToolRecord[]>();
      for (const { endorsedFor: _endorsedFor, words: _words, ...record } of await tx.table<V4ToolRecord>('tools').toArray()) {
        const feedRecords = byFeed.get(record.feedUrl);
        if (feedRecords) feedRecords.push(record);
        else byFeed.set(record.feedUrl, [record]);
      }
      // Chunks and where they are; v9 builds the index from them (v5 to v8 kept it in one row).
      for (const [feedUrl, records] of byFeed) {
        const version = crypto.randomUUID();
        const chunks = Array.from({ length: Math.ceil(records.length / CHUNK_SIZE) }, (_, n) => ({ id: `${feedUrl} ${n}`, feedUrl, version, records: records.slice(n * CHUNK_SIZE, (n + 1) * CHUNK_SIZE) }));
        await tx.table('toolChunks').bulkAdd(chunks);
        await tx.table<ChunkPlacement, string>('toolIndexes').put({ feedUrl, version, toolCount: records.length });
        await tx.table<FeedRecord>('feeds').update(feedUrl, { contentVersion: version });
      }
    },
  },
  {
    // v6: the per-tool table, emptied into chunks by v5 (Dexie deletes a table only after the version that reads it).
    version: 6,
    stores: { tools: null },
  },
  {
    // v7: what Signpost remembers about each feed address (keys, retired keys, sequence floor), apart
    // from the feed's data so that removing a feed cannot reset it (docs/threat-model.md T2). The
    // floor of a feed stored before v7 is its stored sequence, with no hash.
    version: 7,
    stores: { feedTrust: 'url' },
    upgrade: async (tx) => {
      const states = (await tx.table<FeedRecord>('feeds').toArray()).flatMap((record): FeedTrustState[] =>
        record.sequence === undefined
          ? []
          : [{ url: record.url, anchors: [], trustedKeys: [], anchorOf: {}, retiredKeyIds: [], floor: { sequence: record.sequence, verified: record.signature?.status === 'verified' }, updatedAt: record.lastSuccessAt ?? 0 }],
      );
      await tx.table<FeedTrustState>('feedTrust').bulkPut(states);
    },
  },
  {
    // v8: the clinician's signposting record and the safety follow-ups raised from it
    // (docs/monitoring.md). Entries are read back by tool and pruned by day.
    version: 8,
    stores: { signpostings: 'id, date, tool.recordId', followUps: 'id' },
  },
  {
    // v9: the index in shards (tool-store.ts), and the state digest over hash buckets (feed/delta.ts):
    // a one-tool patch rewrote the whole 18 MB index row of a 100k-tool feed (issue #15). Each
    // feed's index is rebuilt from its chunks, and its state recomputed (patches name the v2 state).
    version: 9,
    stores: { toolShards: 'id, feedUrl', toolWords: null },
    upgrade: async (tx) => {
      const tables: ToolTables = { toolChunks: tx.table('toolChunks'), toolIndexes: tx.table('toolIndexes'), toolShards: tx.table('toolShards') };
      for (const placement of await tx.table<ChunkPlacement, string>('toolIndexes').toArray()) {
        const records = await chunkedRecords(tables.toolChunks, placement);
        const version = crypto.randomUUID();
        const index = await writeFeedTools(tables, placement.feedUrl, version, records);
        const feed = await tx.table<FeedRecord, string>('feeds').get(placement.feedUrl);
        if (!feed) continue;
        const notes = (await tx.table<TeamNoteRecord, string>('teamNotes').where('feedUrl').equals(feed.url).toArray()).map((record) => record.note);
        const envelope = feed.publisher && feed.generatedAt ? stateEnvelopeOf({ publisher: feed.publisher, generatedAt: feed.generatedAt, expiresAt: feed.expiresAt, staleAfterDays: feed.staleAfterDays }) : undefined;
        await tx.table<FeedRecord, string>('feeds').put({ ...feed, contentVersion: version, ...(feed.state && envelope ? { state: storedState(index, envelope, notes) } : {}) });
      }
    },
  },
];

export const DATABASE_NAME = 'signpost';

export class SignpostDatabase extends Dexie {
  feeds!: EntityTable<FeedRecord, 'url'>;
  toolChunks!: ToolTables['toolChunks'];
  toolIndexes!: ToolTables['toolIndexes'];
  toolShards!: ToolTables['toolShards'];
  notes!: EntityTable<NoteRecord, 'id'>;
  teamNotes!: EntityTable<TeamNoteRecord, 'id'>;
  settings!: EntityTable<SettingRecord, 'key'>;
  feedTrust!: EntityTable<FeedTrustState, 'url'>;
  /** Read only through lib/monitoring/store.ts, which validates every row. */
  signpostings!: EntityTable<SignpostingEntry, 'id'>;
  followUps!: EntityTable<FollowUpRecord, 'id'>;

  constructor(name: string = DATABASE_NAME) {
    super(name);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
  }
}
