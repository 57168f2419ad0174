import type { NoteSubject } from './schema';
import { ROLE_LABELS, type NoteVerdict, type Role } from './vocabulary';

// Notes as the card and the popup receive them. Free of zod and Dexie: the card runs in a content script.

/** A note as the card and the popup show it: plain data, safe to pass in a message. */
export interface NoteView {
  id: string;
  toolName: string;
  verdict: NoteVerdict;
  text: string;
  conditions: string[];
  tags: string[];
  author: { name: string; role?: Role; organisation?: string };
  createdAt: string;
  updatedAt: string;
  /** Older than the clinician's chosen age (from its last edit). */
  old: boolean;
  /** null for the clinician's own note; otherwise the team feed it came from. */
  via: { publisher: string; feedUrl: string } | null;
  /** An own note that no longer passes the checks: what to fix (it is shown, never hidden). */
  repair?: string[];
}

export interface ToolNotes {
  /** What a new note attaches to; null when the page is not a tool Signpost can name. */
  subject: NoteSubject | null;
  /** The clinician's own notes, newest first. */
  own: NoteView[];
  /** Colleagues' notes from team feeds, newest first. */
  team: NoteView[];
  /** "A. Example, GP": how new notes will be signed; empty when no name is in the profile. */
  signedAs: string;
}

export const NO_NOTES: ToolNotes = { subject: null, own: [], team: [], signedAs: '' };

export function signature(author: { name: string; role?: Role }): string {
  return [author.name, author.role ? ROLE_LABELS[author.role] : ''].filter(Boolean).join(', ');
}

/** A reason a note was not saved, placed so the editor can point at it. */
export interface NoteProblem {
  /** "text", "tags[1]", "verdict"… */
  path: string;
  message: string;
  /** For patient data: where in that field it was found. */
  range?: { start: number; end: number };
  /** A possible name or address (not an identifier): the author may keep it, with a deliberate click. */
  possible?: { found: string };
}
