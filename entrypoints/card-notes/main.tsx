import { render } from 'preact';
import { CardNotesPage, topicFromHash } from '@/components/notes/CardNotesPage';
import { messageNoteActions } from '@/components/notes/message-actions';
import '@/components/theme.css';
import '@/components/trust-card.css';
import './card-notes.css';

// Framed inside the card on a store page (components/notes/CardNotes.tsx), only once its details
// are opened: notes are shown and written here, in a document of Signpost's own origin.

render(<CardNotesPage topic={topicFromHash(location.hash)} actions={messageNoteActions} />, document.getElementById('app')!);
