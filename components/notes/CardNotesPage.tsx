import { useEffect, useState } from 'preact/hooks';
import { shortText } from '@/lib/feed/schema';
import type { ToolNoteActions } from '@/lib/notes/actions';
import type { CardNotesTopic } from '@/lib/notes/card-notes-address';
import { noteSubjectSchema } from '@/lib/notes/schema';
import type { ToolNotes } from '@/lib/notes/view';
import { z } from '@/lib/zod';
import { PeerNotes } from './PeerNotes';

// The peer notes of the card on a store page, in an extension page framed inside the card
// (entrypoints/card-notes/): the page around it can neither read this document nor hear its keys.
// Its address is the one thing from outside: any page allowed to frame it could write one, so it
// is validated like any other input.

/** The card shows the newest few notes of each kind; the toolbar popup shows them all. */
const CARD_NOTES_LIMIT = 3;

const topicSchema = z.object({
  subject: noteSubjectSchema,
  // The tool's conditions, as the feed schema bounds them: offered in the note editor.
  conditions: z.array(shortText(80)).max(50),
});

/** The tool named in the frame's address (cardNotesHash), or null when it names none validly. */
export function topicFromHash(hash: string): CardNotesTopic | null {
  try {
    const parsed = topicSchema.safeParse(JSON.parse(decodeURIComponent(hash.replace(/^#/, ''))));
    return parsed.success ? parsed.data : null;
  } catch {
    // Not percent-encoded JSON at all.
    return null;
  }
}

export function CardNotesPage({ topic, actions }: { topic: CardNotesTopic | null; actions: ToolNoteActions }) {
  const [notes, setNotes] = useState<ToolNotes | 'loading' | 'failed'>('loading');
  // Read once: the frame shows one tool for its whole life (the card makes a new frame for another).
  useEffect(() => {
    if (topic) actions.forTool(topic.subject).then(setNotes, () => setNotes('failed'));
  }, []);

  if (!topic || notes === 'failed') return <p class="hint">Peer notes could not be shown here. Open Signpost from the toolbar to see them.</p>;
  if (notes === 'loading') return <p class="hint">Loading peer notes…</p>;
  return <PeerNotes notes={notes} conditions={topic.conditions} actions={actions} limit={CARD_NOTES_LIMIT} idPrefix="signpost-notes" />;
}
