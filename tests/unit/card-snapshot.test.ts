import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARD_SNAPSHOT_LIMIT, cardSnapshotScheduler, forgetCards, snapshotKey, storePageUrl, writeCardSnapshot, type SnapshotStorage } from '@/lib/background/card-snapshot';
import { lookupForCard, type LookupReply } from '@/lib/background/handlers';
import { recogniseUrl } from '@/lib/lookup/recognise';
import { hiddenListingKeys, hideCard, showCardAgain } from '@/lib/settings/dismissed';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { ToolReader } from '@/lib/storage/tool-store';
import { feed, tool } from '../helpers/feeds';
import { testDb } from '../helpers/db';
import { relayedNice, storeAsBundled } from '../helpers/trust';

const NOW = Date.parse('2026-11-25T12:00:00Z');

/** storage.local as the worker sees it, in memory. */
function memoryArea(initial: Record<string, unknown> = {}): SnapshotStorage & { items: Record<string, unknown> } {
  const items: Record<string, unknown> = { ...initial };
  return {
    items,
    get: async (key) => (key in items ? { [key]: items[key] } : {}),
    set: async (values) => void Object.assign(items, values),
    remove: async (keys) => keys.forEach((key) => delete items[key]),
  };
}

const copies = (area: { items: Record<string, unknown> }) => Object.keys(area.items).filter((key) => key !== 'card-snapshot:keys').sort();

async function registryWith(tools: ReturnType<typeof tool>[]) {
  const db = testDb();
  // The bundled feed, so its NICE decisions count as relayed (docs/trust-model.md §1).
  await storeAsBundled(db, feed({ tools }), { at: NOW });
  const reader = new ToolReader(db);
  const context = { registry: dexieRegistrySource(db, reader), hiddenListings: () => hiddenListingKeys(db), now: () => NOW };
  const deps = (area: SnapshotStorage) => ({
    area,
    storeKeys: async () => [...(await reader.keysWithPrefix('apple:')), ...(await reader.keysWithPrefix('play:')), ...(await reader.keysWithPrefix('web:'))],
    cardFor: (url: string) => lookupForCard(context, url),
  });
  return { db, deps };
}

const COACH = tool({ id: 'coach', name: 'Example Coach', identifiers: { apple: ['1000000001'], googlePlay: ['org.example.coach'], web: [{ origin: 'https://coach.example' }] }, endorsements: [relayedNice({ status: 'recommended' })] });
const DIARY = tool({ id: 'diary', name: 'Example Diary', identifiers: { apple: ['1000000002'] } });

afterEach(() => vi.useRealTimers());

describe('the store pages\' cards copied for a cold worker', () => {
  it('each store page key reads back, through recogniseUrl, as its own key', () => {
    expect(recogniseUrl(storePageUrl('apple:1000000001')!)).toEqual({ kind: 'apple', id: '1000000001' });
    expect(recogniseUrl(storePageUrl('play:org.example.coach')!)).toEqual({ kind: 'google-play', id: 'org.example.coach' });
    expect(storePageUrl('web:coach.example')).toBeNull();
  });

  it('holds exactly the card the worker answers for every store page of the registry, and none for websites', async () => {
    const { deps, db } = await registryWith([COACH, DIARY]);
    const area = memoryArea();
    expect(await writeCardSnapshot(deps(area))).toBe(3);
    expect(copies(area)).toEqual(['apple:1000000001', 'apple:1000000002', 'play:org.example.coach'].map(snapshotKey).sort());
    const context = { registry: dexieRegistrySource(db), hiddenListings: () => hiddenListingKeys(db), now: () => NOW };
    expect(area.items[snapshotKey('play:org.example.coach')]).toEqual(await lookupForCard(context, 'https://play.google.com/store/apps/details?id=org.example.coach'));
    expect((area.items[snapshotKey('apple:1000000001')] as LookupReply).matches[0]!.verdict.state).toBe('recommended');
  });

  it('a rewrite drops the cards of tools no longer in the registry, and of hidden listings, until shown again', async () => {
    const area = memoryArea();
    await writeCardSnapshot((await registryWith([COACH, DIARY])).deps(area));
    const { deps, db } = await registryWith([COACH]);
    // Hidden on the App Store: its Google Play listing keeps its card.
    await hideCard(db, { key: 'apple:1000000001', name: 'Example Coach', at: NOW });
    await writeCardSnapshot(deps(area));
    expect(copies(area)).toEqual([snapshotKey('play:org.example.coach')]);
    await showCardAgain(db, 'apple:1000000001');
    await writeCardSnapshot(deps(area));
    expect(copies(area)).toEqual(['apple:1000000001', 'play:org.example.coach'].map(snapshotKey).sort());
    expect((area.items[snapshotKey('apple:1000000001')] as LookupReply).dismissed).toBe(false);
  });

  it(`a registry of more than ${CARD_SNAPSHOT_LIMIT.toLocaleString('en-GB')} store pages is not copied, and an older copy is removed`, async () => {
    const area = memoryArea();
    await writeCardSnapshot((await registryWith([COACH])).deps(area));
    const cardFor = vi.fn();
    const keys = Array.from({ length: CARD_SNAPSHOT_LIMIT + 1 }, (_, index) => `apple:${2000000000 + index}`);
    expect(await writeCardSnapshot({ area, storeKeys: async () => keys, cardFor })).toBe(0);
    expect(cardFor).not.toHaveBeenCalled();
    expect(copies(area)).toEqual([]);
  });

  it('a hidden listing\'s card is dropped at once, before any rewrite', async () => {
    const area = memoryArea();
    await writeCardSnapshot((await registryWith([COACH, DIARY])).deps(area));
    await forgetCards(area, ['apple:1000000001']);
    expect(copies(area)).toEqual(['apple:1000000002', 'play:org.example.coach'].map(snapshotKey).sort());
  });

  it('a burst of changes causes one rewrite, after the last', async () => {
    vi.useFakeTimers();
    const area = memoryArea();
    const storeKeys = vi.fn(async () => []);
    const scheduler = cardSnapshotScheduler({ area, storeKeys, cardFor: vi.fn() }, 1000);
    for (let change = 0; change < 5; change++) {
      scheduler.schedule();
      await vi.advanceTimersByTimeAsync(500);
    }
    expect(storeKeys).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(storeKeys).toHaveBeenCalledTimes(1);
  });
});
