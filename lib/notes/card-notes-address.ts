import { STORE_MATCHES } from '../settings/site-access';
import type { NoteSubject } from './schema';

// Where the card on a web page shows peer notes: an extension page framed inside it
// (entrypoints/card-notes/), so notes, the editor, the profile's name and every keystroke stay in
// a document of Signpost's own origin, which the page can neither read nor listen to. The card
// names the tool in the frame's address; the notes page decodes and validates it
// (components/notes/CardNotesPage.tsx).
// This module is imported by content scripts: plain constants and strings only, no zod.

/** The notes page, as WXT outputs entrypoints/card-notes/index.html. */
export const CARD_NOTES_PAGE = '/card-notes.html';

/**
 * The pages that may frame the notes page (its web_accessible_resources matches in wxt.config.ts):
 * the two stores, where the card runs with install-time permission. Tool websites and link badges
 * reach every site, so the notes page is never made reachable there.
 */
export const CARD_NOTES_FRAME_MATCHES = STORE_MATCHES;

export const canFrameCardNotes = (origin: string) => CARD_NOTES_FRAME_MATCHES.includes(`${origin}/*`);

/** The tool whose notes the frame shows, and its conditions (offered in the note editor). */
export interface CardNotesTopic {
  subject: NoteSubject;
  conditions: readonly string[];
}

export const cardNotesHash = (topic: CardNotesTopic) => `#${encodeURIComponent(JSON.stringify(topic))}`;
