import { useRef, useState } from 'preact/hooks';
import { count } from '@/lib/publish/report';
import { formatTimestamp, relativeAge } from '@/lib/format/dates';
import { PUBLISHER_KIND_LABELS } from '@/lib/feed/vocabulary';
import { IS_TEST_BUILD } from '@/lib/feed/bundled-key';
import { isPastExpiry, type FeedListEntry } from '@/lib/settings/feeds';
import type { FeedRecord } from '@/lib/storage/db';
import { Facts } from './Facts';
import { useFocusAfterRender } from '../focus';
import { HostAccessOffer } from './HostAccessOffer';
import type { FeedsPort } from './ports';
import { checkResultText, contentsText, feedName, signatureText, type CheckResult } from './feed-text';

export interface FeedItemProps {
  entry: FeedListEntry;
  port: FeedsPort;
  now: number;
  checking: boolean;
  /** The outcome of the check the user last asked for on this page, if any. */
  result?: CheckResult;
  onCheck: () => void;
  /** Absent where the feed cannot be removed here (set or locked by the organisation). */
  onRemove?: () => Promise<void>;
}

export function FeedItem({ entry, port, now, checking, result, onCheck, onRemove }: FeedItemProps) {
  const { record, bundled } = entry;
  const name = feedName(entry);
  const imported = record?.importedFrom;
  return (
    <li class="feed">
      <h3>{name}</h3>
      <p class="feed-meta">
        {record?.publisher && <span>{PUBLISHER_KIND_LABELS[record.publisher.kind]}</span>}
        {entry.managed && <span class="tag">Set by your organisation</span>}
        {bundled ? (
          <span class="tag">Bundled with Signpost</span>
        ) : imported ? (
          <span class="tag">
            Imported from the file {imported.fileName} on {formatTimestamp(new Date(imported.at).toISOString())}; import a newer file to update it
          </span>
        ) : (
          <span class="feed-url">{entry.url}</span>
        )}
      </p>
      <FeedStatus record={record} now={now} />
      {bundled && IS_TEST_BUILD && (
        <p class="warning">
          <strong>Development build.</strong> This copy of Signpost trusts the public test key for its bundled registry, so anyone could sign a
          registry it accepts. Use a release build for patients.
        </p>
      )}
      {record?.lastError && (
        <div class="problem">
          <p>
            <strong>Problem at the last check:</strong> {record.lastError.message}
          </p>
          <p>
            {record.withdrawn
              ? 'Nothing from this feed is shown: the copy held was not signed with the key now pinned for it.'
              : record.lastSuccessAt === undefined
                ? 'Nothing from this feed is in use yet.'
                : `The copy downloaded ${relativeAge(record.lastSuccessAt, now)} is still in use.`}
          </p>
          {record.lastError.code === 'network' && !bundled && <HostAccessOffer url={entry.url} port={port} onGranted={onCheck} />}
        </div>
      )}
      <Quarantined record={record} />
      {result && !checking && <p class="feed-result">Just checked: {checkResultText(result)}.</p>}
      <div class="actions">
        {!imported && (
          <button type="button" class="button secondary" onClick={() => !checking && onCheck()} aria-disabled={checking} aria-busy={checking}>
            {checking ? 'Checking…' : 'Check now'}
            <span class="visually-hidden"> for {name}</span>
          </button>
        )}
        {!bundled && !entry.managed && onRemove && <RemoveFeed name={name} tools={record?.counts?.tools} onRemove={onRemove} />}
      </div>
    </li>
  );
}

function FeedStatus({ record, now }: { record?: FeedRecord; now: number }) {
  if (record?.lastAttemptAt === undefined) return <p>Not checked yet.</p>;
  return (
    <>
      <Facts
        items={[
          ['Data from', record.generatedAt && formatTimestamp(record.generatedAt)],
          ['Valid until', record.expiresAt && formatTimestamp(record.expiresAt)],
          ['Last checked', relativeAge(record.lastAttemptAt, now)],
          ['Contents', record.counts && contentsText(record.counts)],
          ['Signature', record.signature && signatureText(record.signature)],
        ]}
      />
      {record.expiresAt && isPastExpiry(record.expiresAt, now) && (
        <p class="warning">
          <strong>Past its expiry date</strong> ({formatTimestamp(record.expiresAt)}). Signpost still shows its data, marked as possibly out of
          date.
        </p>
      )}
    </>
  );
}

function Quarantined({ record }: { record?: FeedRecord }) {
  const total = record?.counts?.quarantined ?? 0;
  const listed = record?.quarantined ?? [];
  if (total === 0) return null;
  return (
    <details class="quarantine">
      <summary>{count(total, 'entry', 'entries')} left out as invalid</summary>
      <p>The rest of the feed is used. Whoever publishes the feed can fix these:</p>
      <ul>
        {listed.map((entry) => (
          <li key={entry.path}>
            <code>{entry.path}</code>
            {entry.toolId && <> (tool "{entry.toolId}")</>}
            <ul>
              {entry.problems.map((problem, index) => (
                <li key={index}>
                  {problem.path.startsWith(`${entry.path}.`) ? problem.path.slice(entry.path.length + 1) : problem.path}: {problem.message}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
      {listed.length < total && <p>Showing the first {listed.length}.</p>}
    </details>
  );
}

function RemoveFeed({ name, tools, onRemove }: { name: string; tools?: number; onRemove: () => Promise<void> }) {
  const [confirming, setConfirming] = useState(false);
  const [removing, setRemoving] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const removeRef = useRef<HTMLButtonElement>(null);
  // Focus follows the question: onto the answer when it is asked, back to "Remove" when it is not.
  const focusAfterRender = useFocusAfterRender();
  const ask = (on: boolean) => {
    setConfirming(on);
    focusAfterRender(on ? confirmRef : removeRef);
  };

  if (!confirming) {
    return (
      <button type="button" ref={removeRef} class="button destructive" onClick={() => ask(true)}>
        Remove<span class="visually-hidden"> {name}</span>
      </button>
    );
  }
  const remove = async () => {
    setRemoving(true);
    await onRemove();
    setRemoving(false);
    ask(false);
  };
  return (
    <div class="confirm" role="group" aria-label={`Remove ${name}?`}>
      <p>
        Remove {name}?{tools ? ` Its ${count(tools, 'tool')} will be deleted from this computer.` : ''} You can add it again later.
      </p>
      <button type="button" ref={confirmRef} class="button destructive" aria-busy={removing} onClick={() => !removing && void remove()}>
        Yes, remove it
      </button>
      <button type="button" class="button secondary" onClick={() => ask(false)}>
        Keep it
      </button>
    </div>
  );
}
