import { z } from '../zod';
import { DEFAULT_OLD_NOTE_MONTHS, ROLES } from '../notes/vocabulary';
import type { SignpostDatabase } from '../storage/db';
import { isLocked, loadPolicy } from './policy';

// The clinician's profile: who they are (signs their peer notes), their practice's digital champion
// (for "suggest this tool"), and the conditions they see most (listed first in cards and search).

const PROFILE_KEY = 'profile';

export const profileSchema = z.object({
  displayName: z.string().trim().max(100).default(''),
  role: z.enum(ROLES).optional(),
  organisation: z.string().trim().max(200).default(''),
  championEmail: z.union([z.email(), z.literal('')]).default(''),
  myConditions: z.array(z.string().max(80)).max(50).default([]),
  /** Peer notes older than this many months are marked as old. */
  oldNoteMonths: z.number().int().min(1).max(120).default(DEFAULT_OLD_NOTE_MONTHS),
});

export type Profile = z.infer<typeof profileSchema>;

export const EMPTY_PROFILE: Profile = profileSchema.parse({});

/**
 * Validated on load: a damaged profile falls back to empty rather than being trusted. The
 * organisation's policy may name the digital champion: as a default the user can change, or,
 * locked, as the only value.
 */
export async function loadProfile(db: SignpostDatabase): Promise<Profile> {
  const [stored, policy] = await Promise.all([db.settings.get(PROFILE_KEY), loadPolicy(db)]);
  const parsed = profileSchema.safeParse(stored?.value ?? {});
  const profile = parsed.success ? parsed.data : EMPTY_PROFILE;
  const locked = isLocked(policy, 'championEmail');
  if (!locked && (profile.championEmail || !policy.championEmail)) return profile;
  return { ...profile, championEmail: policy.championEmail ?? '' };
}

export async function saveProfile(db: SignpostDatabase, profile: Profile): Promise<void> {
  await db.settings.put({ key: PROFILE_KEY, value: profileSchema.parse(profile) });
}
