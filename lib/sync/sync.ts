import Dexie from 'dexie';
import { parseFeed, type QuarantinedEntry } from '../feed/parse';
import { readFeedDocument } from '../feed/signature';
import { meetsTrust, verifyFeedDocument, type AnchorSource, type FeedTrustState, type Verification } from '../feed/verify';
import type { Feed } from '../feed/schema';
import { productKeys } from '../lookup/keys';
import type { FeedNote } from '../notes/schema';
import type { FeedRecord, SignpostDatabase, TeamNoteRecord } from '../storage/db';
import { deleteFeedTools, toolRecord, toolTables, writeFeedTools } from '../storage/tool-store';
import { downloadFeed, type DownloadOptions } from './download';
import { SyncError, type SyncErrorCode } from './errors';

const STORED_QUARANTINE_LIMIT = 200;

/** The keys a feed must be signed through, and whether it is the bundled feed. */
export interface FeedAnchors {
  anchors: readonly string[];
  via?: AnchorSource;
  bundled: boolean;
}

const NO_ANCHORS: FeedAnchors = { anchors: [], bundled: false };

export interface SyncDeps extends Omit<DownloadOptions, 'headers'> {
  db: SignpostDatabase;
  now: () => number;
  /** The anchor keys for a feed: when there are any, only a feed signed through one is accepted. */
  anchorsFor?: (url: string) => Promise<FeedAnchors>;
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

/** Failures of the file itself, which a second, full download may not repeat (a cache, a half-published file). */
const CONTENT_FAILURES: ReadonlySet<SyncErrorCode> = new Set(['not-json', 'invalid-feed', 'bad-signature', 'older-sequence', 'same-sequence-changed', 'sequence-jump', 'too-large']);

interface Attempt {
  stored: FeedRecord | undefined;
  /** Whether the stored copy meets the trust now in force: only then may it answer "unchanged". */
  storedCounts: boolean;
  anchors: FeedAnchors;
  state: FeedTrustState | undefined;
  at: number;
}

/**
 * The recovery order (docs/threat-model.md, as Firefox Remote Settings does it): try; on a failure
 * of the file itself, try once more as a full download; if that fails too, keep the last good copy
 * only if it meets the trust in force now, and otherwise remove it, so nothing unverified is shown
 * where a key is required. For the bundled feed the download is the signed copy shipped inside
 * the extension, so it is also the fallback.
 */
async function runSync(deps: SyncDeps, url: string): Promise<SyncOutcome> {
  const at = deps.now();
  try {
    const [stored, anchors, state] = await Promise.all([deps.db.feeds.get(url), deps.anchorsFor?.(url) ?? NO_ANCHORS, deps.db.feedTrust.get(url)]);
    const attempt: Attempt = { stored, storedCounts: stored?.contentVersion !== undefined && meetsTrust(stored.signature, anchors.anchors, state), anchors, state, at };
    try {
      try {
        return await attemptSync(deps, url, attempt, attempt.storedCounts);
      } catch (error) {
        if (!(error instanceof SyncError && CONTENT_FAILURES.has(error.code))) throw error;
        return await attemptSync(deps, url, attempt, false);
      }
    } catch (error) {
      const failure = asSyncError(error);
      await recordFailure(deps.db, url, at, failure, stored?.contentVersion !== undefined && !attempt.storedCounts);
      return { url, status: 'failed', error: { code: failure.code, message: failure.message } };
    }
  } catch (error) {
    const failure = asSyncError(error);
    return { url, status: 'failed', error: { code: failure.code, message: failure.message } };
  }
}

async function attemptSync(deps: SyncDeps, url: string, { stored, storedCounts, anchors, state, at }: Attempt, conditional: boolean): Promise<SyncOutcome> {
  const fetched = await downloadFeed({ ...deps, headers: conditional ? conditionalHeaders(stored) : {} }, url);
  if (fetched.status === 'not-modified') {
    if (!conditional) throw new SyncError('http-status', 'The feed\'s server answered "not modified" to a request that asked for the whole feed.');
    // "Checked" is refreshed; how current the data is comes from the feed's own dates (threat model T3).
    await deps.db.feeds.put({ ...stored, url, lastAttemptAt: at, lastSuccessAt: at, lastError: undefined });
    return { url, status: 'unchanged' };
  }
  // The signatures, the header's name for the feed and the floor are checked before anything in the file is believed.
  const document = await readFeedDocument(fetched.text);
  const verified = await verifyFeedDocument(document, { url, bundled: anchors.bundled, anchors: anchors.anchors, ...(anchors.via ? { via: anchors.via } : {}), state, now: at });
  const meta = { etag: fetched.etag, lastModified: fetched.lastModified, at, signature: verified.verification, trust: verified.state };
  if (verified.unchanged && storedCounts && stored) {
    // The same bytes as the copy held, which was validated when stored: nothing to parse again.
    await deps.db.transaction('rw', [deps.db.feeds, deps.db.feedTrust], async () => {
      await deps.db.feeds.put({ ...stored, signature: meta.signature, etag: meta.etag, lastModified: meta.lastModified, lastAttemptAt: at, lastSuccessAt: at, lastError: undefined });
      await deps.db.feedTrust.put(meta.trust);
    });
    return { url, status: 'unchanged' };
  }
  const counts = await storeFeed(deps.db, url, validateFeed(document.json), meta);
  return { url, status: 'updated', counts };
}

/** "Has it changed?" headers, sent only when the stored copy meets the trust in force (see runSync). */
function conditionalHeaders(stored: FeedRecord | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (stored?.etag) headers['If-None-Match'] = stored.etag;
  if (stored?.lastModified) headers['If-Modified-Since'] = stored.lastModified;
  return headers;
}

export interface DecodedFeed {
  feed: Feed;
  quarantined: QuarantinedEntry[];
}

/** A feed file's contents, validated; a signed file is opened but its signatures not checked. */
export async function decodeFeed(text: string): Promise<DecodedFeed> {
  return validateFeed((await readFeedDocument(text)).json);
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
  meta: { etag?: string; lastModified?: string; at: number; importedFrom?: FeedRecord['importedFrom']; signature?: Verification; trust?: FeedTrustState },
): Promise<NonNullable<FeedRecord['counts']>> {
  const counts = feedCounts(decoded);
  const { tools, notes = [], ...envelope } = decoded.feed;
  const contentVersion = crypto.randomUUID();
  const records = tools.map((tool) => toolRecord(url, tool));
  // A signed header's expiry binds whatever the feed inside says (threat model T3).
  const signedExpiry = meta.signature?.status === 'verified' ? meta.signature.expiresAt : undefined;
  const expiresAt = [envelope.expiresAt, signedExpiry].filter((date) => date !== undefined).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
  await db.transaction('rw', [db.feeds, db.feedTrust, ...toolTables(db), db.teamNotes], async () => {
    await writeFeedTools(db, url, contentVersion, records);
    await db.teamNotes.where('feedUrl').equals(url).delete();
    await db.teamNotes.bulkPut(notes.map((note) => teamNoteRecord(url, note)));
    await db.feeds.put({
      url,
      contentVersion,
      publisher: envelope.publisher,
      sequence: envelope.sequence,
      generatedAt: envelope.generatedAt,
      ...(expiresAt ? { expiresAt } : {}),
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
    if (meta.trust) await db.feedTrust.put(meta.trust);
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

/**
 * Records why the last sync failed. `withdraw`: the stored copy no longer meets the trust in force,
 * so its tools and notes go (its floor stays in feedTrust) and only the failure is left to show.
 */
async function recordFailure(db: SignpostDatabase, url: string, at: number, failure: SyncError, withdraw: boolean): Promise<void> {
  try {
    await db.transaction('rw', [db.feeds, ...toolTables(db), db.teamNotes], async () => {
      const stored = await db.feeds.get(url);
      const lastError = { code: failure.code, message: failure.message, at };
      if (!withdraw) {
        await db.feeds.put({ ...stored, url, lastAttemptAt: at, lastError });
        return;
      }
      await deleteFeedTools(db, url);
      await db.teamNotes.where('feedUrl').equals(url).delete();
      await db.feeds.put({ url, ...(stored?.publisher ? { publisher: stored.publisher } : {}), lastAttemptAt: at, lastError, withdrawn: true });
    });
  } catch {
    // Recording the failure is best effort: when storage itself is failing, the last good data still stands.
  }
}
