import { describe, expect, it } from 'vitest';
import { batchedSource } from '@/lib/registry/batched-source';
import { lookupUrl } from '@/lib/registry/lookup';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb, withFeeds } from '../helpers/db';
import { BUNDLED_TEST_FEED_URL, relayedNice, storeAsBundled, storeAsLocalAuthority, testKey } from '../helpers/trust';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const NATIONAL = 'https://national.example/feed.json';
const LOCAL = 'https://icb.example/feed.json';

async function lookup(feeds: Parameters<typeof withFeeds>[1], url: string) {
  const db = testDb();
  await withFeeds(db, feeds);
  return lookupUrl(dexieRegistrySource(db), url, NOW);
}

const siteFeed = feed({
  tools: [
    tool({ id: 'whole-site', name: 'Whole Site Tool', identifiers: { web: [{ origin: 'https://www.health.example' }] } }),
    tool({ id: 'coach', name: 'Coach', identifiers: { web: [{ origin: 'https://www.health.example', pathPrefix: '/coach' }] } }),
    tool({ id: 'coach-plus', name: 'Coach Plus', identifiers: { web: [{ origin: 'https://health.example', pathPrefix: '/coach/plus/' }] } }),
  ],
});

describe('lookupUrl: web pages', () => {
  it.each([
    ['https://health.example/', 'Whole Site Tool'],
    ['https://www.health.example/about', 'Whole Site Tool'],
    ['https://app.health.example/login', 'Whole Site Tool'],
    ['https://www.health.example/coach', 'Coach'],
    ['https://www.health.example/coach/start', 'Coach'],
    ['https://www.health.example/coaching', 'Whole Site Tool'],
    ['https://www.health.example/coach/plus', 'Coach Plus'],
    ['https://www.health.example/coach/plus/week-1', 'Coach Plus'],
    ['https://app.health.example/coach', 'Whole Site Tool'],
  ])('%s is %s (longest path prefix wins, subdomains match)', async (url, name) => {
    const result = await lookup({ [NATIONAL]: siteFeed }, url);
    expect(result.matches.map((m) => m.product.name)).toEqual([name]);
  });

  it.each(['https://health.example.evil.test/coach', 'https://evilhealth.example/coach', 'https://health-example.com/', 'https://example/'])(
    'a look-alike host never matches: %s',
    async (url) => {
      const result = await lookup({ [NATIONAL]: siteFeed }, url);
      expect(result.matches).toEqual([]);
    },
  );

  it('returns every tool when two claim the same site equally, without merging them', async () => {
    const shared = feed({
      tools: [
        tool({ id: 'a', name: 'Sleep Tool', identifiers: { web: [{ origin: 'https://company.example' }] } }),
        tool({ id: 'b', name: 'Mood Tool', identifiers: { web: [{ origin: 'https://company.example' }] } }),
      ],
    });
    const result = await lookup({ [NATIONAL]: shared }, 'https://company.example/');
    expect(result.matches.map((m) => m.product.name).sort()).toEqual(['Mood Tool', 'Sleep Tool']);
  });
});

describe('lookupUrl: store pages and merging', () => {
  // A national decision relayed by the bundled feed, and an ICB's own (policy-trusted) formulary
  // that lists the same App Store id and also a Google Play id.
  const national = feed({
    publisher: { id: 'national', name: 'National Body (test)', kind: 'nice' },
    tools: [
      tool({
        id: 'breathe',
        name: 'Breathe Coach',
        identifiers: { apple: ['111111111'] },
        conditions: ['copd'],
        endorsements: [relayedNice({ guidanceCode: 'HTE99' })],
      }),
    ],
  });
  const local = feed({
    generatedAt: '2026-10-01T00:00:00Z',
    tools: [
      tool({
        id: 'breathe-local',
        name: 'BreatheCoach',
        identifiers: { apple: ['111111111'], googlePlay: ['org.example.breathe'] },
        conditions: ['copd', 'asthma'],
        endorsements: [endorsement({ issuer: 'Example ICB', issuerKind: 'local-network', status: 'not-recommended' })],
      }),
    ],
  });

  async function lookupTrusted(url: string) {
    const db = testDb();
    await storeAsBundled(db, national);
    await storeAsLocalAuthority(db, LOCAL, local, { id: 'example-icb', name: 'Example ICB', key: testKey(11) });
    return lookupUrl(dexieRegistrySource(db), url, NOW);
  }

  it('merges a product known to several feeds into one, keeping each claim with its feed', async () => {
    const result = await lookupTrusted('https://apps.apple.com/gb/app/breathe/id111111111');
    expect(result.matches).toHaveLength(1);
    const [match] = result.matches;
    expect(match!.product.name).toBe('Breathe Coach');
    expect(match!.product.otherNames).toEqual(['BreatheCoach']);
    expect(match!.product.conditions).toEqual(['copd', 'asthma']);
    expect(match!.product.claims.map((c) => [c.issuer, c.status, c.feedUrl, c.authority.level])).toEqual([
      ['NICE', 'conditional', BUNDLED_TEST_FEED_URL, 'relayed'],
      ['Example ICB', 'not-recommended', LOCAL, 'issuer'],
    ]);
    expect(match!.verdict.state).toBe('disagreement');
  });

  it("on the other store's page answers only from the feed that lists it: no claim is carried over through a shared store id", async () => {
    const result = await lookupTrusted('https://play.google.com/store/apps/details?id=org.example.breathe');
    expect(result.matches).toHaveLength(1);
    const [match] = result.matches;
    expect(match!.product.name).toBe('BreatheCoach');
    expect(match!.product.records).toEqual([{ feedUrl: LOCAL, toolId: 'breathe-local' }]);
    expect(match!.product.claims.map((c) => [c.issuer, c.status])).toEqual([['Example ICB', 'not-recommended']]);
    expect(match!.verdict.state).toBe('not-recommended');
    // Only the feed behind the answer counts for how old it is.
    expect(result.freshness.dataFrom).toBe('2026-10-01T00:00:00Z');
  });

  it('keeps "not in registry" apart from "in registry, no endorsement"', async () => {
    const unendorsed = feed({ tools: [tool({ identifiers: { googlePlay: ['org.example.plain'] } })] });
    const missing = await lookup({ [NATIONAL]: unendorsed }, 'https://play.google.com/store/apps/details?id=org.example.other');
    expect(missing.matches).toEqual([]);
    expect(missing.identity).toEqual({ kind: 'google-play', id: 'org.example.other' });
    const present = await lookup({ [NATIONAL]: unendorsed }, 'https://play.google.com/store/apps/details?id=org.example.plain');
    expect(present.matches.map((m) => m.verdict.state)).toEqual(['no-endorsement']);
  });

  it('treats store developer and search pages as no app at all', async () => {
    const result = await lookup({ [NATIONAL]: national }, 'https://apps.apple.com/gb/developer/example/id111111111');
    expect(result).toMatchObject({ identity: null, matches: [] });
  });

  it('says how old the data is and which feeds are past their expiry', async () => {
    const expired = feed({ expiresAt: '2026-11-24T00:00:00Z', publisher: { id: 'old', name: 'Old Feed (test)', kind: 'charity' }, tools: national.tools });
    const result = await lookup({ [NATIONAL]: expired }, 'https://apps.apple.com/app/id111111111');
    expect(result.freshness).toEqual({ dataFrom: '2026-11-01T00:00:00Z', checkedAt: Date.parse('2026-11-20T12:00:00Z'), expiredPublishers: ['Old Feed (test)'], refusedPublishers: [] });
  });
});

describe('batchedSource: many lookups at once (a page of links)', () => {
  it('gives every URL the same answer as a lookup on its own, with one feed read, one trust-root read and one indexed read', async () => {
    const db = testDb();
    const national = feed({
      publisher: { id: 'national', name: 'National Body (test)', kind: 'nice' },
      tools: [
        tool({ id: 'a', name: 'Tool A', identifiers: { apple: ['111111111'] }, endorsements: [endorsement({ status: 'recommended', issuerKind: 'nice' })] }),
        tool({ id: 'b', name: 'Tool B', identifiers: { googlePlay: ['org.example.b'] } }),
      ],
    });
    const local = feed({ tools: [tool({ id: 'a-local', name: 'Tool A', identifiers: { apple: ['111111111'], googlePlay: ['org.example.a'] } })] });
    await withFeeds(db, { [NATIONAL]: national, [LOCAL]: local, 'https://sites.example/feed.json': siteFeed });
    const plain = dexieRegistrySource(db);
    const calls = { feeds: 0, roots: 0, keys: 0 };
    const counted = {
      feedSummaries: () => (calls.feeds++, plain.feedSummaries()),
      trustRoot: () => (calls.roots++, plain.trustRoot()),
      recordsWithKeys: (keys: readonly string[]) => (calls.keys++, plain.recordsWithKeys(keys)),
    };
    const urls = [
      'https://play.google.com/store/apps/details?id=org.example.a',
      'https://apps.apple.com/gb/app/id111111111',
      'https://play.google.com/store/apps/details?id=org.example.b',
      'https://www.health.example/coach/week-1',
      'https://apps.apple.com/gb/app/id999999999',
      'https://unknown.example/',
    ];
    const source = batchedSource(counted);
    const batched = await Promise.all(urls.map((url) => lookupUrl(source, url, NOW)));
    const alone = await Promise.all(urls.map((url) => lookupUrl(plain, url, NOW)));
    expect(batched).toEqual(alone);
    expect(batched.map((result) => result.matches.map((match) => match.product.name))).toEqual([['Tool A'], ['Tool A'], ['Tool B'], ['Coach'], [], []]);
    expect(calls.feeds).toBe(1);
    expect(calls.roots).toBe(1);
    // Every page's own keys in one read: a page is never answered through other store ids.
    expect(calls.keys).toBe(1);
  });
});
