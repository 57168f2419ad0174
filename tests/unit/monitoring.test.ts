import { describe, expect, it } from 'vitest';
import { followUpBadge } from '@/lib/background/badge';
import { entriesCsv, practiceCsv } from '@/lib/monitoring/csv';
import { changesSince, signpostedTimes } from '@/lib/monitoring/follow-up';
import { conditionFor, entrySchema, type SignpostingEntry } from '@/lib/monitoring/record';
import {
  FEWER_THAN_5,
  MAX_REPORT_BYTES,
  buildReport,
  combineReports,
  countInWords,
  entryTallies,
  grandTotal,
  readReport,
  topTools,
  totalsByCondition,
  totalsByEndorser,
  totalsByMonth,
  type Report,
} from '@/lib/monitoring/report';
import { deleteEntries, loadRecordSettings, markFollowUpRead, openFollowUps, raiseFollowUps, readEntries, recordSignposting, updateRecordSettings } from '@/lib/monitoring/store';
import { dexieSearchSource, matchForRecord } from '@/lib/search/registry-search';
import type { SignpostDatabase } from '@/lib/storage/db';
import { testDb } from '../helpers/db';
import { feed, tool } from '../helpers/feeds';
import { BUNDLED_TEST_FEED_URL, relayedNice, storeAsBundled } from '../helpers/trust';

const JAN = Date.parse('2026-11-10T10:00:00Z');
const FEB = Date.parse('2026-12-03T10:00:00Z');
const LATER = Date.parse('2026-12-20T10:00:00Z');
const SLEEP = tool({
  id: 'sleep-coach',
  name: 'Example Sleep Coach (test)',
  identifiers: { apple: ['1000000010'] },
  conditions: ['insomnia', 'anxiety'],
  endorsements: [relayedNice({ status: 'recommended', guidanceCode: 'MTG70', decisionDate: '2026-01', conditions: ['insomnia'] })],
});
const SLEEP_ID = `${BUNDLED_TEST_FEED_URL} sleep-coach`;
const WITHDRAWAL = relayedNice({ status: 'withdrawn', guidanceCode: 'MTG70', decisionDate: '2026-12', conditions: ['insomnia'], sourceUrl: 'https://www.nice.org.uk/guidance/mtg70' });

async function registryWith(tools = [SLEEP], sequence = 1, db: SignpostDatabase = testDb()) {
  await storeAsBundled(db, feed({ sequence, generatedAt: '2026-11-01T00:00:00Z', tools }), { at: JAN });
  const source = dexieSearchSource(db);
  const matchFor = (recordId: string, context: { now: number }) => matchForRecord(source, recordId, context);
  return { db, matchFor };
}

async function signpost(db: SignpostDatabase, matchFor: (id: string, context: { now: number }) => ReturnType<typeof matchForRecord>, channel: 'text' | 'qr' | 'handout', now: number) {
  return recordSignposting(db, await matchFor(SLEEP_ID, { now }), SLEEP_ID, channel, 'insomnia', now);
}

describe('the signposting record', () => {
  it('stores the tool, what was shown, the condition, the channel and the day: those fields and no others', async () => {
    const { db, matchFor } = await registryWith();
    expect(await signpost(db, matchFor, 'text', JAN)).toEqual({ recorded: true, showNotice: true });
    const [row] = await db.signpostings.toArray();
    expect(Object.keys(row!).sort()).toEqual(['channel', 'claims', 'condition', 'date', 'id', 'statements', 'tool', 'verdict']);
    expect(Object.keys(row!.tool).sort()).toEqual(['keys', 'name', 'recordId']);
    expect(row).toMatchObject({
      channel: 'text',
      date: '2026-11-10',
      condition: 'insomnia',
      verdict: 'recommended',
      tool: { recordId: SLEEP_ID, name: 'Example Sleep Coach (test)', keys: ['apple:1000000010'] },
      statements: [{ who: 'NICE', status: 'recommended', national: true, text: 'NICE: recommended for insomnia (MTG70)' }],
      claims: [{ authority: 'NICE', kind: 'nice', status: 'recommended', code: 'MTG70', decisionDate: '2026-01' }],
    });
    // No time of day, nothing typed: every string in the row is the registry's, the day, the id or a vocabulary word.
    expect(JSON.stringify(row)).not.toMatch(/T\d{2}:\d{2}/);
  });

  it('records nothing while paused, nothing for a tool Signpost gives no patient text for, nothing for a tool not found', async () => {
    const research = tool({ id: 'trial', name: 'Example Trial App (test)', endorsements: [relayedNice({ status: 'research-only' })] });
    const { db, matchFor } = await registryWith([SLEEP, research]);
    await updateRecordSettings(db, { paused: true });
    expect(await signpost(db, matchFor, 'qr', JAN)).toEqual({ recorded: false, reason: 'paused' });
    await updateRecordSettings(db, { paused: false });
    const trialId = `${BUNDLED_TEST_FEED_URL} trial`;
    expect(await recordSignposting(db, await matchFor(trialId, { now: JAN }), trialId, 'text', null, JAN)).toEqual({ recorded: false, reason: 'no-patient-text' });
    expect(await recordSignposting(db, null, 'nothing', 'text', null, JAN)).toEqual({ recorded: false, reason: 'not-found' });
    expect(await db.signpostings.count()).toBe(0);
  });

  it('the notice shows until read; the condition is one the text speaks for, or none', async () => {
    const { db, matchFor } = await registryWith();
    const match = (await matchFor(SLEEP_ID, { now: JAN }))!;
    expect(conditionFor(match, 'anxiety')).toBeNull(); // NICE's claim is for insomnia only
    expect(conditionFor(match, null, ['asthma', 'insomnia'])).toBe('insomnia');
    await signpost(db, matchFor, 'text', JAN);
    await updateRecordSettings(db, { noticeSeen: true });
    expect(await signpost(db, matchFor, 'qr', JAN)).toEqual({ recorded: true, showNotice: false });
  });

  it('reads back only rows that pass the schema: a row holding anything about a patient is never shown', async () => {
    const { db, matchFor } = await registryWith();
    await signpost(db, matchFor, 'text', JAN);
    const [good] = await db.signpostings.toArray();
    await db.signpostings.put({ ...good!, id: crypto.randomUUID(), patientName: 'Synthetic Patient' } as SignpostingEntry);
    await db.signpostings.put({ ...good!, id: crypto.randomUUID(), tool: { ...good!.tool, nhsNumber: '9434765919' } } as SignpostingEntry);
    await db.signpostings.put({ ...good!, id: crypto.randomUUID(), condition: 'free text about the patient' });
    expect(await readEntries(db)).toEqual([good]);
    expect(entrySchema.safeParse({ ...good, note: 'x' }).success).toBe(false);
  });

  it('deletes one entry, or all; keeps 24 months', async () => {
    const { db, matchFor } = await registryWith();
    await signpost(db, matchFor, 'text', JAN);
    await signpost(db, matchFor, 'qr', JAN);
    const [first] = await readEntries(db);
    await deleteEntries(db, [first!.id]);
    expect((await readEntries(db)).length).toBe(1);
    await deleteEntries(db, 'all');
    expect(await readEntries(db)).toEqual([]);

    await signpost(db, matchFor, 'text', JAN);
    const twoYearsOn = Date.parse('2028-11-11T10:00:00Z');
    await raiseFollowUps(db, matchFor, twoYearsOn);
    expect(await readEntries(db)).toEqual([]);
  });

  it('makes one random author id per computer, kept', async () => {
    const db = testDb();
    const { authorId } = await loadRecordSettings(db);
    expect((await loadRecordSettings(db)).authorId).toBe(authorId);
  });
});

describe('safety follow-up', () => {
  it('NICE withdraws a signposted tool: one follow-up, with who, what, when, and how often and in which months', async () => {
    const { db, matchFor } = await registryWith();
    await signpost(db, matchFor, 'text', JAN);
    await signpost(db, matchFor, 'qr', JAN);
    await signpost(db, matchFor, 'handout', FEB);
    expect(await raiseFollowUps(db, matchFor, FEB)).toBe(0);

    await registryWith([{ ...SLEEP, endorsements: [...SLEEP.endorsements, WITHDRAWAL] }], 2, db);
    expect(await raiseFollowUps(db, matchFor, LATER)).toBe(1);
    const [followUp] = await openFollowUps(db);
    expect(followUp).toMatchObject({
      recordId: SLEEP_ID,
      toolName: 'Example Sleep Coach (test)',
      change: { kind: 'withdrawn', who: 'NICE', when: '2026-12', code: 'MTG70', sourceUrl: 'https://www.nice.org.uk/guidance/mtg70', statement: 'NICE: withdrawn or no longer available for insomnia (MTG70)' },
      times: { count: 3, months: [{ month: '2026-11', count: 2 }, { month: '2026-12', count: 1 }] },
    });

    expect(followUpBadge(await openFollowUps(db))).toEqual({
      text: '!1',
      color: '#d5281b',
      title: 'Signpost: safety follow-up: a tool you signposted has changed. Open Signpost to read it.\nExample Sleep Coach (test): NICE: withdrawn or no longer available for insomnia (MTG70)',
    });
    // Another sync raises nothing new; once read, the same change is never raised again.
    expect(await raiseFollowUps(db, matchFor, LATER)).toBe(1);
    await markFollowUpRead(db, followUp!.id, LATER);
    expect(await raiseFollowUps(db, matchFor, LATER)).toBe(0);
    expect(await openFollowUps(db)).toEqual([]);
    expect(followUpBadge([])).toBeNull();
  });

  it('a claim relied on expires, or is superseded by a newer decision; a tool gone from the registry raises nothing', async () => {
    const { db, matchFor } = await registryWith();
    await signpost(db, matchFor, 'text', JAN);
    const entries = await readEntries(db);

    const expired = (await registryWith([{ ...SLEEP, endorsements: [{ ...SLEEP.endorsements[0]!, expiresAt: '2026-12-01' }] }], 2, testDb())).matchFor;
    expect(changesSince(entries, (await expired(SLEEP_ID, { now: LATER }))!)).toEqual([
      expect.objectContaining({ kind: 'expired', who: 'NICE', when: '2026-12-01', statement: 'NICE MTG70: the decision you relied on expired 1 December 2026' }),
    ]);

    const replaced = relayedNice({ status: 'conditional', guidanceCode: 'HTE99', supersedes: ['MTG70'], decisionDate: '2026-12', conditions: ['insomnia'] });
    const superseded = (await registryWith([{ ...SLEEP, endorsements: [...SLEEP.endorsements, replaced] }], 2, testDb())).matchFor;
    expect(changesSince(entries, (await superseded(SLEEP_ID, { now: LATER }))!)).toEqual([
      expect.objectContaining({ kind: 'superseded', who: 'NICE', code: 'HTE99', when: '2026-12', statement: expect.stringContaining('has been replaced by HTE99 (can be used while more evidence is generated, December 2026)') }),
    ]);

    await registryWith([], 2, db);
    expect(await raiseFollowUps(db, matchFor, LATER)).toBe(0);
  });

  it('a limit already shown when signposting is no news', async () => {
    const limited = { ...SLEEP, endorsements: [...SLEEP.endorsements, relayedNice({ status: 'research-only', guidanceCode: 'HTE1', conditions: ['anxiety'] })] };
    const { db, matchFor } = await registryWith([limited]);
    expect(await signpost(db, matchFor, 'text', JAN)).toMatchObject({ recorded: true });
    expect(await raiseFollowUps(db, matchFor, LATER)).toBe(0);
  });

  it('counts times by month, oldest first', () => {
    const entries = [entry({ date: '2027-02-01' }), entry({ date: '2027-01-05' }), entry({ date: '2027-02-20' })];
    expect(signpostedTimes(entries)).toEqual({ count: 3, months: [{ month: '2027-01', count: 1 }, { month: '2027-02', count: 2 }] });
  });
});

let entryCounter = 0;
/** A synthetic entry, as the record stores it. */
function entry(overrides: Partial<SignpostingEntry> = {}): SignpostingEntry {
  entryCounter += 1;
  return entrySchema.parse({
    id: `00000000-0000-4000-8000-${String(entryCounter).padStart(12, '0')}`,
    date: '2027-01-15',
    channel: 'text',
    tool: { recordId: 'feed sleep', name: 'Example Sleep Coach (test)', keys: ['apple:1000000010'] },
    condition: 'insomnia',
    verdict: 'recommended',
    statements: [{ who: 'NICE', status: 'recommended', national: true, text: 'NICE: recommended for insomnia (MTG70)' }],
    claims: [{ authority: 'NICE', kind: 'nice', status: 'recommended', code: 'MTG70', decisionDate: '2026-01' }],
    ...overrides,
  });
}
const many = (count: number, overrides: Partial<SignpostingEntry> = {}) => Array.from({ length: count }, () => entry(overrides));

const AUTHOR_A = { id: '11111111-1111-4111-8111-111111111111', name: 'Dr Example A (test)' };
const AUTHOR_B = { id: '22222222-2222-4222-8222-222222222222' };
const COPD_APP = { recordId: 'feed lungs', name: 'Example Lungs (test)', keys: ['play:org.example.lungs'] };
const CHARITY = [{ authority: 'Example Charity (test)', kind: 'charity' as const, status: 'recommended' as const, decisionDate: '2026-03' }];
const MARCH = Date.parse('2027-03-02T09:00:00Z');

describe('practice report', () => {
  it('counts only, by month, tool, condition and verdict; a count below 5 reads "fewer than 5"; no day of any signposting', () => {
    const entries = [...many(7), ...many(3, { date: '2027-02-11', tool: COPD_APP, condition: 'copd', claims: CHARITY })];
    const report = buildReport(entries, AUTHOR_A, MARCH);
    expect(report.months).toEqual(['2027-01', '2027-02', '2027-03']);
    expect(report.rows).toEqual([
      { month: '2027-01', tool: 'Example Sleep Coach (test)', toolKey: 'apple:1000000010', condition: 'insomnia', verdict: 'recommended', endorsedBy: ['nice'], count: 7 },
      { month: '2027-02', tool: 'Example Lungs (test)', toolKey: 'play:org.example.lungs', condition: 'copd', verdict: 'recommended', endorsedBy: ['charity'], count: FEWER_THAN_5 },
    ]);
    const { generatedAt, ...rest } = report;
    expect(generatedAt).toBe('2027-03-02T09:00:00.000Z'); // when the file was made, not a signposting
    expect(JSON.stringify(rest)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(readReport(JSON.stringify(report))).toEqual({ ok: true, report });
  });

  it('refuses a file whole: too large, not JSON, unknown fields, a small number, an unknown condition', () => {
    const report = buildReport(many(6), AUTHOR_A, MARCH);
    const withRow = (row: object) => JSON.stringify({ ...report, rows: [{ ...report.rows[0], ...row }] });
    expect(readReport('x'.repeat(MAX_REPORT_BYTES + 1))).toEqual({ ok: false, problem: 'it is larger than 1 MB' });
    expect(readReport('{not json')).toEqual({ ok: false, problem: 'it is not a Signpost report (not JSON)' });
    expect(readReport(withRow({ patient: 'Synthetic Patient' }))).toMatchObject({ ok: false, problem: expect.stringContaining('rows.0') });
    expect(readReport(withRow({ count: 3 }))).toMatchObject({ ok: false, problem: expect.stringContaining('rows.0.count') });
    expect(readReport(withRow({ condition: 'see notes' }))).toMatchObject({ ok: false, problem: expect.stringContaining('rows.0.condition') });
    expect(readReport(JSON.stringify({ ...report, rows: [{ ...report.rows[0], month: '2027-01-15' }] }))).toMatchObject({ ok: false });
    expect(readReport(JSON.stringify({ ...report, rows: Array(5001).fill(report.rows[0]) }))).toMatchObject({ ok: false });
  });

  it("adds colleagues up, each author's month once (the newest file), and keeps small counts hidden in the totals", () => {
    const a = buildReport([...many(6), ...many(2, { tool: COPD_APP, condition: 'copd', claims: CHARITY })], AUTHOR_A, MARCH);
    const aAgain: Report = { ...buildReport([...many(8)], AUTHOR_A, MARCH + 1000) };
    const b = buildReport([...many(5), ...many(3, { tool: COPD_APP, condition: 'copd', claims: CHARITY })], AUTHOR_B, MARCH);

    const practice = combineReports([a, b, a, aAgain]);
    expect(practice.authors).toBe(2);
    // A's January comes from the newer file (8), not 6 + 8 or 6 + 6 + 8: 8 + 5 = 13 for the sleep app.
    expect(topTools(practice.tallies)).toEqual([
      { label: 'Example Sleep Coach (test)', min: 13, max: 13 },
      { label: 'Example Lungs (test)', min: 1, max: 4 },
    ]);
    const total = grandTotal(practice.tallies);
    expect(total).toEqual({ label: 'All', min: 14, max: 17 });
    expect(countInWords(total, true)).toBe('between 14 and 17');
    expect(countInWords({ min: 2, max: 4 }, true)).toBe(FEWER_THAN_5);
    expect(countInWords({ min: 3, max: 3 }, false)).toBe('3');
    expect(totalsByMonth(practice.tallies).map((t) => t.label)).toEqual(['2027-01']);
    expect(totalsByCondition(practice.tallies).map((t) => t.label)).toEqual(['Insomnia', 'COPD']);
    expect(totalsByEndorser(practice.tallies)).toEqual([
      { label: 'NICE', min: 13, max: 13 },
      { label: 'Charity', min: 1, max: 4 },
    ]);
  });

  it('CSV: what was signposted, and the practice counts with small ones hidden; a feed name cannot become a formula', () => {
    const hostile = { recordId: 'feed x', name: '=HYPERLINK("https://evil.example","x")', keys: ['apple:1000000099'] };
    const entries = [entry({ tool: hostile }), ...many(5)];
    const own = entriesCsv(entries);
    expect(own.split('\r\n')[0]).toBe('Date,How,Tool,Condition,Verdict,What Signpost said');
    expect(own).toContain(`2027-01-15,Patient text copied,"'=HYPERLINK(""https://evil.example"",""x"")",Insomnia,Recommended,NICE: recommended for insomnia (MTG70)`);
    const practice = practiceCsv(entryTallies(entries));
    expect(practice).toContain(`January 2027,"'=HYPERLINK`);
    expect(practice).toContain('January 2027,Example Sleep Coach (test),Insomnia,Recommended,NICE,5');
    expect(practice).toMatch(/,fewer than 5\r\n/);
  });
});
