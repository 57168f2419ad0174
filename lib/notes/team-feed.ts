import { z } from '../zod';
import { formatPath } from '../feed/parse';
import { feedPublisherSchema, type Feed } from '../feed/schema';
import { FEED_FORMAT, FEED_FORMAT_VERSION } from '../feed/vocabulary';
import { isLocked, loadPolicy } from '../settings/policy';
import type { SignpostDatabase } from '../storage/db';
import { SyncError } from '../sync/errors';
import { decodeFeed, storeFeed } from '../sync/sync';
import { describeWhere, findPatientData, PATIENT_DATA_LABELS } from './patient-data';
import { feedNoteSchema, type FeedNote } from './schema';
import { ownNotes } from './store';

// A digital champion shares chosen notes as a team feed: the registry's own feed format, with no
// tools and the notes attached to tool identifiers, written to a file to host where colleagues can
// reach it. Colleagues subscribe to it like any feed, or import the file where there is no hosting.

const TEAM_KEY = 'team-feed';

/** The team a champion publishes as, remembered with the last sequence number used. */
export const teamSchema = z.object({
  id: feedPublisherSchema.shape.id,
  name: feedPublisherSchema.shape.name,
  url: feedPublisherSchema.shape.url,
  lastSequence: z.number().int().min(0).default(0),
});

export type Team = z.infer<typeof teamSchema>;

export async function loadTeam(db: SignpostDatabase): Promise<Team | null> {
  const parsed = teamSchema.safeParse((await db.settings.get(TEAM_KEY))?.value);
  return parsed.success ? parsed.data : null;
}

/** "practice-notes" from "Practice notes": a starting id the champion can change. */
export function teamIdFrom(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

export interface PublishProblem {
  noteId: string;
  toolName: string;
  message: string;
}

export type PublishResult =
  | { ok: true; text: string; fileName: string; sequence: number; count: number }
  | { ok: false; problems: PublishProblem[]; teamProblem?: string };

const AUTHOR_NEEDED = 'Add your name under "Your profile" first: colleagues see who wrote each shared note.';

function noteProblem(issue: z.core.$ZodIssue): string {
  if (issue.path[0] === 'author') return AUTHOR_NEEDED;
  return issue.code === 'custom' ? issue.message : `${formatPath(issue.path)}: ${issue.message}`;
}

/**
 * Builds the team feed file from the chosen notes. Every note is checked again, patient data
 * above all (a note saved before a check improved must not slip out), and nothing is written
 * unless all pass. The sequence goes up by one each time, so colleagues' copies update.
 */
export async function publishTeamFeed(db: SignpostDatabase, noteIds: readonly string[], teamInput: unknown, now: number): Promise<PublishResult> {
  const team = teamSchema.safeParse(teamInput);
  if (!team.success) {
    const [first] = team.error.issues;
    const field = first?.path[0] === 'id' ? 'The team id' : first?.path[0] === 'url' ? 'The web address' : 'The team name';
    return { ok: false, problems: [], teamProblem: `${field} is not right: ${first?.message ?? 'unknown problem'}.` };
  }
  const nameProblem = teamNameProblem(team.data.name, now);
  if (nameProblem) return { ok: false, problems: [], teamProblem: `${nameProblem} Notes are about tools, never patients: remove it and try again.` };
  const wanted = new Set(noteIds);
  const chosen = (await ownNotes(db)).notes.flatMap(({ note }) => (wanted.has(note.id) ? [note] : []));
  if (chosen.length === 0) return { ok: false, problems: [], teamProblem: 'Choose at least one note to share.' };

  const problems: PublishProblem[] = [];
  const notes: FeedNote[] = [];
  for (const note of chosen) {
    const checked = feedNoteSchema.safeParse(note);
    if (checked.success) notes.push(checked.data);
    else for (const issue of checked.error.issues) problems.push({ noteId: note.id, toolName: note.toolName, message: noteProblem(issue) });
  }
  if (problems.length) return { ok: false, problems };

  const stored = await loadTeam(db);
  const sequence = Math.max(stored?.lastSequence ?? 0, team.data.lastSequence) + 1;
  const { lastSequence: _previous, url, ...publisher } = team.data;
  const feed: Feed = {
    format: FEED_FORMAT,
    version: FEED_FORMAT_VERSION,
    publisher: { ...publisher, kind: 'peer-team', ...(url ? { url } : {}) },
    sequence,
    generatedAt: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'),
    tools: [],
    notes,
  };
  const text = `${JSON.stringify(feed, null, 2)}\n`;
  await db.settings.put({ key: TEAM_KEY, value: teamSchema.parse({ ...team.data, lastSequence: sequence }) });
  return { ok: true, text, fileName: `${publisher.id}.json`, sequence, count: notes.length };
}

const megabytes = (chars: number) => `${(chars / 1_000_000).toLocaleString('en-GB', { maximumFractionDigits: 1 })} MB`;

/** Imported feeds have no address to sync from; they are keyed by their publisher instead. */
export const IMPORTED_FEED_SCHEME = 'imported:';

export const isImportedFeed = (url: string) => url.startsWith(IMPORTED_FEED_SCHEME);

export type FeedImportResult = { ok: true; url: string; publisher: string; notes: number; tools: number } | { ok: false; problem: string };

/** A team shares tens or hundreds of notes; a file far beyond these is a mistake or an attack. */
export const MAX_FEED_FILE_CHARS = 10_000_000;
export const MAX_FEED_FILE_ENTRIES = 5_000;

/** The team's name is shown beside each of its notes: it is checked as a note's author is. */
function teamNameProblem(name: string, now: number): string | null {
  const [finding] = findPatientData(name, { now, identifiersOnly: true });
  return finding ? `The team name contains what looks like ${PATIENT_DATA_LABELS[finding.kind]} (${describeWhere(finding)}).` : null;
}

/**
 * Imports a feed file (a team feed, usually) for practices without hosting. Checked exactly as a
 * downloaded feed is; a file older than the copy already imported from the same publisher is refused.
 */
export async function importFeedFile(db: SignpostDatabase, fileName: string, text: string, now: number): Promise<FeedImportResult> {
  if (isLocked(await loadPolicy(db), 'feeds')) {
    return { ok: false, problem: "Your organisation manages Signpost's feeds on this computer, so feed files cannot be imported here. Ask your IT team or digital champion." };
  }
  if (text.length > MAX_FEED_FILE_CHARS) {
    return { ok: false, problem: `This file is too large to import (${megabytes(text.length)}; a team feed file can be up to ${megabytes(MAX_FEED_FILE_CHARS)}). Nothing was imported.` };
  }
  try {
    const decoded = await decodeFeed(text);
    const entries = decoded.feed.tools.length + (decoded.feed.notes?.length ?? 0) + decoded.quarantined.length;
    if (entries > MAX_FEED_FILE_ENTRIES) {
      return { ok: false, problem: `This file has ${entries.toLocaleString('en-GB')} entries; a team feed file can have up to ${MAX_FEED_FILE_ENTRIES.toLocaleString('en-GB')}. Nothing was imported.` };
    }
    const nameProblem = teamNameProblem(decoded.feed.publisher.name, now);
    if (nameProblem) return { ok: false, problem: `${nameProblem} Nothing was imported.` };
    const url = `${IMPORTED_FEED_SCHEME}${decoded.feed.publisher.id}`;
    const stored = await db.feeds.get(url);
    if (stored?.sequence !== undefined && decoded.feed.sequence < stored.sequence) {
      return { ok: false, problem: `This file is older than the copy of "${decoded.feed.publisher.name}" already imported (sequence ${decoded.feed.sequence}, we have ${stored.sequence}). The newer copy is kept.` };
    }
    const counts = await storeFeed(db, url, decoded, { at: now, importedFrom: { fileName: fileName.slice(0, 200), at: now } });
    return { ok: true, url, publisher: decoded.feed.publisher.name, notes: counts.notes ?? 0, tools: counts.tools };
  } catch (error) {
    if (error instanceof SyncError) return { ok: false, problem: `${error.message} Nothing was imported.` };
    throw error;
  }
}
