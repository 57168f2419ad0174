import { z } from '../zod';
import { conditionLabel } from '../feed/conditions';
import { ISSUER_KINDS, ISSUER_KIND_LABELS, type IssuerKind } from '../feed/vocabulary';
import { conditionIdSchema, monthOf, RECORDED_VERDICTS, type RecordedVerdict, type SignpostingEntry } from './record';

// The practice and commissioner report (docs/monitoring.md §5): counts only, by month × tool ×
// condition × verdict class (with who endorsed the tool), no day-level dates, and every count
// below 5 written as "fewer than 5". A digital champion combines colleagues' files, validated like
// feeds, each author's month counted once. Also the tallies and totals the charts draw, for the
// clinician's own record and for the practice alike. Pure.

export const REPORT_FORMAT = 'signpost-signposting-report';
export const SMALL_COUNT = 5;
export const FEWER_THAN_5 = 'fewer than 5';
/** Limits on an imported file, as for feeds: a file past them is refused whole. */
export const MAX_REPORT_BYTES = 1_000_000;
export const MAX_REPORT_ROWS = 5000;
export const MAX_REPORT_FILES = 50;

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export const reportRowSchema = z.strictObject({
  month: monthSchema,
  tool: z.string().min(1).max(300),
  /** The tool's first identifier key (apple:…, play:…, web:…), so colleagues' rows for one tool add up. */
  toolKey: z.string().min(1).max(300),
  condition: conditionIdSchema.nullable(),
  verdict: z.enum(RECORDED_VERDICTS),
  endorsedBy: z.array(z.enum(ISSUER_KINDS)).max(ISSUER_KINDS.length),
  // The disclosure control holds on import too: a number below 5 is refused.
  count: z.union([z.number().int().min(SMALL_COUNT).max(1_000_000), z.literal(FEWER_THAN_5)]),
});

export const reportSchema = z.strictObject({
  format: z.literal(REPORT_FORMAT),
  version: z.literal(1),
  author: z.strictObject({ id: z.uuid(), name: z.string().max(100).optional() }),
  generatedAt: z.iso.datetime(),
  /** Every month the report speaks for, rows or none. */
  months: z.array(monthSchema).min(1).max(120),
  rows: z.array(reportRowSchema).max(MAX_REPORT_ROWS),
});

export type Report = z.infer<typeof reportSchema>;
export type ReportRow = z.infer<typeof reportRowSchema>;

/** One cell's count, known exactly (min = max) or only as a range once small counts are hidden. */
export interface Tally {
  month: string;
  tool: string;
  toolKey: string;
  condition: string | null;
  verdict: RecordedVerdict;
  endorsedBy: IssuerKind[];
  min: number;
  max: number;
}

const endorsersOf = (entry: SignpostingEntry): IssuerKind[] => [...new Set(entry.claims.map((claim) => claim.kind))].sort();
const cellKey = (tally: Omit<Tally, 'min' | 'max'>) => JSON.stringify([tally.month, tally.toolKey, tally.condition, tally.verdict, tally.endorsedBy]);

function addUp(tallies: Iterable<Tally>): Tally[] {
  const cells = new Map<string, Tally>();
  for (const tally of tallies) {
    const key = cellKey(tally);
    const cell = cells.get(key);
    if (cell) cells.set(key, { ...cell, min: cell.min + tally.min, max: cell.max + tally.max });
    else cells.set(key, { ...tally });
  }
  return [...cells.values()];
}

/** The clinician's own entries, as exact tallies. */
export function entryTallies(entries: readonly SignpostingEntry[]): Tally[] {
  return addUp(
    entries.map((entry) => ({
      month: monthOf(entry.date),
      tool: entry.tool.name,
      toolKey: entry.tool.keys[0] ?? entry.tool.name,
      condition: entry.condition,
      verdict: entry.verdict,
      endorsedBy: endorsersOf(entry),
      min: 1,
      max: 1,
    })),
  );
}

function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 120; guard++) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    months.push(current);
    if (current >= last) break;
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
  return months;
}

/** The report file for the clinician's entries: counts only, small ones hidden. */
export function buildReport(entries: readonly SignpostingEntry[], author: Report['author'], now: number): Report {
  const thisMonth = new Date(now).toISOString().slice(0, 7);
  const tallies = entryTallies(entries).sort((a, b) => a.month.localeCompare(b.month) || a.tool.localeCompare(b.tool));
  const first = tallies[0]?.month ?? thisMonth;
  return reportSchema.parse({
    format: REPORT_FORMAT,
    version: 1,
    author,
    generatedAt: new Date(now).toISOString(),
    months: monthsBetween(first, thisMonth > first ? thisMonth : first).slice(-120),
    rows: tallies.map(({ min, max: _max, ...cell }) => ({ ...cell, count: min < SMALL_COUNT ? FEWER_THAN_5 : min })),
  });
}

export type ReadReport = { ok: true; report: Report } | { ok: false; problem: string };

/** Reads one imported file, refusing it whole with a reason: too large, not JSON, or not a report. */
export function readReport(text: string): ReadReport {
  if (new TextEncoder().encode(text).length > MAX_REPORT_BYTES) return { ok: false, problem: `it is larger than ${MAX_REPORT_BYTES / 1_000_000} MB` };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'it is not a Signpost report (not JSON)' };
  }
  const parsed = reportSchema.safeParse(json);
  if (parsed.success) return { ok: true, report: parsed.data };
  const [issue] = parsed.error.issues;
  return { ok: false, problem: `it is not a valid Signpost report (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unknown problem'})` };
}

export interface Practice {
  tallies: Tally[];
  /** Distinct authors whose months were counted. */
  authors: number;
  months: string[];
}

/**
 * Colleagues' reports as one practice: for each author and month, only the newest file that
 * covers that month counts, so a file imported twice, or an older and a newer one, adds nothing.
 */
export function combineReports(reports: readonly Report[]): Practice {
  const newest = new Map<string, Report>();
  for (const report of reports) {
    for (const month of report.months) {
      const key = `${report.author.id} ${month}`;
      const kept = newest.get(key);
      if (!kept || report.generatedAt > kept.generatedAt) newest.set(key, report);
    }
  }
  const tallies = [...newest].flatMap(([key, report]) => {
    const month = key.slice(key.indexOf(' ') + 1);
    return report.rows
      .filter((row) => row.month === month)
      .map(({ count, ...cell }): Tally => (count === FEWER_THAN_5 ? { ...cell, min: 1, max: SMALL_COUNT - 1 } : { ...cell, min: count, max: count }));
  });
  return {
    tallies: addUp(tallies),
    authors: new Set(reports.map((report) => report.author.id)).size,
    months: [...new Set([...newest.keys()].map((key) => key.slice(key.indexOf(' ') + 1)))].sort(),
  };
}

// ---- Totals for the charts, tables and CSV ----------------------------------------------------

export interface Total {
  label: string;
  min: number;
  max: number;
}

function totalsBy(tallies: readonly Tally[], labelsOf: (tally: Tally) => string[]): Total[] {
  const totals = new Map<string, Total>();
  for (const tally of tallies) {
    for (const label of labelsOf(tally)) {
      const total = totals.get(label) ?? { label, min: 0, max: 0 };
      totals.set(label, { label, min: total.min + tally.min, max: total.max + tally.max });
    }
  }
  return [...totals.values()];
}

export const conditionInReport = (condition: string | null) => (condition === null ? 'Condition not recorded' : conditionLabel(condition));

export function totalsByMonth(tallies: readonly Tally[]): Total[] {
  return totalsBy(tallies, (tally) => [tally.month]).sort((a, b) => a.label.localeCompare(b.label));
}

export function totalsByCondition(tallies: readonly Tally[]): Total[] {
  return totalsBy(tallies, (tally) => [conditionInReport(tally.condition)]).sort((a, b) => b.min - a.min || a.label.localeCompare(b.label));
}

/** The bodies that endorsed what was signposted: a tool endorsed by two counts for both. */
export function totalsByEndorser(tallies: readonly Tally[]): Total[] {
  return totalsBy(tallies, (tally) => tally.endorsedBy.map((kind) => ISSUER_KIND_LABELS[kind])).sort((a, b) => b.min - a.min || a.label.localeCompare(b.label));
}

export const TOP_TOOLS = 10;

export function topTools(tallies: readonly Tally[]): Total[] {
  // Added up by identifier, named as the newest tally names the tool.
  const names = new Map(tallies.map((tally) => [tally.toolKey, tally.tool]));
  return totalsBy(tallies, (tally) => [tally.toolKey])
    .map((total) => ({ ...total, label: names.get(total.label) ?? total.label }))
    .sort((a, b) => b.min - a.min || a.label.localeCompare(b.label))
    .slice(0, TOP_TOOLS);
}

export function grandTotal(tallies: readonly Tally[]): Total {
  return tallies.reduce((sum, tally) => ({ label: 'All', min: sum.min + tally.min, max: sum.max + tally.max }), { label: 'All', min: 0, max: 0 });
}

/**
 * A count in words. Exact counts are the clinician's own (shown on their own screen only);
 * practice counts hide anything that could be below 5, so adding up never undoes suppression.
 */
export function countInWords({ min, max }: Pick<Total, 'min' | 'max'>, hideSmall: boolean): string {
  if (hideSmall && max < SMALL_COUNT) return FEWER_THAN_5;
  return min === max ? String(min) : `between ${min} and ${max}`;
}

/** A share of all signpostings, as a whole percentage; a range when counts are hidden. */
export function shareInWords(part: Pick<Total, 'min' | 'max'>, whole: Pick<Total, 'min' | 'max'>): string {
  if (whole.max === 0) return '0%';
  const low = Math.round((100 * part.min) / Math.max(whole.max, 1));
  const high = Math.round((100 * part.max) / Math.max(whole.min, 1));
  return low === high ? `${low}%` : `${low}% to ${Math.min(high, 100)}%`;
}
