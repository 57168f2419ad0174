// @vitest-environment node
import { readFileSync } from 'node:fs';
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { applyManagedPolicy } from '@/lib/background/policy';
import { importFeedFile } from '@/lib/notes/team-feed';
import { anchorsFor, feedList, feedManager } from '@/lib/settings/feeds';
import { loadPolicy, loadPolicyState, policySchema, policyTrustRoot, readPolicy, refreshPolicy } from '@/lib/settings/policy';
import { EMPTY_PROFILE, loadProfile, saveProfile } from '@/lib/settings/profile';
import { subscribedFeedUrls } from '@/lib/settings/subscriptions';
import { testDb } from '../helpers/db';
import { feed } from '../helpers/feeds';
import { fakeFetch, json } from '../helpers/fetch';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const BUNDLED = 'https://bundled.example/feeds/default.json';
const MANAGED = 'https://icb.example.nhs.uk/signpost/formulary.json';
const KEY = 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=';
const GOOD = { feeds: [{ url: MANAGED, keys: [KEY] }], locked: ['feeds', 'championEmail'], championEmail: 'champion@example.nhs.uk', linkBadges: true };

function fakeBrowser(managed: Record<string, unknown> | Error, local: Record<string, unknown> = {}) {
  return {
    storage: {
      managed: { get: vi.fn(async () => (managed instanceof Error ? Promise.reject(managed) : managed)) },
      local: { get: vi.fn(async (key: string) => (key in local ? { [key]: local[key] } : {})), set: vi.fn(async (items: Record<string, unknown>) => void Object.assign(local, items)) },
    },
    local,
  };
}

describe('managed policy', () => {
  it('puts a valid policy in force: its feeds are subscribed with their pinned keys, and it is cached for start-up', async () => {
    const db = testDb();
    const browser = fakeBrowser(GOOD);
    const state = await applyManagedPolicy(db, browser, NOW);
    expect(state.status).toEqual({ ok: true, at: NOW });
    expect(await subscribedFeedUrls(db, BUNDLED)).toEqual([BUNDLED, MANAGED]);
    expect(await anchorsFor(db, BUNDLED, MANAGED)).toEqual({ anchors: [KEY], via: 'policy', bundled: false });
    expect((await loadPolicyState(db)).policy).toEqual(policySchema.parse(GOOD));
    expect(browser.local).toEqual({ linkBadges: true });
  });

  it('reports a bad policy with every problem and keeps the last valid one in force', async () => {
    const db = testDb();
    await applyManagedPolicy(db, fakeBrowser(GOOD), NOW);
    const state = await applyManagedPolicy(db, fakeBrowser({ feeds: [{ url: 'http://insecure.example/feed.json' }], locked: ['everything'], championEmail: 'not an email' }), NOW + 1);
    expect(state.status).toEqual({
      ok: false,
      at: NOW + 1,
      problems: [expect.stringMatching(/^feeds\[0\]\.url: /), expect.stringMatching(/^locked\[0\]: /), expect.stringMatching(/^championEmail: /)],
    });
    expect(state.policy.feeds.map((entry) => entry.url)).toEqual([MANAGED]);
    expect(await subscribedFeedUrls(db, BUNDLED)).toEqual([BUNDLED, MANAGED]);
  });

  it('treats a browser without a policy store, or an empty one, as no policy', async () => {
    const db = testDb();
    expect((await applyManagedPolicy(db, fakeBrowser(new Error('Managed storage manifest not found')), NOW)).status).toEqual({ ok: true, at: NOW });
    expect(await loadPolicy(db)).toEqual(policySchema.parse({}));
    expect(readPolicy(undefined)).toEqual({ ok: true, policy: policySchema.parse({}) });
  });

  it('ignores a damaged cached copy rather than trusting it', async () => {
    const db = testDb();
    await db.settings.put({ key: 'policy', value: { policy: { feeds: 'everything' }, status: { ok: true, at: 1 } } });
    expect(await loadPolicy(db)).toEqual(policySchema.parse({}));
  });

  it('locked feeds: the user can neither add a feed (nor import one) nor remove the managed one; an unlocked managed feed still cannot be removed', async () => {
    const db = testDb();
    await refreshPolicy(db, GOOD, NOW);
    const manager = feedManager({ db, fetch: fakeFetch(() => json(feed())).fetch, now: () => NOW, bundledFeedUrl: BUNDLED, releaseHostPermission: async () => undefined });
    expect(await manager.subscribe('https://other.example/feed.json')).toEqual({ ok: false, problem: expect.stringContaining("Your organisation manages Signpost's feeds") });
    expect(await manager.forget(MANAGED)).toEqual({ ok: false, problem: 'This feed is set by your organisation, so it cannot be removed here.' });
    expect((await feedList(db, BUNDLED)).map((entry) => [entry.url, entry.managed ?? false])).toEqual([[BUNDLED, false], [MANAGED, true]]);

    expect(await importFeedFile(db, 'team.json', JSON.stringify(feed({ publisher: { id: 'team', name: 'Team (test)', kind: 'peer-team' } })), NOW)).toEqual({
      ok: false,
      problem: expect.stringContaining('feed files cannot be imported here'),
    });

    await refreshPolicy(db, { ...GOOD, locked: [] }, NOW);
    expect(await manager.subscribe('https://other.example/feed.json')).toMatchObject({ ok: true });
    expect(await manager.forget(MANAGED)).toMatchObject({ ok: false });
  });

  it("the champion's email: locked, the policy's; unlocked, a default the user's own replaces", async () => {
    const db = testDb();
    await saveProfile(db, { ...EMPTY_PROFILE, championEmail: 'mine@example.nhs.uk' });
    await refreshPolicy(db, GOOD, NOW);
    expect((await loadProfile(db)).championEmail).toBe('champion@example.nhs.uk');
    await refreshPolicy(db, { ...GOOD, locked: [] }, NOW);
    expect((await loadProfile(db)).championEmail).toBe('mine@example.nhs.uk');
    await saveProfile(db, EMPTY_PROFILE);
    expect((await loadProfile(db)).championEmail).toBe('champion@example.nhs.uk');
  });

  it('link badges: locked, always as the policy says; unlocked, only a default until the user chooses', async () => {
    const db = testDb();
    const chosen = fakeBrowser({ linkBadges: true }, { linkBadges: false });
    await applyManagedPolicy(db, chosen, NOW);
    expect(chosen.local).toEqual({ linkBadges: false });
    const locked = fakeBrowser({ linkBadges: true, locked: ['linkBadges'] }, { linkBadges: false });
    await applyManagedPolicy(db, locked, NOW);
    expect(locked.local).toEqual({ linkBadges: true });
  });
});

describe('local authorities in the policy', () => {
  const ICB = { id: 'example-icb', name: 'Example ICB', aliases: ['Example Integrated Care Board'], keys: [KEY] };

  it('adds each as a local authority whose own keys speak for it, by its name and aliases', () => {
    const read = readPolicy({ authorities: [ICB] });
    if (!read.ok) throw new Error(read.problems.join('; '));
    const added = policyTrustRoot(read.policy).authorities.filter((authority) => authority.scope === 'local');
    expect(added).toEqual([
      { id: 'local:example-icb', name: 'Example ICB', aliases: ['Example ICB', 'Example Integrated Care Board'], scope: 'local', kind: 'local-network', sourceHosts: [], issuerKeys: [KEY], relays: [] },
    ]);
  });

  it.each([
    ['no key', { ...ICB, keys: [] }, /^authorities\[0\]\.keys: /],
    ['a key that is not one', { ...ICB, keys: ['ed25519:short'] }, /^authorities\[0\]\.keys\[0\]: /],
    ['an id that is not one', { ...ICB, id: 'Example ICB' }, /^authorities\[0\]\.id: /],
    ['a kind Signpost does not know', { ...ICB, kind: 'nice' }, /^authorities\[0\]\.kind: /],
    ['an alias that is a national body\'s name', { ...ICB, aliases: ['NHS England'] }, /^authorities\[0\]\.aliases\[0\]: /],
    ['a name mixing Latin with a Cyrillic look-alike', { ...ICB, name: 'Ex\u0430mple ICB' }, /^authorities\[0\]\.name: /],
  ])('refuses an authority with %s, naming the path', (_what, authority, problem) => {
    expect(readPolicy({ authorities: [authority] })).toEqual({ ok: false, problems: [expect.stringMatching(problem)] });
  });

  it('a refused policy keeps the last valid one in force, and with it the authorities it named', async () => {
    const db = testDb();
    await refreshPolicy(db, { authorities: [ICB] }, NOW);
    const state = await refreshPolicy(db, { authorities: [{ ...ICB, name: 'NICE' }] }, NOW + 1);
    expect(state.status).toMatchObject({ ok: false });
    expect(state.policy.authorities.map((authority) => authority.name)).toEqual(['Example ICB']);
  });
});

describe('deployment examples (docs/examples/policy)', () => {
  const schema = JSON.parse(readFileSync('public/managed_schema.json', 'utf8')) as { properties: Record<string, unknown> };

  it.each([
    ['Chrome (Linux JSON)', (file: Record<string, any>) => file['3rdparty'].extensions.EXTENSION_ID, 'chrome-linux.json'],
    ['Firefox (policies.json)', (file: Record<string, any>) => file.policies['3rdparty'].Extensions['signpost@signpost.example'], 'firefox-policies.json'],
  ])('%s is a valid Signpost policy', (_name, extract, file) => {
    const policy = extract(JSON.parse(readFileSync(`docs/examples/policy/${file}`, 'utf8')));
    expect(readPolicy(policy)).toMatchObject({ ok: true });
    for (const key of Object.keys(policy)) expect(schema.properties).toHaveProperty(key);
  });

  it('Edge (Windows registry) sets the same policy as the Chrome example', () => {
    const reg = readFileSync('docs/examples/policy/edge-windows.reg', 'utf8');
    const value = (name: string) => new RegExp(`^"${name}"=(.*)$`, 'm').exec(reg)?.[1];
    const text = (raw: string | undefined) => JSON.parse(raw!) as string;
    const policy = {
      feeds: JSON.parse(text(value('feeds'))),
      locked: JSON.parse(text(value('locked'))),
      championEmail: text(value('championEmail')),
      linkBadges: value('linkBadges') === 'dword:00000001',
      authorities: JSON.parse(text(value('authorities'))),
    };
    const chrome = JSON.parse(readFileSync('docs/examples/policy/chrome-linux.json', 'utf8'))['3rdparty'].extensions.EXTENSION_ID;
    expect(readPolicy(policy)).toEqual({ ok: true, policy: policySchema.parse(chrome) });
  });

  it('the managed schema lists exactly the policy fields Signpost reads', () => {
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(policySchema.shape).sort());
  });

  it.each(['feeds', 'authorities'] as const)('the managed schema lists exactly the fields Signpost reads in each of "%s"', (field) => {
    const described = schema.properties[field] as { items: { properties: Record<string, unknown> } };
    const read = policySchema.shape[field].unwrap().element.shape;
    expect(Object.keys(described.items.properties).sort()).toEqual(Object.keys(read).sort());
  });
});
