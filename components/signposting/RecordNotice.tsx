import { useEffect, useRef } from 'preact/hooks';
import type { SignpostingPort } from '@/lib/monitoring/actions';

interface RecordNoticeProps {
  record: Pick<SignpostingPort, 'settings'>;
  openSignpostingPage: () => void;
  onDone: () => void;
}

/** The plain notice shown the first time Signpost records a signposting (docs/monitoring.md §3). */
export function RecordNotice({ record, openSignpostingPage, onDone }: RecordNoticeProps) {
  const region = useRef<HTMLDivElement>(null);
  useEffect(() => region.current?.focus(), []);
  const answer = (change: { paused?: boolean }) => {
    void record.settings({ ...change, noticeSeen: true }).catch(() => undefined);
    onDone();
  };
  return (
    <div class="notice record-notice" role="region" aria-labelledby="record-notice-heading" tabIndex={-1} ref={region}>
      <h4 id="record-notice-heading">Signpost keeps a record of what you signpost</h4>
      <p>
        On this computer only: the tool, what Signpost said about it, the condition and the date. Nothing about the patient. It lets Signpost tell you if a tool
        you gave out is later withdrawn, and shows you what you recommend. You can see and delete every entry, or stop the record, in My signposting.
      </p>
      <p class="actions">
        <button type="button" onClick={() => answer({})}>
          OK
        </button>{' '}
        <button type="button" onClick={() => answer({ paused: true })}>
          Stop recording
        </button>{' '}
        <button type="button" class="quiet" onClick={openSignpostingPage}>
          Open My signposting
        </button>
      </p>
    </div>
  );
}
