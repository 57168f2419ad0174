import { canFrameCardNotes, CARD_NOTES_PAGE, cardNotesHash, type CardNotesTopic } from '@/lib/notes/card-notes-address';

// Peer notes in the card on a web page. Nothing of them enters the page's document: on a store page
// the card frames Signpost's own notes page (its document is of the extension's origin, so the page
// cannot read it or hear what is typed in it); elsewhere the notes page is not reachable at all
// (lib/notes/card-notes-address.ts), and the card points to the toolbar popup instead.
// Mounted only when the card's details open, so the compact card's first paint never waits for it.

export function CardNotes({ topic }: { topic: CardNotesTopic }) {
  const name = topic.subject.toolName;
  if (!canFrameCardNotes(location.origin)) {
    return <p class="hint notes-elsewhere">Peer notes on {name} are not shown on this website: open Signpost from the toolbar to see and write them.</p>;
  }
  return <iframe class="notes-frame" title={`Peer notes for ${name}`} src={browser.runtime.getURL(CARD_NOTES_PAGE) + cardNotesHash(topic)} />;
}
