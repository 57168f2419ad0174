import { liveQuery } from 'dexie';
import { loadHiddenCards, showCardAgain, type HiddenCard } from '@/lib/settings/dismissed';
import type { SignpostDatabase } from '@/lib/storage/db';

/** What the "Hidden cards" lists need, injected so component tests need no extension APIs. */
export interface HiddenCardsPort {
  /** Calls onChange with the hidden cards now and after every change, until the returned function is called. */
  watch(onChange: (cards: HiddenCard[]) => void, onError: (error: unknown) => void): () => void;
  showAgain(key: string): Promise<void>;
}

/**
 * Straight from the database, as extension pages read their other settings. Live, so a card hidden
 * in a tab meanwhile appears; showing one again is a settings write, which has the background
 * rewrite its stored cards (lib/background/card-snapshot.ts) with that listing's card back in.
 */
export function dexieHiddenCardsPort(db: SignpostDatabase): HiddenCardsPort {
  return {
    watch: (onChange, onError) => {
      const subscription = liveQuery(() => loadHiddenCards(db)).subscribe({ next: onChange, error: onError });
      return () => subscription.unsubscribe();
    },
    showAgain: (key) => showCardAgain(db, key),
  };
}
