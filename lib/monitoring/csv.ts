import { stringify } from 'csv-stringify/browser/esm/sync';
import { conditionInReport, countInWords, type Tally } from './report';
import { CHANNEL_LABELS, monthInWords, type SignpostingEntry } from './record';
import { VERDICT_LABELS } from '../registry/verdict-look';
import { ISSUER_KIND_LABELS } from '../feed/vocabulary';

// CSV downloads: the clinician's own entries, and a practice's totals for the commissioner.
// Written by csv-stringify (the same project as the csv-parse the publisher CLI reads with) with
// formula escaping on: a tool name from a feed that starts with = + - or @ stays text in a
// spreadsheet and never runs as a formula (docs/hazard-log.md H45).

function csv(header: string[], rows: (string | number)[][]): string {
  return stringify([header, ...rows], { escape_formulas: true, record_delimiter: 'windows' });
}

const endorsedByInWords = (tally: Pick<Tally, 'endorsedBy'>) => tally.endorsedBy.map((kind) => ISSUER_KIND_LABELS[kind]).join('; ');

export function entriesCsv(entries: readonly SignpostingEntry[]): string {
  return csv(
    ['Date', 'How', 'Tool', 'Condition', 'Verdict', 'What Signpost said'],
    entries.map((entry) => [entry.date, CHANNEL_LABELS[entry.channel], entry.tool.name, conditionInReport(entry.condition), VERDICT_LABELS[entry.verdict], entry.statements.map((statement) => statement.text).join(' | ')]),
  );
}

/** One row per month × tool × condition × verdict; counts that could be below 5 say "fewer than 5". */
export function practiceCsv(tallies: readonly Tally[]): string {
  const sorted = [...tallies].sort((a, b) => a.month.localeCompare(b.month) || a.tool.localeCompare(b.tool) || conditionInReport(a.condition).localeCompare(conditionInReport(b.condition)));
  return csv(
    ['Month', 'Tool', 'Condition', 'Verdict', 'Endorsed by', 'Signpostings'],
    sorted.map((tally) => [monthInWords(tally.month), tally.tool, conditionInReport(tally.condition), VERDICT_LABELS[tally.verdict], endorsedByInWords(tally), countInWords(tally, true)]),
  );
}
