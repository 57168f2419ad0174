import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSIONS, SignpostDatabase } from '@/lib/storage/db';
import { toolRecord } from '@/lib/sync/sync';
import { endorsement, tool } from '../helpers/feeds';
import { noteRecord, sampleNote } from '../helpers/notes';
import { openAsVersion } from '../helpers/db';


describe('schema migrations', () => {
  it('declares strictly increasing versions', () => {
    const versions = SCHEMA_VERSIONS.map((s) => s.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('v1 → current keeps tools, feeds, notes and settings, and indexes endorsed conditions and search words', async () => {
    const name = `migrate-${Math.random()}`;
    const v1 = openAsVersion(name, 1);
    const endorsed = tool({
      id: 'copd-coach',
      conditions: ['copd', 'asthma'],
      identifiers: { apple: ['123456789'] },
      endorsements: [endorsement({ status: 'conditional', conditions: ['copd'] }), endorsement({ status: 'recommended', sourceType: 'vendor-stated' })],
    });
    const { endorsedFor: _derived, words: _alsoDerived, ...v1Record } = toolRecord('https://feed.example', endorsed);
    await v1.table('tools').put(v1Record);
    await v1.table('feeds').put({ url: 'https://feed.example', sequence: 3 });
    await v1.table('notes').put({ id: 'n1', toolKeys: ['apple:123456789'], updatedAt: 1 });
    await v1.table('settings').put({ key: 'subscriptions', value: [{ url: 'https://feed.example', addedAt: 1 }] });
    v1.close();

    const current = new SignpostDatabase(name);
    await current.open();
    expect(current.verno).toBe(SCHEMA_VERSIONS.at(-1)!.version);
    // v3: found by the conditions its independent claims endorse it for (not the vendor's), and
    // searchable by the words of its name and conditions; v2's plain conditions field is gone.
    expect((await current.tools.where('endorsedFor').equals('copd').toArray()).map((r) => r.tool.id)).toEqual(['copd-coach']);
    expect(await current.tools.where('endorsedFor').equals('asthma').count()).toBe(0);
    expect((await current.tools.get('https://feed.example copd-coach'))).not.toHaveProperty('conditions');
    expect((await current.tools.where('words').startsWith('exam').toArray()).map((r) => r.tool.id)).toEqual(['copd-coach']);
    expect(await current.tools.where('words').equals('copd').count()).toBe(1);
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

describe('v4: peer notes', () => {
  it('v3 → v4 keeps every own note, finds it by its tool, and adds an empty table for team notes', async () => {
    const name = `migrate-notes-${Math.random()}`;
    const v3 = openAsVersion(name, 3);
    const notes = [noteRecord(sampleNote()), noteRecord(sampleNote({ id: 'note-2', identifiers: { googlePlay: ['org.example.coach'] }, verdict: 'use-with-care' }))];
    await v3.table('notes').bulkPut(notes);
    v3.close();

    const current = new SignpostDatabase(name);
    await current.open();
    expect(await current.notes.toArray()).toEqual(notes);
    expect((await current.notes.where('toolKeys').equals('play:org.example.coach').toArray()).map((r) => r.id)).toEqual(['note-2']);
    expect(await current.teamNotes.count()).toBe(0);
    current.close();
  });
});
