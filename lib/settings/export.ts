import { z } from '../zod';
import { conditionLabel } from '../feed/conditions';
import { formatPath } from '../feed/parse';
import { count } from '../publish/report';
import { newFeedProblem, normaliseFeedUrl } from './feeds';
import { ROLE_LABELS } from '../notes/vocabulary';
import { readUserFile } from './user-file';
import { profileSchema, type Profile } from './profile';

// Settings as a file, to move them to another computer or hand a colleague a starting set of
// feeds. Only the user's own choices travel: the registry cache is rebuilt from the feeds.

export const SETTINGS_FORMAT = 'signpost-settings';
export const SETTINGS_VERSION = 1;
/** Far more than any real settings file; a larger file is something else. */
const MAX_FILE_CHARS = 1_000_000;

const settingsFileSchema = z.object({
  format: z.literal(SETTINGS_FORMAT),
  version: z.literal(SETTINGS_VERSION),
  exportedAt: z.string().max(40).optional(),
  subscriptions: z.array(z.string().max(2000)).max(200).default([]),
  profile: profileSchema.optional(),
  linkBadges: z.boolean().optional(),
});

export type SettingsFile = z.infer<typeof settingsFileSchema>;

/** The user's settings as they stand: what an export writes and an import is compared with. */
export interface SettingsSnapshot {
  /** Feeds the user added; the bundled feed is part of every install and is not exported. */
  subscriptions: string[];
  profile: Profile;
  linkBadges: boolean;
}

export function settingsFileText(snapshot: SettingsSnapshot, now: number): string {
  const file: SettingsFile = {
    format: SETTINGS_FORMAT,
    version: SETTINGS_VERSION,
    exportedAt: new Date(now).toISOString(),
    subscriptions: snapshot.subscriptions,
    profile: snapshot.profile,
    linkBadges: snapshot.linkBadges,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export function settingsFileName(now: number): string {
  return `signpost-settings-${new Date(now).toISOString().slice(0, 10)}.json`;
}

export type ParsedSettingsFile = { ok: true; file: SettingsFile } | { ok: false; problem: string };

/** Reads a file the user chose. Anything unexpected is refused with a reason they can act on. */
export function parseSettingsFile(text: string): ParsedSettingsFile {
  const read = readUserFile(text, {
    format: SETTINGS_FORMAT,
    version: SETTINGS_VERSION,
    name: 'a Signpost settings file',
    noun: 'settings file',
    maxChars: MAX_FILE_CHARS,
    ifFeed: 'This is a Signpost feed, not a settings file. To use a feed, add its web address under Feeds.',
  });
  if (!read.ok) return read;
  const { json } = read;
  const parsed = settingsFileSchema.safeParse(json);
  if (parsed.success) return { ok: true, file: parsed.data };
  const [first] = parsed.error.issues;
  return { ok: false, problem: `This settings file is damaged, so nothing was imported (${first ? `${formatPath(first.path) || 'file'}: ${first.message}` : 'unknown problem'}).` };
}

export type ImportMode = 'merge' | 'replace';

export interface ProfileChange {
  field: string;
  from: string;
  to: string;
}

/** Exactly what applying an import will change; nothing else is touched. */
export interface ImportPlan {
  addFeeds: string[];
  removeFeeds: string[];
  /** Addresses in the file that Signpost will not use, with the reason. */
  skippedFeeds: { url: string; reason: string }[];
  /** The profile to save, present only when it differs from the current one. */
  profile?: Profile;
  profileChanges: ProfileChange[];
  /** The link badges preference to set, present only when it differs. */
  linkBadges?: boolean;
}

export function planImport(current: SettingsSnapshot, file: SettingsFile, mode: ImportMode): ImportPlan {
  const usable: string[] = [];
  const skippedFeeds: ImportPlan['skippedFeeds'] = [];
  for (const url of file.subscriptions) {
    const problem = newFeedProblem(url, []);
    if (problem) skippedFeeds.push({ url, reason: problem });
    else if (!usable.includes(normaliseFeedUrl(url))) usable.push(normaliseFeedUrl(url));
  }
  const profileChanges = file.profile ? diffProfiles(current.profile, file.profile) : [];
  return {
    addFeeds: usable.filter((url) => !current.subscriptions.includes(url)),
    removeFeeds: mode === 'replace' ? current.subscriptions.filter((url) => !usable.includes(url)) : [],
    skippedFeeds,
    profileChanges,
    ...(file.profile && profileChanges.length > 0 ? { profile: file.profile } : {}),
    ...(file.linkBadges !== undefined && file.linkBadges !== current.linkBadges ? { linkBadges: file.linkBadges } : {}),
  };
}

export function planIsEmpty(plan: ImportPlan): boolean {
  return plan.addFeeds.length === 0 && plan.removeFeeds.length === 0 && !plan.profile && plan.linkBadges === undefined;
}

const PROFILE_FIELDS: [keyof Profile, string, (profile: Profile) => string][] = [
  ['displayName', 'Name', (profile) => profile.displayName || 'not given'],
  ['role', 'Role', (profile) => (profile.role ? ROLE_LABELS[profile.role] : 'not given')],
  ['organisation', 'Organisation', (profile) => profile.organisation || 'not given'],
  ['championEmail', "Digital champion's email", (profile) => profile.championEmail || 'not given'],
  ['myConditions', 'My conditions', (profile) => (profile.myConditions.length ? profile.myConditions.map(conditionLabel).join(', ') : 'none chosen')],
  ['oldNoteMonths', 'Mark peer notes as old after', (profile) => count(profile.oldNoteMonths, 'month')],
];

function diffProfiles(from: Profile, to: Profile): ProfileChange[] {
  return PROFILE_FIELDS.flatMap(([key, field, show]) =>
    JSON.stringify(from[key] ?? null) === JSON.stringify(to[key] ?? null) ? [] : [{ field, from: show(from), to: show(to) }],
  );
}

/** "2 feeds added, 1 removed, profile updated": what an applied import did. */
export function describeImport(plan: ImportPlan): string {
  const parts = [
    plan.addFeeds.length ? `${count(plan.addFeeds.length, 'feed')} added` : '',
    plan.removeFeeds.length ? `${count(plan.removeFeeds.length, 'feed')} removed` : '',
    plan.profile ? 'profile updated' : '',
    plan.linkBadges === undefined ? '' : `link badges turned ${plan.linkBadges ? 'on' : 'off'}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing changed';
}
