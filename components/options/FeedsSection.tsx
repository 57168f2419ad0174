import { useRef, useState } from 'preact/hooks';
import type { FeedListEntry } from '@/lib/settings/feeds';
import { AddFeed } from './AddFeed';
import { FeedItem } from './FeedItem';
import { useFocusAfterRender } from '../focus';
import type { FeedsPort } from './ports';
import { NO_ANSWER, checkResultText, checkSummary, feedName, type CheckResult } from './feed-text';

export interface FeedsSectionProps {
  port: FeedsPort;
  /** null while the list is loading. */
  entries: FeedListEntry[] | null;
  loadFailed: boolean;
  now: number;
  /** The organisation decides which feeds are used: no adding or removing here. */
  feedsLocked?: boolean;
}

export function FeedsSection({ port, entries, loadFailed, now, feedsLocked = false }: FeedsSectionProps) {
  const [checking, setChecking] = useState<ReadonlySet<string>>(new Set());
  const [results, setResults] = useState<Readonly<Record<string, CheckResult>>>({});
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [message, setMessage] = useState('');
  const messageRef = useRef<HTMLParagraphElement>(null);
  const focusAfterRender = useFocusAfterRender();

  // Feeds are checked together, as the background does; progress counts the ones that have finished.
  const check = async (urls: readonly string[]) => {
    const total = urls.length;
    let done = 0;
    setChecking((before) => new Set([...before, ...urls]));
    if (total > 1) setProgress({ done, total });
    setMessage(total > 1 ? `Checking ${total} feeds…` : 'Checking the feed…');
    const outcomes = await Promise.all(
      urls.map(async (url) => {
        const result: CheckResult = await port.sync(url).catch(() => ({ url, status: 'no-answer' as const }));
        done += 1;
        setResults((before) => ({ ...before, [url]: result }));
        setChecking((before) => new Set([...before].filter((other) => other !== url)));
        if (total > 1) {
          setProgress({ done, total });
          if (done < total) setMessage(`Checking feeds: ${done} of ${total} done…`);
        }
        return result;
      }),
    );
    setProgress(null);
    const [only] = outcomes;
    const entry = entries?.find((candidate) => candidate.url === only?.url);
    setMessage(total === 1 && only && entry ? `${feedName(entry)}: ${checkResultText(only)}.` : checkSummary(outcomes));
  };

  const announce = (text: string) => {
    setMessage(text);
    // The control the user pressed has gone (the feed, or the add form's result), so focus the news.
    focusAfterRender(messageRef);
  };

  const remove = async (entry: FeedListEntry) => {
    const reply = await port.forget(entry.url).catch(() => NO_ANSWER);
    // When the feed stays, so does its Remove button, and focus goes back there.
    if (reply.ok) announce(`${feedName(entry)} was removed, with its tools.`);
    else setMessage(`${feedName(entry)} was not removed: ${reply.problem}`);
  };

  const allUrls = entries?.map((entry) => entry.url) ?? [];
  const busy = checking.size > 0;
  return (
    <section id="feeds" aria-labelledby="feeds-heading" class="panel">
      <h2 id="feeds-heading">Feeds</h2>
      <p>
        Feeds are lists of digital health tools and what NICE, charities and NHS networks say about them. Signpost keeps a copy on this computer,
        checks for changes about every 6 hours, and looks tools up only in that copy.
      </p>
      <div class="actions">
        <button type="button" class="button secondary" aria-disabled={busy || allUrls.length === 0} aria-busy={busy} onClick={() => !busy && allUrls.length > 0 && void check(allUrls)}>
          Check all feeds now
        </button>
        {progress && (
          <progress max={progress.total} value={progress.done} aria-label="Feeds checked">
            {progress.done} of {progress.total}
          </progress>
        )}
      </div>
      <p role="status" class="status" ref={messageRef} tabIndex={-1}>
        {message}
      </p>
      {loadFailed && <p class="problem">Signpost could not read your feeds on this computer. Reload this page to try again.</p>}
      {entries === null && !loadFailed && <p>Loading your feeds…</p>}
      {entries && (
        <ul class="feeds" aria-label="Your feeds">
          {entries.map((entry) => (
            <FeedItem
              key={entry.url}
              entry={entry}
              port={port}
              now={now}
              checking={checking.has(entry.url)}
              result={results[entry.url]}
              onCheck={() => void check([entry.url])}
              onRemove={feedsLocked ? undefined : () => remove(entry)}
            />
          ))}
        </ul>
      )}
      {feedsLocked ? (
        <p>Your organisation manages which feeds Signpost uses on this computer. To add or remove one, ask your IT team or digital champion.</p>
      ) : (
        <AddFeed port={port} subscribed={allUrls} onAdded={announce} />
      )}
    </section>
  );
}
