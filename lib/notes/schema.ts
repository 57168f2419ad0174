import { z } from '../zod';
import { identifiersSchema, shortText, timestamp, type Identifiers } from '../feed/schema';
import { describeFinding, findPatientData } from './patient-data';
import { NOTE_LIMITS, NOTE_VERDICTS, ROLES } from './vocabulary';

// A peer note, as written on the device and as carried by a team feed. Notes are about tools,
// never patients: every schema here runs the patient-data check, so a note holding an NHS number
// is refused when it is saved, published, imported or read from a feed.


export const noteIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected a note id of letters, digits, ".", "_" or "-"');

export function hasAnyIdentifier(identifiers: Identifiers): boolean {
  return Boolean(identifiers.apple?.length || identifiers.googlePlay?.length || identifiers.web?.length);
}

/** What a note is about: the tool's name and every identifier it is known by. */
export const noteSubjectSchema = z.object({
  toolName: shortText(200),
  identifiers: identifiersSchema.refine(hasAnyIdentifier, 'a note must name its tool by an App Store id, a Google Play package or a website'),
});

/** The parts of a note its author writes; the rest (author, dates, id) Signpost fills in. */
const authoredFields = {
  verdict: z.enum(NOTE_VERDICTS),
  text: shortText(NOTE_LIMITS.text),
  conditions: z.array(shortText(80)).max(NOTE_LIMITS.conditions).default([]),
  tags: z.array(shortText(NOTE_LIMITS.tagLength)).max(NOTE_LIMITS.tags).default([]),
};

/** Where a finding was, worded for the author: "the note", "tag 2". */
export function fieldLabel(path: readonly PropertyKey[]): string {
  return path[0] === 'tags' && typeof path[1] === 'number' ? `tag ${path[1] + 1}` : 'the note';
}

/** Every free text of a note, with its path, for the patient-data check. */
function freeTexts(note: { text: string; tags: readonly string[] }): [PropertyKey[], string][] {
  return [[['text'], note.text], ...note.tags.map((tag, index): [PropertyKey[], string] => [['tags', index], tag])];
}

export interface PatientDataProblem {
  path: PropertyKey[];
  /** Plain English: what was found, where, and what to do. */
  message: string;
  start: number;
  end: number;
}

export function patientDataProblems(note: { text: string; tags: readonly string[] }): PatientDataProblem[] {
  return freeTexts(note).flatMap(([path, value]) =>
    findPatientData(value).map((finding) => ({ path, message: describeFinding(finding, fieldLabel(path)), start: finding.start, end: finding.end })),
  );
}

const withoutPatientData = (note: { text: string; tags: string[] }, context: z.RefinementCtx) => {
  for (const { path, message, start, end } of patientDataProblems(note)) context.addIssue({ code: 'custom', path, message, params: { start, end } });
};

/** What the editor sends: a new note (no id) or an edit of one of the author's own notes. */
export const noteDraftSchema = z
  .object({ id: noteIdSchema.optional(), ...noteSubjectSchema.shape, ...authoredFields })
  .superRefine(withoutPatientData);

export type NoteDraft = z.input<typeof noteDraftSchema>;

const authorFields = {
  role: z.enum(ROLES).optional(),
  organisation: shortText(NOTE_LIMITS.organisation).optional(),
};

const noteFields = {
  id: noteIdSchema,
  ...noteSubjectSchema.shape,
  ...authoredFields,
  createdAt: timestamp,
  updatedAt: timestamp,
};

/** A note in a team feed: attributed, so it must name its author. */
export const feedNoteSchema = z
  .object({ ...noteFields, author: z.object({ name: shortText(NOTE_LIMITS.authorName), ...authorFields }) })
  .superRefine(withoutPatientData);

/** A note on this device: the author may not have given a name yet (they must before publishing). */
export const localNoteSchema = z
  .object({ ...noteFields, author: z.object({ name: z.string().trim().max(NOTE_LIMITS.authorName), ...authorFields }) })
  .superRefine(withoutPatientData);

export type FeedNote = z.infer<typeof feedNoteSchema>;
export type LocalNote = z.infer<typeof localNoteSchema>;
export type NoteSubject = z.infer<typeof noteSubjectSchema>;
