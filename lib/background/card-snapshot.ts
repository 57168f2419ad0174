import type { LookupReply } from './handlers';

// Design note: a stopped service worker takes about 200 ms to start, and on a fast store page the
// card waited for it (cold page-to-card 380 ms on App Store pages against 48 ms on Google Play).
// So the worker keeps, in storage.local, the card it would show on the store page of every app its
// registry knows; the store content script paints that at once and the live answer, which it still
// asks for, replaces it moments later. The copy is rewritten after every change to feeds or
// settings (hidden cards included), so it is never staler than the registry for longer than one
// rewrite, and it is skipped for registries too large to copy (the card then waits, as before).

/** Store pages copied at most: a few MB in storage.local at ~3 KB a card. */
export const CARD_SNAPSHOT_LIMIT = 2_000;
/** Lets a burst of writes (a sync of several feeds) settle before the copy is rewritten once. */
export const CARD_SNAPSHOT_DELAY_MS = 1_000;
const SNAPSHOT_PREFIX = 'card-snapshot:';
const SNAPSHOT_INDEX = `${SNAPSHOT_PREFIX}keys`;

/** The storage.local key holding the card for one store page key (apple:…, play:…). */
export const snapshotKey = (pageKey: string) => `${SNAPSHOT_PREFIX}${pageKey}`;

/** A store page that a store key stands for, as recogniseUrl reads it back; null for other keys. */
export function storePageUrl(pageKey: string): string | null {
  if (pageKey.startsWith('apple:')) return `https://apps.apple.com/app/id${pageKey.slice('apple:'.length)}`;
  if (pageKey.startsWith('play:')) return `https://play.google.com/store/apps/details?id=${encodeURIComponent(pageKey.slice('play:'.length))}`;
  return null;
}

export interface SnapshotStorage {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

export interface CardSnapshotDeps {
  area: SnapshotStorage;
  /** Every store key (apple:…, play:…) the registry knows. */
  storeKeys: () => Promise<string[]>;
  cardFor: (url: string) => Promise<LookupReply>;
}

/** Rewrites the whole copy; returns how many store pages it holds (0 when the registry is too big). */
export async function writeCardSnapshot({ area, storeKeys, cardFor }: CardSnapshotDeps): Promise<number> {
  const keys = (await storeKeys()).filter((key) => storePageUrl(key) !== null);
  const cards = keys.length <= CARD_SNAPSHOT_LIMIT ? await Promise.all(keys.map(async (key) => [snapshotKey(key), await cardFor(storePageUrl(key)!)] as const)) : [];
  // A hidden listing has no copy: showing it again (a settings write) brings it back at the next rewrite.
  const entries = cards.filter(([, card]) => !card.dismissed);
  const written = entries.map(([key]) => key);
  const kept = new Set(written);
  const previous = (await area.get(SNAPSHOT_INDEX))[SNAPSHOT_INDEX];
  const gone = Array.isArray(previous) ? previous.filter((key): key is string => typeof key === 'string' && key.startsWith(SNAPSHOT_PREFIX) && !kept.has(key)) : [];
  // Cards of tools no longer known go first: a failure part-way then leaves no card that should not be.
  if (gone.length > 0) await area.remove(gone);
  await area.set({ ...Object.fromEntries(entries), [SNAPSHOT_INDEX]: written });
  return written.length;
}

/**
 * Drops the stored cards of listings just hidden by the clinician, before the dismissal is
 * answered, so that the next visit to the listing does not flash its card before the rewrite.
 */
export async function forgetCards(area: SnapshotStorage, pageKeys: readonly string[]): Promise<void> {
  await area.remove(pageKeys.map(snapshotKey));
}

/** Schedules rewrites: many changes in a row cause one, `delayMs` after the last. */
export function cardSnapshotScheduler(deps: CardSnapshotDeps, delayMs = CARD_SNAPSHOT_DELAY_MS, onError: (error: unknown) => void = console.warn) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule(): void {
      clearTimeout(timer);
      timer = setTimeout(() => void writeCardSnapshot(deps).catch(onError), delayMs);
    },
  };
}
