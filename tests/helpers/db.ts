import Dexie from 'dexie';
import { SCHEMA_VERSIONS, SignpostDatabase } from '@/lib/storage/db';
import { storeFeed } from '@/lib/sync/sync';
import type { Feed } from '@/lib/feed/schema';

let counter = 0;

/** A fresh database per test (fake-indexeddb), so tests never see each other's data. */
export function testDb(): SignpostDatabase {
  counter += 1;
  return new SignpostDatabase(`signpost-test-${counter}-${Math.random().toString(36).slice(2)}`);
}

export async function withFeeds(db: SignpostDatabase, feeds: Record<string, Feed>, at = Date.parse('2026-11-20T12:00:00Z')): Promise<void> {
  for (const [url, feed] of Object.entries(feeds)) await storeFeed(db, url, { feed, quarantined: [] }, { at });
}

/** Opens a database exactly as an older Signpost release declared it, to test upgrades from it. */
export function openAsVersion(name: string, version: number): Dexie {
  const old = new Dexie(name);
  for (const step of SCHEMA_VERSIONS.filter((s) => s.version <= version)) {
    const declared = old.version(step.version).stores(step.stores);
    if (step.upgrade) declared.upgrade(step.upgrade);
  }
  return old;
}
