import type { NoteActions } from '@/lib/notes/actions';
import { askBackground } from '../ask-background';

// The card on a web page has no database of its own: its note actions are messages to the
// background, which checks them (patient data above all) and answers with the tool's notes.

export const messageNoteActions: NoteActions = {
  save: (draft) => askBackground({ type: 'save-note', draft }),
  remove: (id, subject) => askBackground({ type: 'delete-note', id, subject }),
  restore: (id, subject) => askBackground({ type: 'restore-note', id, subject }),
};
