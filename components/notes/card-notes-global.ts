import type { PeerNotesProps } from './PeerNotes';

// The contract between the card's content script and the notes code it loads on demand
// (entrypoints/card-notes.tsx). Both run in the extension's isolated world of the same frame, so
// the loaded script hands its renderer over on a global the page itself cannot see.

export const CARD_NOTES_GLOBAL = '__signpostCardNotes';

export interface CardNotesRenderer {
  render(slot: Element, props: PeerNotesProps): void;
  unmount(slot: Element): void;
}

export type CardNotesHost = typeof globalThis & { [CARD_NOTES_GLOBAL]?: CardNotesRenderer };
