import { z } from '../zod';
import { pinnedKeysSchema } from '../feed/keys';
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
/** Version 2 carries each feed's pinned keys (threat model T15); version 1 files (addresses only) are still read. */
export const SETTINGS_VERSION = 2;
/** Far more than any real settings file; a larger file is something else. */
const MAX_FILE_CHARS = 1_000_000;

/** A feed the user added, with the publisher keys they pinned: without them a new computer would accept unsigned copies. */
const subscribedFeedSchema = z.union([
  z.string().max(2000).transform((url): SubscribedFeed => ({ url })),
  z.object({ url: z.string().max(2000), keys: pinnedKeysSchema.optional() }),
]);
export type SubscribedFeed = { url: string; keys?: string[] };

const settingsFileSchema = z.object({
  format: z.literal(SETTINGS_FORMAT),
  version: z.union([z.literal(1), z.literal(SETTINGS_VERSION)]),
  exportedAt: z.string().max(40).optional(),
  subscriptions: z.array(subscribedFeedSchema).max(200).default([]),
  profile: profileSchema.optional(),
  linkBadges: z.boolean().optional(),
});

export type SettingsFile = z.infer<typeof settingsFileSchema>;

/** The user's settings as they stand: what an export writes and an import is compared with. */
export interface SettingsSnapshot {
  /** Feeds the user added, with their pinned keys; the bundled feed is part of every install and is not exported. */
  subscriptions: SubscribedFeed[];
  profile: Profile;
  linkBadges: boolean;
}

export function settingsFileText(snapshot: SettingsSnapshot, now: number): string {
  const file: SettingsFile = {
    format: SETTINGS_FORMAT,
    version: SETTINGS_VERSION,
    exportedAt: new Date(now).toISOString(),
    subscriptions: snapshot.subscriptions.map(({ url, keys }) => ({ url, ...(keys?.length ? { keys } : {}) })),
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
  /** Feeds to subscribe to, each checked with the keys given (none: accepted unsigned). */
  addFeeds: SubscribedFeed[];
  removeFeeds: string[];
  /** Feeds already subscribed whose pinned keys change: subscribed again with the file's keys, so the next copy is checked with them. */
  repinFeeds: SubscribedFeed[];
  /** Addresses in the file that Signpost will not use, with the reason. */
  skippedFeeds: { url: string; reason: string }[];
  /** The profile to save, present only when it differs from the current one. */
  profile?: Profile;
  profileChanges: ProfileChange[];
  /** The link badges preference to set, present only when it differs. */
  linkBadges?: boolean;
}

const sameKeys = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && a.every((key) => b.includes(key));

export function planImport(current: SettingsSnapshot, file: SettingsFile, mode: ImportMode): ImportPlan {
  const usable: SubscribedFeed[] = [];
  const skippedFeeds: ImportPlan['skippedFeeds'] = [];
  for (const { url, keys } of file.subscriptions) {
    const problem = newFeedProblem(url, []);
    if (problem) skippedFeeds.push({ url, reason: problem });
    else if (!usable.some((feed) => feed.url === normaliseFeedUrl(url))) usable.push({ url: normaliseFeedUrl(url), ...(keys?.length ? { keys } : {}) });
  }
  const currentFeed = (url: string) => current.subscriptions.find((feed) => feed.url === url);
  // Merging never drops a pin: the keys become the union. Replacing takes the file's.
  const repinFeeds = usable.flatMap((feed): SubscribedFeed[] => {
    const held = currentFeed(feed.url);
    if (!held) return [];
    const keys = mode === 'merge' ? [...new Set([...(held.keys ?? []), ...(feed.keys ?? [])])] : (feed.keys ?? []);
    return sameKeys(keys, held.keys) ? [] : [{ url: feed.url, ...(keys.length ? { keys } : {}) }];
  });
  const profileChanges = file.profile ? diffProfiles(current.profile, file.profile) : [];
  return {
    addFeeds: usable.filter((feed) => !currentFeed(feed.url)),
    removeFeeds: mode === 'replace' ? current.subscriptions.map((feed) => feed.url).filter((url) => !usable.some((feed) => feed.url === url)) : [],
    repinFeeds,
    skippedFeeds,
    profileChanges,
    ...(file.profile && profileChanges.length > 0 ? { profile: file.profile } : {}),
    ...(file.linkBadges !== undefined && file.linkBadges !== current.linkBadges ? { linkBadges: file.linkBadges } : {}),
  };
}

export function planIsEmpty(plan: ImportPlan): boolean {
  return plan.addFeeds.length === 0 && plan.removeFeeds.length === 0 && plan.repinFeeds.length === 0 && !plan.profile && plan.linkBadges === undefined;
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
    plan.repinFeeds.length ? `keys changed for ${count(plan.repinFeeds.length, 'feed')}` : '',
    plan.profile ? 'profile updated' : '',
    plan.linkBadges === undefined ? '' : `link badges turned ${plan.linkBadges ? 'on' : 'off'}`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'nothing changed';
}
