import { z } from '../zod';
import { readUserFile } from '../settings/user-file';
import { formatPath } from '../feed/parse';
import { productKeys } from '../lookup/keys';
import { count } from '../publish/report';
import type { SignpostDatabase } from '../storage/db';
import { patientDataProblems, writtenAt, type LocalNote } from './schema';
import { ownNotes, readOwnNote } from './store';

// "Export my notes" and its inverse: the clinician's own notes as a file, exactly as stored, so a
// round trip loses nothing. Every own note is exported, including one that needs repair (and any
// stored record that is not a note at all, as it is). An import reads every note by its shape, so a
// note that needs repair (a profile problem from before profiles were checked) comes across and is
// shown with what to fix; a record that is not a note is left out, and counted; a note holding
// patient data refuses the whole file, to be fixed where it is. It is written in one transaction, so a damaged or
// partly read file leaves every note as it was (docs/patient-data.md).

export const NOTES_FORMAT = 'signpost-notes';
export const NOTES_VERSION = 1;
const MAX_NOTES = 20_000;
const MAX_FILE_CHARS = 50_000_000;

const notesFileSchema = z.object({
  format: z.literal(NOTES_FORMAT),
  version: z.literal(NOTES_VERSION),
  exportedAt: z.string().max(40).optional(),
  notes: z.array(z.unknown()).max(MAX_NOTES),
});

export async function notesFileText(db: SignpostDatabase, now: number): Promise<{ text: string; count: number }> {
  const { notes, unreadable } = await ownNotes(db);
  const all = [...notes.map(({ note }) => note), ...unreadable];
  const file = { format: NOTES_FORMAT, version: NOTES_VERSION, exportedAt: new Date(now).toISOString(), notes: all };
  return { text: `${JSON.stringify(file, null, 2)}\n`, count: all.length };
}

export function notesFileName(now: number): string {
  return `signpost-my-notes-${new Date(now).toISOString().slice(0, 10)}.json`;
}

export type ParsedNotesFile = { ok: true; notes: LocalNote[]; unreadable: number } | { ok: false; problem: string };

export function parseNotesFile(text: string): ParsedNotesFile {
  const read = readUserFile(text, {
    format: NOTES_FORMAT,
    version: NOTES_VERSION,
    name: 'a Signpost notes file',
    noun: 'notes file',
    maxChars: MAX_FILE_CHARS,
    ifFeed: 'This is a Signpost feed. To see a team feed\'s notes, use "Import a team feed file" instead.',
    suffix: ' Nothing was imported.',
  });
  if (!read.ok) return read;
  const { json } = read;
  const refuse = (path: PropertyKey[], message: string) => ({ ok: false as const, problem: `This notes file cannot be imported, so nothing was (${formatPath(path) || 'file'}: ${message}).` });
  const parsed = notesFileSchema.safeParse(json);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    return first ? refuse(first.path, first.message) : refuse([], 'unknown problem');
  }
  const notes: LocalNote[] = [];
  let unreadable = 0;
  for (const [index, value] of parsed.data.notes.entries()) {
    const read = readOwnNote(value);
    if (!read) {
      unreadable += 1;
      continue;
    }
    // Patient data is never written to another computer: fix the note where it is (it is shown
    // there with what to fix), then download again. Other repairs come across with the note.
    const [found] = patientDataProblems(read.note, writtenAt(read.note.updatedAt));
    if (found) return refuse(['notes', index, ...found.path], found.message);
    notes.push(read.note);
  }
  return { ok: true, notes, unreadable };
}

export interface NotesImportResult {
  added: number;
  updated: number;
  unchanged: number;
  /** Entries of the file that are not notes at all. */
  unreadable?: number;
}

/**
 * Adds the file's notes. A note already here (same id) is replaced only by a newer edit of it;
 * a note deleted here and still in the file comes back, as the file is the user's explicit choice.
 */
export async function importNotes(db: SignpostDatabase, notes: readonly LocalNote[], unreadable = 0): Promise<NotesImportResult> {
  return db.transaction('rw', db.notes, async () => {
    const result: NotesImportResult = { added: 0, updated: 0, unchanged: 0, ...(unreadable ? { unreadable } : {}) };
    const existing = new Map((await db.notes.bulkGet(notes.map((note) => note.id))).flatMap((record) => (record ? [[record.id, record] as const] : [])));
    const writes = notes.flatMap((note) => {
      const current = existing.get(note.id);
      if (current && current.deletedAt === undefined && current.note.updatedAt >= note.updatedAt) {
        result.unchanged += 1;
        return [];
      }
      result[current ? 'updated' : 'added'] += 1;
      return [{ id: note.id, toolKeys: productKeys(note.identifiers), note }];
    });
    await db.notes.bulkPut(writes);
    return result;
  });
}

export function describeNotesImport({ added, updated, unchanged, unreadable = 0 }: NotesImportResult): string {
  const parts = [
    added ? `${count(added, 'note')} added` : '',
    updated ? `${count(updated, 'note')} updated` : '',
    unchanged ? `${count(unchanged, 'note')} already here` : '',
    unreadable ? `${count(unreadable, 'entry', 'entries')} left out because ${unreadable === 1 ? 'it is' : 'they are'} not notes` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'the file has no notes';
}
