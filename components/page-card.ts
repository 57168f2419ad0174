import type { LookupReply } from '@/lib/background/handlers';
import { createCardOverlay } from './card-overlay';

// The one way a content script shows the card for a URL: ask the background, drop the reply if
// the page has moved on meanwhile, respect the clinician's "stop showing" choice.

export interface PageCard {
  /**
   * Shows the card for `url`, or nothing if the registry does not know it and `quietIfUnknown`.
   * The lookup starts at once; drawing waits for `ready` (the page must exist to be measured).
   * `answers` replaces the one live lookup: each is drawn in turn, in place of the one before.
   * `forLink`: the card of a link on the page, not of the page itself; closing it hides nothing.
   */
  showFor(url: string, options?: { quietIfUnknown?: boolean; ready?: Promise<void>; answers?: Promise<LookupReply | undefined>[]; forLink?: boolean }): Promise<void>;
  hide(): void;
  /** True while the pointer or keyboard focus is in the card. */
  isInUse(): boolean;
}

/** The background's card for the page itself, at `url` (its address now; the background answers only for it). */
export const lookupCard = (url: string) => browser.runtime.sendMessage({ type: 'lookup', url }) as Promise<LookupReply | undefined>;
/** The background's card for a link on the page, answered only for a link it gave this page a verdict for. */
const lookupLinkCard = (url: string) => browser.runtime.sendMessage({ type: 'lookup-link-card', url }) as Promise<LookupReply | undefined>;

export function createPageCard(avoidSelector?: string): PageCard {
  const overlay = createCardOverlay(avoidSelector);
  let generation = 0;
  let shownUrl: string | null = null;

  return {
    async showFor(url, { quietIfUnknown = false, ready, answers, forLink = false } = {}) {
      if (url === shownUrl) return;
      const current = ++generation;
      // Never leave the previous tool's card up while the next one is looked up.
      overlay.remove();
      shownUrl = null;
      for (const answer of answers ?? [forLink ? lookupLinkCard(url) : lookupCard(url)]) {
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
          // The background hides the listing of the page the card is for, only if that is still this page.
          if (!forLink) void browser.runtime.sendMessage({ type: 'dismiss', url });
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
