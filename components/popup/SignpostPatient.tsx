import { useRef, useState } from 'preact/hooks';
import type { LookupMatch } from '@/lib/registry/lookup';
import { distinctLabel, signpostingFor } from '@/lib/signposting/patient-text';
import { QrCode } from './QrCode';

interface SignpostPatientProps {
  match: LookupMatch;
  recordId: string;
  copyText: (text: string) => Promise<void>;
  openHandout: (recordId: string, link: string | null) => void;
}

/** Text to paste, a QR code to scan and a handout to print: nothing about the patient in any of them. */
export function SignpostPatient({ match, recordId, copyText, openHandout }: SignpostPatientProps) {
  const signposting = signpostingFor(match);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const [copyStatus, setCopyStatus] = useState('');
  const [qrLink, setQrLink] = useState(signposting.kind === 'text' ? (signposting.links[0]?.url ?? null) : null);

  if (signposting.kind === 'withheld') {
    return (
      <section class="panel" aria-labelledby="popup-signpost-heading">
        <h3 id="popup-signpost-heading">Signpost a patient</h3>
        <p class="notice">{signposting.reason}</p>
      </section>
    );
  }

  const copy = async () => {
    try {
      await copyText(signposting.text);
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
      <label for="popup-patient-text">Text for the patient (it contains nothing about them)</label>
      <textarea id="popup-patient-text" ref={textArea} readOnly rows={7} value={signposting.text} />
      <p>
        <button type="button" onClick={() => void copy()}>
          Copy text
        </button>
      </p>
      <p class="status-line" role="status">
        {copyStatus}
      </p>
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
          <QrCode link={qrLink} />
          <p class="qr-link">{qrLink}</p>
        </>
      )}
      <p>
        <button type="button" onClick={() => openHandout(recordId, qrLink)}>
          Printable handout (opens a new tab)
        </button>
      </p>
    </section>
  );
}
