import type { FeedRecord, SignpostDatabase } from './db';
import { deleteFeedTools, toolTables } from './tool-store';

// Setting a feed's stored copy aside: its tools and team notes removed, its row kept with who
// published it and why the copy went. Sync does it when a copy no longer meets the trust in force;
// the worker and extension pages do it when their reader finds a copy damaged (hazard H46). Kept
// apart from lib/sync so that the popup and the handout page can do it without the sync code.

/** Removes a feed's stored tools and team notes, keeping only who published it and why it went; inside a transaction over those tables. */
export async function withdrawStoredCopy(db: SignpostDatabase, url: string, stored: FeedRecord | undefined, lastError: NonNullable<FeedRecord['lastError']>): Promise<void> {
  await deleteFeedTools(db, url);
  await db.teamNotes.where('feedUrl').equals(url).delete();
  await db.feeds.put({ url, ...(stored?.publisher ? { publisher: stored.publisher } : {}), lastAttemptAt: lastError.at, lastError, withdrawn: true });
}

/**
 * Sets aside a stored copy a reader found damaged (lib/storage/stored-rows.ts), so that no card
 * counts the feed as checked and the next sync downloads it whole: the row keeps no version, so no
 * conditional request can answer "unchanged" and no patch is tried on it. Only the version found
 * damaged is removed; one stored since is left alone. Returns whether it was removed.
 */
export async function setAsideDamagedCopy(db: SignpostDatabase, url: string, version: string, at: number): Promise<boolean> {
  return db.transaction('rw', [db.feeds, ...toolTables(db), db.teamNotes], async () => {
    const stored = await db.feeds.get(url);
    if (!stored || stored.contentVersion !== version) return false;
    const again = stored.importedFrom ? 'Import its file again to show its claims.' : 'It is being downloaded again; its claims are not shown until then.';
    await withdrawStoredCopy(db, url, stored, { code: 'storage', message: `Signpost's stored copy of this feed was damaged, so it was set aside. ${again}`, at });
    return true;
  });
}

/** A feed repaired less than this long ago is not downloaded again: a copy that the checks refused straight after a download would otherwise be downloaded again and again. */
export const REPAIR_INTERVAL_MS = 10 * 60_000;

/**
 * What a reader calls when it finds a copy damaged (ToolReader's onDamaged): set it aside, then
 * have the feed downloaded again by `syncFeed` (the worker's own sync, or a message to it), at
 * most once per REPAIR_INTERVAL_MS for a feed; the next scheduled sync downloads it otherwise.
 */
export function repairDamagedCopies(db: SignpostDatabase, syncFeed: (url: string) => Promise<unknown>, now: () => number = Date.now): (url: string, version: string) => void {
  const repairedAt = new Map<string, number>();
  return (url, version) => {
    const at = now();
    void setAsideDamagedCopy(db, url, version, at)
      .then((setAside) => {
        if (!setAside) return undefined;
        if (at - (repairedAt.get(url) ?? -Infinity) < REPAIR_INTERVAL_MS) {
          console.warn(`Signpost: ${url} was found damaged again soon after it was downloaded; it is left for the next scheduled sync.`);
          return undefined;
        }
        repairedAt.set(url, at);
        return syncFeed(url);
      })
      .catch((error: unknown) => console.warn('Signpost: repairing a damaged copy failed', error));
  };
}
