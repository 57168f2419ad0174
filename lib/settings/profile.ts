import { z } from 'zod';
import type { SignpostDatabase } from '../storage/db';

// The clinician's profile: who they are (for peer notes later), their practice's digital champion
// (for "suggest this tool"), and the conditions they see most (listed first in cards and search).

const PROFILE_KEY = 'profile';

export const ROLES = ['gp', 'nurse', 'pharmacist', 'allied-health-professional', 'commissioner', 'digital-champion', 'other'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  gp: 'GP',
  nurse: 'Nurse',
  pharmacist: 'Pharmacist',
  'allied-health-professional': 'Allied health professional',
  commissioner: 'Commissioner',
  'digital-champion': 'Digital champion',
  other: 'Other',
};

export const profileSchema = z.object({
  displayName: z.string().trim().max(100).default(''),
  role: z.enum(ROLES).optional(),
  organisation: z.string().trim().max(200).default(''),
  championEmail: z.union([z.email(), z.literal('')]).default(''),
  myConditions: z.array(z.string().max(80)).max(50).default([]),
});

export type Profile = z.infer<typeof profileSchema>;

export const EMPTY_PROFILE: Profile = profileSchema.parse({});

/** Validated on load: a damaged profile falls back to empty rather than being trusted. */
export async function loadProfile(db: SignpostDatabase): Promise<Profile> {
  const parsed = profileSchema.safeParse((await db.settings.get(PROFILE_KEY))?.value ?? {});
  return parsed.success ? parsed.data : EMPTY_PROFILE;
}

export async function saveProfile(db: SignpostDatabase, profile: Profile): Promise<void> {
  await db.settings.put({ key: PROFILE_KEY, value: profileSchema.parse(profile) });
}
