import { z } from '../zod';
import { isKnownCondition } from '../feed/conditions';
import type { Feed, FeedPublisher } from '../feed/schema';
import { count } from '../publish/report';
import type { FeedRecord, SignpostDatabase } from '../storage/db';
import { deleteFeedTools, toolTables } from '../storage/tool-store';
import { downloadFeed } from '../sync/download';
import { SyncError, httpStatusMessage, type SyncErrorCode } from '../sync/errors';
import { feedUrlProblem } from '../sync/feed-url';
import { BUNDLED_FEED_KEYS } from '../feed/bundled-key';
import { pinnedKeysSchema } from '../feed/keys';
import { readFeedFile, verifiableOf, type FeedHeader, type Manifest } from '../feed/signature';
import { verifyFeedDocument, type Verification } from '../feed/verify';
import { feedCounts, readSnapshot, syncFeed, syncFeeds, validateFeed, type FeedAnchors, type SyncDeps, type SyncOutcome } from '../sync/sync';
import { isLocked, loadPolicy, policyFeed } from './policy';
import { loadSubscriptions, saveSubscriptions, subscribedFeedUrls } from './subscriptions';

// Adding, checking and removing feeds. The settings page previews a feed itself (nothing is stored
// until the user confirms); everything that changes what is subscribed runs in the background, so
// one place syncs and a feed is never synced twice at once.

/** Where the feed bundled with Signpost lives in the extension (for browser.runtime.getURL). */
export const BUNDLED_FEED_PATH = '/feeds/default.json';
const MAX_SUBSCRIPTIONS = 200;
const MAX_URL_LENGTH = 2000;

/** The form a feed address is stored and compared in, so "HTTPS://Host/feed.json" is not a second feed. */
export function normaliseFeedUrl(input: string): string {
  return new URL(input.trim()).href;
}

/** Why Signpost will not add this address as a feed, in plain English, or null when it will. */
export function newFeedProblem(input: string, subscribed: readonly string[]): string | null {
  const trimmed = input.trim();
  if (!trimmed) return 'Enter the web address of the feed.';
  if (trimmed.length > MAX_URL_LENGTH) return `This address is too long (Signpost accepts up to ${MAX_URL_LENGTH} characters).`;
  const problem = feedUrlProblem(trimmed);
  if (problem) return problem;
  const url = new URL(trimmed);
  // Addresses are exported with the settings and shown on screen, so they must hold no secret.
  if (url.username || url.password) return 'The address must not include a user name or password.';
  if (subscribed.includes(url.href)) return 'You already subscribe to this feed.';
  return null;
}

/**
 * The permission pattern that lets Signpost download from a feed's host. Without a port, because
 * Firefox refuses ports in patterns and Chromium ignores them.
 */
export function hostPermissionPattern(url: string): string | null {
  try {
    const { protocol, hostname } = new URL(url);
    return `${protocol}//${hostname}/*`;
  } catch {
    return null;
  }
}

export function isPastExpiry(expiresAt: string | undefined, now: number): boolean {
  return expiresAt !== undefined && Date.parse(expiresAt) < now;
}

// ---- Preview -------------------------------------------------------------------------------

export interface FeedPreview {
  url: string;
  publisher: FeedPublisher;
  generatedAt: string;
  expiresAt?: string;
  counts: NonNullable<FeedRecord['counts']>;
  /** Whether the file is signed, and whether by the key the user gave. */
  signature: Verification;
  /** A signed file's header: its feed id, addresses and validity. */
  header?: FeedHeader;
  /** Things to know before subscribing, in plain English. */
  warnings: string[];
}

export type PreviewResult = { ok: true; preview: FeedPreview } | { ok: false; error: { code: SyncErrorCode; message: string } };

export interface PreviewDeps {
  fetch: typeof fetch;
  now: () => number;
  timeoutMs?: number;
  maxBytes?: number;
}

/**
 * Downloads a feed and reports what sync would make of it, storing nothing. Same address rules,
 * limits and decoder as sync, so a feed that previews cleanly is one sync will accept.
 */
export async function previewFeed(deps: PreviewDeps, input: string, keys: readonly string[] = []): Promise<PreviewResult> {
  try {
    const problem = feedUrlProblem(input.trim());
    if (problem) throw new SyncError('insecure-url', problem);
    const url = normaliseFeedUrl(input);
    const downloaded = await downloadFeed(deps, url);
    // No conditional headers were sent, so a 304 can only come from a misbehaving server.
    if (downloaded.status !== 'ok') throw new SyncError('http-status', httpStatusMessage(304));
    const file = await readFeedFile(downloaded.text);
    // The same verification as sync, with the keys the clinician is about to pin (no history yet: sync keeps the floor).
    const { verification: signature } = await verifyFeedDocument(verifiableOf(file), { url, bundled: false, anchors: keys, via: 'subscription', now: deps.now() });
    const seen = file.kind === 'document' ? seenInFeed(validateFeed(file.document.json)) : await seenInSnapshot(deps, url, file.manifest);
    const header = file.kind === 'document' ? file.document.signed?.header.value : file.manifest.signed.header.value;
    const expiresAt = header?.expiresAt ?? seen.envelope.expiresAt;
    return {
      ok: true,
      preview: {
        url,
        publisher: seen.envelope.publisher,
        generatedAt: seen.envelope.generatedAt,
        ...(expiresAt ? { expiresAt } : {}),
        ...(header ? { header } : {}),
        counts: seen.counts,
        signature,
        warnings: previewWarnings(url, expiresAt, seen.unknownConditions.size, seen.counts, deps.now()),
      },
    };
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    return { ok: false, error: { code: error.code, message: error.message } };
  }
}

/** What a preview reports of a feed's contents. */
interface Seen {
  envelope: Omit<Feed, 'tools'>;
  counts: FeedPreview['counts'];
  unknownConditions: Set<string>;
}

const MAX_UNKNOWN_CONDITIONS = 1_000;

function noteConditions(unknown: Set<string>, tool: Feed['tools'][number]): void {
  for (const id of tool.conditions) if (!isKnownCondition(id) && unknown.size < MAX_UNKNOWN_CONDITIONS) unknown.add(id);
}

function seenInFeed(decoded: ReturnType<typeof validateFeed>): Seen {
  const { tools, ...envelope } = decoded.feed;
  const unknownConditions = new Set<string>();
  for (const tool of tools) noteConditions(unknownConditions, tool);
  return { envelope, counts: feedCounts(decoded), unknownConditions };
}

/** A manifest's snapshot, read as sync reads it but only counted: a national feed is never held whole in the settings page. */
async function seenInSnapshot(deps: PreviewDeps, url: string, manifest: Manifest): Promise<Seen> {
  const unknownConditions = new Set<string>();
  let tools = 0;
  let endorsements = 0;
  const read = await readSnapshot(deps, url, manifest, (tool) => {
    tools += 1;
    endorsements += tool.endorsements.length;
    noteConditions(unknownConditions, tool);
  });
  return { envelope: read.envelope, counts: { tools, endorsements, quarantined: read.entries.quarantined.length, notes: read.notes.length }, unknownConditions };
}

function previewWarnings(url: string, expiresAt: string | undefined, unknownConditions: number, counts: FeedPreview['counts'], now: number): string[] {
  return [
    counts.tools === 0 ? 'The feed lists no tools yet.' : '',
    counts.quarantined > 0 ? `${count(counts.quarantined, 'entry is', 'entries are')} invalid and will be left out; the rest of the feed is used.` : '',
    isPastExpiry(expiresAt, now) ? 'The feed is past its expiry date. Signpost would still show its data, marked as possibly out of date.' : '',
    unknownConditions > 0 ? `${count(unknownConditions, 'condition name is', 'condition names are')} not in Signpost's list; they are shown as written.` : '',
    new URL(url).protocol === 'http:' ? 'This feed is on this computer (http://), for trying a feed out. Colleagues cannot reach it.' : '',
  ].filter(Boolean);
}

// ---- Subscriptions, in the background --------------------------------------------------------

/** A sync asked for by the settings page, for a feed that may have been removed in another tab meanwhile. */
export type SyncFeedReply = SyncOutcome | { url: string; status: 'not-subscribed' };
export type SubscribeReply = { ok: true; url: string; outcome: SyncOutcome } | { ok: false; problem: string };
export type ForgetReply = { ok: true } | { ok: false; problem: string };

/** Permission patterns the user granted from settings for feed hosts, so they can be given back. */
const FEED_PERMISSIONS_KEY = 'feed-host-permissions';
const feedPermissionsSchema = z.array(z.string().max(MAX_URL_LENGTH)).max(MAX_SUBSCRIPTIONS);

async function loadFeedPermissions(db: SignpostDatabase): Promise<string[]> {
  const parsed = feedPermissionsSchema.safeParse((await db.settings.get(FEED_PERMISSIONS_KEY))?.value ?? []);
  return parsed.success ? parsed.data : [];
}

/** Called when the user grants a feed host's permission, so removing its last feed gives it back. */
export async function recordFeedPermission(db: SignpostDatabase, pattern: string): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const granted = await loadFeedPermissions(db);
    if (!granted.includes(pattern)) await db.settings.put({ key: FEED_PERMISSIONS_KEY, value: feedPermissionsSchema.parse([...granted, pattern]) });
  });
}

/** Adds a subscription, with the publisher keys to pin if any, or says why not. Returns the address as stored. */
export async function addSubscription(
  db: SignpostDatabase,
  input: string,
  bundledFeedUrl: string,
  now: number,
  keys: readonly string[] = [],
): Promise<{ url: string } | { problem: string }> {
  const keysCheck = pinnedKeysSchema.safeParse(keys);
  if (!keysCheck.success) return { problem: 'The publisher key is not right: it should look like "ed25519:" followed by 44 letters, digits, "+", "/" or "=".' };
  return db.transaction('rw', db.settings, async () => {
    const [subscriptions, policy] = await Promise.all([loadSubscriptions(db), loadPolicy(db)]);
    if (isLocked(policy, 'feeds')) return { problem: MANAGED_FEEDS };
    const problem = newFeedProblem(input, [bundledFeedUrl, ...policy.feeds.map((feed) => feed.url), ...subscriptions.map((subscription) => subscription.url)]);
    if (problem) return { problem };
    if (subscriptions.length >= MAX_SUBSCRIPTIONS) return { problem: `You already subscribe to ${MAX_SUBSCRIPTIONS} feeds, the most Signpost keeps. Remove one first.` };
    const url = normaliseFeedUrl(input);
    await saveSubscriptions(db, [...subscriptions, { url, addedAt: now, ...(keysCheck.data.length ? { keys: keysCheck.data } : {}) }]);
    return { url };
  });
}

/**
 * The anchor keys a feed must be signed through: the bundled feed's ship with Signpost; NHS IT's
 * policy pins a managed feed's; the clinician pins their own subscriptions'. Rotations move on
 * from these (lib/feed/verify.ts).
 */
export async function anchorsFor(db: SignpostDatabase, bundledFeedUrl: string, url: string): Promise<FeedAnchors> {
  if (url === bundledFeedUrl) return { anchors: BUNDLED_FEED_KEYS, via: 'bundled', bundled: true };
  const managed = policyFeed(await loadPolicy(db), url);
  if (managed) return { anchors: managed.keys ?? [], via: 'policy', bundled: false };
  return { anchors: (await loadSubscriptions(db)).find((subscription) => subscription.url === url)?.keys ?? [], via: 'subscription', bundled: false };
}

const MANAGED_FEEDS = "Your organisation manages Signpost's feeds on this computer. Ask your IT team or digital champion to add or remove one.";

/** A feed's cached tools, colleagues' notes and status; the clinician's own notes are never touched. */
export async function dropFeedData(db: SignpostDatabase, url: string): Promise<void> {
  await db.transaction('rw', [db.feeds, ...toolTables(db), db.teamNotes], async () => {
    await deleteFeedTools(db, url);
    await db.teamNotes.where('feedUrl').equals(url).delete();
    await db.feeds.delete(url);
  });
}

/**
 * Unsubscribes and removes the feed's cached tools and status in one transaction, so the registry
 * never holds tools of a feed the user has removed. Notes are the user's own and are kept.
 * Returns the permission pattern to give back, when one was granted for this feed's host and no
 * other subscribed feed still needs it.
 */
export async function forgetFeed(db: SignpostDatabase, url: string): Promise<{ removed: boolean; releasePattern?: string }> {
  return db.transaction('rw', [db.settings, db.feeds, ...toolTables(db), db.teamNotes], async () => {
    const subscriptions = await loadSubscriptions(db);
    const remaining = subscriptions.filter((subscription) => subscription.url !== url);
    const removed = remaining.length < subscriptions.length;
    if (removed) await saveSubscriptions(db, remaining);
    await dropFeedData(db, url);
    const pattern = hostPermissionPattern(url);
    const granted = await loadFeedPermissions(db);
    if (!removed || !pattern || !granted.includes(pattern) || remaining.some((subscription) => hostPermissionPattern(subscription.url) === pattern)) return { removed };
    await db.settings.put({ key: FEED_PERMISSIONS_KEY, value: granted.filter((entry) => entry !== pattern) });
    return { removed, releasePattern: pattern };
  });
}

export interface FeedManagerDeps extends SyncDeps {
  bundledFeedUrl: string;
  releaseHostPermission: (pattern: string) => Promise<void>;
}

export interface FeedManager {
  syncAll(): Promise<SyncOutcome[]>;
  sync(url: string): Promise<SyncFeedReply>;
  subscribe(url: string, keys?: readonly string[]): Promise<SubscribeReply>;
  forget(url: string): Promise<ForgetReply>;
}

export function feedManager(managerDeps: FeedManagerDeps): FeedManager {
  const { db, bundledFeedUrl } = managerDeps;
  const deps: FeedManagerDeps = {
    ...managerDeps,
    anchorsFor: (url) => anchorsFor(db, bundledFeedUrl, url),
  };
  const subscribed = () => subscribedFeedUrls(db, bundledFeedUrl);
  // A feed removed while its sync was running would get its tools back when the sync stores them,
  // so every sync ends by clearing out a feed that is no longer subscribed.
  const settle = async (outcome: SyncOutcome): Promise<SyncOutcome> => {
    if (!(await subscribed()).includes(outcome.url)) await dropFeedData(db, outcome.url);
    return outcome;
  };
  const syncOne = async (url: string) => settle(await syncFeed(deps, url));

  return {
    syncAll: async () => Promise.all((await syncFeeds(deps, await subscribed())).map(settle)),
    sync: async (url) => {
      return (await subscribed()).includes(url) ? syncOne(url) : { url, status: 'not-subscribed' };
    },
    subscribe: async (input, keys = []) => {
      const added = await addSubscription(db, input, bundledFeedUrl, deps.now(), keys);
      if ('problem' in added) return { ok: false, problem: added.problem };
      return { ok: true, url: added.url, outcome: await syncOne(added.url) };
    },
    forget: async (url) => {
      if (url === bundledFeedUrl) return { ok: false, problem: 'The feed bundled with Signpost cannot be removed.' };
      const policy = await loadPolicy(db);
      if (policyFeed(policy, url)) return { ok: false, problem: 'This feed is set by your organisation, so it cannot be removed here.' };
      if (isLocked(policy, 'feeds')) return { ok: false, problem: MANAGED_FEEDS };
      // A feed imported from a file has no subscription or permission: only its data goes.
      if ((await db.feeds.get(url))?.importedFrom) {
        await dropFeedData(db, url);
        return { ok: true };
      }
      const { removed, releasePattern } = await forgetFeed(db, url);
      if (!removed) return { ok: false, problem: 'You do not subscribe to this feed.' };
      // Best effort: the feed is gone either way, and a browser may refuse to give back a permission.
      if (releasePattern) await deps.releaseHostPermission(releasePattern).catch(() => undefined);
      return { ok: true };
    },
  };
}

// ---- What the settings page lists ------------------------------------------------------------

export interface FeedListEntry {
  url: string;
  bundled: boolean;
  /** Set by the organisation's policy: the user cannot remove it. */
  managed?: boolean;
  /** Missing until the feed's first download has been tried. */
  record?: FeedRecord;
  /** The keys the user pinned for a feed they added (exported with their settings). */
  keys?: string[];
}

/** Every subscribed feed, the bundled one first, with its stored status; then feeds imported from files. */
export async function feedList(db: SignpostDatabase, bundledFeedUrl: string): Promise<FeedListEntry[]> {
  const [urls, records, policy, subscriptions] = await Promise.all([subscribedFeedUrls(db, bundledFeedUrl), db.feeds.toArray(), loadPolicy(db), loadSubscriptions(db)]);
  const byUrl = new Map(records.map((record) => [record.url, record]));
  const keysOf = new Map(subscriptions.map((subscription) => [subscription.url, subscription.keys]));
  const imported = records.filter((record) => record.importedFrom !== undefined).map((record) => ({ url: record.url, bundled: false, record }));
  const entry = (url: string): FeedListEntry => {
    const keys = keysOf.get(url);
    return { url, bundled: url === bundledFeedUrl, ...(policyFeed(policy, url) ? { managed: true } : {}), record: byUrl.get(url), ...(keys?.length ? { keys } : {}) };
  };
  return [...urls.map(entry), ...imported];
}
