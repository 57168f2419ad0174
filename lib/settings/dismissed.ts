import { z } from '../zod';
import type { SignpostDatabase } from '../storage/db';

// Cards the clinician hid, one listing each (a store page, or a tool's website claim: listingKey in
// lib/lookup/keys.ts), with the product's name as it was then, so that the popup and Settings can
// list them and show each one again.

const HIDDEN_CARDS_KEY = 'dismissed-cards';
const MAX_HIDDEN_CARDS = 5000;
const MAX_KEY_LENGTH = 300;

export interface HiddenCard {
  /** The listing: apple:<id>, play:<package> or site:<host><path>. */
  key: string;
  /** The product's name when it was hidden; null when not known (not in the registry, or hidden before names were kept). */
  name: string | null;
  /** When it was hidden (epoch ms); null when hidden before that was kept. */
  at: number | null;
}

const hiddenCardSchema = z.object({
  key: z.string().max(MAX_KEY_LENGTH),
  name: z.string().max(300).nullable(),
  at: z.number().int().nonnegative().nullable(),
});

const CURRENT_VERSION = 2;

/**
 * Every stored shape, newest first, each read as the current one. v1 was a plain array of keys:
 * every store id and site of a hidden product, no names, no dates; each key becomes a card of its own.
 */
const storedSchema = z.union([
  z.object({ version: z.literal(CURRENT_VERSION), cards: z.array(hiddenCardSchema).max(MAX_HIDDEN_CARDS) }),
  z
    .array(z.string().max(MAX_KEY_LENGTH))
    .max(MAX_HIDDEN_CARDS)
    .transform((keys) => ({ version: CURRENT_VERSION, cards: keys.map((key): HiddenCard => ({ key, name: null, at: null })) })),
]);

/** The hidden cards, most recently hidden first. A damaged record reads as none hidden: every card shows. */
export async function loadHiddenCards(db: SignpostDatabase): Promise<HiddenCard[]> {
  const parsed = storedSchema.safeParse((await db.settings.get(HIDDEN_CARDS_KEY))?.value ?? []);
  return parsed.success ? parsed.data.cards : [];
}

export async function hiddenListingKeys(db: SignpostDatabase): Promise<Set<string>> {
  return new Set((await loadHiddenCards(db)).map((card) => card.key));
}

/** Reads, changes and writes the list in one transaction, always in the current shape. */
async function changeHiddenCards(db: SignpostDatabase, change: (cards: HiddenCard[]) => HiddenCard[]): Promise<void> {
  await db.transaction('rw', db.settings, async () => {
    const cards = change(await loadHiddenCards(db)).slice(0, MAX_HIDDEN_CARDS);
    await db.settings.put({ key: HIDDEN_CARDS_KEY, value: { version: CURRENT_VERSION, cards } });
  });
}

/** Hides one listing's card; hiding it again brings it to the top with the name it has now. */
export async function hideCard(db: SignpostDatabase, card: HiddenCard): Promise<void> {
  const valid = hiddenCardSchema.parse(card);
  await changeHiddenCards(db, (cards) => [valid, ...cards.filter((other) => other.key !== valid.key)]);
}

export async function showCardAgain(db: SignpostDatabase, key: string): Promise<void> {
  await changeHiddenCards(db, (cards) => cards.filter((card) => card.key !== key));
}

const website = (id: string) => id.replace(/\/$/, '');
const LISTING_PLACES = new Map<string, { store(id: string): string; unnamed(id: string): string }>([
  ['apple', { store: () => 'App Store', unnamed: (id) => `App Store app id ${id}` }],
  ['play', { store: () => 'Google Play', unnamed: (id) => `Google Play app ${id}` }],
  ['site', { store: website, unnamed: (id) => `the website ${website(id)}` }],
]);

/** "NHS App (App Store)"; a card hidden without a name reads as its listing ("App Store app id 1388411277"). */
export function hiddenCardName({ key, name }: Pick<HiddenCard, 'key' | 'name'>): string {
  const separator = key.indexOf(':');
  const place = separator > 0 ? LISTING_PLACES.get(key.slice(0, separator)) : undefined;
  if (!place) return name ?? key;
  const id = key.slice(separator + 1);
  return name ? `${name} (${place.store(id)})` : place.unnamed(id);
}
