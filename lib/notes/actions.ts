import type { SignpostDatabase } from '../storage/db';
import type { NoteSubject } from './schema';
import { deleteNote, restoreNote, saveNote, toolNotes } from './store';
import type { NoteProblem, ToolNotes } from './view';

// What the notes UI can do. Notes are shown and written only in Signpost's own documents: the
// popup, straight on the database (localNoteActions), and the notes page framed in the card on a
// store page, through the background (components/notes/message-actions.ts). Never in a web page's.

export type SaveNoteReply = { ok: true; id: string; notes: ToolNotes } | { ok: false; problems: NoteProblem[] };

export interface NoteActions {
  /** A new note (no id) or an edit of an own note; refused with reasons, patient data above all. */
  save(draft: unknown): Promise<SaveNoteReply>;
  remove(id: string, subject: NoteSubject): Promise<ToolNotes>;
  /** Undoes a recent delete; after the undo window it changes nothing. */
  restore(id: string, subject: NoteSubject): Promise<ToolNotes>;
}

/** The actions, and reading a tool's notes to begin with. */
export interface ToolNoteActions extends NoteActions {
  forTool(subject: NoteSubject | null): Promise<ToolNotes>;
}

export function localNoteActions(db: SignpostDatabase, now: () => number): ToolNoteActions {
  return {
    forTool: (subject) => toolNotes(db, subject, now()),
    async save(draft) {
      const saved = await saveNote(db, draft, now());
      if (!saved.ok) return saved;
      const { toolName, identifiers } = draft as NoteSubject;
      return { ok: true, id: saved.id, notes: await toolNotes(db, { toolName, identifiers }, now()) };
    },
    async remove(id, subject) {
      await deleteNote(db, id, now());
      return toolNotes(db, subject, now());
    },
    async restore(id, subject) {
      await restoreNote(db, id, now());
      return toolNotes(db, subject, now());
    },
  };
}
