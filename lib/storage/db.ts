import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { FeedPublisher } from '../feed/schema';
import type { QuarantinedEntry } from '../feed/parse';
import type { ToolRecord } from '../registry/types';
import type { SyncErrorCode } from '../sync/errors';

/** A subscribed feed's cached state: what the settings page shows and what sync compares against. */
export interface FeedRecord {
  url: string;
  publisher?: FeedPublisher;
  sequence?: number;
  generatedAt?: string;
  expiresAt?: string;
  etag?: string;
  lastModified?: string;
  lastAttemptAt?: number;
  lastSuccessAt?: number;
  lastError?: { code: SyncErrorCode; message: string; at: number };
  counts?: { tools: number; endorsements: number; quarantined: number };
  /** The first quarantined entries of the last stored version (capped; counts has the total). */
  quarantined?: QuarantinedEntry[];
}

/** Peer notes are written on the device (a later capability); the table exists from version 1. */
export interface NoteRecord {
  id: string;
  toolKeys: string[];
  updatedAt: number;
}

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
  stores: Record<string, string>;
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
        .modify((record) => {
          record.conditions = record.tool.conditions;
        }),
  },
];

export const DATABASE_NAME = 'signpost';

export class SignpostDatabase extends Dexie {
  feeds!: EntityTable<FeedRecord, 'url'>;
  tools!: EntityTable<ToolRecord, 'id'>;
  notes!: EntityTable<NoteRecord, 'id'>;
  settings!: EntityTable<SettingRecord, 'key'>;

  constructor(name: string = DATABASE_NAME) {
    super(name);
    for (const { version, stores, upgrade } of SCHEMA_VERSIONS) {
      const declared = this.version(version).stores(stores);
      if (upgrade) declared.upgrade(upgrade);
    }
  }
}
