import Dexie from 'dexie';
import { parseFeed, type QuarantinedEntry } from '../feed/parse';
import { readFeedDocument, verifyFeedDocument, type Verification } from '../feed/signature';
import type { Feed } from '../feed/schema';
import { productKeys } from '../lookup/keys';
import type { FeedNote } from '../notes/schema';
import type { FeedRecord, SignpostDatabase, TeamNoteRecord } from '../storage/db';
import { toolRecord, toolTables, writeFeedTools } from '../storage/tool-store';
import { downloadFeed, type DownloadOptions } from './download';
import { SyncError } from './errors';

const STORED_QUARANTINE_LIMIT = 200;

export interface SyncDeps extends Omit<DownloadOptions, 'headers'> {
  db: SignpostDatabase;
  now: () => number;
  /** The publisher keys pinned for a feed: when there are any, only a feed signed by one is accepted. */
  pinnedKeys?: (url: string) => Promise<readonly string[]>;
  /** Called after a verified update whose feed announces its publisher's next keys (key rotation). */
  onNextKeys?: (url: string, keys: readonly string[]) => Promise<void>;
}

export type SyncOutcome =
  | { url: string; status: 'updated'; counts: NonNullable<FeedRecord['counts']> }
  | { url: string; status: 'unchanged' }
  | { url: string; status: 'failed'; error: { code: SyncError['code']; message: string } };

const running = new Map<string, Promise<SyncOutcome>>();

/**
 * Syncs one feed. Concurrent calls for the same feed share one run. Whatever fails, the feed's
 * last good tools stay as they were: they are replaced only inside one transaction at the end.
 */
export function syncFeed(deps: SyncDeps, url: string): Promise<SyncOutcome> {
  const lockKey = `${deps.db.name} ${url}`;
  const existing = running.get(lockKey);
  if (existing) return existing;
  const run = runSync(deps, url).finally(() => running.delete(lockKey));
  running.set(lockKey, run);
  return run;
}

export async function syncFeeds(deps: SyncDeps, urls: readonly string[]): Promise<SyncOutcome[]> {
  return Promise.all(urls.map((url) => syncFeed(deps, url)));
}

async function runSync(deps: SyncDeps, url: string): Promise<SyncOutcome> {
  const attemptAt = deps.now();
  try {
    const [stored, pinned] = await Promise.all([deps.db.feeds.get(url), deps.pinnedKeys?.(url) ?? []]);
    const fetched = await downloadFeed({ ...deps, headers: conditionalHeaders(stored, pinned) }, url);
    if (fetched.status === 'not-modified') {
      await deps.db.feeds.put({ ...stored, url, lastAttemptAt: attemptAt, lastSuccessAt: attemptAt, lastError: undefined });
      return { url, status: 'unchanged' };
    }
    // The signature is checked before anything in the file is believed, the sequence included.
    const document = readFeedDocument(fetched.text);
    const signature = await verifyFeedDocument(document, pinned);
    // The copy already held was validated when it was stored: the same publisher and sequence need
    // no second validation (the bundled feed has no ETag, so this is its every-start path).
    if (stored?.sequence !== undefined && isSameVersion(document.json, stored)) {
      await deps.db.feeds.put({ ...stored, signature, etag: fetched.etag, lastModified: fetched.lastModified, lastAttemptAt: attemptAt, lastSuccessAt: attemptAt, lastError: undefined });
      return { url, status: 'unchanged' };
    }
    const feed = validateFeed(document.json);
    if (stored?.sequence !== undefined && feed.feed.sequence < stored.sequence) {
      throw new SyncError(
        'older-sequence',
        `The feed is older than the copy already on this computer (sequence ${feed.feed.sequence}, we have ${stored.sequence}). The newer copy is kept.`,
      );
    }
    const counts = await storeFeed(deps.db, url, feed, { etag: fetched.etag, lastModified: fetched.lastModified, at: attemptAt, signature });
    if (signature.status === 'verified' && feed.feed.nextKeys?.length) await deps.onNextKeys?.(url, feed.feed.nextKeys);
    return { url, status: 'updated', counts };
  } catch (error) {
    const failure = asSyncError(error);
    await recordFailure(deps.db, url, attemptAt, failure);
    return { url, status: 'failed', error: { code: failure.code, message: failure.message } };
  }
}

/**
 * Only ask "has it changed?" when the data it would be compared with is really stored, and was
 * checked against the keys pinned now (a key pinned since must see the file again).
 */
function conditionalHeaders(stored: FeedRecord | undefined, pinned: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stored?.sequence === undefined) return headers;
  if (pinned.length > 0 && stored.signature?.status !== 'verified') return headers;
  if (stored.etag) headers['If-None-Match'] = stored.etag;
  if (stored.lastModified) headers['If-Modified-Since'] = stored.lastModified;
  return headers;
}

export interface DecodedFeed {
  feed: Feed;
  quarantined: QuarantinedEntry[];
}

/** A feed file's contents, validated; a signed envelope is opened but its signature not checked. */
export function decodeFeed(text: string): DecodedFeed {
  return validateFeed(readFeedDocument(text).json);
}

function isSameVersion(json: unknown, stored: FeedRecord): boolean {
  const raw = json as { sequence?: unknown; publisher?: { id?: unknown } } | null;
  return raw?.sequence === stored.sequence && raw?.publisher?.id === stored.publisher?.id;
}

export function validateFeed(json: unknown): DecodedFeed {
  const result = parseFeed(json);
  if (!result.ok) {
    const first = result.problems.slice(0, 3).map((p) => `${p.path || 'feed'}: ${p.message}`).join('; ');
    throw new SyncError('invalid-feed', `The file is not a valid Signpost feed (${first}).`);
  }
  return { feed: result.feed, quarantined: result.quarantined };
}

/** What a feed holds, as the settings page and a sync report count it. */
export function feedCounts({ feed, quarantined }: DecodedFeed): NonNullable<FeedRecord['counts']> {
  return {
    tools: feed.tools.length,
    endorsements: feed.tools.reduce((sum, tool) => sum + tool.endorsements.length, 0),
    quarantined: quarantined.length,
    notes: feed.notes?.length ?? 0,
  };
}

export function teamNoteRecord(feedUrl: string, note: FeedNote): TeamNoteRecord {
  return { id: `${feedUrl} ${note.id}`, feedUrl, toolKeys: productKeys(note.identifiers), note };
}

/**
 * Replaces one feed's tools, notes and status in a single transaction: all of it lands, or none.
 * The clinician's own notes are in another table, which no sync touches.
 */
export async function storeFeed(
  db: SignpostDatabase,
  url: string,
  decoded: DecodedFeed,
  meta: { etag?: string; lastModified?: string; at: number; importedFrom?: FeedRecord['importedFrom']; signature?: Verification },
): Promise<NonNullable<FeedRecord['counts']>> {
  const counts = feedCounts(decoded);
  const { tools, notes = [], ...envelope } = decoded.feed;
  const contentVersion = crypto.randomUUID();
  const records = tools.map((tool) => toolRecord(url, tool));
  await db.transaction('rw', [db.feeds, ...toolTables(db), db.teamNotes], async () => {
    await writeFeedTools(db, url, contentVersion, records);
    await db.teamNotes.where('feedUrl').equals(url).delete();
    await db.teamNotes.bulkPut(notes.map((note) => teamNoteRecord(url, note)));
    await db.feeds.put({
      url,
      contentVersion,
      publisher: envelope.publisher,
      sequence: envelope.sequence,
      generatedAt: envelope.generatedAt,
      expiresAt: envelope.expiresAt,
      ...(envelope.staleAfterDays ? { staleAfterDays: envelope.staleAfterDays } : {}),
      etag: meta.etag,
      lastModified: meta.lastModified,
      lastAttemptAt: meta.at,
      lastSuccessAt: meta.at,
      counts,
      quarantined: decoded.quarantined.slice(0, STORED_QUARANTINE_LIMIT),
      ...(meta.importedFrom ? { importedFrom: meta.importedFrom } : {}),
      ...(meta.signature ? { signature: meta.signature } : {}),
    });
  });
  return counts;
}

function asSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof Dexie.QuotaExceededError || (error instanceof Error && /quota/i.test(error.name + error.message))) {
    return new SyncError('storage', 'There is not enough storage space on this computer to save the feed. The previous copy is kept.');
  }
  return new SyncError('storage', `The feed could not be saved on this computer (${error instanceof Error ? error.name : 'unknown error'}). The previous copy is kept.`);
}

async function recordFailure(db: SignpostDatabase, url: string, at: number, failure: SyncError): Promise<void> {
  try {
    await db.transaction('rw', db.feeds, async () => {
      const stored = await db.feeds.get(url);
      await db.feeds.put({ ...stored, url, lastAttemptAt: at, lastError: { code: failure.code, message: failure.message, at } });
    });
  } catch {
    // Recording the failure is best effort: when storage itself is failing, the last good data still stands.
  }
}
