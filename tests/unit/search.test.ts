import { describe, expect, it, vi } from 'vitest';
import type { Endorsement } from '@/lib/feed/schema';
import type { Product } from '@/lib/registry/types';
import { MAX_CANDIDATES, alternativesFor, cardDataForMatch, dexieSearchSource, matchForRecord, registrySearch } from '@/lib/search/registry-search';
import { buildSearchIndex, queryTokens, words } from '@/lib/search/search';
import { CARD_NOW as NOW, cardVerdict, product, type TestClaim } from '../helpers/cards';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { BUNDLED_TEST_FEED_URL, relayedNice, storeAsBundled, storeAsLocalAuthority, storeParsed, testKey } from '../helpers/trust';

const matchOf = (p: Product) => ({ product: p, verdict: cardVerdict(p) });

function indexOf(products: Product[], myConditions: string[] = []) {
  return buildSearchIndex(products.map(matchOf), myConditions);
}

const names = (index: ReturnType<typeof indexOf>, query: string) => index.search(query).hits.map((hit) => hit.entry.product.name);

const claim = (status: Endorsement['status'], more: TestClaim = {}): TestClaim => ({ status, issuer: 'NICE', issuerKind: 'nice', ...more });

describe('query words', () => {
  it('lower-cases, drops accents and punctuation, and joins two-word statuses', () => {
    expect(words('Café iCT-PTSD, Active+me')).toEqual(['cafe', 'ict', 'ptsd', 'active', 'me']);
    expect(queryTokens('Not recommended')).toEqual(['notrecommended']);
    expect(queryTokens('research only')).toEqual(['research']);
    expect(queryTokens('no recommendation')).toEqual(['norecommendation']);
  });

  it('ignores words that do not say which tool ("an endorsed app for COPD"), unless they are all there is', () => {
    expect(queryTokens('an endorsed app for COPD')).toEqual(['endorsed', 'copd']);
    expect(queryTokens('app')).toEqual(['app']);
  });
});

describe('ranking', () => {
  const all = [
    product('Zeta Withdrawn', [claim('withdrawn')]),
    product('Alpha Not Recommended', [claim('not-recommended')]),
    product('Beta Listed', [claim('listed')]),
    product('Gamma Conditional', [claim('conditional')]),
    product('Delta None', []),
    product('Epsilon Research', [claim('research-only')]),
    product('Eta Disputed', [claim('recommended'), claim('withdrawn', { issuer: 'Example ICB' })]),
    product('Theta Recommended', [claim('recommended')]),
    product('Iota Recommended', [claim('recommended')]),
  ];

  it('puts endorsed tools first, then research, listed, none, disputed, withdrawn and not recommended; ties by name', () => {
    expect(names(indexOf(all), 'copd')).toEqual([
      'Iota Recommended',
      'Theta Recommended',
      'Gamma Conditional',
      'Epsilon Research',
      'Beta Listed',
      'Delta None',
      'Eta Disputed',
      'Zeta Withdrawn',
      'Alpha Not Recommended',
    ]);
  });

  it('puts tools endorsed for my conditions first, and only when the endorsement covers them', () => {
    const products = [
      product('Asthma Recommended', [claim('recommended')], { conditions: ['asthma'] }),
      product('COPD Conditional', [claim('conditional')], { conditions: ['copd', 'asthma'] }),
      // Endorsed, but only for heart failure: not "for my conditions" although COPD is listed.
      product('Scoped Elsewhere', [claim('recommended', { conditions: ['heart-failure'] })], { conditions: ['copd', 'heart-failure', 'asthma'] }),
      // For COPD, but not endorsed: never lifted above endorsed tools.
      product('COPD Listed', [claim('listed')], { conditions: ['copd', 'asthma'] }),
    ];
    const index = indexOf(products, ['copd']);
    expect(names(index, 'asthma')).toEqual(['COPD Conditional', 'Asthma Recommended', 'Scoped Elsewhere', 'COPD Listed']);
    expect(index.search('asthma').hits.map((hit) => hit.entry.forMyConditions)).toEqual([true, false, false, false]);
  });
});

describe('matching', () => {
  const products = [
    product('Sleepio', [claim('recommended', { guidanceCode: 'MTG70' })], { conditions: ['insomnia'] }),
    product('Activate Your Heart', [claim('conditional', { guidanceCode: 'HTE35' }), claim('listed', { issuer: 'British Heart Foundation', issuerKind: 'charity' })], {
      conditions: ['cardiac-rehabilitation'],
    }),
    product('Wysa', [claim('research-only', { guidanceCode: 'HTE8' })], { conditions: ['depression', 'anxiety'] }),
    product('Vendor Pet', [claim('recommended', { issuer: 'Vendor Ltd', issuerKind: 'other', sourceType: 'vendor-stated' })], { conditions: ['obesity'] }),
    product('Old Blues', [claim('not-recommended', { issuer: 'Example ICB', issuerKind: 'local-network' })], { conditions: ['depression'] }),
    product('Café Coach', [], { conditions: ['asthma'], otherNames: ['Coffee Coach'] }),
    // A feed's report of a charity's recommendation: findable by its words, never as "recommended" or by kind.
    product('Reported Pal', [claim('recommended', { issuer: 'Pal Writers Group', issuerKind: 'charity', authority: { level: 'reported' } })], { conditions: ['low-back-pain'] }),
  ];
  const index = indexOf(products);

  it.each([
    ['a name, by the start of any word', 'heart', ['Activate Your Heart']],
    ['another feed\'s name for the tool', 'coffee', ['Café Coach']],
    ['accents either way', 'cafe', ['Café Coach']],
    ['a condition label', 'insomnia', ['Sleepio']],
    ['a condition label word ("Overweight and obesity (weight management)")', 'weight', ['Vendor Pet']],
    ['a condition id', 'cardiac rehab', ['Activate Your Heart']],
    ['an issuer by name', 'british heart', ['Activate Your Heart']],
    ['an issuer by kind (never a claim only reported by a feed)', 'charity', ['Activate Your Heart']],
    ['a claim only reported by a feed, by its issuer\'s name', 'writers group', ['Reported Pal']],
    ['a local network', 'local', ['Old Blues']],
    ['a guidance code', 'mtg70', ['Sleepio']],
    ['a guidance code prefix', 'hte', ['Activate Your Heart', 'Wysa']],
    ['"recommended" (never a tool that is *not* recommended, nor the vendor\'s own word, nor a feed\'s report)', 'recommended', ['Sleepio']],
    ['"not recommended"', 'not recommended', ['Old Blues']],
    ['"evidence" for conditional', 'evidence', ['Activate Your Heart']],
    ['"endorsed" for recommended or conditional', 'endorsed', ['Sleepio', 'Activate Your Heart']],
    ['"research only"', 'research only', ['Wysa']],
    ['every word (AND)', 'nice depression', ['Wysa']],
    ['"an endorsed app for insomnia"', 'an endorsed app for insomnia', ['Sleepio']],
  ])('finds %s', (_what, query, expected) => {
    expect(names(index, query)).toEqual(expected);
  });

  it('finds nothing for a word no tool has, and nothing for an empty query', () => {
    expect(index.search('zzz')).toEqual({ total: 0, hits: [] });
    expect(index.search('  ')).toEqual({ total: 0, hits: [] });
  });

  it('says what matched besides the name', () => {
    const [wysa] = index.search('nice depression').hits;
    expect(wysa!.matched).toEqual([
      { field: 'issuer', text: 'NICE' },
      { field: 'condition', text: 'Depression' },
    ]);
    expect(index.search('hte35').hits[0]!.matched).toEqual([{ field: 'code', text: 'NICE HTE35' }]);
    expect(index.search('evidence').hits[0]!.matched).toEqual([{ field: 'status', text: 'Can be used while more evidence is generated' }]);
    expect(index.search('sleepio').hits[0]!.matched).toEqual([]);
  });

  it('counts every match and returns at most the limit', () => {
    const many = indexOf(Array.from({ length: 120 }, (_, i) => product(`Tool ${String(i).padStart(3, '0')}`, [])));
    const results = many.search('tool', 50);
    expect(results.total).toBe(120);
    expect(results.hits).toHaveLength(50);
    expect(results.hits[0]!.entry.product.name).toBe('Tool 000');
  });
});

describe('the registry behind search (Dexie)', () => {
  // NICE's decisions as the bundled feed relays them, and an ICB's own formulary (its key trusted
  // by policy): both authorised, so both feeds' claims count.
  const NICE_FEED = BUNDLED_TEST_FEED_URL;
  const ICB_FEED = 'https://icb.example/feed.json';
  const OTHER_FEED = 'https://other.example/feed.json';
  const icb = (status: Endorsement['status']) => endorsement({ issuer: 'Example ICB', issuerKind: 'local-network', status });

  async function registry() {
    const db = testDb();
    await storeAsBundled(
      db,
      feed({
        publisher: { id: 'nice', name: 'NICE (test)', kind: 'nice' },
        tools: [
          tool({ id: 'breathe', name: 'Breathe Well', identifiers: { apple: ['111111111'] }, conditions: ['copd'], endorsements: [relayedNice({ status: 'conditional', guidanceCode: 'HTE19' })] }),
          tool({ id: 'lungs', name: 'Lung Coach', identifiers: { apple: ['333333333'] }, conditions: ['copd', 'asthma'], endorsements: [relayedNice({ status: 'recommended' })] }),
          tool({ id: 'asthma', name: 'Asthma Pal', conditions: ['asthma'], endorsements: [relayedNice({ status: 'recommended' })] }),
        ],
      }),
    );
    await storeAsLocalAuthority(
      db,
      ICB_FEED,
      feed({
        publisher: { id: 'icb', name: 'Example ICB (test)', kind: 'local-network' },
        tools: [
          tool({ id: 'bw', name: 'BreatheWell app', identifiers: { apple: ['111111111'], googlePlay: ['com.example.breathe'] }, conditions: ['copd'], endorsements: [icb('listed')] }),
          tool({ id: 'mood', name: 'Mood Diary', identifiers: { googlePlay: ['com.example.mood'] }, conditions: ['copd', 'depression'], endorsements: [endorsement({ status: 'research-only' })] }),
        ],
      }),
      { id: 'example-icb', name: 'Example ICB', key: testKey(11) },
    );
    return { db, source: dexieSearchSource(db) };
  }

  it('merges one product across feeds by a shared store id, with both feeds\' claims', async () => {
    const { source } = await registry();
    const search = registrySearch(source, [], () => NOW);
    const { hits } = await search.search('breathe');
    expect(hits).toHaveLength(1);
    const [breathe] = hits;
    expect(breathe!.entry.product.name).toBe('Breathe Well');
    expect(breathe!.entry.product.otherNames).toEqual(['BreatheWell app']);
    expect(breathe!.entry.product.claims.map((c) => c.feedPublisher)).toEqual(['NICE (test)', 'Example ICB (test)']);
    expect(breathe!.entry.verdict.state).toBe('conditional');
    // Found by the ICB feed's words too, and still judged with the NICE feed's claim.
    expect((await search.search('example icb')).hits.map((hit) => hit.entry.product.name)).toEqual(['Breathe Well']);
    // A condition finds every tool for it, endorsed first.
    expect((await search.search('copd')).hits.map((hit) => hit.entry.product.name)).toEqual(['Lung Coach', 'Breathe Well', 'Mood Diary']);
  });

  it("groups a less trusted feed's record with the product it shares a store id with, but takes its name, identifiers and links only from the most trusted feeds", async () => {
    const { source, db } = await registry();
    await storeParsed(
      db,
      OTHER_FEED,
      feed({
        publisher: { id: 'other', name: 'Other (test)', kind: 'nice' },
        tools: [
          tool({
            id: 'clone',
            name: 'Breathe PRO',
            identifiers: { apple: ['111111111', '666666666'], web: [{ origin: 'https://breathe-clone.example' }] },
            conditions: ['copd', 'obesity'],
            endorsements: [relayedNice({ status: 'recommended', guidanceCode: 'MTG91' })],
          }),
        ],
      }),
    );
    const { hits } = await registrySearch(source, [], () => NOW).search('breathe');
    expect(hits).toHaveLength(1);
    const { product: breathe, verdict } = hits[0]!.entry;
    expect(breathe.name).toBe('Breathe Well');
    expect(breathe.otherNames).toEqual(['BreatheWell app', 'Breathe PRO']);
    expect(breathe.identifiers).toEqual({ apple: ['111111111'], googlePlay: ['com.example.breathe'], web: [] });
    expect(breathe.conditions).toEqual(['copd']);
    // Its "NICE" claim is shown as reported and decides nothing.
    expect(breathe.claims.filter((c) => c.feedUrl === OTHER_FEED).map((c) => c.authority.level)).toEqual(['reported']);
    expect(verdict.state).toBe('conditional');
    expect(verdict.reportedCount).toBe(1);
    expect(await matchForRecord(source, `${OTHER_FEED} clone`, { now: NOW })).toEqual({ product: breathe, verdict });
  });

  it('reads only the rows whose words can match, through the database index', async () => {
    const { source } = await registry();
    const read = vi.spyOn(source, 'recordsWithWordPrefix');
    await registrySearch(source, []).search('an app for asthma');
    expect(read).toHaveBeenCalledWith('asthma', MAX_CANDIDATES + 1);
    // The rarest word picks the rows: "mood" (one tool) rather than "copd" (three).
    await registrySearch(source, []).search('copd mood');
    expect(read).toHaveBeenLastCalledWith('mood', MAX_CANDIDATES + 1);
  });

  it('says when more rows matched than were read', async () => {
    const { source } = await registry();
    source.recordsWithWordPrefix = async () => Array.from({ length: MAX_CANDIDATES + 1 }, () => ({ id: 'x', feedUrl: 'unknown', tool: tool(), keys: [] }));
    expect((await registrySearch(source, []).search('asthma')).truncated).toBe(true);
  });

  it('leaves out records of feeds that are no longer subscribed', async () => {
    const { db, source } = await registry();
    await db.feeds.delete(ICB_FEED);
    const search = registrySearch(source, []);
    expect((await search.search('mood')).total).toBe(0);
    expect((await search.search('breathe')).hits[0]!.entry.product.otherNames).toEqual([]);
  });

  it('finds a product again by its record id, merged as search shows it', async () => {
    const { source } = await registry();
    const entry = (await registrySearch(source, [], () => NOW).search('breathe')).hits[0]!.entry;
    const again = await matchForRecord(source, entry.id, { now: NOW });
    expect(again?.product).toEqual(entry.product);
    expect(again?.verdict).toEqual(entry.verdict);
    // From the other feed's record of it, the same product.
    expect((await matchForRecord(source, `${ICB_FEED} bw`, { now: NOW }))?.product.name).toBe('Breathe Well');
    expect(await matchForRecord(source, `${ICB_FEED} nothing`, { now: NOW })).toBeNull();
  });

  it('offers endorsed alternatives for my conditions first, in the card data of a searched tool', async () => {
    const { source } = await registry();
    const mood = (await matchForRecord(source, `${ICB_FEED} mood`, { now: NOW }))!;
    expect((await alternativesFor(source, mood, [], NOW)).map((a) => a.name)).toEqual(['Lung Coach', 'Breathe Well']);
    const data = await cardDataForMatch(source, mood, NOW, ['copd']);
    expect(data.alternatives.map((a) => a.name)).toEqual(['Lung Coach', 'Breathe Well']);
    expect(data.identity).toBeNull();
    expect(data.matches).toEqual([mood]);
    expect(data.freshness).toMatchObject({ dataFrom: '2026-11-01T00:00:00Z', expiredPublishers: [] });
    // An endorsed tool is offered no alternatives, as on the page card.
    const lung = (await matchForRecord(source, `${NICE_FEED} lungs`, { now: NOW }))!;
    expect((await cardDataForMatch(source, lung, NOW, ['copd'])).alternatives).toEqual([]);
  });

  it('puts alternatives for my conditions before those sharing more conditions', async () => {
    const { source } = await registry();
    const breathing = matchOf(product('Breathing Diary', [], { conditions: ['asthma', 'copd'], records: [{ feedUrl: ICB_FEED, toolId: 'x' }] }));
    // Without a preference, the recommended tools come first: Lung Coach, Asthma Pal, then Breathe Well.
    expect((await alternativesFor(source, breathing, [], NOW)).map((a) => a.name)).toEqual(['Lung Coach', 'Asthma Pal', 'Breathe Well']);
    expect((await alternativesFor(source, breathing, ['copd'], NOW)).map((a) => a.name)).toEqual(['Lung Coach', 'Breathe Well', 'Asthma Pal']);
  });
});
