import { z } from '../zod';
import type { LookupMatch } from '../registry/lookup';
import type { PageContext } from '../registry/standing';
import type { SignpostDatabase } from '../storage/db';
import { changesSince, followUpId, followUpSchema, signpostedTimes, type FollowUp } from './follow-up';
import { entryFor, entrySchema, localDay, RETENTION_MONTHS, type Channel, type SignpostingEntry } from './record';

// The signposting record and its follow-ups on this computer (docs/monitoring.md). Only the
// background calls this module: Signpost's pages reach it by message (lib/background/handlers.ts).
// Every row is validated on write (entrySchema.parse in entryFor) and again on read: a row that
// fails is never shown, counted or reported.

const RECORD_SETTINGS_KEY = 'signposting-record';

export const recordSettingsSchema = z.strictObject({
  paused: z.boolean(),
  /** The clinician has read the notice shown the first time. */
  noticeSeen: z.boolean(),
  /** Names this computer's reports, so a champion counts one author's month once. Made once, random. */
  authorId: z.uuid(),
});
export type RecordSettings = z.infer<typeof recordSettingsSchema>;

export async function loadRecordSettings(db: SignpostDatabase): Promise<RecordSettings> {
  const parsed = recordSettingsSchema.safeParse((await db.settings.get(RECORD_SETTINGS_KEY))?.value);
  if (parsed.success) return parsed.data;
  const fresh: RecordSettings = { paused: false, noticeSeen: false, authorId: crypto.randomUUID() };
  await db.settings.put({ key: RECORD_SETTINGS_KEY, value: fresh });
  return fresh;
}

export async function updateRecordSettings(db: SignpostDatabase, change: Partial<Pick<RecordSettings, 'paused' | 'noticeSeen'>>): Promise<RecordSettings> {
  const next = recordSettingsSchema.parse({ ...(await loadRecordSettings(db)), ...change });
  await db.settings.put({ key: RECORD_SETTINGS_KEY, value: next });
  return next;
}

export type RecordReply = { recorded: true; showNotice: boolean } | { recorded: false; reason: 'paused' | 'no-patient-text' | 'not-found' };

/** Records one signposting of `match` (null: not in the registry), unless the clinician paused the record. */
export async function recordSignposting(db: SignpostDatabase, match: LookupMatch | null, recordId: string, channel: Channel, condition: string | null, now: number): Promise<RecordReply> {
  const settings = await loadRecordSettings(db);
  if (settings.paused) return { recorded: false, reason: 'paused' };
  if (!match) return { recorded: false, reason: 'not-found' };
  const entry = entryFor(match, recordId, channel, condition, now, crypto.randomUUID());
  if (!entry) return { recorded: false, reason: 'no-patient-text' };
  await db.signpostings.add(entry);
  await pruneOldEntries(db, now);
  return { recorded: true, showNotice: !settings.noticeSeen };
}

/** Every valid entry, newest first. */
export async function readEntries(db: SignpostDatabase): Promise<SignpostingEntry[]> {
  const rows = await db.signpostings.orderBy('date').reverse().toArray();
  return rows.flatMap((row) => {
    const parsed = entrySchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}

export async function deleteEntries(db: SignpostDatabase, ids: readonly string[] | 'all'): Promise<void> {
  if (ids === 'all') await db.signpostings.clear();
  else await db.signpostings.bulkDelete([...ids]);
}

/** The first day still kept: RETENTION_MONTHS before today. */
export function retentionStart(now: number): string {
  const date = new Date(now);
  date.setMonth(date.getMonth() - RETENTION_MONTHS);
  return localDay(date.getTime());
}

export async function pruneOldEntries(db: SignpostDatabase, now: number): Promise<void> {
  await db.signpostings.where('date').below(retentionStart(now)).delete();
}

/** How the background finds a signposted tool now. */
export type MatchForRecord = (recordId: string, context: PageContext) => Promise<LookupMatch | null>;

/**
 * After a sync: raises a follow-up for each change to a signposted tool's standing not raised
 * before (read or not). Returns how many follow-ups are open.
 */
export async function raiseFollowUps(db: SignpostDatabase, matchFor: MatchForRecord, now: number): Promise<number> {
  await pruneOldEntries(db, now);
  const byTool = new Map<string, SignpostingEntry[]>();
  for (const entry of await readEntries(db)) byTool.set(entry.tool.recordId, [...(byTool.get(entry.tool.recordId) ?? []), entry]);
  for (const [recordId, entries] of byTool) {
    const match = await matchFor(recordId, { now });
    if (!match) continue;
    for (const change of changesSince(entries, match)) {
      const id = followUpId(recordId, change);
      if (await db.followUps.get(id)) continue;
      await db.followUps.put(followUpSchema.parse({ id, recordId, toolName: match.product.name.slice(0, 300), change, raisedAt: now }));
    }
  }
  return (await openFollowUps(db)).length;
}

/** Follow-ups not yet read, newest first, each with how often and when the clinician signposted the tool. */
export async function openFollowUps(db: SignpostDatabase): Promise<FollowUp[]> {
  const [rows, entries] = await Promise.all([db.followUps.toArray(), readEntries(db)]);
  return rows
    .flatMap((row) => {
      const parsed = followUpSchema.safeParse(row);
      return parsed.success && parsed.data.readAt === undefined ? [parsed.data] : [];
    })
    .sort((a, b) => b.raisedAt - a.raisedAt)
    .map((followUp) => ({ ...followUp, times: signpostedTimes(entries.filter((entry) => entry.tool.recordId === followUp.recordId)) }));
}

export async function markFollowUpRead(db: SignpostDatabase, id: string, now: number): Promise<void> {
  await db.followUps.update(id, { readAt: now });
}
