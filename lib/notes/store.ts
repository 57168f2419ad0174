import type { z } from 'zod';
import { formatPath } from '../feed/parse';
import { productKeys } from '../lookup/keys';
import { loadProfile, profileProblems, type Profile } from '../settings/profile';
import type { NoteRecord, SignpostDatabase } from '../storage/db';
import { feedSummary } from '../storage/registry-source';
import { fieldLabel, localNoteSchema, noteDraftSchema, patientDataProblems, storedNoteSchema, type LocalNote, type NoteSubject } from './schema';
import { withoutHiddenCharacters } from './patient-data';
import { NOTE_LIMITS } from './vocabulary';
import { NO_NOTES, signature, type NoteProblem, type NoteView, type ToolNotes } from './view';

// The clinician's own notes on this device, and colleagues' notes from team feeds, for one tool.
// Own notes are written only here; nothing here sends anything anywhere.

/** How long a deleted note can be brought back. The UI offers Undo for less than this. */
export const UNDO_WINDOW_MS = 60_000;
const MONTH_MS = 30.44 * 24 * 60 * 60 * 1000;

const newestFirst = (a: NoteView, b: NoteView) => b.updatedAt.localeCompare(a.updatedAt);

function view(note: LocalNote, via: NoteView['via'], now: number, profile: Profile, repair: string[] = []): NoteView {
  const { identifiers: _identifiers, ...shown } = note;
  return { ...shown, old: now - Date.parse(note.updatedAt) > profile.oldNoteMonths * MONTH_MS, via, ...(repair.length ? { repair } : {}) };
}

/** An own note as read back: what needs repairing is empty when it passes every check. */
export interface OwnNote {
  note: LocalNote;
  /** Plain English, one per problem: what to fix before it can be shared. */
  repair: string[];
}

/** A problem of a stored note, worded for its author. */
function repairMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' && issue.params) return issue.message;
  const label = fieldLabel(issue.path);
  return `${label.charAt(0).toUpperCase()}${label.slice(1)}: ${issue.message}.`;
}

/**
 * An own note read back from storage. One that no longer passes the checks (the patient-data check
 * improved, or a profile problem from before it was checked) is still read by its shape, with what
 * to repair: an own note is never hidden. Null only for a record that is not a note at all.
 */
export function readOwnNote(value: unknown): OwnNote | null {
  const valid = localNoteSchema.safeParse(value);
  if (valid.success) return { note: valid.data, repair: [] };
  const shape = storedNoteSchema.safeParse(value);
  return shape.success ? { note: shape.data, repair: valid.error.issues.map(repairMessage) } : null;
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
    const read = record.deletedAt === undefined ? readOwnNote(record.note) : null;
    return read ? [view(read.note, null, now, profile, read.repair)] : [];
  });
  const team = teamRecords.flatMap((record) => {
    const publisher = publishers.get(record.feedUrl);
    return publisher ? [view(record.note, { publisher, feedUrl: record.feedUrl }, now, profile)] : [];
  });
  return { subject, own: own.sort(newestFirst), team: team.sort(newestFirst), signedAs };
}

export interface OwnNotes {
  /** Every own note that is not deleted, newest first, with what needs repairing. */
  notes: OwnNote[];
  /** Stored records that are not notes at all: kept, and exported as they are. */
  unreadable: unknown[];
}

/** The clinician's own notes: for settings, export and publishing. Reads only. */
export async function ownNotes(db: SignpostDatabase): Promise<OwnNotes> {
  const records = (await db.notes.toArray()).filter((record: NoteRecord) => record.deletedAt === undefined);
  const notes: OwnNote[] = [];
  const unreadable: unknown[] = [];
  for (const record of records) {
    const read = readOwnNote(record.note);
    if (read) notes.push(read);
    else unreadable.push(record.note);
  }
  return { notes: notes.sort((a, b) => b.note.updatedAt.localeCompare(a.note.updatedAt)), unreadable };
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
    const { start, end } = (issue.code === 'custom' ? (issue.params ?? {}) : {}) as { start?: unknown; end?: unknown };
    const range = typeof start === 'number' && typeof end === 'number' ? { range: { start, end } } : {};
    // The author is copied from the profile, whose own check comes first (profileProblems).
    if (issue.path[0] === 'author') return { path, message: `Your profile cannot sign this note (${path}: ${issue.message}). Check "Your profile" in Signpost settings.` };
    if (issue.code === 'custom') return { path, message: issue.params ? issue.message : repairMessage(issue), ...range };
    return { path, message: FIELD_PROBLEMS[String(issue.path[0])] ?? `${path}: ${issue.message}` };
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Possible names and addresses in the author's words that they have not chosen to keep. */
function possibleProblems(note: LocalNote, now: number, keep: readonly string[]): NoteProblem[] {
  const kept = new Set(keep.map(withoutHiddenCharacters));
  return patientDataProblems(note, now, { possible: true })
    .filter((problem) => problem.possible && !kept.has(withoutHiddenCharacters(problem.found)))
    .map(({ path, message, start, end, found }) => ({ path: formatPath(path), message, range: { start, end }, possible: { found: withoutHiddenCharacters(found) } }));
}

/**
 * Saves a new note or an edit of one of the clinician's own. Anything that fails the checks,
 * patient data above all, is refused whole and stored nowhere, not even as a draft.
 */
export async function saveNote(db: SignpostDatabase, input: unknown, now: number): Promise<SaveNoteResult> {
  const parsed = noteDraftSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: draftProblems(parsed.error) };
  const { id: editedId, keep, ...draft } = parsed.data;
  const profile = await loadProfile(db);
  // Notes are signed with the profile: it must pass the same checks as the note.
  const unsigned = profileProblems(profile, now);
  if (unsigned.length) {
    return { ok: false, problems: unsigned.map(({ message }) => ({ path: 'author', message: `${message} Notes are signed with your profile: change it in Signpost settings, under "Your profile", then save the note again.` })) };
  }
  return db.transaction('rw', db.notes, async (): Promise<SaveNoteResult> => {
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
      createdAt: readOwnNote(existing?.note)?.note.createdAt ?? iso(now),
      updatedAt: iso(now),
    };
    // The final note, signed, is checked whole: a note that would not read back is never written.
    const checked = localNoteSchema.safeParse(note);
    if (!checked.success) return { ok: false, problems: draftProblems(checked.error) };
    const possible = possibleProblems(note, now, keep);
    if (possible.length) return { ok: false, problems: possible };
    await db.notes.put({ id, toolKeys: productKeys(note.identifiers), note: checked.data });
    return { ok: true, id };
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
