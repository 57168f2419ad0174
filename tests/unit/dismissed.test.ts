import { describe, expect, it } from 'vitest';
import { listingKey } from '@/lib/lookup/keys';
import { recogniseUrl } from '@/lib/lookup/recognise';
import { hiddenCardName, hiddenListingKeys, hideCard, loadHiddenCards, showCardAgain } from '@/lib/settings/dismissed';
import { testDb } from '../helpers/db';

const STORED_KEY = 'dismissed-cards';
const NHS_APP = { key: 'apple:1388411277', name: 'NHS App', at: 1_000 };
const COACH = { key: 'play:org.example.coach', name: 'Example Coach', at: 2_000 };

describe('hidden cards', () => {
  it('hides one listing at a time, lists the newest first, and shows each again', async () => {
    const db = testDb();
    await hideCard(db, NHS_APP);
    await hideCard(db, COACH);
    expect(await loadHiddenCards(db)).toEqual([COACH, NHS_APP]);
    expect(await hiddenListingKeys(db)).toEqual(new Set([NHS_APP.key, COACH.key]));
    await showCardAgain(db, NHS_APP.key);
    expect(await loadHiddenCards(db)).toEqual([COACH]);
    await showCardAgain(db, 'apple:404');
    expect(await loadHiddenCards(db)).toEqual([COACH]);
  });

  it('hiding a listing again keeps one entry, now the newest, with the name it has now', async () => {
    const db = testDb();
    await hideCard(db, NHS_APP);
    await hideCard(db, COACH);
    await hideCard(db, { ...NHS_APP, name: 'NHS App (renamed)', at: 3_000 });
    expect(await loadHiddenCards(db)).toEqual([{ ...NHS_APP, name: 'NHS App (renamed)', at: 3_000 }, COACH]);
  });

  it('refuses what it would not read back, and keeps the 5,000 newest', async () => {
    const db = testDb();
    await expect(hideCard(db, { ...NHS_APP, name: 'x'.repeat(301) })).rejects.toThrow();
    await expect(hideCard(db, { ...NHS_APP, key: 'x'.repeat(301) })).rejects.toThrow();
    const old = Array.from({ length: 5000 }, (_, index) => ({ key: `apple:${1000000000 + index}`, name: null, at: index }));
    await db.settings.put({ key: STORED_KEY, value: { version: 2, cards: old } });
    await hideCard(db, NHS_APP);
    const cards = await loadHiddenCards(db);
    expect(cards).toHaveLength(5000);
    expect(cards[0]).toEqual(NHS_APP);
    expect(cards.at(-1)).toEqual(old.at(-2));
  });

  it('reads a damaged record as nothing hidden: every card shows', async () => {
    const db = testDb();
    for (const value of [{ version: 2, cards: [{ key: 'apple:1' }] }, { version: 3, cards: [] }, 'apple:1', [1, 2]]) {
      await db.settings.put({ key: STORED_KEY, value });
      expect(await loadHiddenCards(db)).toEqual([]);
    }
  });
});

describe('hidden cards stored by earlier versions', () => {
  // v1 stored every key of a hidden product (its store ids and sites), with no name and no date.
  const V1 = ['apple:1388411277', 'play:com.example.nhsapp', 'site:nhs.uk/nhs-app/'];

  it('reads v1 as one card per key, names and dates unknown', async () => {
    const db = testDb();
    await db.settings.put({ key: STORED_KEY, value: V1 });
    expect(await loadHiddenCards(db)).toEqual(V1.map((key) => ({ key, name: null, at: null })));
    expect(await hiddenListingKeys(db)).toEqual(new Set(V1));
  });

  it('writes v2 at the next change, keeping every v1 card but the one shown again', async () => {
    const db = testDb();
    await db.settings.put({ key: STORED_KEY, value: V1 });
    await showCardAgain(db, 'play:com.example.nhsapp');
    expect((await db.settings.get(STORED_KEY))?.value).toEqual({
      version: 2,
      cards: [
        { key: 'apple:1388411277', name: null, at: null },
        { key: 'site:nhs.uk/nhs-app/', name: null, at: null },
      ],
    });
    await hideCard(db, COACH);
    expect(await loadHiddenCards(db)).toEqual([COACH, { key: 'apple:1388411277', name: null, at: null }, { key: 'site:nhs.uk/nhs-app/', name: null, at: null }]);
  });

  it('names a card without a name by its listing', () => {
    expect(V1.map((key) => hiddenCardName({ key, name: null }))).toEqual(['App Store app id 1388411277', 'Google Play app com.example.nhsapp', 'the website nhs.uk/nhs-app']);
  });
});

describe('what a hidden card is called', () => {
  it.each([
    [NHS_APP, 'NHS App (App Store)'],
    [COACH, 'Example Coach (Google Play)'],
    [{ key: 'site:coach.example/', name: 'Example Coach' }, 'Example Coach (coach.example)'],
    [{ key: 'constructor:x', name: 'Odd' }, 'Odd'],
    [{ key: 'no-separator', name: null }, 'no-separator'],
  ])('%o reads "%s"', (card, name) => {
    expect(hiddenCardName(card)).toBe(name);
  });
});

describe('the listing a page is', () => {
  const identity = (url: string) => recogniseUrl(url)!;
  const NHS_APP_IDS = { apple: ['1388411277'], googlePlay: ['com.example.nhsapp'], web: [{ origin: 'https://www.nhs.uk' }, { origin: 'https://www.nhs.uk', pathPrefix: '/nhs-app' }] };

  it("is a store page's own id, never the product's other stores", () => {
    expect(listingKey(identity('https://apps.apple.com/gb/app/nhs-app/id1388411277'), NHS_APP_IDS)).toBe('apple:1388411277');
    expect(listingKey(identity('https://play.google.com/store/apps/details?id=com.example.nhsapp'), NHS_APP_IDS)).toBe('play:com.example.nhsapp');
    expect(listingKey(identity('https://apps.apple.com/gb/app/id1999999999'))).toBe('apple:1999999999');
  });

  it("is, on a website, the tool's most specific claim on the page; none when no claim covers it", () => {
    expect(listingKey(identity('https://www.nhs.uk/nhs-app/login'), NHS_APP_IDS)).toBe('site:nhs.uk/nhs-app');
    expect(listingKey(identity('https://www.nhs.uk/conditions/'), NHS_APP_IDS)).toBe('site:nhs.uk/');
    expect(listingKey(identity('https://elsewhere.example/'), NHS_APP_IDS)).toBeNull();
    expect(listingKey(identity('https://www.nhs.uk/'))).toBeNull();
  });
});
