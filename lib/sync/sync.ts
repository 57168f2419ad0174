import Dexie from 'dexie';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ToolStream } from '../feed/tool-stream';
import { HeapTextDecoder } from '../feed/heap-text-decoder';
import { ToolEntries, parseFeed, parseStreamedEnvelope, type QuarantinedEntry } from '../feed/parse';
import { stateEnvelopeOf, readPatch } from '../feed/delta';
import { matchesRef, readFeedDocument, readFeedFile, verifiableOf, type ContentRef, type Manifest } from '../feed/signature';
import { boundExpiry, meetsTrust, verifyFeedDocument, type AnchorSource, type FeedTrustState, type Verification } from '../feed/verify';
import type { Feed, Tool } from '../feed/schema';
import { productKeys } from '../lookup/keys';
import type { FeedNote } from '../notes/schema';
import type { FeedRecord, SignpostDatabase, TeamNoteRecord } from '../storage/db';
import { withdrawStoredCopy } from '../storage/set-aside';
import { PatchMismatch, StagedTools, patchFeedTools, storedState, toolRecord, toolTables, writeFeedTools } from '../storage/tool-store';
import { DEFAULT_TIMEOUT_MS, downloadFeed, downloadStream, type DownloadOptions } from './download';
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

async function attemptSync(deps: SyncDeps, url: string, attempt: Attempt, conditional: boolean): Promise<SyncOutcome> {
  const { stored, storedCounts, anchors, state, at } = attempt;
  const fetched = await downloadFeed({ ...deps, headers: conditional ? conditionalHeaders(stored) : {} }, url);
  if (fetched.status === 'not-modified') {
    if (!conditional) throw new SyncError('http-status', 'The feed\'s server answered "not modified" to a request that asked for the whole feed.');
    // "Checked" is refreshed; how current the data is comes from the feed's own dates (threat model T3).
    await deps.db.feeds.put({ ...stored, url, lastAttemptAt: at, lastSuccessAt: at, lastError: undefined });
    return { url, status: 'unchanged' };
  }
  // The signatures, the header's name for the feed and the floor are checked before anything in the file is believed.
  const file = await readFeedFile(fetched.text);
  const verified = await verifyFeedDocument(verifiableOf(file), { url, bundled: anchors.bundled, anchors: anchors.anchors, ...(anchors.via ? { via: anchors.via } : {}), state, now: at });
  const meta = { etag: fetched.etag, lastModified: fetched.lastModified, at, signature: verified.verification, trust: verified.state };
  if (verified.unchanged && storedCounts && stored) {
    // The same bytes as the copy held, which was validated when stored: nothing to parse again. A
    // header signed again binds the expiry anew (from the feed's own, where the row kept it).
    const expiresAt = boundExpiry(stored.stateEnvelope ? stored.stateEnvelope.expiresAt : stored.expiresAt, meta.signature);
    await deps.db.transaction('rw', [deps.db.feeds, deps.db.feedTrust], async () => {
      await deps.db.feeds.put({ ...stored, expiresAt, signature: meta.signature, etag: meta.etag, lastModified: meta.lastModified, lastAttemptAt: at, lastSuccessAt: at, lastError: undefined });
      await deps.db.feedTrust.put(meta.trust);
    });
    return { url, status: 'unchanged' };
  }
  if (file.kind === 'document') return { url, status: 'updated', counts: await storeFeed(deps.db, url, validateFeed(file.document.json), meta) };

  const { manifest } = file;
  const patch = storedCounts && stored?.state && manifest.state ? manifest.patches.find((candidate) => candidate.from === stored.sequence) : undefined;
  if (patch && stored) {
    try {
      return { url, status: 'updated', counts: await applyPatch(deps, url, stored, manifest, patch, meta) };
    } catch (error) {
      // A bad, missing or mismatched patch costs one full download, never the copy held (issue #15).
      if (!(error instanceof PatchMismatch || (error instanceof SyncError && CONTENT_FAILURES.has(error.code)) || (error instanceof SyncError && error.code === 'http-status'))) throw error;
    }
  }
  return { url, status: 'updated', counts: await streamSnapshot(deps, url, manifest, meta) };
}

/** The envelope fields a snapshot is read for (its tools are taken one by one). */
const ENVELOPE_FIELDS = ['format', 'version', 'publisher', 'sequence', 'generatedAt', 'expiresAt', 'staleAfterDays', 'notes'] as const;
/** How much of a snapshot is decoded and split at a time: the tools waiting to be stored are at most what this holds. */
const SNAPSHOT_SLICE_BYTES = 64 * 1024;

/** The envelope's fields from what is left of a snapshot once its tools are taken out; a tools array left in it means they were not read one by one. */
function envelopeFields(rest: unknown): Record<string, unknown> {
  const document = typeof rest === 'object' && rest !== null && !Array.isArray(rest) ? (rest as Record<string, unknown>) : {};
  if (!Array.isArray(document.tools) || document.tools.length > 0) {
    throw new SyncError('invalid-feed', 'The file is not a valid Signpost feed (tools: not a list of tools as Signpost reads them).');
  }
  return Object.fromEntries(ENVELOPE_FIELDS.filter((field) => Object.hasOwn(document, field)).map((field) => [field, document[field]]));
}

/**
 * Reads a manifest's snapshot as it downloads, handing each valid tool to `onTool` (waited for) and
 * keeping nothing else: the bytes are hashed as they pass and the file must match the signed hash
 * and length, end where its JSON ends, have a valid envelope and agree with the header. Sync stores
 * the tools; the settings page's preview only counts them, so neither holds the whole feed.
 */
export async function readSnapshot(
  deps: Omit<DownloadOptions, 'headers'>,
  manifestUrl: string,
  manifest: Manifest,
  onTool: (tool: Tool) => void | Promise<void>,
): Promise<{ envelope: Omit<Feed, 'tools'>; notes: FeedNote[]; entries: ToolEntries }> {
  const header = manifest.signed.header.value;
  const entries = new ToolEntries();
  const stream = new ToolStream();
  const decoder = new HeapTextDecoder();
  const hash = sha256.create();
  let length = 0;
  const read = (text: () => string) => {
    try {
      return stream.write(text());
    } catch {
      throw new SyncError('not-json', "The feed's snapshot is not valid JSON. The previous copy is kept.");
    }
  };
  // A second more per signed megabyte: 51 MB uncompressed on a 10 Mbit/s practice line takes 40 s.
  const timeoutMs = (deps.timeoutMs ?? DEFAULT_TIMEOUT_MS) + Math.ceil(manifest.snapshot.length / 1_048_576) * 1000;
  await downloadStream({ ...deps, timeoutMs, maxBytes: manifest.snapshot.length, headers: {} }, new URL(manifest.snapshot.path, manifestUrl).href, async (chunk) => {
    hash.update(chunk);
    length += chunk.byteLength;
    // In slices, so that the tools waiting to be stored are never more than one slice holds.
    for (let offset = 0; offset < chunk.byteLength; offset += SNAPSHOT_SLICE_BYTES) {
      for (const raw of read(() => decoder.decode(chunk.subarray(offset, offset + SNAPSHOT_SLICE_BYTES)))) {
        const tool = entries.add(raw);
        if (tool) await onTool(tool);
      }
    }
  });
  if (length !== manifest.snapshot.length || bytesToHex(hash.digest()) !== manifest.snapshot.sha256) {
    throw new SyncError('bad-signature', 'A file of the feed does not match the hash its signed manifest gives (changed, or cut off). The previous copy is kept.');
  }
  read(() => decoder.end());
  let rest: unknown;
  try {
    rest = stream.end();
  } catch {
    throw new SyncError('not-json', "The feed's snapshot ends before its JSON does, or is not valid JSON. The previous copy is kept.");
  }
  const fields = envelopeFields(rest);
  const parsed = parseStreamedEnvelope(fields, entries);
  if (!parsed.ok) throw new SyncError('invalid-feed', `The file is not a valid Signpost feed (${parsed.problems.slice(0, 3).map((p) => `${p.path || 'feed'}: ${p.message}`).join('; ')}).`);
  if (parsed.envelope.publisher.id !== header.publisherId || parsed.envelope.sequence !== header.sequence) {
    throw new SyncError('bad-signature', 'The feed is signed, but its header and the feed inside disagree on the publisher or the sequence. The previous copy is kept.');
  }
  return { envelope: parsed.envelope, notes: parsed.notes, entries };
}

/**
 * Stores a manifest's snapshot while it downloads, in bounded memory (issue #15): the bytes are
 * hashed and parsed as they arrive, each tool judged and written in chunks beside the version in
 * use; only once the whole file matches the signed hash and length, the envelope is valid and
 * agrees with the header, and the result comes to the signed state, is the new version put in
 * place, in one transaction with the feed's row. Any failure leaves the version in use untouched.
 */
async function streamSnapshot(deps: SyncDeps, url: string, manifest: Manifest, meta: StoreMeta & { trust: FeedTrustState }): Promise<NonNullable<FeedRecord['counts']>> {
  const { db } = deps;
  const staged = await StagedTools.begin(db, url);
  const { envelope, notes, entries } = await readSnapshot(deps, url, manifest, (tool) => staged.add(toolRecord(url, tool)));
  const built = await staged.finish();
  const stateEnvelope = stateEnvelopeOf(envelope);
  const state = storedState(built.index, stateEnvelope, notes);
  if (manifest.state && state !== manifest.state) {
    throw new SyncError('invalid-feed', "The feed's snapshot does not come to the state its signed manifest gives: the publisher's files do not belong together. The previous copy is kept.");
  }
  const counts = { tools: built.index.toolCount, endorsements: staged.endorsements, quarantined: entries.quarantined.length, notes: notes.length };
  await db.transaction('rw', [db.feeds, db.feedTrust, ...toolTables(db), db.teamNotes], async () => {
    await staged.commit(db, built);
    await db.teamNotes.where('feedUrl').equals(url).delete();
    await db.teamNotes.bulkPut(notes.map((note) => teamNoteRecord(url, note)));
    await db.feeds.put({ url, contentVersion: staged.version, ...rowFields(envelope, meta), state, stateEnvelope, counts, quarantined: entries.quarantined.slice(0, STORED_QUARANTINE_LIMIT) });
    await db.feedTrust.put(meta.trust);
  });
  return counts;
}


/** A file the signed header pins: downloaded up to its signed length, then checked against its hash. */
async function downloadPinned(deps: Omit<DownloadOptions, 'headers'>, url: string, ref: ContentRef): Promise<Uint8Array<ArrayBuffer>> {
  const fetched = await downloadFeed({ ...deps, maxBytes: ref.length, headers: {} }, url);
  if (fetched.status !== 'ok') throw new SyncError('http-status', 'The feed\'s server answered "not modified" to a request for a file it had not sent.');
  const bytes = new TextEncoder().encode(fetched.text);
  if (!(await matchesRef(bytes, ref))) throw new SyncError('bad-signature', 'A file of the feed does not match the hash its signed manifest gives (changed, or cut off). The previous copy is kept.');
  return bytes;
}

/**
 * Applies the patch from the stored copy to the manifest's state, in one transaction: the tools it
 * touches, the notes if they changed, and the feed's row; the result must come to the state the
 * manifest was signed with, or nothing is kept (PatchMismatch, and the caller downloads the snapshot).
 */
async function applyPatch(deps: SyncDeps, url: string, stored: FeedRecord, manifest: Manifest, ref: Manifest['patches'][number], meta: StoreMeta & { trust: FeedTrustState }): Promise<NonNullable<FeedRecord['counts']>> {
  const bytes = ref.inline ?? (ref.path ? await downloadPinned(deps, new URL(ref.path, url).href, ref) : null);
  if (!bytes) throw new PatchMismatch('the manifest names a patch but neither carries nor locates it');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new PatchMismatch('the patch is not JSON');
  }
  const read = readPatch(json);
  if (!read.ok) throw new PatchMismatch(read.problem);
  const { patch } = read;
  const header = manifest.signed.header.value;
  if (patch.feedId !== header.feedId || patch.from.sequence !== stored.sequence || patch.from.state !== stored.state || patch.to.sequence !== header.sequence || patch.to.state !== manifest.state) {
    throw new PatchMismatch('the patch is for another copy than the one held, or leads elsewhere than the manifest');
  }
  const { db } = deps;
  return db.transaction('rw', [db.feeds, db.feedTrust, ...toolTables(db), db.teamNotes], async () => {
    const { index, replaced } = await patchFeedTools(db, url, patch);
    if (patch.notes) {
      await db.teamNotes.where('feedUrl').equals(url).delete();
      await db.teamNotes.bulkPut(patch.notes.map((note) => teamNoteRecord(url, note)));
    }
    const notes = patch.notes ?? (await db.teamNotes.where('feedUrl').equals(url).toArray()).map((record) => record.note);
    if (storedState(index, patch.envelope, notes) !== manifest.state) throw new PatchMismatch('the patched copy does not come to the state the manifest was signed with');
    const endorsements = (stored.counts?.endorsements ?? 0) - replaced.reduce((sum, tool) => sum + tool.endorsements.length, 0) + patch.upsert.reduce((sum, tool) => sum + tool.endorsements.length, 0);
    const counts = { tools: index.liveTools, endorsements, quarantined: 0, notes: notes.length };
    // The stored copy's own dates go with it: a version that drops its expiry or staleness period must not keep the old one.
    const { expiresAt: _oldExpiry, staleAfterDays: _oldPeriod, ...kept } = stored;
    await db.feeds.put({
      ...kept,
      ...rowFields({ ...patch.envelope, sequence: patch.to.sequence }, meta),
      contentVersion: stored.contentVersion,
      state: manifest.state,
      stateEnvelope: patch.envelope,
      counts,
      quarantined: [],
    });
    await db.feedTrust.put(meta.trust);
    return counts;
  });
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

export interface StoreMeta {
  etag?: string;
  lastModified?: string;
  at: number;
  importedFrom?: FeedRecord['importedFrom'];
  signature?: Verification;
  trust?: FeedTrustState;
  /** The state a signed manifest says the feed comes to: anything else is refused, nothing stored. */
  expectState?: string;
}

/** The feed row's fields that come from the feed's envelope and the download. */
function rowFields(envelope: Pick<Feed, 'publisher' | 'sequence' | 'generatedAt' | 'expiresAt' | 'staleAfterDays'>, meta: StoreMeta): Omit<FeedRecord, 'url'> {
  // A signed header's expiry binds whatever the feed inside says (threat model T3).
  const expiresAt = boundExpiry(envelope.expiresAt, meta.signature);
  return {
    publisher: envelope.publisher,
    sequence: envelope.sequence,
    generatedAt: envelope.generatedAt,
    ...(expiresAt ? { expiresAt } : {}),
    ...(envelope.staleAfterDays ? { staleAfterDays: envelope.staleAfterDays } : {}),
    etag: meta.etag,
    lastModified: meta.lastModified,
    lastAttemptAt: meta.at,
    lastSuccessAt: meta.at,
    ...(meta.importedFrom ? { importedFrom: meta.importedFrom } : {}),
    ...(meta.signature ? { signature: meta.signature } : {}),
  };
}

/**
 * Replaces one feed's tools, notes and status in a single transaction: all of it lands, or none.
 * The clinician's own notes are in another table, which no sync touches.
 */
export async function storeFeed(db: SignpostDatabase, url: string, decoded: DecodedFeed, meta: StoreMeta): Promise<NonNullable<FeedRecord['counts']>> {
  const counts = feedCounts(decoded);
  const { tools, notes = [], ...envelope } = decoded.feed;
  const contentVersion = crypto.randomUUID();
  const records = tools.map((tool) => toolRecord(url, tool));
  await db.transaction('rw', [db.feeds, db.feedTrust, ...toolTables(db), db.teamNotes], async () => {
    const index = await writeFeedTools(db, url, contentVersion, records);
    const stateEnvelope = stateEnvelopeOf(decoded.feed);
    const state = storedState(index, stateEnvelope, notes);
    if (meta.expectState && state !== meta.expectState) {
      throw new SyncError('invalid-feed', "The feed's snapshot does not come to the state its signed manifest gives: the publisher's files do not belong together. The previous copy is kept.");
    }
    await db.teamNotes.where('feedUrl').equals(url).delete();
    await db.teamNotes.bulkPut(notes.map((note) => teamNoteRecord(url, note)));
    await db.feeds.put({
      url,
      contentVersion,
      ...rowFields(envelope, meta),
      state,
      stateEnvelope,
      counts,
      quarantined: decoded.quarantined.slice(0, STORED_QUARANTINE_LIMIT),
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
      if (withdraw) await withdrawStoredCopy(db, url, stored, lastError);
      else await db.feeds.put({ ...stored, url, lastAttemptAt: at, lastError });
    });
  } catch {
    // Recording the failure is best effort: when storage itself is failing, the last good data still stands.
  }
}

