import { useRef, useState } from 'preact/hooks';
import { conditionLabel } from '@/lib/feed/conditions';
import type { SignpostingPort } from '@/lib/monitoring/actions';
import { conditionFor, signpostableConditions, type Channel } from '@/lib/monitoring/record';
import type { LookupMatch } from '@/lib/registry/lookup';
import { distinctLabel, signpostingFor } from '@/lib/signposting/patient-text';
import { RecordNotice } from '../signposting/RecordNotice';
import { QrCode } from './QrCode';

interface SignpostPatientProps {
  match: LookupMatch;
  recordId: string;
  copyText: (text: string) => Promise<void>;
  openHandout: (recordId: string, link: string | null, condition: string | null) => void;
  /** The signposting record (docs/monitoring.md): each copy, QR code shown and handout printed. */
  record: Pick<SignpostingPort, 'record' | 'settings'>;
  openSignpostingPage: () => void;
  myConditions: readonly string[];
}

/**
 * Text to paste, a QR code to scan and a handout to print: nothing about the patient in any of
 * them. Each is recorded on this computer (tool, what Signpost said, condition, day), unless paused.
 */
export function SignpostPatient({ match, recordId, copyText, openHandout, record, openSignpostingPage, myConditions }: SignpostPatientProps) {
  const signposting = signpostingFor(match);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const [copyStatus, setCopyStatus] = useState('');
  const [qrLink, setQrLink] = useState(signposting.kind === 'text' ? (signposting.links[0]?.url ?? null) : null);
  const [qrShown, setQrShown] = useState(false);
  const conditions = signpostableConditions(match);
  const [condition, setCondition] = useState(() => conditionFor(match, null, myConditions));
  const [notice, setNotice] = useState(false);

  if (signposting.kind === 'withheld') {
    return (
      <section class="panel" aria-labelledby="popup-signpost-heading">
        <h3 id="popup-signpost-heading">Signpost a patient</h3>
        <p class="notice">{signposting.reason}</p>
      </section>
    );
  }

  const recordSignposting = (channel: Channel) =>
    void record.record(recordId, channel, condition).then(
      (reply) => reply.recorded && reply.showNotice && setNotice(true),
      () => undefined,
    );

  const copy = async () => {
    try {
      await copyText(signposting.text);
      recordSignposting('text');
      setCopyStatus('Copied. Paste it into Accurx, a text message or a letter.');
    } catch {
      // Clipboard access can be refused (browser policy, no user gesture): leave the text selected.
      textArea.current?.focus();
      textArea.current?.select();
      setCopyStatus('Your browser did not allow copying. The text is selected: press Ctrl+C (or ⌘C on a Mac) to copy it.');
    }
  };

  return (
    <section class="panel" aria-labelledby="popup-signpost-heading">
      <h3 id="popup-signpost-heading">Signpost a patient</h3>
      {signposting.notes.map((note) => (
        <p key={note} class="notice">
          {note}
        </p>
      ))}
      {conditions.length > 1 && (
        <p>
          <label for="popup-signpost-condition">Given for (recorded on this computer, with nothing about the patient)</label>
          <select id="popup-signpost-condition" value={condition ?? ''} onChange={(event) => setCondition(event.currentTarget.value)}>
            {conditions.map((id) => (
              <option key={id} value={id}>
                {conditionLabel(id)}
              </option>
            ))}
          </select>
        </p>
      )}
      <label for="popup-patient-text">Text for the patient (it contains nothing about them)</label>
      {/* Copying by hand (when the browser refused) is signposting too. */}
      <textarea id="popup-patient-text" ref={textArea} readOnly rows={7} value={signposting.text} onCopy={() => recordSignposting('text')} />
      <p>
        <button type="button" onClick={() => void copy()}>
          Copy text
        </button>
      </p>
      <p class="status-line" role="status">
        {copyStatus}
      </p>
      {notice && <RecordNotice record={record} openSignpostingPage={openSignpostingPage} onDone={() => setNotice(false)} />}
      {qrLink && (
        <>
          <h4>QR code to scan from the screen</h4>
          {signposting.links.length > 1 && (
            <fieldset>
              <legend>Link in the QR code</legend>
              {signposting.links.map((link) => (
                <label key={link.url} class="choice">
                  <input type="radio" name="popup-qr-link" checked={link.url === qrLink} onChange={() => setQrLink(link.url)} /> {distinctLabel(link, signposting.links)}
                </label>
              ))}
            </fieldset>
          )}
          {qrShown ? (
            <>
              <QrCode link={qrLink} />
              <p class="qr-link">{qrLink}</p>
            </>
          ) : (
            // Shown on request: showing it to the patient is a signposting, and is recorded.
            <p>
              <button
                type="button"
                onClick={() => {
                  setQrShown(true);
                  recordSignposting('qr');
                }}
              >
                Show QR code
              </button>
            </p>
          )}
        </>
      )}
      <p>
        <button type="button" onClick={() => openHandout(recordId, qrLink, condition)}>
          Printable handout (opens a new tab)
        </button>
      </p>
    </section>
  );
}
