import { useId, useRef, useState } from 'preact/hooks';
import { formatTimestamp } from '@/lib/format/dates';
import { count } from '@/lib/publish/report';
import { publicKeyBytes } from '@/lib/feed/keys';
import { PUBLISHER_KIND_LABELS } from '@/lib/feed/vocabulary';
import { newFeedProblem, type FeedPreview } from '@/lib/settings/feeds';
import type { SyncErrorCode } from '@/lib/sync/errors';
import { Facts } from './Facts';
import { ErrorMessage, Field } from './Field';
import { useFocusAfterRender } from '../focus';
import { HostAccessOffer } from './HostAccessOffer';
import type { FeedsPort } from './ports';
import { NO_ANSWER, checkResultText, contentsText, signatureText } from './feed-text';

type Step =
  | { name: 'enter' }
  | { name: 'checking' }
  | { name: 'failed'; url: string; code: SyncErrorCode; message: string }
  | { name: 'preview'; preview: FeedPreview; problem?: string }
  | { name: 'subscribing'; preview: FeedPreview };

/**
 * Add a feed in two steps: check it (download and read it, storing nothing), then subscribe. The
 * user sees who publishes it and what it holds before anything changes.
 */
export function AddFeed({ port, subscribed, onAdded }: { port: FeedsPort; subscribed: readonly string[]; onAdded: (message: string) => void }) {
  const [address, setAddress] = useState('');
  const [key, setKey] = useState('');
  const [inputError, setInputError] = useState<string | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const keyRef = useRef<HTMLInputElement>(null);
  const pinned = () => (key.trim() ? [key.trim()] : []);
  const [step, setStep] = useState<Step>({ name: 'enter' });
  const [status, setStatus] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const id = useId();
  // Focus moves to what each step produced, so keyboard and screen reader users land on it.
  const focusAfterRender = useFocusAfterRender();

  const check = async (input: string) => {
    const problem = newFeedProblem(input, subscribed);
    setInputError(problem);
    if (problem) {
      setStatus('');
      focusAfterRender(inputRef);
      return;
    }
    const keyProblem = key.trim() && publicKeyBytes(key) === null ? 'This is not a publisher key: it should start with "ed25519:" followed by 44 letters, digits, "+", "/" or "=".' : null;
    setKeyError(keyProblem);
    if (keyProblem) {
      setStatus('');
      focusAfterRender(keyRef);
      return;
    }
    setStep({ name: 'checking' });
    setStatus('Downloading the feed to check it…');
    const result = await port.preview(input, pinned());
    if (result.ok) {
      setStep({ name: 'preview', preview: result.preview });
      setStatus('');
    } else {
      setStep({ name: 'failed', url: input.trim(), ...result.error });
      setStatus('The feed could not be checked.');
    }
    focusAfterRender(resultRef);
  };

  const subscribe = async (preview: FeedPreview) => {
    setStep({ name: 'subscribing', preview });
    setStatus(`Subscribing to ${preview.publisher.name}…`);
    const reply = await port.subscribe(preview.url, pinned()).catch(() => NO_ANSWER);
    if (!reply.ok) {
      setStep({ name: 'preview', preview, problem: reply.problem });
      setStatus('');
      focusAfterRender(resultRef);
      return;
    }
    setAddress('');
    setKey('');
    setStep({ name: 'enter' });
    setStatus('');
    onAdded(`Subscribed to ${preview.publisher.name}: ${checkResultText(reply.outcome)}.`);
  };

  const cancel = () => {
    setStep({ name: 'enter' });
    setStatus('');
    focusAfterRender(inputRef);
  };

  const busy = step.name === 'checking' || step.name === 'subscribing';
  return (
    <div class="add-feed">
      <h3>Add a feed</h3>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!busy) void check(address);
        }}
      >
        <Field
          id={`${id}-url`}
          label="Feed address"
          error={inputError}
          hint="The web address your ICB, charity or digital champion gave you, starting with https://. For example https://icb.example.org/signpost/feed.json."
        >
          {(control) => (
            <input
              {...control}
              ref={inputRef}
              type="url"
              class="text-input"
              inputMode="url"
              autoComplete="off"
              spellcheck={false}
              value={address}
              onInput={(event) => setAddress(event.currentTarget.value)}
            />
          )}
        </Field>
        <Field
          id={`${id}-key`}
          label="Publisher's signing key (optional)"
          error={keyError}
          hint='If the publisher gave you a key starting "ed25519:", paste it here: Signpost will then accept only feeds they signed with it.'
        >
          {(control) => (
            <input {...control} ref={keyRef} type="text" class="text-input" autoComplete="off" spellcheck={false} value={key} onInput={(event) => setKey(event.currentTarget.value)} />
          )}
        </Field>
        <button type="submit" class="button" aria-disabled={busy} aria-busy={step.name === 'checking'}>
          Check feed
        </button>
      </form>
      <p role="status" class="status">
        {status}
      </p>
      {step.name === 'failed' && (
        <div ref={resultRef} tabIndex={-1} class="problem">
          <h4>This feed could not be added</h4>
          <p>{step.message}</p>
          <p>Nothing has been added to your feeds.</p>
          {step.code === 'network' && <HostAccessOffer url={step.url} port={port} onGranted={() => void check(step.url)} />}
        </div>
      )}
      {(step.name === 'preview' || step.name === 'subscribing') && (
        <div ref={resultRef} tabIndex={-1} class="preview">
          <h4>Check before subscribing</h4>
          <PreviewFacts preview={step.preview} />
          {step.name === 'preview' && step.problem && <ErrorMessage>{step.problem}</ErrorMessage>}
          <div class="actions">
            <button type="button" class="button" aria-disabled={busy} aria-busy={busy} onClick={() => !busy && void subscribe(step.preview)}>
              Subscribe
            </button>
            <button type="button" class="button secondary" onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function PreviewFacts({ preview }: { preview: FeedPreview }) {
  return (
    <>
      <Facts
        items={[
          ['Publisher', preview.publisher.name],
          ['Kind', PUBLISHER_KIND_LABELS[preview.publisher.kind]],
          ['Data from', formatTimestamp(preview.generatedAt)],
          ['Contents', contentsText(preview.counts)],
          ['Left out as invalid', preview.counts.quarantined === 0 ? 'none' : count(preview.counts.quarantined, 'entry', 'entries')],
          ['Signature', signatureText(preview.signature)],
          ['Address', <span class="feed-url">{preview.url}</span>],
        ]}
      />
      {preview.warnings.length > 0 && (
        <div class="warning">
          <p>
            <strong>Before you subscribe:</strong>
          </p>
          <ul>
            {preview.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
