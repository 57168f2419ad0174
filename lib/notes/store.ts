import type { z } from 'zod';
import { formatPath } from '../feed/parse';
import { productKeys } from '../lookup/keys';
import { loadProfile, type Profile } from '../settings/profile';
import type { NoteRecord, SignpostDatabase } from '../storage/db';
import { feedSummary } from '../storage/registry-source';
import { localNoteSchema, noteDraftSchema, type LocalNote, type NoteSubject } from './schema';
import { NOTE_LIMITS } from './vocabulary';
import { NO_NOTES, signature, type NoteProblem, type NoteView, type ToolNotes } from './view';

// The clinician's own notes on this device, and colleagues' notes from team feeds, for one tool.
// Own notes are written only here; nothing here sends anything anywhere.

/** How long a deleted note can be brought back. The UI offers Undo for less than this. */
export const UNDO_WINDOW_MS = 60_000;
const MONTH_MS = 30.44 * 24 * 60 * 60 * 1000;

const newestFirst = (a: NoteView, b: NoteView) => b.updatedAt.localeCompare(a.updatedAt);

function view(note: LocalNote, via: NoteView['via'], now: number, profile: Profile): NoteView {
  const { identifiers: _identifiers, ...shown } = note;
  return { ...shown, old: now - Date.parse(note.updatedAt) > profile.oldNoteMonths * MONTH_MS, via };
}

/** An own note read back from storage, or null when it is damaged (kept, never trusted). */
function validOwnNote(record: NoteRecord): LocalNote | null {
  const parsed = localNoteSchema.safeParse(record.note);
  if (parsed.success) return parsed.data;
  console.warn(`Signpost: stored note ${record.id} is invalid and is not shown`, parsed.error.issues);
  return null;
}

export async function toolNotes(db: SignpostDatabase, subject: NoteSubject | null, now: number): Promise<ToolNotes> {
  const profile = await loadProfile(db);
  const signedAs = signature({ name: profile.displayName, role: profile.role });
  if (!subject) return { ...NO_NOTES, signedAs };
  const keys = productKeys(subject.identifiers);
  const [ownRecords, teamRecords, feeds] = await Promise.all([
    db.notes.where('toolKeys').anyOf(keys).distinct().toArray(),
    db.teamNotes.where('toolKeys').anyOf(keys).distinct().toArray(),
    db.feeds.toArray(),
  ]);
  const publishers = new Map(feeds.flatMap((record) => {
    const summary = feedSummary(record);
    return summary ? [[summary.url, summary.publisher.name] as const] : [];
  }));
  const own = ownRecords.flatMap((record) => {
    const note = record.deletedAt === undefined ? validOwnNote(record) : null;
    return note ? [view(note, null, now, profile)] : [];
  });
  const team = teamRecords.flatMap((record) => {
    const publisher = publishers.get(record.feedUrl);
    return publisher ? [view(record.note, { publisher, feedUrl: record.feedUrl }, now, profile)] : [];
  });
  return { subject, own: own.sort(newestFirst), team: team.sort(newestFirst), signedAs };
}

/** Every own note that is not deleted, newest first: for settings, export and publishing. Reads only. */
export async function ownNotes(db: SignpostDatabase): Promise<LocalNote[]> {
  const records = await db.notes.toArray();
  return records
    .flatMap((record) => (record.deletedAt === undefined ? [validOwnNote(record)] : []))
    .filter((note): note is LocalNote => note !== null)
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export type SaveNoteResult = { ok: true; id: string } | { ok: false; problems: NoteProblem[] };

/** Plain-English reasons for the fields an author fills in; the rest cannot go wrong in the editor. */
const FIELD_PROBLEMS: Record<string, string> = {
  verdict: 'Choose a verdict: works well, use with care or do not recommend.',
  text: `Write the note (up to ${NOTE_LIMITS.text.toLocaleString('en-GB')} characters).`,
  tags: `A note can have up to ${NOTE_LIMITS.tags} tags, each up to ${NOTE_LIMITS.tagLength} characters.`,
  conditions: `A note can name up to ${NOTE_LIMITS.conditions} conditions.`,
  toolName: "Give the tool's name.",
  identifiers: 'Signpost cannot tell which tool this note is about.',
};

function draftProblems(error: z.ZodError): NoteProblem[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code !== 'custom') return { path, message: FIELD_PROBLEMS[String(issue.path[0])] ?? `${path}: ${issue.message}` };
    const { start, end } = (issue.params ?? {}) as { start?: unknown; end?: unknown };
    return { path, message: issue.message, ...(typeof start === 'number' && typeof end === 'number' ? { range: { start, end } } : {}) };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Saves a new note or an edit of one of the clinician's own. Anything that fails the checks,
 * patient data above all, is refused whole and stored nowhere, not even as a draft.
 */
export async function saveNote(db: SignpostDatabase, input: unknown, now: number): Promise<SaveNoteResult> {
  const parsed = noteDraftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: draftProblems(parsed.error) };
  const { id: editedId, ...draft } = parsed.data;
  const profile = await loadProfile(db);
  return db.transaction('rw', db.notes, async () => {
    await purgeDeleted(db, now);
    const existing = editedId === undefined ? undefined : await db.notes.get(editedId);
    if (editedId !== undefined && (!existing || existing.deletedAt !== undefined)) {
      return { ok: false, problems: [{ path: 'id', message: 'This note no longer exists: it may have been deleted in another window.' }] };
    }
    const id = editedId ?? crypto.randomUUID();
    const note: LocalNote = {
      id,
      ...draft,
      author: {
        name: profile.displayName,
        ...(profile.role ? { role: profile.role } : {}),
        ...(profile.organisation ? { organisation: profile.organisation } : {}),
      },
      createdAt: existing?.note.createdAt ?? iso(now),
      updatedAt: iso(now),
    };
    await db.notes.put({ id, toolKeys: productKeys(note.identifiers), note });
    return { ok: true, id } as const;
  });
}

/** Marks an own note deleted; it can be restored for UNDO_WINDOW_MS. False when there was none. */
export async function deleteNote(db: SignpostDatabase, id: string, now: number): Promise<boolean> {
  return db.transaction('rw', db.notes, async () => {
    await purgeDeleted(db, now);
    const record = await db.notes.get(id);
    if (!record || record.deletedAt !== undefined) return false;
    await db.notes.put({ ...record, deletedAt: now });
    return true;
  });
}

/** Undoes a deletion made less than UNDO_WINDOW_MS ago. */
export async function restoreNote(db: SignpostDatabase, id: string, now: number): Promise<boolean> {
  return db.transaction('rw', db.notes, async () => {
    const record = await db.notes.get(id);
    if (record?.deletedAt === undefined || now - record.deletedAt > UNDO_WINDOW_MS) return false;
    const { deletedAt: _deletedAt, ...restored } = record;
    await db.notes.put(restored);
    return true;
  });
}

/** Removes for good the notes deleted longer ago than the undo window. */
export async function purgeDeleted(db: SignpostDatabase, now: number): Promise<void> {
  await db.notes.filter((record) => record.deletedAt !== undefined && now - record.deletedAt > UNDO_WINDOW_MS).delete();
}
