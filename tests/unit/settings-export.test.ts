import { describe, expect, it } from 'vitest';
import { describeImport, parseSettingsFile, planImport, planIsEmpty, settingsFileName, settingsFileText, type SettingsSnapshot } from '@/lib/settings/export';
import { EMPTY_PROFILE, loadProfile, saveProfile, type Profile } from '@/lib/settings/profile';
import { loadSubscriptions, saveSubscriptions } from '@/lib/settings/subscriptions';
import { testDb } from '../helpers/db';
import { feed } from '../helpers/feeds';

const NOW = Date.parse('2026-11-25T09:30:00Z');
const URL_A = 'https://feeds.example/a.json';
const URL_B = 'https://feeds.example/b.json';
const URL_C = 'https://other.example/c.json';

const profile: Profile = {
  displayName: 'Dr Alex Example',
  role: 'gp',
  organisation: 'Example Surgery (test)',
  championEmail: 'champion@example.nhs.uk',
  myConditions: ['asthma', 'copd'],
  oldNoteMonths: 12,
};

const snapshot: SettingsSnapshot = { subscriptions: [{ url: URL_A }, { url: URL_B }], profile, linkBadges: true };
const empty: SettingsSnapshot = { subscriptions: [], profile: EMPTY_PROFILE, linkBadges: false };

function parsed(text: string) {
  const result = parseSettingsFile(text);
  if (!result.ok) throw new Error(result.problem);
  return result.file;
}

describe('export', () => {
  it('writes the format, version, time, feeds, profile and link badges', () => {
    expect(JSON.parse(settingsFileText(snapshot, NOW))).toEqual({
      format: 'signpost-settings',
      version: 2,
      exportedAt: '2026-11-25T09:30:00.000Z',
      subscriptions: [{ url: URL_A }, { url: URL_B }],
      profile,
      linkBadges: true,
    });
    expect(settingsFileName(NOW)).toBe('signpost-settings-2026-11-25.json');
  });
});

describe('round trip', () => {
  it('a file exported from one computer sets up another the same way', async () => {
    const from = testDb();
    await saveSubscriptions(from, [URL_A, URL_B].map((url) => ({ url, addedAt: 1 })));
    await saveProfile(from, profile);
    const exported = settingsFileText({ subscriptions: (await loadSubscriptions(from)).map((s) => ({ url: s.url })), profile: await loadProfile(from), linkBadges: true }, NOW);

    const plan = planImport(empty, parsed(exported), 'merge');

    expect(plan).toEqual({ addFeeds: [{ url: URL_A }, { url: URL_B }], removeFeeds: [], repinFeeds: [], skippedFeeds: [], profile, profileChanges: expect.any(Array), linkBadges: true });
    const to = testDb();
    await saveProfile(to, plan.profile!);
    expect(await loadProfile(to)).toEqual(profile);
  });

  it('importing the same settings again changes nothing', () => {
    const plan = planImport(snapshot, parsed(settingsFileText(snapshot, NOW)), 'replace');
    expect(planIsEmpty(plan)).toBe(true);
    expect(describeImport(plan)).toBe('nothing changed');
  });
});

describe('pinned keys travel with the settings (threat model T15)', () => {
  const KEY_A = 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=';
  const KEY_B = 'ed25519:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';

  it('exports each feed with its keys, and a new computer subscribes with them', async () => {
    const from = testDb();
    await saveSubscriptions(from, [{ url: URL_A, addedAt: 1, keys: [KEY_A] }, { url: URL_B, addedAt: 1 }]);
    const exported = settingsFileText({ subscriptions: (await loadSubscriptions(from)).map(({ url, keys }) => ({ url, ...(keys ? { keys } : {}) })), profile, linkBadges: false }, NOW);
    expect(JSON.parse(exported).subscriptions).toEqual([{ url: URL_A, keys: [KEY_A] }, { url: URL_B }]);
    expect(planImport(empty, parsed(exported), 'merge').addFeeds).toEqual([{ url: URL_A, keys: [KEY_A] }, { url: URL_B }]);
  });

  it("changes the keys of a feed already subscribed: merging adds to them, replacing takes the file's", () => {
    const held: SettingsSnapshot = { ...snapshot, subscriptions: [{ url: URL_A, keys: [KEY_A] }, { url: URL_B }] };
    const file = parsed(settingsFileText({ ...snapshot, subscriptions: [{ url: URL_A, keys: [KEY_B] }, { url: URL_B, keys: [KEY_B] }] }, NOW));
    expect(planImport(held, file, 'merge').repinFeeds).toEqual([{ url: URL_A, keys: [KEY_A, KEY_B] }, { url: URL_B, keys: [KEY_B] }]);
    expect(planImport(held, file, 'replace').repinFeeds).toEqual([{ url: URL_A, keys: [KEY_B] }, { url: URL_B, keys: [KEY_B] }]);
    expect(describeImport(planImport(held, file, 'merge'))).toBe('keys changed for 2 feeds');
  });

  it('refuses a file whose key is not a key, rather than importing the feed unpinned', () => {
    const text = JSON.stringify({ format: 'signpost-settings', version: 2, subscriptions: [{ url: URL_A, keys: ['ed25519:not-a-key'] }] });
    expect(parseSettingsFile(text)).toMatchObject({ ok: false, problem: expect.stringContaining('subscriptions[0]') });
  });
});

describe('planImport', () => {
  const file = parsed(settingsFileText({ subscriptions: [{ url: URL_B }, { url: URL_C }], profile: { ...profile, role: 'nurse', myConditions: ['asthma'] }, linkBadges: true }, NOW));

  it('merge (the default) only adds feeds', () => {
    const plan = planImport(snapshot, file, 'merge');
    expect(plan.addFeeds).toEqual([{ url: URL_C }]);
    expect(plan.removeFeeds).toEqual([]);
    expect(describeImport(plan)).toBe('1 feed added, profile updated');
  });

  it('replace also removes feeds that are not in the file', () => {
    expect(planImport(snapshot, file, 'replace')).toMatchObject({ addFeeds: [{ url: URL_C }], removeFeeds: [URL_A] });
  });

  it('lists each profile change in words, and leaves link badges alone when they match', () => {
    const plan = planImport(snapshot, file, 'merge');
    expect(plan.profileChanges).toEqual([
      { field: 'Role', from: 'GP', to: 'Nurse' },
      { field: 'My conditions', from: 'Asthma, COPD', to: 'Asthma' },
    ]);
    expect(plan.linkBadges).toBeUndefined();
  });

  it('skips addresses Signpost will not use, saying why, and counts a repeated address once', () => {
    const text = JSON.stringify({
      format: 'signpost-settings',
      version: 1,
      subscriptions: ['http://feeds.example/plain.json', 'javascript:alert(1)', URL_C, 'HTTPS://OTHER.example/c.json'],
    });
    const plan = planImport(empty, parsed(text), 'merge');
    expect(plan.addFeeds).toEqual([{ url: URL_C }]);
    expect(plan.skippedFeeds).toEqual([
      { url: 'http://feeds.example/plain.json', reason: expect.stringContaining('HTTPS') },
      { url: 'javascript:alert(1)', reason: expect.stringContaining('https://') },
    ]);
    expect(plan.profile).toBeUndefined();
  });
});

describe('parseSettingsFile rejects bad files with a plain reason', () => {
  it.each([
    ['not JSON', 'hello', 'This file is not a Signpost settings file: it is not valid JSON.'],
    ['JSON of another kind', '{"name":"x"}', 'This is not a Signpost settings file (it does not say "format": "signpost-settings").'],
    ['an array', '[]', 'This is not a Signpost settings file (it does not say "format": "signpost-settings").'],
    ['a feed', JSON.stringify(feed()), 'This is a Signpost feed, not a settings file. To use a feed, add its web address under Feeds.'],
    ['a newer version', '{"format":"signpost-settings","version":3}', 'This settings file was made by a newer version of Signpost. Update Signpost, then import it again.'],
    ['a bad email', JSON.stringify({ format: 'signpost-settings', version: 1, profile: { championEmail: 'not an email' } }), /damaged, so nothing was imported \(profile\.championEmail: /],
    ['a role Signpost does not know', JSON.stringify({ format: 'signpost-settings', version: 1, profile: { role: 'surgeon' } }), /profile\.role/],
    ['feeds that are not addresses', JSON.stringify({ format: 'signpost-settings', version: 1, subscriptions: [42] }), /subscriptions\[0\]/],
    ['a huge file', `{"format":"signpost-settings","version":1,"x":"${'x'.repeat(1_000_001)}"}`, 'This file is too large to be a Signpost settings file.'],
  ])('%s', (_label, text, problem) => {
    const result = parseSettingsFile(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(problem);
  });
});
