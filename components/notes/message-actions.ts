import type { ToolNoteActions } from '@/lib/notes/actions';
import { NO_NOTES } from '@/lib/notes/view';
import { askBackground } from '../ask-background';

// The notes page framed in the card (entrypoints/card-notes/) reads and writes notes through the
// background, not the database: framed in a web page it is a third-party document, and a browser
// that blocks third-party cookies blocks its IndexedDB too ("The user denied permission to access
// the database", Chromium). The background accepts note messages from Signpost's own pages only,
// and checks every draft (patient data above all) before it stores anything.

export const messageNoteActions: ToolNoteActions = {
  forTool: async (subject) => (subject ? askBackground({ type: 'notes-for', subject }) : NO_NOTES),
  save: (draft) => askBackground({ type: 'save-note', draft }),
  remove: (id, subject) => askBackground({ type: 'delete-note', id, subject }),
  restore: (id, subject) => askBackground({ type: 'restore-note', id, subject }),
};
