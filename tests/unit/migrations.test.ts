import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, SignpostDatabase } from '@/lib/storage/db';
import { toolRecord } from '@/lib/sync/sync';
import { tool } from '../helpers/feeds';

/** Opens a database exactly as an older Signpost release declared it. */
function openAsVersion(name: string, version: number): Dexie {
  const old = new Dexie(name);
  for (const step of SCHEMA_VERSIONS.filter((s) => s.version <= version)) {
    const declared = old.version(step.version).stores(step.stores);
    if (step.upgrade) declared.upgrade(step.upgrade);
  }
  return old;
}

describe('schema migrations', () => {
  it('declares strictly increasing versions', () => {
    const versions = SCHEMA_VERSIONS.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('v1 → current keeps tools, feeds, notes and settings, and indexes tools by condition', async () => {
    const name = `migrate-${Math.random()}`;
    const v1 = openAsVersion(name, 1);
    const { conditions: _dropped, ...v1Record } = toolRecord('https://feed.example', tool({ id: 'copd-coach', conditions: ['copd'], identifiers: { apple: ['123456789'] } }));
    await v1.table('tools').put(v1Record);
    await v1.table('feeds').put({ url: 'https://feed.example', sequence: 3 });
    await v1.table('notes').put({ id: 'n1', toolKeys: ['apple:123456789'], updatedAt: 1 });
    await v1.table('settings').put({ key: 'subscriptions', value: [{ url: 'https://feed.example', addedAt: 1 }] });
    v1.close();

    const current = new SignpostDatabase(name);
    await current.open();
    expect(current.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    expect((await current.tools.where('conditions').equals('copd').toArray()).map((r) => r.tool.id)).toEqual(['copd-coach']);
    expect(await current.tools.where('keys').equals('apple:123456789').count()).toBe(1);
    expect(await current.feeds.get('https://feed.example')).toEqual({ url: 'https://feed.example', sequence: 3 });
    expect(await current.notes.get('n1')).toEqual({ id: 'n1', toolKeys: ['apple:123456789'], updatedAt: 1 });
    expect(await current.settings.get('subscriptions')).toBeDefined();
    current.close();
  });

  it('an upgrade that fails leaves the old database and its notes untouched', async () => {
    const name = `migrate-fail-${Math.random()}`;
    const v1 = openAsVersion(name, 1);
    await v1.table('notes').put({ id: 'n1', toolKeys: [], updatedAt: 1 });
    await v1.table('tools').put({ id: 'broken', feedUrl: 'x', keys: [] }); // no `tool`: the v2 upgrade throws on it
    v1.close();

    const current = new SignpostDatabase(name);
    await expect(current.open()).rejects.toThrow();
    current.close();

    const reopened = openAsVersion(name, 1);
    await reopened.open();
    expect(reopened.verno).toBe(1);
    expect(await reopened.table('notes').get('n1')).toEqual({ id: 'n1', toolKeys: [], updatedAt: 1 });
    reopened.close();
  });
});
