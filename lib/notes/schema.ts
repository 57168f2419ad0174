import { z } from '../zod';
import { identifiersSchema, shortText, timestamp, type Identifiers } from '../feed/schema';
import { describeFinding, findPatientData, isPossibleOnly, vendorDomainsOf, type PatientDataFinding } from './patient-data';
import { NOTE_LIMITS, NOTE_VERDICTS, ROLES } from './vocabulary';

// A peer note, as written on the device and as carried by a team feed. Notes are about tools,
// never patients: every free-text field of a note (text, tags, tool name, conditions, author) is
// checked for patient identifiers, so a note holding an NHS number is refused when it is saved,
// published or read from a feed (docs/patient-data.md).

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

/** Where a finding was, worded for the author: "the note", "tag 2", "the tool's name". */
export function fieldLabel(path: readonly PropertyKey[]): string {
  const [field, index] = path;
  if (typeof index === 'number' && (field === 'tags' || field === 'conditions')) return `${field === 'tags' ? 'tag' : 'condition'} ${index + 1}`;
  if (field === 'toolName') return "the tool's name";
  if (field === 'author') return index === 'organisation' ? "the author's organisation" : "the author's name";
  return 'the note';
}

/** The free texts of a note the patient-data check reads, with their paths. */
interface CheckedNote {
  text: string;
  tags: readonly string[];
  toolName: string;
  conditions: readonly string[];
  identifiers: Identifiers;
  author?: { name: string; organisation?: string };
}

/** Free texts the author writes in their own words: names and addresses there are "possible". */
const isAuthorsWords = (path: readonly PropertyKey[]) => path[0] === 'text' || path[0] === 'tags';

function freeTexts(note: CheckedNote): [PropertyKey[], string][] {
  const listed = (field: 'tags' | 'conditions') => note[field].map((value, index): [PropertyKey[], string] => [[field, index], value]);
  return [
    [['text'], note.text],
    ...listed('tags'),
    [['toolName'], note.toolName],
    ...listed('conditions'),
    ...(note.author ? ([[['author', 'name'], note.author.name]] as [PropertyKey[], string][]) : []),
    ...(note.author?.organisation !== undefined ? ([[['author', 'organisation'], note.author.organisation]] as [PropertyKey[], string][]) : []),
  ];
}

export interface PatientDataProblem {
  path: PropertyKey[];
  /** Plain English: what was found, where, and what to do. */
  message: string;
  start: number;
  end: number;
  /** A possible name or street address: the author may save anyway. */
  possible: boolean;
  /** What was found, without hidden characters: what the author confirms by saving anyway. */
  found: string;
}

/** Nothing a note says was written before Signpost's notes existed: dates after it are not in "the future". */
const EARLIEST_NOTE = Date.UTC(2024, 0, 1);

/** When a stored or shared note's text was written, for the patient-data check. */
export const writtenAt = (updatedAt: string): number => Math.max(Date.parse(updatedAt) || Date.now(), EARLIEST_NOTE);

/**
 * Patient data in every free-text field of a note, as of `now` (when it was written). Names and
 * addresses are looked for only in the author's own words, and only when `possible` is asked.
 */
export function patientDataProblems(note: CheckedNote, now: number, { possible = false } = {}): PatientDataProblem[] {
  const vendorDomains = vendorDomainsOf(note.identifiers);
  return freeTexts(note).flatMap(([path, value]) =>
    findPatientData(value, { now, vendorDomains, identifiersOnly: !(possible && isAuthorsWords(path)) }).map((finding: PatientDataFinding) => ({
      path,
      message: describeFinding(finding, fieldLabel(path)),
      start: finding.start,
      end: finding.end,
      possible: isPossibleOnly(finding.kind),
      found: finding.text,
    })),
  );
}

const withoutPatientData = (note: CheckedNote & { updatedAt: string }, context: z.RefinementCtx) => {
  for (const { path, message, start, end } of patientDataProblems(note, writtenAt(note.updatedAt))) {
    context.addIssue({ code: 'custom', path, message, params: { start, end } });
  }
};

/**
 * What the editor sends: a new note (no id) or an edit of one of the author's own notes. Its
 * patient-data check is made on the final note, signed, when it is saved (store.ts).
 */
export const noteDraftSchema = z.object({
  id: noteIdSchema.optional(),
  ...noteSubjectSchema.shape,
  ...authoredFields,
  /** Possible names or addresses the author chose to keep ("Save anyway"), as shown to them. */
  keep: z.array(z.string().max(NOTE_LIMITS.text)).max(50).default([]),
});

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

/**
 * An own note as stored, by its shape alone: how a note that no longer passes the checks is still
 * read, shown with what to repair, and exported, never hidden (docs/patient-data.md).
 */
export const storedNoteSchema = z.object({
  id: noteIdSchema,
  toolName: z.string(),
  identifiers: identifiersSchema,
  verdict: z.enum(NOTE_VERDICTS),
  text: z.string(),
  conditions: z.array(z.string()).default([]),
  tags: z.array(z.string()).default([]),
  author: z.object({ name: z.string(), role: z.enum(ROLES).optional(), organisation: z.string().optional() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type FeedNote = z.infer<typeof feedNoteSchema>;
export type LocalNote = z.infer<typeof localNoteSchema>;
export type NoteSubject = z.infer<typeof noteSubjectSchema>;
