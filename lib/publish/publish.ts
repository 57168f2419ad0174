// `registry publish`: a feed as a folder for any static host, object store or CDN (issue #15,
// docs/feed-format.md "Large feeds: snapshots and patches"): a signed manifest at the address
// subscribers use, the feed as an immutable snapshot, and patches to it from every publication of
// the last few days, so a client a few days behind catches up in one small download.
import { diffFeeds, feedState, patchText } from '../feed/delta';
import { parseFeed } from '../feed/parse';
import type { Feed } from '../feed/schema';
import { count, type Report } from './report';
import { prepareSigning, signPrepared, type SignOptions } from './signing';

export const MANIFEST_FILE = 'feed.json';
const SNAPSHOTS = 'snapshots';
const PATCHES = 'patches';
const DAY_MS = 86_400_000;
/** uBlock Origin keeps five days of patches: a client that is off for a long weekend still gets one. */
export const DEFAULT_KEEP_DAYS = 5;
/** Patches up to this size ride inside the manifest itself: then a client a few days behind needs one request. */
export const INLINE_PATCH_BYTES = 4096;

/** The folder as the publisher's machine holds it: paths relative to it. */
export interface Folder {
  list(directory: string): Promise<string[]>;
  read(path: string): Promise<string | null>;
  write(path: string, text: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export interface PublishOptions extends SignOptions {
  keepDays?: number;
}

const snapshotPath = (sequence: number) => `${SNAPSHOTS}/${sequence}.json`;
const patchPath = (from: number, to: number) => `${PATCHES}/${from}-${to}.json`;

function parsedFeed(text: string): Feed | null {
  try {
    const result = parseFeed(JSON.parse(text));
    return result.ok ? result.feed : null;
  } catch {
    return null;
  }
}

/**
 * Writes the new snapshot, the patches to it from the kept earlier snapshots, and the signed
 * manifest, last, so that a client reading the folder while it is written never sees a manifest
 * naming files that are not there yet (TUF's consistent snapshots). Snapshots older than
 * `keepDays` before this one, and patches that no longer lead to the current one, are removed.
 */
export async function publishFeed(feedFile: string, feedText: string, folder: Folder, options: PublishOptions): Promise<Report> {
  const prepared = await prepareSigning(feedFile, feedText, options);
  if (!prepared.ok) return prepared.report;
  const parsed = parseFeed(JSON.parse(feedText));
  if (!parsed.ok) return { exitCode: 1, lines: [`${feedFile}: not a valid feed; run validate on it`] };
  if (parsed.quarantined.length) return { exitCode: 1, lines: [`${feedFile}: ${count(parsed.quarantined.length, 'entry is', 'entries are')} invalid; fix them (run validate) before publishing, so that every subscriber holds exactly what you signed`] };
  const feed = parsed.feed;
  const keepDays = options.keepDays ?? DEFAULT_KEEP_DAYS;

  const earlier: Feed[] = [];
  for (const name of await folder.list(SNAPSHOTS)) {
    const sequence = Number(name.replace(/\.json$/, ''));
    if (!Number.isSafeInteger(sequence)) continue;
    if (sequence === feed.sequence) {
      if ((await folder.read(`${SNAPSHOTS}/${name}`)) !== feedText) return { exitCode: 1, lines: [`${SNAPSHOTS}/${name} already holds a different feed with sequence ${sequence}: raise the sequence (subscribers refuse a changed feed under the same one)`] };
      continue;
    }
    if (sequence > feed.sequence) return { exitCode: 1, lines: [`${SNAPSHOTS}/${name} has sequence ${sequence}, above this feed's ${feed.sequence}: raise the sequence (subscribers refuse a lower one)`] };
    const old = parsedFeed((await folder.read(`${SNAPSHOTS}/${name}`)) ?? '');
    if (old && Date.parse(feed.generatedAt) - Date.parse(old.generatedAt) <= keepDays * DAY_MS) earlier.push(old);
    else await folder.remove(`${SNAPSHOTS}/${name}`);
  }
  for (const name of await folder.list(PATCHES)) await folder.remove(`${PATCHES}/${name}`);

  await folder.write(snapshotPath(feed.sequence), feedText);
  const encoder = new TextEncoder();
  const patches = [];
  for (const old of earlier.sort((a, b) => a.sequence - b.sequence)) {
    const text = patchText(diffFeeds(prepared.prepared.header.feedId, old, feed));
    const path = patchPath(old.sequence, feed.sequence);
    await folder.write(path, text);
    patches.push({ from: old.sequence, bytes: encoder.encode(text), path });
  }
  const manifest = await signPrepared(feedFile, feedText, prepared.prepared, { snapshotPath: snapshotPath(feed.sequence), state: feedState(feed), patches, inlineUpTo: INLINE_PATCH_BYTES });
  if (!manifest.ok) return manifest.report;
  await folder.write(MANIFEST_FILE, manifest.text);
  const { expiresAt } = prepared.prepared.header;
  const inline = patches.filter((patch) => patch.bytes.length <= INLINE_PATCH_BYTES).length;
  return {
    exitCode: 0,
    lines: [
      `wrote ${snapshotPath(feed.sequence)} (${count(feed.tools.length, 'tool')}, ${encoder.encode(feedText).length} bytes)`,
      ...patches.map((patch) => `wrote ${patch.path} (${patch.bytes.length} bytes${patch.bytes.length <= INLINE_PATCH_BYTES ? ', also inside the manifest' : ''})`),
      `wrote ${MANIFEST_FILE}, signed, valid until ${expiresAt}: ${count(patches.length, 'patch', 'patches')} from the last ${count(keepDays, 'day')} (${inline} inline)`,
      `upload the folder with ${MANIFEST_FILE} last; serve ${MANIFEST_FILE} with Cache-Control: no-cache and ${SNAPSHOTS}/, ${PATCHES}/ as immutable (docs/feed-format.md)`,
    ],
  };
}
