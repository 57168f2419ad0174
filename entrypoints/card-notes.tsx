import { render } from 'preact';
import { CARD_NOTES_GLOBAL, type CardNotesHost } from '@/components/notes/card-notes-global';
import { PeerNotes } from '@/components/notes/PeerNotes';

// Peer notes for the card on a web page, injected by the background only when a clinician opens
// the card's details: writing notes is rare, and the card's first paint should not carry its code.
// It has its own copy of Preact and renders into a slot the card leaves for it.

export default defineUnlistedScript(() => {
  (globalThis as CardNotesHost)[CARD_NOTES_GLOBAL] = {
    render: (slot, props) => render(<PeerNotes {...props} />, slot),
    unmount: (slot) => render(null, slot),
  };
});
