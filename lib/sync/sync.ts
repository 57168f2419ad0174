import Dexie from 'dexie';
import { parseFeed, type QuarantinedEntry } from '../feed/parse';
import type { Feed } from '../feed/schema';
import { identifierKeys } from '../lookup/keys';
import type { ToolRecord } from '../registry/types';
import type { FeedRecord, SignpostDatabase } from '../storage/db';
import { SyncError, bytesLabel, httpStatusMessage } from './errors';
import { feedUrlProblem } from './feed-url';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Big enough for a national registry of ~100k tools; small enough to refuse a runaway file. */
export const DEFAULT_MAX_BYTES = 64 * 1_048_576;
const STORED_QUARANTINE_LIMIT = 200;

export interface SyncDeps {
  db: SignpostDatabase;
  fetch: typeof fetch;
  now: () => number;
  timeoutMs?: number;
  maxBytes?: number;
  /** chrome-extension://<id>: the bundled feed is read from the extension's own files. */
  extensionOrigin?: string;
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
    const urlProblem = feedUrlProblem(url, deps.extensionOrigin);
    if (urlProblem) throw new SyncError('insecure-url', urlProblem);
    const stored = await deps.db.feeds.get(url);
    const fetched = await fetchFeedText(deps, url, stored);
    if (fetched === 'not-modified') {
      await deps.db.feeds.put({ ...stored, url, lastAttemptAt: attemptAt, lastSuccessAt: attemptAt, lastError: undefined });
      return { url, status: 'unchanged' };
    }
    const feed = decodeFeed(fetched.text);
    if (stored?.sequence !== undefined && feed.feed.sequence < stored.sequence) {
      throw new SyncError(
        'older-sequence',
        `The feed is older than the copy already on this computer (sequence ${feed.feed.sequence}, we have ${stored.sequence}). The newer copy is kept.`,
      );
    }
    if (stored?.sequence === feed.feed.sequence && stored.publisher?.id === feed.feed.publisher.id) {
      await deps.db.feeds.put({ ...stored, etag: fetched.etag, lastModified: fetched.lastModified, lastAttemptAt: attemptAt, lastSuccessAt: attemptAt, lastError: undefined });
      return { url, status: 'unchanged' };
    }
    const counts = await storeFeed(deps.db, url, feed, { etag: fetched.etag, lastModified: fetched.lastModified, at: attemptAt });
    return { url, status: 'updated', counts };
  } catch (error) {
    const failure = asSyncError(error);
    await recordFailure(deps.db, url, attemptAt, failure);
    return { url, status: 'failed', error: { code: failure.code, message: failure.message } };
  }
}

interface FetchedFeed {
  text: string;
  etag?: string;
  lastModified?: string;
}

async function fetchFeedText(deps: SyncDeps, url: string, stored: FeedRecord | undefined): Promise<FetchedFeed | 'not-modified'> {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = {};
  // Only ask "has it changed?" when the data it would be compared with is really stored.
  if (stored?.sequence !== undefined) {
    if (stored.etag) headers['If-None-Match'] = stored.etag;
    if (stored.lastModified) headers['If-Modified-Since'] = stored.lastModified;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deps.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const response = await deps.fetch(url, { headers, signal: controller.signal, credentials: 'omit', cache: 'no-store', redirect: 'follow' });
    if (response.url && response.url !== url) {
      const redirectProblem = feedUrlProblem(response.url, deps.extensionOrigin);
      if (redirectProblem) throw new SyncError('insecure-url', `The feed redirected to an address Signpost will not use. ${redirectProblem}`);
    }
    if (response.status === 304) return 'not-modified';
    if (!response.ok) throw new SyncError('http-status', httpStatusMessage(response.status));
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) throw tooLarge(declared, maxBytes);
    return {
      text: await readLimited(response, maxBytes),
      etag: response.headers.get('etag') ?? undefined,
      lastModified: response.headers.get('last-modified') ?? undefined,
    };
  } catch (error) {
    if (controller.signal.aborted) {
      throw new SyncError('timeout', `The feed took longer than ${Math.round((deps.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} seconds to arrive. Signpost will try again later.`);
    }
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function tooLarge(bytes: number, maxBytes: number): SyncError {
  return new SyncError('too-large', `The feed is larger than Signpost accepts (${bytesLabel(bytes)}; the limit is ${bytesLabel(maxBytes)}).`);
}

/** Reads the body while counting, so a huge or endless response is cut off early. */
async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(total, maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

export interface DecodedFeed {
  feed: Feed;
  quarantined: QuarantinedEntry[];
}

export function decodeFeed(text: string): DecodedFeed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SyncError('not-json', 'The feed file is not valid JSON; it may be cut off or not a Signpost feed.');
  }
  const result = parseFeed(json);
  if (!result.ok) {
    const first = result.problems.slice(0, 3).map((p) => `${p.path || 'feed'}: ${p.message}`).join('; ');
    throw new SyncError('invalid-feed', `The file is not a valid Signpost feed (${first}).`);
  }
  return { feed: result.feed, quarantined: result.quarantined };
}

export function toolRecord(feedUrl: string, tool: Feed['tools'][number]): ToolRecord {
  return { id: `${feedUrl} ${tool.id}`, feedUrl, tool, keys: identifierKeys(tool.identifiers), conditions: tool.conditions };
}

/** Replaces one feed's tools and status in a single transaction: all of it lands, or none. */
export async function storeFeed(
  db: SignpostDatabase,
  url: string,
  { feed, quarantined }: DecodedFeed,
  meta: { etag?: string; lastModified?: string; at: number },
): Promise<NonNullable<FeedRecord['counts']>> {
  const counts = {
    tools: feed.tools.length,
    endorsements: feed.tools.reduce((sum, tool) => sum + tool.endorsements.length, 0),
    quarantined: quarantined.length,
  };
  const { tools, ...envelope } = feed;
  await db.transaction('rw', db.feeds, db.tools, async () => {
    await db.tools.where('feedUrl').equals(url).delete();
    await db.tools.bulkPut(tools.map((tool) => toolRecord(url, tool)));
    await db.feeds.put({
      url,
      publisher: envelope.publisher,
      sequence: envelope.sequence,
      generatedAt: envelope.generatedAt,
      expiresAt: envelope.expiresAt,
      etag: meta.etag,
      lastModified: meta.lastModified,
      lastAttemptAt: meta.at,
      lastSuccessAt: meta.at,
      counts,
      quarantined: quarantined.slice(0, STORED_QUARANTINE_LIMIT),
    });
  });
  return counts;
}

function asSyncError(error: unknown): SyncError {
  if (error instanceof SyncError) return error;
  if (error instanceof Dexie.QuotaExceededError || (error instanceof Error && /quota/i.test(error.name + error.message))) {
    return new SyncError('storage', 'There is not enough storage space on this computer to save the feed. The previous copy is kept.');
  }
  if (error instanceof Dexie.DexieError) return new SyncError('storage', `The feed could not be saved on this computer (${error.name}). The previous copy is kept.`);
  if (error instanceof TypeError && /decode|utf-8|encoded/i.test(error.message)) {
    return new SyncError('not-json', 'The feed file is not valid UTF-8 text.');
  }
  // The browser reports a refused cross-origin read as a plain network error, so name that cause too.
  return new SyncError(
    'network',
    "The feed could not be reached (network error). Check the address and the connection; the feed's server must also allow Signpost to read it (see the feed guide). Signpost will try again later.",
  );
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
