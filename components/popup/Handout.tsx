import { useEffect, useRef, useState } from 'preact/hooks';
import { matchForRecord } from '@/lib/search/registry-search';
import { handoutFor, readHandoutParams, type Handout } from '@/lib/signposting/handout';
import { distinctLabel } from '@/lib/signposting/patient-text';
import type { RegistryDeps } from './deps';
import { QrCode } from './QrCode';

type State = { kind: 'loading' } | { kind: 'missing' } | Handout;

/**
 * The printable one-page handout, opened from a tool's detail in the popup. Each print (the
 * button, or the browser's own print command) is recorded in the signposting record.
 */
export function HandoutPage({ deps, search, print }: { deps: RegistryDeps; search: string; print: () => void }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const printingFromButton = useRef(false);
  const { recordId, condition } = readHandoutParams(search);
  const printable = state.kind === 'handout';

  useEffect(() => {
    if (!printable || !recordId) return;
    // The browser's print command fires beforeprint too; the button records its own print once.
    const recordPrint = () => {
      if (!printingFromButton.current) void deps.signposting.record(recordId, 'handout', condition).catch(() => undefined);
    };
    window.addEventListener('beforeprint', recordPrint);
    return () => window.removeEventListener('beforeprint', recordPrint);
  }, [deps, printable, recordId, condition]);

  const printHandout = () => {
    if (recordId) void deps.signposting.record(recordId, 'handout', condition).catch(() => undefined);
    printingFromButton.current = true;
    try {
      print();
    } finally {
      printingFromButton.current = false;
    }
  };

  useEffect(() => {
    const { recordId, link } = readHandoutParams(search);
    void (async () => {
      const match = recordId ? await matchForRecord(deps.source, recordId, { now: deps.now() }) : null;
      setState(match ? handoutFor(match, await deps.source.feedSummaries(), deps.now(), link) : { kind: 'missing' });
    })();
  }, [deps, search]);

  useEffect(() => {
    if (state.kind === 'handout' || state.kind === 'withheld') document.title = `${state.name}: patient handout (Signpost)`;
  }, [state]);

  if (state.kind === 'loading') return <p class="status-line">Preparing the handout…</p>;
  if (state.kind === 'missing') return <p class="notice">This tool is no longer in your registry, so Signpost cannot make a handout for it.</p>;
  if (state.kind === 'withheld') {
    return (
      <main class="handout">
        <h1>{state.name}</h1>
        <p class="notice">{state.reason}</p>
      </main>
    );
  }
  return (
    <main class="handout">
      <div class="no-print">
        {state.notes.map((note) => (
          <p key={note} class="notice">
            {note}
          </p>
        ))}
        <p>
          <button type="button" onClick={printHandout}>
            Print this handout
          </button>
        </p>
      </div>
      <h1>{state.name}</h1>
      <p class="lead">{state.purpose}</p>
      {state.summary.map((sentence) => (
        <p key={sentence}>{sentence}</p>
      ))}
      {state.links.length > 0 && (
        <section aria-labelledby="handout-links">
          <h2 id="handout-links">Where to get it</h2>
          <div class="handout-get">
            <ul class="plain-list">
              {state.links.map((link) => (
                <li key={link.url}>
                  <strong>{distinctLabel(link, state.links)}:</strong> <span class="url">{link.url}</span>
                </li>
              ))}
            </ul>
            {state.qr && (
              <figure>
                <QrCode link={state.qr.url} pixels={200} />
                <figcaption>Scan with your phone's camera to open the {distinctLabel(state.qr, state.links)} link.</figcaption>
              </figure>
            )}
          </div>
        </section>
      )}
      {state.endorsements.length > 0 && (
        <section aria-labelledby="handout-endorsements">
          <h2 id="handout-endorsements">Who endorses it</h2>
          <ul class="plain-list">
            {state.endorsements.map((endorsement, index) => (
              <li key={index}>
                <strong>{endorsement.issuer}</strong>: {endorsement.status}
                {endorsement.code && ` · ${endorsement.code}`} · {endorsement.date}
                {endorsement.scope && (
                  <>
                    <br />
                    For: {endorsement.scope}
                  </>
                )}
                <br />
                Source: <span class="url">{endorsement.sourceUrl}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p class="checked">{state.checked}</p>
    </main>
  );
}
