// Reads and writes the extension's database from inside its service worker with the raw IndexedDB
// API, so the tests check what is really stored rather than what the extension's own code reports.
import type { Worker } from 'playwright-core';
import type { FeedRecord } from '@/lib/storage/db';
import { waitFor } from './wait';

type StoreName = 'feeds' | 'toolChunks' | 'notes' | 'teamNotes' | 'settings' | 'signpostings';

interface StoreRequest {
  store: StoreName;
  mode: 'count' | 'all' | 'put';
  value?: unknown;
  /** Restricts a count to the rows whose index has this key. */
  where?: { index: string; equals: string };
}

/**
 * Runs one request against the 'signpost' database. Returns null when the database does not
 * exist yet: opening it here would create an empty version that the extension would then upgrade.
 */
function storeRequest(serviceWorker: Worker, request: StoreRequest): Promise<unknown> {
  return serviceWorker.evaluate(async ({ store, mode, value, where }) => {
    const names = await indexedDB.databases();
    if (!names.some((info) => info.name === 'signpost')) return null;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('signpost');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      if (!db.objectStoreNames.contains(store)) return null;
      const tx = db.transaction(store, mode === 'put' ? 'readwrite' : 'readonly');
      const objects = tx.objectStore(store);
      const result =
        mode === 'put' ? objects.put(value) : mode === 'all' ? objects.getAll() : where ? objects.index(where.index).count(where.equals) : objects.count();
      return await new Promise<unknown>((resolve, reject) => {
        tx.oncomplete = () => resolve(result.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }, request);
}

export async function countRows(serviceWorker: Worker, store: StoreName, where?: StoreRequest['where']): Promise<number | null> {
  return (await storeRequest(serviceWorker, { store, mode: 'count', where })) as number | null;
}

/**
 * Tools stored for one feed (or all feeds): the records in chunks of the version each feed's
 * status row names. Null while the database does not exist.
 */
export async function countTools(serviceWorker: Worker, feedUrl?: string): Promise<number | null> {
  const chunks = (await storeRequest(serviceWorker, { store: 'toolChunks', mode: 'all' })) as { feedUrl: string; version: string; records: unknown[] }[] | null;
  if (chunks === null) return null;
  const versions = new Map((await readFeeds(serviceWorker)).map((feed) => [feed.url, feed.contentVersion]));
  return chunks
    .filter((chunk) => (feedUrl === undefined || chunk.feedUrl === feedUrl) && versions.get(chunk.feedUrl) === chunk.version)
    .reduce((sum, chunk) => sum + chunk.records.length, 0);
}

/** Waits until the bundled registry (or any feed) has tools stored, as after install. */
export async function waitForRegistry(serviceWorker: Worker): Promise<void> {
  await waitFor(async () => ((await countTools(serviceWorker)) ?? 0) > 0, { timeoutMs: 20_000, message: 'the bundled registry' });
}

export async function readFeeds(serviceWorker: Worker): Promise<FeedRecord[]> {
  return ((await storeRequest(serviceWorker, { store: 'feeds', mode: 'all' })) as FeedRecord[] | null) ?? [];
}

/**
 * Writes the subscriptions setting as the settings page will (Dexie table 'settings', key
 * 'subscriptions'). Returns false, writing nothing, while the extension has not created its database.
 */
export async function writeSubscriptions(serviceWorker: Worker, urls: readonly string[], addedAt = Date.now()): Promise<boolean> {
  return writeSetting(serviceWorker, 'subscriptions', urls.map((url) => ({ url, addedAt })));
}

/** Writes one row of the settings table as the extension stores it. False while there is no database. */
export async function writeSetting(serviceWorker: Worker, key: string, value: unknown): Promise<boolean> {
  return (await storeRequest(serviceWorker, { store: 'settings', mode: 'put', value: { key, value } })) !== null;
}

/** Every row of a store, as IndexedDB holds it (not as the extension reads it back). */
export async function readRows(serviceWorker: Worker, store: StoreName): Promise<unknown[]> {
  return ((await storeRequest(serviceWorker, { store, mode: 'all' })) as unknown[] | null) ?? [];
}
