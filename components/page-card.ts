import type { LookupReply } from '@/lib/background/handlers';
import { createCardOverlay } from './card-overlay';

// The one way a content script shows the card for a URL: ask the background, drop the reply if
// the page has moved on meanwhile, respect the clinician's "stop showing" choice.

export interface PageCard {
  /**
   * Shows the card for `url`, or nothing if the registry does not know it and `quietIfUnknown`.
   * The lookup starts at once; drawing waits for `ready` (the page must exist to be measured).
   * `answers` replaces the one live lookup: each is drawn in turn, in place of the one before.
   */
  showFor(url: string, options?: { quietIfUnknown?: boolean; ready?: Promise<void>; answers?: Promise<LookupReply | undefined>[] }): Promise<void>;
  hide(): void;
  /** True while the pointer or keyboard focus is in the card. */
  isInUse(): boolean;
}

/** The background's card for a page. */
export const lookupCard = (url: string) => browser.runtime.sendMessage({ type: 'lookup', url }) as Promise<LookupReply | undefined>;

export function createPageCard(avoidSelector?: string): PageCard {
  const overlay = createCardOverlay(avoidSelector);
  let generation = 0;
  let shownUrl: string | null = null;

  return {
    async showFor(url, { quietIfUnknown = false, ready, answers } = {}) {
      if (url === shownUrl) return;
      const current = ++generation;
      // Never leave the previous tool's card up while the next one is looked up.
      overlay.remove();
      shownUrl = null;
      for (const answer of answers ?? [lookupCard(url)]) {
        const reply = await answer;
        await ready;
        if (current !== generation) return;
        if (!reply?.identity || reply.dismissed || (quietIfUnknown && !reply.matches.length)) {
          overlay.remove();
          continue;
        }
        shownUrl = url;
        overlay.show(reply, url, () => {
          overlay.remove();
          shownUrl = null;
          void browser.runtime.sendMessage({ type: 'dismiss', keys: reply.dismissKeys });
        });
      }
    },
    hide() {
      generation++;
      shownUrl = null;
      overlay.remove();
    },
    isInUse: () => overlay.isInUse(),
  };
}
