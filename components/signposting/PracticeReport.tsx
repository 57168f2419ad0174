import { useRef, useState } from 'preact/hooks';
import type { SignpostingPort } from '@/lib/monitoring/actions';
import { practiceCsv } from '@/lib/monitoring/csv';
import { monthInWords } from '@/lib/monitoring/record';
import { MAX_REPORT_BYTES, MAX_REPORT_FILES, combineReports, readReport, type Report } from '@/lib/monitoring/report';
import { SignpostingCharts } from './Charts';

// The practice and commissioner report (docs/monitoring.md §5): export this computer's counts; a
// digital champion imports colleagues' files (each validated, refused whole with the reason) and
// sees the practice view, prints a one-page summary and downloads a CSV for the commissioner.
// Imported files stay in this page only.

export interface FileActions {
  download(fileName: string, text: string, type: string): void;
  print(): void;
}

interface Imported {
  fileName: string;
  report: Report;
}

interface PracticeReportProps {
  port: Pick<SignpostingPort, 'report'>;
  files: FileActions;
  hasEntries: boolean;
}

export function PracticeReport({ port, files, hasEntries }: PracticeReportProps) {
  const [imported, setImported] = useState<Imported[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [status, setStatus] = useState('');
  const statusRef = useRef<HTMLDivElement>(null);

  const exportReport = async () => {
    const report = await port.report().catch(() => null);
    if (!report) {
      setStatus('Signpost could not make the report. Try again.');
      return;
    }
    files.download(`signposting-report-${report.generatedAt.slice(0, 7)}.json`, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
    setStatus('Report saved to your downloads. Send it to your digital champion.');
  };

  const importFiles = async (list: FileList | null) => {
    const chosen = [...(list ?? [])];
    const found: string[] = [];
    const read: Imported[] = [];
    for (const [index, file] of chosen.entries()) {
      if (imported.length + read.length >= MAX_REPORT_FILES || index >= MAX_REPORT_FILES) {
        found.push(`${file.name}: not read: at most ${MAX_REPORT_FILES} files at once.`);
        continue;
      }
      // Checked before reading, so a huge file is never read into memory.
      if (file.size > MAX_REPORT_BYTES) {
        found.push(`${file.name}: refused: it is larger than ${MAX_REPORT_BYTES / 1_000_000} MB.`);
        continue;
      }
      const result = readReport(await file.text());
      if (result.ok) read.push({ fileName: file.name, report: result.report });
      else found.push(`${file.name}: refused: ${result.problem}.`);
    }
    setImported((earlier) => [...earlier, ...read]);
    setProblems(found);
    setStatus(`${read.length === 1 ? '1 report' : `${read.length} reports`} added${found.length ? `; ${found.length} refused` : ''}.`);
    statusRef.current?.focus();
  };

  const practice = combineReports(imported.map((file) => file.report));
  const period = practice.months.length ? `${monthInWords(practice.months[0]!)} to ${monthInWords(practice.months.at(-1)!)}` : '';

  return (
    <section aria-labelledby="practice-heading">
      <h2 id="practice-heading">Practice report</h2>
      <div class="panel no-print">
        <h3>Send your counts to your practice</h3>
        <p>
          A file of counts only: per month, tool, condition and verdict. No dates of days, nothing about any patient, and any count below 5 is written as “fewer than
          5”.
        </p>
        <p>
          <button type="button" onClick={() => void exportReport()} disabled={!hasEntries}>
            Export my report
          </button>
        </p>
      </div>
      <div class="panel no-print">
        <h3>For a digital champion: see your practice</h3>
        <p>Add your colleagues' report files. A colleague's month is counted once, from their newest file.</p>
        <label for="practice-files">Report files</label>
        <input id="practice-files" type="file" accept=".json,application/json" multiple onChange={(event) => void importFiles(event.currentTarget.files)} />
      </div>
      <div class="status-line" role="status" tabIndex={-1} ref={statusRef}>
        {status}
        {problems.length > 0 && (
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        )}
      </div>
      {imported.length > 0 && (
        <div id="practice-view" class="practice-view">
          <h3>
            Practice view: {practice.authors === 1 ? '1 colleague' : `${practice.authors} colleagues`}, {period}
          </h3>
          <p class="print-only">Signposting with Signpost: counts only; any count that could be below 5 is shown as “fewer than 5”.</p>
          <ul class="plain-list no-print">
            {imported.map((file, index) => (
              <li key={index}>
                {file.fileName}: {file.report.author.name ?? 'a colleague'}, made {file.report.generatedAt.slice(0, 10)}
              </li>
            ))}
          </ul>
          <SignpostingCharts tallies={practice.tallies} hideSmall idPrefix="practice" />
          <p class="no-print">
            <button type="button" onClick={files.print}>
              Print a one-page summary
            </button>{' '}
            <button type="button" onClick={() => files.download('practice-signposting.csv', practiceCsv(practice.tallies), 'text/csv')}>
              Download the practice CSV
            </button>{' '}
            <button type="button" class="quiet" onClick={() => (setImported([]), setProblems([]), setStatus('Removed every imported report from this page.'))}>
              Remove imported reports
            </button>
          </p>
        </div>
      )}
    </section>
  );
}
