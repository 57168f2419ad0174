import { z } from '../zod';
import { describeWhere, findPatientData, PATIENT_DATA_LABELS, withoutHiddenCharacters } from '../notes/patient-data';
import { DEFAULT_OLD_NOTE_MONTHS, NOTE_LIMITS, ROLES } from '../notes/vocabulary';
import type { SignpostDatabase } from '../storage/db';
import { isLocked, loadPolicy } from './policy';

// The clinician's profile: who they are (signs their peer notes), their practice's digital champion
// (for "suggest this tool"), and the conditions they see most (listed first in cards and search).
// The name and organisation are copied into every note, so they pass the same checks as a note's
// author (docs/patient-data.md): hidden characters pasted with them (an email client's direction
// marks) are removed, and a patient identifier in them is refused before they are saved.

const PROFILE_KEY = 'profile';

/** The profile's texts that go into every note, with how the author sees them named. */
export const SIGNING_FIELDS = { displayName: 'your name', organisation: 'your organisation' } as const;
export type SigningField = keyof typeof SIGNING_FIELDS;

/** Trimmed, without hidden characters: what the clinician sees is what is saved. */
const signingText = (max: number) => z.string().transform(withoutHiddenCharacters).pipe(z.string().trim().max(max));

export interface ProfileProblem {
  field: SigningField;
  message: string;
}

/** Patient identifiers in the name or organisation, as the note check finds them in a note's author. */
export function profileProblems(profile: Pick<Profile, SigningField>, now: number): ProfileProblem[] {
  return (Object.keys(SIGNING_FIELDS) as SigningField[]).flatMap((field) =>
    findPatientData(profile[field], { now, identifiersOnly: true }).map((finding) => ({
      field,
      message: `${SIGNING_FIELDS[field].replace(/^y/, 'Y')} contains what looks like ${PATIENT_DATA_LABELS[finding.kind]} (${describeWhere(finding)}).`,
    })),
  );
}

const profileShape = z.object({
  displayName: signingText(NOTE_LIMITS.authorName).default(''),
  role: z.enum(ROLES).optional(),
  organisation: signingText(NOTE_LIMITS.organisation).default(''),
  championEmail: z.union([z.email(), z.literal('')]).default(''),
  myConditions: z.array(z.string().max(80)).max(50).default([]),
  /** Peer notes older than this many months are marked as old. */
  oldNoteMonths: z.number().int().min(1).max(120).default(DEFAULT_OLD_NOTE_MONTHS),
});

/** A profile to save (typed in Settings or imported from a file): checked as a note's author is. */
export const profileSchema = profileShape.superRefine((profile, context) => {
  for (const { field, message } of profileProblems(profile, Date.now())) context.addIssue({ code: 'custom', path: [field], message });
});

export type Profile = z.infer<typeof profileSchema>;

export const EMPTY_PROFILE: Profile = profileSchema.parse({});

/**
 * Validated on load by its shape (hidden characters removed), so a profile saved before its texts
 * were checked still signs notes cleanly; a note signed with a profile holding patient data is
 * refused when it is saved, with where to fix it. A damaged profile falls back to empty rather
 * than being trusted. The organisation's policy may name the digital champion: as a default the
 * user can change, or, locked, as the only value.
 */
export async function loadProfile(db: SignpostDatabase): Promise<Profile> {
  const [stored, policy] = await Promise.all([db.settings.get(PROFILE_KEY), loadPolicy(db)]);
  const parsed = profileShape.safeParse(stored?.value ?? {});
  const profile = parsed.success ? parsed.data : EMPTY_PROFILE;
  const locked = isLocked(policy, 'championEmail');
  if (!locked && (profile.championEmail || !policy.championEmail)) return profile;
  return { ...profile, championEmail: policy.championEmail ?? '' };
}

export async function saveProfile(db: SignpostDatabase, profile: Profile): Promise<void> {
  await db.settings.put({ key: PROFILE_KEY, value: profileSchema.parse(profile) });
}
