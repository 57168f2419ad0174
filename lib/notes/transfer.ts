import { z } from '../zod';
import { readUserFile } from '../settings/user-file';
import { formatPath } from '../feed/parse';
import { productKeys } from '../lookup/keys';
import { count } from '../publish/report';
import type { SignpostDatabase } from '../storage/db';
import { localNoteSchema, type LocalNote } from './schema';
import { ownNotes } from './store';

// "Export my notes" and its inverse: the clinician's own notes as a file, exactly as stored, so a
// round trip loses nothing. An import is checked whole before anything is written, and written in
// one transaction, so a damaged or partly read file leaves every note as it was.

export const NOTES_FORMAT = 'signpost-notes';
export const NOTES_VERSION = 1;
const MAX_NOTES = 20_000;
const MAX_FILE_CHARS = 50_000_000;

const notesFileSchema = z.object({
  format: z.literal(NOTES_FORMAT),
  version: z.literal(NOTES_VERSION),
  exportedAt: z.string().max(40).optional(),
  notes: z.array(localNoteSchema).max(MAX_NOTES),
});

export async function notesFileText(db: SignpostDatabase, now: number): Promise<{ text: string; count: number }> {
  const notes = await ownNotes(db);
  const file = { format: NOTES_FORMAT, version: NOTES_VERSION, exportedAt: new Date(now).toISOString(), notes };
  return { text: `${JSON.stringify(file, null, 2)}\n`, count: notes.length };
}

export function notesFileName(now: number): string {
  return `signpost-my-notes-${new Date(now).toISOString().slice(0, 10)}.json`;
}

export type ParsedNotesFile = { ok: true; notes: LocalNote[] } | { ok: false; problem: string };

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
  const parsed = notesFileSchema.safeParse(json);
  if (parsed.success) return { ok: true, notes: parsed.data.notes };
  const [first] = parsed.error.issues;
  return { ok: false, problem: `This notes file cannot be imported, so nothing was (${first ? `${formatPath(first.path) || 'file'}: ${first.message}` : 'unknown problem'}).` };
}

export interface NotesImportResult {
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * Adds the file's notes. A note already here (same id) is replaced only by a newer edit of it;
 * a note deleted here and still in the file comes back, as the file is the user's explicit choice.
 */
export async function importNotes(db: SignpostDatabase, notes: readonly LocalNote[]): Promise<NotesImportResult> {
  return db.transaction('rw', db.notes, async () => {
    const result: NotesImportResult = { added: 0, updated: 0, unchanged: 0 };
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

export function describeNotesImport({ added, updated, unchanged }: NotesImportResult): string {
  const parts = [added ? `${count(added, 'note')} added` : '', updated ? `${count(updated, 'note')} updated` : '', unchanged ? `${count(unchanged, 'note')} already here` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'the file has no notes';
}
