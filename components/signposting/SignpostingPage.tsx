import { useEffect, useRef, useState } from 'preact/hooks';
import type { SignpostingOverview, SignpostingPort } from '@/lib/monitoring/actions';
import { entriesCsv } from '@/lib/monitoring/csv';
import { CHANNEL_LABELS, RETENTION_MONTHS, type SignpostingEntry } from '@/lib/monitoring/record';
import { conditionInReport, entryTallies } from '@/lib/monitoring/report';
import { SignpostingCharts } from './Charts';
import { FollowUps } from './FollowUps';
import { PracticeReport, type FileActions } from './PracticeReport';

// My signposting (docs/monitoring.md): the clinician's own record, its charts and CSV, pausing and
// deleting it, safety follow-ups, and the practice report (export, and a champion's import).

export interface SignpostingPageDeps extends FileActions {
  port: SignpostingPort;
}

export function SignpostingPage({ deps }: { deps: SignpostingPageDeps }) {
  const [overview, setOverview] = useState<SignpostingOverview | null>(null);
  const [failed, setFailed] = useState(false);
  const [status, setStatus] = useState('');
  const [confirmAll, setConfirmAll] = useState(false);
  const statusRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    void deps.port.overview().then(setOverview, () => setFailed(true));
  }, [deps]);

  const update = async (change: Promise<SignpostingOverview>, done: string) => {
    const next = await change.catch(() => null);
    if (next) setOverview(next);
    setStatus(next ? done : 'Signpost could not do that. Try again.');
    statusRef.current?.focus();
  };

  if (failed) return <p class="notice">Signpost could not read your signposting record. Reload the page to try again.</p>;
  if (!overview) return <p class="status-line">Reading your signposting record…</p>;

  const { entries } = overview;
  return (
    <>
      <header class="page-header">
        <h1>My signposting</h1>
        <p>
          What you have given patients with Signpost: each time you copied the patient text, showed the QR code or printed a handout. Kept on this computer only:
          the tool, what Signpost said about it, the condition and the date. <strong>Nothing about the patient is ever recorded.</strong> Entries older than{' '}
          {RETENTION_MONTHS / 12} years are deleted.
        </p>
      </header>
      <main class="page">
        <FollowUps port={deps.port} headingLevel={2} initial={overview.followUps} />

        <section class="panel" aria-labelledby="record-heading">
          <h2 id="record-heading">The record</h2>
          <label class="choice">
            <input type="checkbox" checked={!overview.paused} onChange={(event) => void update(deps.port.settings({ paused: !event.currentTarget.checked, noticeSeen: true }), event.currentTarget.checked ? 'Signpost will record what you signpost.' : 'Paused: Signpost records nothing until you turn this on again.')} />{' '}
            Keep a record of what I signpost
          </label>
          <p class="status-line" role="status" tabIndex={-1} ref={statusRef}>
            {status}
          </p>
        </section>

        <section aria-labelledby="charts-heading">
          <h2 id="charts-heading">Your signposting in charts</h2>
          {entries.length === 0 ? <p>You have not signposted any tool yet, or you deleted the record.</p> : <SignpostingCharts tallies={entryTallies(entries)} hideSmall={false} idPrefix="mine" />}
          {entries.length > 0 && (
            <p>
              <button type="button" onClick={() => deps.download('my-signposting.csv', entriesCsv(entries), 'text/csv')}>
                Download as CSV
              </button>
            </p>
          )}
        </section>

        <section aria-labelledby="entries-heading">
          <h2 id="entries-heading">Every entry ({entries.length})</h2>
          {entries.length > 0 && <EntriesTable entries={entries} onDelete={(entry) => void update(deps.port.remove([entry.id]), `Deleted the entry for ${entry.tool.name} on ${entry.date}.`)} />}
          {entries.length > 0 &&
            (confirmAll ? (
              <p role="group" aria-label="Delete every entry?">
                Delete all {entries.length} entries? This cannot be undone.{' '}
                <button
                  type="button"
                  class="danger"
                  onClick={() => {
                    setConfirmAll(false);
                    void update(deps.port.remove('all'), 'Deleted every entry.');
                  }}
                >
                  Yes, delete all
                </button>{' '}
                <button type="button" onClick={() => setConfirmAll(false)}>
                  Cancel
                </button>
              </p>
            ) : (
              <p>
                <button type="button" onClick={() => setConfirmAll(true)}>
                  Delete all entries…
                </button>
              </p>
            ))}
        </section>

        <PracticeReport port={deps.port} files={deps} hasEntries={entries.length > 0} />
      </main>
    </>
  );
}

function EntriesTable({ entries, onDelete }: { entries: readonly SignpostingEntry[]; onDelete: (entry: SignpostingEntry) => void }) {
  return (
    <div class="table-scroll">
      <table class="entries">
        <caption class="sr-only">Every signposting on this computer, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">How</th>
            <th scope="col">Tool</th>
            <th scope="col">Condition</th>
            <th scope="col">What Signpost said</th>
            <th scope="col">
              <span class="sr-only">Delete</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{entry.date}</td>
              <td>{CHANNEL_LABELS[entry.channel]}</td>
              <th scope="row">{entry.tool.name}</th>
              <td>{conditionInReport(entry.condition)}</td>
              <td>{entry.statements.map((statement) => statement.text).join('; ')}</td>
              <td>
                <button type="button" class="quiet" onClick={() => onDelete(entry)}>
                  Delete<span class="sr-only"> the entry for {entry.tool.name} on {entry.date}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
