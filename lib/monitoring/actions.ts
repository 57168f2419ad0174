import type { SignpostDatabase } from '../storage/db';
import type { FollowUp } from './follow-up';
import { conditionFor, type Channel, type SignpostingEntry } from './record';
import { buildReport, type Report } from './report';
import {
  deleteEntries,
  loadRecordSettings,
  markFollowUpRead,
  openFollowUps,
  raiseFollowUps,
  readEntries,
  recordSignposting,
  updateRecordSettings,
  type MatchForRecord,
  type RecordReply,
} from './store';

// What the background does for Signpost's pages with the signposting record: the one writer and
// reader of it. The handlers pass only messages from the extension's own pages (handlers.ts).

export interface SignpostingOverview {
  entries: SignpostingEntry[];
  paused: boolean;
  noticeSeen: boolean;
  followUps: FollowUp[];
}

export interface SignpostingActions {
  record(recordId: string, channel: Channel, condition: string | null): Promise<RecordReply>;
  overview(): Promise<SignpostingOverview>;
  remove(ids: readonly string[] | 'all'): Promise<SignpostingOverview>;
  settings(change: { paused?: boolean; noticeSeen?: boolean }): Promise<SignpostingOverview>;
  followUps(): Promise<FollowUp[]>;
  markRead(id: string): Promise<FollowUp[]>;
  report(): Promise<Report>;
  /** After a sync: raise follow-ups for changed standings, and show how many are open. */
  afterSync(): Promise<void>;
}

/** What Signpost's pages may ask of the record: everything but the background's own after-sync step. */
export type SignpostingPort = Omit<SignpostingActions, 'afterSync'>;

export interface SignpostingDeps {
  db: SignpostDatabase;
  matchFor: MatchForRecord;
  now: () => number;
  myConditions: () => Promise<readonly string[]>;
  /** The clinician's name for their report (Your profile), or empty. */
  authorName: () => Promise<string>;
  /** Puts the number of open follow-ups on the toolbar icon. */
  showFollowUps: (followUps: readonly FollowUp[]) => void;
}

export function signpostingActions(deps: SignpostingDeps): SignpostingActions {
  const { db, now } = deps;
  const overview = async (): Promise<SignpostingOverview> => {
    const [entries, settings, followUps] = await Promise.all([readEntries(db), loadRecordSettings(db), openFollowUps(db)]);
    return { entries, paused: settings.paused, noticeSeen: settings.noticeSeen, followUps };
  };
  return {
    async record(recordId, channel, chosen) {
      const at = now();
      const match = await deps.matchFor(recordId, { now: at, myConditions: await deps.myConditions() });
      const condition = match ? conditionFor(match, chosen, await deps.myConditions()) : null;
      return recordSignposting(db, match, recordId, channel, condition, at);
    },
    overview,
    async remove(ids) {
      await deleteEntries(db, ids);
      return overview();
    },
    async settings(change) {
      await updateRecordSettings(db, change);
      return overview();
    },
    followUps: () => openFollowUps(db),
    async markRead(id) {
      await markFollowUpRead(db, id, now());
      const open = await openFollowUps(db);
      deps.showFollowUps(open);
      return open;
    },
    async report() {
      const [entries, settings, name] = await Promise.all([readEntries(db), loadRecordSettings(db), deps.authorName()]);
      return buildReport(entries, { id: settings.authorId, ...(name ? { name: name.slice(0, 100) } : {}) }, now());
    },
    async afterSync() {
      await raiseFollowUps(db, deps.matchFor, now());
      deps.showFollowUps(await openFollowUps(db));
    },
  };
}
