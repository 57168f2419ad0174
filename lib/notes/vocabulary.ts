// Peer notes' closed vocabularies, kept free of zod so the card (in a content script) can use them.

/** Who writes notes: the same roles the profile offers. */
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

/** A colleague's judgement of a tool in practice: an opinion, never an endorsement. */
export const NOTE_VERDICTS = ['works-well', 'use-with-care', 'do-not-recommend'] as const;
export type NoteVerdict = (typeof NOTE_VERDICTS)[number];

export const NOTE_VERDICT_LABELS: Record<NoteVerdict, string> = {
  'works-well': 'Works well',
  'use-with-care': 'Use with care',
  'do-not-recommend': 'Do not recommend',
};

/** Shown beside the words, never instead of them (meaning is never carried by a symbol alone). */
export const NOTE_VERDICT_SYMBOLS: Record<NoteVerdict, string> = {
  'works-well': '✓',
  'use-with-care': '!',
  'do-not-recommend': '✕',
};

/** Offered as tick boxes; authors may add their own. */
export const SUGGESTED_TAGS = [
  'needs smartphone',
  'needs internet',
  'good for older patients',
  'English only',
  'free to patients',
  'easy to set up',
  'needs a referral',
] as const;

export const NOTE_LIMITS = {
  text: 2000,
  tags: 10,
  tagLength: 40,
  conditions: 20,
  authorName: 100,
  organisation: 200,
} as const;

/** Notes older than this are marked as old unless the clinician chooses otherwise in settings. */
export const DEFAULT_OLD_NOTE_MONTHS = 12;
