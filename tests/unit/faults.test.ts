// Fault suite (issue #6): faults in the database itself. Schema upgrades with the clinician's notes
// present (from every earlier version, blocked by another connection, failing half-way), storage
// failing inside a feed's save, and a team feed failing after a good one. After every fault the
// last good registry, the colleagues' notes and every one of the clinician's own notes are checked
// intact, deep-equal to what was there before.
import Dexie, { type Transaction } from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Feed, Tool } from '@/lib/feed/schema';
import { identifierKeys } from '@/lib/lookup/keys';
import type { ToolRecord } from '@/lib/registry/types';
import { endorsedConditions } from '@/lib/registry/verdict';
import { toolSearchWords } from '@/lib/search/search';
import { SCHEMA_VERSIONS, SignpostDatabase, type FeedRecord, type NoteRecord, type SettingRecord } from '@/lib/storage/db';
import { buildPostings } from '@/lib/storage/postings';
import { storedToolRecords, ToolReader, toolRecord, writeFeedTools, type ToolChunkRecord, type ToolIndexRecord, type ToolTables } from '@/lib/storage/tool-store';
import { syncFeed, teamNoteRecord, type SyncDeps } from '@/lib/sync/sync';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch, json, type Responder } from '../helpers/fetch';
import { noteRecord, sampleFeedNote, sampleNote } from '../helpers/notes';
import { openAsVersion } from '../helpers/db';

const FEED_URL = 'https://feeds.example/registry.json';
const TEAM_URL = 'https://team.example/notes.json';
const OTHER_URL = 'https://other.example/registry.json';
const NOW = Date.parse('2026-11-25T09:00:00Z');
const CURRENT_VERSION = SCHEMA_VERSIONS.at(-1)!.version;

afterEach(() => vi.restoreAllMocks());

// ---- Data: fictional tools, notes and settings ------------------------------------------------

const TOOLS: Tool[] = [
  tool({
    id: 'copd-coach',
    name: 'Example COPD Coach (test)',
    conditions: ['copd', 'asthma'],
    identifiers: { apple: ['1000000001'], googlePlay: ['org.example.copdcoach'] },
    endorsements: [endorsement({ status: 'recommended', conditions: ['copd'] }), endorsement({ status: 'recommended', sourceType: 'vendor-stated' })],
  }),
  tool({
    id: 'sleep-course',
    name: 'Example Sleep Course (test)',
    conditions: ['insomnia'],
    identifiers: { web: [{ origin: 'https://sleep.example' }] },
    endorsements: [endorsement({ status: 'conditional' })],
  }),
  tool({ id: 'plain-listing', name: 'Example Listing (test)', identifiers: { googlePlay: ['org.example.listing'] } }),
];

/** The clinician's own notes: full NoteRecords, one on two stores, one on a website, one deleted but restorable. */
const OWN_NOTES: NoteRecord[] = [
  noteRecord(sampleNote()),
  noteRecord(
    sampleNote({
      id: 'note-2',
      toolName: 'Example COPD Coach (test)',
      identifiers: { apple: ['1000000001'], googlePlay: ['org.example.copdcoach'] },
      verdict: 'use-with-care',
      text: 'Fine for confident smartphone users; others needed help with the log-in.',
      conditions: ['copd'],
      tags: ['needs smartphone', 'good for older patients'],
      author: { name: '', role: 'nurse' },
      updatedAt: '2026-11-10T14:30:00.000Z',
    }),
  ),
  {
    ...noteRecord(
      sampleNote({
        id: 'note-3',
        toolName: 'Example Sleep Course (test)',
        identifiers: { web: [{ origin: 'https://sleep.example', pathPrefix: '/course' }] },
        verdict: 'do-not-recommend',
        text: 'The course asks for payment after week two.',
        conditions: [],
        tags: [],
      }),
    ),
    deletedAt: NOW - 60_000,
  },
];

const FEED_ROW: FeedRecord = {
  url: FEED_URL,
  publisher: { id: 'example-publisher', name: 'Example Publisher (test)', kind: 'local-network' },
  sequence: 7,
  generatedAt: '2026-11-01T00:00:00Z',
  etag: '"v7"',
  lastAttemptAt: NOW - 1000,
  lastSuccessAt: NOW - 1000,
  counts: { tools: TOOLS.length, endorsements: 3, quarantined: 0 },
};

const SETTINGS: SettingRecord[] = [
  { key: 'subscriptions', value: [{ url: FEED_URL, addedAt: 1 }] },
  { key: 'profile', value: { name: 'Dr A. Example', role: 'gp', conditions: ['copd'] } },
  { key: 'dismissed', value: ['apple:1000000009'] },
];

const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
const byFeed = <T extends { feedUrl: string }>(rows: T[]) => [...rows].sort((a, b) => a.feedUrl.localeCompare(b.feedUrl));
const sleep = (ms: number) => new Promise<'timer'>((resolve) => setTimeout(() => resolve('timer'), ms));
const uniqueName = (label: string) => `faults-${label}-${Math.random().toString(36).slice(2)}`;

// ---- Older schema versions --------------------------------------------------------------------


/** The version v5 on stores a feed's tools under (FeedRecord.contentVersion): fixed when a test seeds them itself. */
const SEEDED_CONTENT_VERSION = 'seeded-content-version';

/**
 * A tool row as release `version` wrote it to the per-tool `tools` table: v1 had no derived fields,
 * v2 a plain conditions copy, v3 and v4 the endorsedFor and words fields their indexes read.
 * From v5 tools are kept in chunks (seedAtVersion), never as rows.
 */
function toolRowAsOf(version: number, value: Tool): Record<string, unknown> {
  const v1: Record<string, unknown> = { ...toolRecord(FEED_URL, value) };
  if (version === 1) return v1;
  if (version === 2) return { ...v1, conditions: value.conditions };
  if (version <= 4) return { ...v1, endorsedFor: [...endorsedConditions(value.endorsements, value.conditions)], words: toolSearchWords(value) };
  throw new Error(`v${version} keeps tools in chunks, not in rows of a tools table`);
}

/**
 * Stores TOOLS in chunks, and FEED_ROW carrying their content version, in one transaction: as the
 * current schema does, or (`asOf` 5 to 8) with the one index row and search-word row those
 * releases wrote, which v9 replaced by shards.
 */
async function storeToolsAsChunks(db: Dexie, contentVersion = SEEDED_CONTENT_VERSION, asOf = CURRENT_VERSION): Promise<void> {
  const records = TOOLS.map((t) => toolRecord(FEED_URL, t));
  if (asOf >= 9) {
    const tables: ToolTables = { toolChunks: db.table('toolChunks'), toolIndexes: db.table('toolIndexes'), toolShards: db.table('toolShards') };
    await db.transaction('rw', ['feeds', 'toolChunks', 'toolIndexes', 'toolShards'], async () => {
      await writeFeedTools(tables, FEED_URL, contentVersion, records);
      await db.table('feeds').put({ ...FEED_ROW, contentVersion });
    });
    return;
  }
  const postings = (termsOf: (record: ToolRecord) => Iterable<string>) => buildPostings(records.flatMap((record, position) => [...termsOf(record)].map((term) => [term, position] as const)));
  await db.transaction('rw', ['feeds', 'toolChunks', 'toolIndexes', 'toolWords'], async () => {
    await db.table('toolChunks').put({ id: `${FEED_URL} 0`, feedUrl: FEED_URL, version: contentVersion, records });
    await db.table('toolIndexes').put({
      feedUrl: FEED_URL,
      version: contentVersion,
      toolCount: records.length,
      keys: postings((record) => record.keys),
      ids: postings((record) => [record.id]),
      endorsedFor: postings((record) => endorsedConditions(record.tool.endorsements, record.tool.conditions)),
    });
    await db.table('toolWords').put({ feedUrl: FEED_URL, version: contentVersion, words: postings((record) => toolSearchWords(record.tool)) });
    await db.table('feeds').put({ ...FEED_ROW, contentVersion });
  });
}

/** Creates database `name` at schema `version` holding tools (as that version stored them), a feed, settings and own notes. */
async function seedAtVersion(name: string, version: number): Promise<void> {
  const old = openAsVersion(name, version);
  await old.open();
  expect(old.verno).toBe(version);
  if (version >= 5) {
    await storeToolsAsChunks(old, SEEDED_CONTENT_VERSION, version);
  } else {
    await old.table('tools').bulkPut(TOOLS.map((t) => toolRowAsOf(version, t)));
    await old.table('feeds').put(FEED_ROW);
  }
  await old.table('settings').bulkPut(SETTINGS);
  await old.table('notes').bulkPut(OWN_NOTES);
  old.close();
}

/** Ids of the stored tools a page showing `key` finds (the worker's lookup path), through a fresh reader. */
async function toolIdsWithKey(db: SignpostDatabase, key: string, reader = new ToolReader(db)): Promise<string[]> {
  return (await reader.recordsWithKeys([key])).map((r) => r.id).sort();
}

const rawChunks = async (db: SignpostDatabase) => byId(await db.toolChunks.toArray());
const rawIndexes = async (db: SignpostDatabase) => byFeed(await db.toolIndexes.toArray());

/**
 * Everything seeded is there, in the current shape, and findable through the current indexes.
 * `contentVersion`: what the feed's tools must be stored under (a migration picks a new random one).
 */
async function expectAllIntactAtCurrentVersion(db: SignpostDatabase, contentVersion: unknown = expect.any(String)): Promise<void> {
  expect(db.verno).toBe(CURRENT_VERSION);
  expect(byId(await db.notes.toArray())).toEqual(byId(OWN_NOTES));
  for (const note of OWN_NOTES) {
    for (const key of note.toolKeys) {
      expect((await db.notes.where('toolKeys').equals(key).toArray()).map((r) => r.id), key).toContain(note.id);
    }
  }
  // Every tool, in the current record shape (no v1–v4 derived fields left on it), and no other.
  expect(byId(await storedToolRecords(db, FEED_URL))).toEqual(byId(TOOLS.map((t) => toolRecord(FEED_URL, t))));
  expect(await storedToolRecords(db)).toHaveLength(TOOLS.length);
  const reader = new ToolReader(db);
  for (const value of TOOLS) {
    const id = `${FEED_URL} ${value.id}`;
    expect((await reader.recordsWithIds([id])).map((r) => r.id)).toEqual([id]);
    for (const key of identifierKeys(value.identifiers)) {
      expect(await toolIdsWithKey(db, key, reader), key).toEqual([id]);
    }
  }
  expect((await reader.recordsEndorsedFor(['copd'], 10)).map((r) => r.tool.id)).toEqual(['copd-coach']);
  // The feed row, now carrying the version its chunks and index row are stored under.
  const feeds = await db.feeds.toArray();
  expect(feeds).toEqual([{ ...FEED_ROW, contentVersion }]);
  const version = feeds[0]!.contentVersion;
  expect(await rawIndexes(db)).toEqual([expect.objectContaining({ feedUrl: FEED_URL, version, toolCount: TOOLS.length })]);
  const chunks = await rawChunks(db);
  expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) expect(chunk).toMatchObject({ feedUrl: FEED_URL, version });
  expect(byId((await db.settings.toArray()).map((s) => ({ ...s, id: s.key })))).toEqual(byId(SETTINGS.map((s) => ({ ...s, id: s.key }))));
  expect(await db.teamNotes.count()).toBe(0);
}

/** The object stores and indexes IndexedDB really holds, to compare a migrated database with a new one. */
function physicalSchema(db: Dexie): Record<string, string[]> {
  const idb = db.backendDB();
  const names = [...idb.objectStoreNames].sort();
  const tx = idb.transaction(names, 'readonly');
  return Object.fromEntries(names.map((store) => [store, [String(tx.objectStore(store).keyPath), ...[...tx.objectStore(store).indexNames].sort()]]));
}

/** A raw IndexedDB connection (fake-indexeddb), not Dexie: it does only what the test says. */
function rawOpen(name: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = version === undefined ? indexedDB.open(name) : indexedDB.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function rawGetAll<T>(db: IDBDatabase, store: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(store, 'readonly').objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result as T[]);
    request.onerror = () => reject(request.error);
  });
}

describe('upgrading the database with notes present', () => {
  it.each(SCHEMA_VERSIONS.slice(0, -1).map((s) => s.version))(
    'v%i → current keeps every note (deep-equal, findable by tool), every tool (findable by key), the feed and settings',
    async (version) => {
      const name = uniqueName(`from-v${version}`);
      await seedAtVersion(name, version);

      // v9 rebuilds every feed's index from its chunks, under a new version.
      const contentVersion = expect.any(String);
      const current = new SignpostDatabase(name);
      await current.open();
      await expectAllIntactAtCurrentVersion(current, contentVersion);
      const upgradedVersion = (await current.feeds.get(FEED_URL))?.contentVersion;
      // No index or store left over from an older release, none missing: as a fresh install has it.
      const fresh = new SignpostDatabase(uniqueName('fresh'));
      await fresh.open();
      expect(physicalSchema(current)).toEqual(physicalSchema(fresh));
      fresh.close();
      current.close();

      // And again after closing: the upgrade was committed, not just visible to its own connection.
      const reopened = new SignpostDatabase(name);
      await reopened.open();
      await expectAllIntactAtCurrentVersion(reopened, upgradedVersion);
      reopened.close();
    },
  );

  it('runs from every version before the current one, v1 to v5 included (a new version adds a case by itself)', () => {
    expect(SCHEMA_VERSIONS.slice(0, -1).map((s) => s.version)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
  });
});

describe('an upgrade blocked by another connection', () => {
  it('a connection at the old version that ignores versionchange: the open waits (Dexie fires "blocked"), nothing is lost, and the upgrade completes once it closes', async () => {
    const name = uniqueName('blocked');
    await seedAtVersion(name, 3);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);

    // Dexie stores version × 10 natively: v3 is IndexedDB version 30, so open(name, 3) would be a VersionError.
    await expect(rawOpen(name, 3)).rejects.toMatchObject({ name: 'VersionError' });
    const holder = await rawOpen(name, 30);
    expect(holder.version).toBe(30);
    const versionChanges: IDBVersionChangeEvent[] = [];
    holder.onversionchange = (event) => void versionChanges.push(event); // and does not close

    const current = new SignpostDatabase(name);
    const blocked: { oldVersion: number; newVersion: number | null }[] = [];
    current.on('blocked', (event: IDBVersionChangeEvent) => void blocked.push({ oldVersion: event.oldVersion, newVersion: event.newVersion }));
    let opened = false;
    const opening = current.open().then(() => {
      opened = true;
    });
    // A read asked for meanwhile waits for the open, too.
    const queuedRead = current.notes.toArray();

    expect(await Promise.race([opening.then(() => 'opened' as const), sleep(300)])).toBe('timer');
    expect(opened).toBe(false);
    expect(current.isOpen()).toBe(false);
    expect(versionChanges.map((e) => [e.oldVersion, e.newVersion])).toEqual([[30, CURRENT_VERSION * 10]]);
    expect(blocked).toEqual([{ oldVersion: 30, newVersion: CURRENT_VERSION * 10 }]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/blocked by other connection holding version 3/));

    // While blocked, the old connection still reads everything, untouched and in the old shape.
    expect(holder.version).toBe(30);
    expect(byId(await rawGetAll<NoteRecord>(holder, 'notes'))).toEqual(byId(OWN_NOTES));
    expect(byId(await rawGetAll<{ id: string }>(holder, 'tools'))).toEqual(byId(TOOLS.map((t) => toolRowAsOf(3, t) as { id: string })));
    expect([...holder.objectStoreNames]).not.toContain('teamNotes');
    // Still blocked after those reads.
    expect(await Promise.race([opening.then(() => 'opened' as const), sleep(100)])).toBe('timer');

    holder.close();
    await opening;
    expect(byId(await queuedRead)).toEqual(byId(OWN_NOTES));
    await expectAllIntactAtCurrentVersion(current);
    current.close();
  });

  it('an older Dexie connection (closes itself on versionchange, as Dexie does by default) does not hold the upgrade up', async () => {
    const name = uniqueName('dexie-holder');
    await seedAtVersion(name, 3);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const old = openAsVersion(name, 3);
    await old.open();
    expect(old.verno).toBe(3);

    const current = new SignpostDatabase(name);
    expect(await Promise.race([current.open().then(() => 'opened' as const), sleep(2000)])).toBe('opened');
    expect(old.isOpen()).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Another connection wants to upgrade database/));
    await expectAllIntactAtCurrentVersion(current);
    current.close();
  });

  it('a note saved through the old connection just before the upgrade is kept by it', async () => {
    const name = uniqueName('late-write');
    await seedAtVersion(name, 3);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const old = openAsVersion(name, 3);
    await old.open();
    const late = noteRecord(sampleNote({ id: 'note-late', text: 'Written in the old settings page as the update arrived.' }));
    const write = old.table('notes').put(late);
    const current = new SignpostDatabase(name);
    await Promise.all([write, current.open()]);
    expect(byId(await current.notes.toArray())).toEqual(byId([...OWN_NOTES, late]));
    current.close();
  });

  it('an older Dexie connection used again after the upgrade reopens the upgraded database: its write lands beside every note', async () => {
    // Dexie closes the old connection on versionchange but lets it reopen on next use; its declared
    // v3 is then lower than the database's, so it opens whatever version is there (and, finding
    // v3's notes.updatedAt index and the tools table v6 deleted missing, re-adds them empty by
    // bumping the native version: Dexie's "SchemaDiff" patch). Nothing is lost either way, and the
    // current connection keeps working, its tools still read from their chunks.
    const name = uniqueName('old-after-upgrade');
    await seedAtVersion(name, 3);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const old = openAsVersion(name, 3);
    await old.open();
    const current = new SignpostDatabase(name);
    await current.open();
    expect(old.isOpen()).toBe(false);

    const late = noteRecord(sampleNote({ id: 'note-late', text: 'Saved from a page still running the old release.' }));
    await old.table('notes').put(late);
    expect(byId(await current.notes.toArray())).toEqual(byId([...OWN_NOTES, late]));
    expect(await toolIdsWithKey(current, 'apple:1000000001')).toEqual([`${FEED_URL} copd-coach`]);
    expect(byId(await storedToolRecords(current, FEED_URL))).toEqual(byId(TOOLS.map((t) => toolRecord(FEED_URL, t))));
    old.close();
    current.close();
  });
});

describe('an upgrade that fails mid-way', () => {
  /** The shipped versions plus a next one whose upgrade wrecks notes, tool chunks, tool indexes and feeds, then throws. */
  function withFailingNextVersion(name: string): Dexie {
    const next = new Dexie(name);
    for (const step of SCHEMA_VERSIONS) {
      const declared = next.version(step.version).stores(step.stores);
      if (step.upgrade) declared.upgrade(step.upgrade);
    }
    next
      .version(CURRENT_VERSION + 1)
      .stores({ notes: 'id, *toolKeys, note.updatedAt', teamNotes: null })
      .upgrade(async (tx: Transaction) => {
        await tx.table('notes').clear();
        await tx.table('toolChunks').toCollection().modify((row: ToolChunkRecord) => {
          row.records = [];
          row.version = 'wrecked';
        });
        await tx.table('toolIndexes').clear();
        await tx.table('feeds').clear();
        throw new Error('a bug in the next release\'s upgrade');
      });
    return next;
  }

  it(`v${CURRENT_VERSION} → a failing v${CURRENT_VERSION + 1}: the database stays at v${CURRENT_VERSION} with tools, team notes and own notes untouched`, async () => {
    const name = uniqueName('fail-latest');
    const db = new SignpostDatabase(name);
    await storeToolsAsChunks(db);
    await db.settings.bulkPut(SETTINGS);
    await db.notes.bulkPut(OWN_NOTES);
    const teamNotes = [teamNoteRecord(TEAM_URL, sampleFeedNote({ id: 'team-1' })), teamNoteRecord(TEAM_URL, sampleFeedNote({ id: 'note-1', verdict: 'do-not-recommend' }))];
    await db.teamNotes.bulkPut(teamNotes);
    const chunksBefore = await rawChunks(db);
    const indexesBefore = await rawIndexes(db);
    db.close();

    const next = withFailingNextVersion(name);
    await expect(next.open()).rejects.toThrow(/a bug in the next release's upgrade/);
    next.close();

    const raw = await rawOpen(name);
    expect(raw.version).toBe(CURRENT_VERSION * 10);
    raw.close();
    const reopened = new SignpostDatabase(name);
    await reopened.open();
    expect(byId(await reopened.teamNotes.toArray())).toEqual(byId(teamNotes));
    // The chunks and index rows the failing upgrade wrecked or deleted are back, byte for byte.
    expect(await rawChunks(reopened)).toEqual(chunksBefore);
    expect(await rawIndexes(reopened)).toEqual(indexesBefore);
    await reopened.teamNotes.clear(); // so the shared check below (no team notes before v4) applies
    await expectAllIntactAtCurrentVersion(reopened, SEEDED_CONTENT_VERSION);
    reopened.close();
  });

  it(`v3 → v4 … v${CURRENT_VERSION} + a failing v${CURRENT_VERSION + 1}: the whole upgrade rolls back, the shipped steps included (v5's move into chunks, v6's table delete); the fixed release then upgrades cleanly`, async () => {
    const name = uniqueName('fail-from-v3');
    await seedAtVersion(name, 3);

    const next = withFailingNextVersion(name);
    await expect(next.open()).rejects.toThrow(/a bug in the next release's upgrade/);
    next.close();

    const v3 = openAsVersion(name, 3);
    await v3.open();
    expect(v3.verno).toBe(3);
    expect(v3.tables.map((t) => t.name).sort()).toEqual(['feeds', 'notes', 'settings', 'tools']);
    expect(byId(await v3.table('notes').toArray())).toEqual(byId(OWN_NOTES));
    expect(byId(await v3.table('tools').toArray())).toEqual(byId(TOOLS.map((t) => toolRowAsOf(3, t) as { id: string })));
    expect(await v3.table('feeds').toArray()).toEqual([FEED_ROW]);
    v3.close();

    const fixed = new SignpostDatabase(name);
    await fixed.open();
    await expectAllIntactAtCurrentVersion(fixed);
    fixed.close();
  });
});

// ---- Storage failing while a feed is saved ----------------------------------------------------

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

function deps(db: SignpostDatabase, responder: Responder, now = NOW): SyncDeps {
  return { db, fetch: fakeFetch(responder).fetch, now: () => now };
}

/** A registry feed that also carries colleagues' notes, as a team's combined feed may. */
function combinedFeed(sequence: number, toolIds: string[], noteIds: string[]): Feed {
  return feed({
    sequence,
    tools: toolIds.map((id, index) => tool({ id, name: `Example Tool ${id} (test)`, identifiers: { apple: [String(1000000100 + index)] } })),
    notes: noteIds.map((id) => sampleFeedNote({ id, text: `Colleague note ${id}: fictional test text.` })),
  });
}

interface Snapshot {
  /** Every feed's stored tool records, as storedToolRecords reads them. */
  tools: ToolRecord[];
  /** The rows under them, versions included: a failed save must leave not one of them changed. */
  toolChunks: ToolChunkRecord[];
  toolIndexes: ToolIndexRecord[];
  teamNotes: unknown[];
  notes: NoteRecord[];
  feeds: FeedRecord[];
}

async function snapshot(db: SignpostDatabase): Promise<Snapshot> {
  return {
    tools: byId(await storedToolRecords(db)),
    toolChunks: await rawChunks(db),
    toolIndexes: await rawIndexes(db),
    teamNotes: byId(await db.teamNotes.toArray()),
    notes: byId(await db.notes.toArray()),
    feeds: byId((await db.feeds.toArray()).map((f) => ({ ...f, id: f.url }))),
  };
}

/** Tools, team notes and own notes as before; the feed row differs only by the failed attempt. */
async function expectUnchangedBut(db: SignpostDatabase, before: Snapshot, url: string, code: string, message: RegExp, at: number) {
  const after = await snapshot(db);
  expect(after.tools).toEqual(before.tools);
  expect(after.toolChunks).toEqual(before.toolChunks);
  expect(after.toolIndexes).toEqual(before.toolIndexes);
  // And still found by the lookup path, through a fresh reader: each previous tool by each of its keys.
  expect(before.tools.length).toBeGreaterThan(0);
  const reader = new ToolReader(db);
  for (const record of before.tools) {
    for (const key of record.keys) expect(await toolIdsWithKey(db, key, reader), key).toContain(record.id);
  }
  expect(after.teamNotes).toEqual(before.teamNotes);
  expect(after.notes).toEqual(before.notes);
  const row = await db.feeds.get(url);
  const previous = before.feeds.find((f) => f.url === url)!;
  const { id: _id, ...previousRow } = previous as FeedRecord & { id: string };
  expect(row).toEqual({ ...previousRow, lastAttemptAt: at, lastError: { code, message: expect.stringMatching(message), at } });
  // Other feeds' rows are untouched.
  expect(after.feeds.filter((f) => f.url !== url)).toEqual(before.feeds.filter((f) => f.url !== url));
}

/** A database after a good sync of the combined feed (3 tools, 2 team notes) and another feed, with own notes. */
async function dbWithGoodData(): Promise<SignpostDatabase> {
  const db = testDb();
  expect(await syncFeed(deps(db, () => json(combinedFeed(5, ['one', 'two', 'three'], ['team-1', 'note-1']), { etag: '"v5"' })), FEED_URL)).toMatchObject({
    status: 'updated',
    counts: { tools: 3, notes: 2 },
  });
  expect(await syncFeed(deps(db, () => json(feed({ publisher: { id: 'other', name: 'Other (test)', kind: 'charity' }, tools: [tool({ id: 'other-tool' })] }))), OTHER_URL)).toMatchObject({
    status: 'updated',
  });
  await db.notes.bulkPut(OWN_NOTES);
  return db;
}

describe('storage failing part-way through storeFeed', () => {
  type Sabotage = (db: SignpostDatabase) => void;
  const sabotages: [string, Sabotage, RegExp][] = [
    [
      'toolChunks.bulkAdd refuses (quota), after the old chunks and index row were deleted',
      (db) => void vi.spyOn(db.toolChunks, 'bulkAdd').mockRejectedValue(quotaError()),
      /not enough storage space/,
    ],
    [
      'toolChunks.bulkAdd writes the new chunks and then hits the quota',
      (db) => {
        const real = db.toolChunks.bulkAdd.bind(db.toolChunks);
        vi.spyOn(db.toolChunks, 'bulkAdd').mockImplementation(((records: ToolChunkRecord[]) =>
          real(records).then(() => Dexie.Promise.reject(quotaError()))) as typeof real);
      },
      /not enough storage space/,
    ],
    [
      'toolIndexes.put refuses (quota), after the new chunks were written',
      (db) => void vi.spyOn(db.toolIndexes, 'put').mockRejectedValue(quotaError()),
      /not enough storage space/,
    ],
    [
      'teamNotes.bulkPut refuses (quota), after the new tools were written',
      (db) => void vi.spyOn(db.teamNotes, 'bulkPut').mockRejectedValue(quotaError()),
      /not enough storage space/,
    ],
    [
      'teamNotes.bulkPut writes one note and then hits the quota',
      (db) => {
        const real = db.teamNotes.bulkPut.bind(db.teamNotes);
        vi.spyOn(db.teamNotes, 'bulkPut').mockImplementation(((records: Parameters<typeof real>[0]) =>
          real(records.slice(0, 1)).then(() => Dexie.Promise.reject(quotaError()))) as typeof real);
      },
      /not enough storage space/,
    ],
    [
      'feeds.put (the last write) fails with an unknown storage error',
      (db) => void vi.spyOn(db.feeds, 'put').mockImplementationOnce(() => Dexie.Promise.reject(new DOMException('Internal error.', 'UnknownError'))),
      /could not be saved on this computer \(UnknownError\)/,
    ],
    [
      'the transaction is aborted after the tools were written, before the team notes (the worker stopped)',
      (db) =>
        void vi.spyOn(db.teamNotes, 'bulkPut').mockImplementation(() => {
          Dexie.currentTransaction!.abort();
          return Dexie.Promise.reject(new Dexie.AbortError('worker stopped'));
        }),
      /could not be saved/,
    ],
  ];

  it.each(sabotages)('%s: previous tools, team notes and own notes intact; lastError says storage', async (_label, sabotage, message) => {
    const db = await dbWithGoodData();
    const before = await snapshot(db);
    // A reader that lives through the failure, as the worker's does, primed with the previous tools.
    const liveReader = new ToolReader(db);
    expect(await toolIdsWithKey(db, 'apple:1000000100', liveReader)).toEqual([`${FEED_URL} one`]);
    sabotage(db);
    const next = combinedFeed(6, ['four', 'five'], ['team-2', 'team-3', 'team-4']);
    const outcome = await syncFeed(deps(db, () => json(next), NOW + 5000), FEED_URL);
    expect(outcome).toEqual({ url: FEED_URL, status: 'failed', error: { code: 'storage', message: expect.stringMatching(message) } });
    vi.restoreAllMocks();
    await expectUnchangedBut(db, before, FEED_URL, 'storage', message, NOW + 5000);
    expect(await toolIdsWithKey(db, 'apple:1000000100', liveReader)).toEqual([`${FEED_URL} one`]);

    // Once storage works again, the next sync stores the new version in full, and only it is found.
    expect(await syncFeed(deps(db, () => json(next), NOW + 9000), FEED_URL)).toMatchObject({ status: 'updated', counts: { tools: 2, notes: 3 } });
    expect((await storedToolRecords(db, FEED_URL)).map((r) => r.tool.id).sort()).toEqual(['five', 'four']);
    // combinedFeed numbers apple ids by position: 'four' now has the id 'one' had, 'three''s id is gone.
    expect(await toolIdsWithKey(db, 'apple:1000000100')).toEqual([`${FEED_URL} four`]);
    expect(await toolIdsWithKey(db, 'apple:1000000102')).toEqual([]);
    expect(await toolIdsWithKey(db, 'apple:1000000100', liveReader)).toEqual([`${FEED_URL} four`]);
    expect(await storedToolRecords(db, OTHER_URL)).toEqual(before.tools.filter((r) => r.feedUrl === OTHER_URL));
    expect((await db.teamNotes.where('feedUrl').equals(FEED_URL).toArray()).map((r) => r.note.id).sort()).toEqual(['team-2', 'team-3', 'team-4']);
    expect(byId(await db.notes.toArray())).toEqual(byId(OWN_NOTES));
    expect(await db.feeds.get(FEED_URL)).toMatchObject({ sequence: 6, lastSuccessAt: NOW + 9000 });
    expect((await db.feeds.get(FEED_URL))?.lastError).toBeUndefined();
  });

  it('when storage fails so badly the failure cannot be recorded either, the data still stands', async () => {
    const db = await dbWithGoodData();
    const before = await snapshot(db);
    vi.spyOn(db.teamNotes, 'bulkPut').mockRejectedValue(quotaError());
    vi.spyOn(db.feeds, 'put').mockImplementation(() => Dexie.Promise.reject(quotaError()));
    const outcome = await syncFeed(deps(db, () => json(combinedFeed(6, ['four'], [])), NOW + 5000), FEED_URL);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'storage' } });
    vi.restoreAllMocks();
    expect(await snapshot(db)).toEqual(before);
  });
});

describe('a team feed failing after a good one', () => {
  const teamFeed = (sequence: number, noteIds: string[]) =>
    feed({
      publisher: { id: 'example-pcn-champions', name: 'Example PCN digital champions (test)', kind: 'local-network' },
      sequence,
      tools: [],
      notes: noteIds.map((id, index) =>
        sampleFeedNote({
          id,
          identifiers: { apple: ['1000000001'] },
          text: `Colleague note ${index + 1}: fictional test text.`,
          author: { name: `Dr ${String.fromCharCode(66 + index)}. Example`, role: 'gp', organisation: 'Example Practice (test)' },
        }),
      ),
    });

  /** A database with a registry feed, a good team feed (sequence 3, two notes) and the own notes on the same tool. */
  async function dbWithTeamFeed() {
    const db = testDb();
    expect(await syncFeed(deps(db, () => json(feed({ sequence: 1, tools: TOOLS }))), FEED_URL)).toMatchObject({ status: 'updated' });
    // 'note-1' is also the id of an own note: different tables, so neither can replace the other.
    expect(await syncFeed(deps(db, () => json(teamFeed(3, ['team-1', 'note-1']), { etag: '"t3"' })), TEAM_URL)).toMatchObject({
      status: 'updated',
      counts: { tools: 0, notes: 2 },
    });
    await db.notes.bulkPut(OWN_NOTES);
    return db;
  }

  const failures: [string, Responder, string, RegExp][] = [
    ['HTTP 500', () => new Response('oops', { status: 500 }), 'http-status', /HTTP 500/],
    ['truncated JSON', () => new Response(JSON.stringify(teamFeed(4, ['team-1'])).slice(0, 150)), 'not-json', /not valid JSON/],
    ['an invalid envelope', () => json({ ...teamFeed(4, []), publisher: null }), 'invalid-feed', /publisher/],
    ['too many notes', () => json({ ...teamFeed(4, []), notes: Array.from({ length: 20_001 }, () => ({})) }), 'invalid-feed', /notes/],
    ['an older sequence (replay of an old file)', () => json(teamFeed(2, [])), 'older-sequence', /older than the copy/],
    ['a network failure', () => Promise.reject(new TypeError('Failed to fetch')), 'network', /could not be reached/],
  ];

  it.each(failures)('%s: previous team notes intact, own notes intact', async (_label, responder, code, message) => {
    const db = await dbWithTeamFeed();
    const before = await snapshot(db);
    expect(before.teamNotes).toHaveLength(2);
    const outcome = await syncFeed(deps(db, responder, NOW + 5000), TEAM_URL);
    expect(outcome).toEqual({ url: TEAM_URL, status: 'failed', error: { code, message: expect.stringMatching(message) } });
    await expectUnchangedBut(db, before, TEAM_URL, code, message, NOW + 5000);
    expect(await db.notes.get('note-1')).toEqual(OWN_NOTES[0]);
    expect((await db.teamNotes.where('toolKeys').equals('apple:1000000001').toArray()).map((r) => r.note.id).sort()).toEqual(['note-1', 'team-1']);
  });

  it('storage failing while the team notes are replaced: previous team notes and own notes intact', async () => {
    const db = await dbWithTeamFeed();
    const before = await snapshot(db);
    vi.spyOn(db.teamNotes, 'bulkPut').mockRejectedValue(quotaError());
    expect(await syncFeed(deps(db, () => json(teamFeed(4, ['team-9'])), NOW + 5000), TEAM_URL)).toMatchObject({ status: 'failed', error: { code: 'storage' } });
    vi.restoreAllMocks();
    await expectUnchangedBut(db, before, TEAM_URL, 'storage', /not enough storage space/, NOW + 5000);
  });

  it('a good team feed that drops every note removes the colleagues\' notes only, never an own note with the same id', async () => {
    const db = await dbWithTeamFeed();
    expect(await syncFeed(deps(db, () => json(teamFeed(4, []))), TEAM_URL)).toMatchObject({ status: 'updated', counts: { notes: 0 } });
    expect(await db.teamNotes.count()).toBe(0);
    expect(byId(await db.notes.toArray())).toEqual(byId(OWN_NOTES));
    expect(await storedToolRecords(db, FEED_URL)).toHaveLength(TOOLS.length);
    expect(await toolIdsWithKey(db, 'apple:1000000001')).toEqual([`${FEED_URL} copd-coach`]);
  });
});
