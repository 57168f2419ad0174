import { useEffect, useState } from 'preact/hooks';
import type { SignpostingPort } from '@/lib/monitoring/actions';
import type { FollowUp } from '@/lib/monitoring/follow-up';
import { monthInWords } from '@/lib/monitoring/record';
import { formatPartialDate, formatTimestamp } from '@/lib/format/dates';
import { ExternalLink } from '../ExternalLink';

// Safety follow-ups (docs/monitoring.md §4): a tool the clinician signposted whose standing has
// changed since, with who said so and when, and how often and in which months they gave it out,
// so they can find those patients in their own clinical system. In the popup and on My signposting.

export function timesInWords({ times }: Pick<FollowUp, 'times'>): string {
  if (times.count === 0) return 'Your record no longer has the times you signposted it.';
  const months = times.months.map(({ month, count }) => `${monthInWords(month)} (${count})`).join(', ');
  return `You signposted it ${times.count === 1 ? 'once' : `${times.count} times`}: ${months}.`;
}

interface FollowUpsProps {
  port: Pick<SignpostingPort, 'followUps' | 'markRead'>;
  headingLevel: 2 | 3;
  /** Given by a page that already read them; otherwise read here. */
  initial?: FollowUp[];
}

export function FollowUps({ port, headingLevel, initial }: FollowUpsProps) {
  const [followUps, setFollowUps] = useState<FollowUp[]>(initial ?? []);
  const [status, setStatus] = useState('');
  useEffect(() => {
    if (initial) setFollowUps(initial);
    else void port.followUps().then(setFollowUps, () => undefined);
  }, [port, initial]);

  if (followUps.length === 0 && !status) return null;
  const Heading = `h${headingLevel}` as const;
  const Item = `h${headingLevel + 1}` as 'h3' | 'h4';

  const markRead = async (followUp: FollowUp) => {
    const open = await port.markRead(followUp.id).catch(() => null);
    if (open) setFollowUps(open);
    setStatus(open ? `Marked as read: ${followUp.toolName}.` : 'Signpost could not mark it as read. Try again.');
  };

  return (
    <section class="follow-ups" aria-labelledby="follow-ups-heading">
      <Heading id="follow-ups-heading">Safety follow-up</Heading>
      {followUps.map((followUp) => (
        <article key={followUp.id} class="follow-up" aria-labelledby={`follow-up-${followUp.raisedAt}-${followUp.change.kind}`}>
          <Item id={`follow-up-${followUp.raisedAt}-${followUp.change.kind}`}>
            <span aria-hidden="true">⚠ </span>
            {followUp.toolName}: changed since you signposted it
          </Item>
          <p>
            <strong>{followUp.change.statement}</strong>
          </p>
          <p>
            Said by {followUp.change.who}
            {followUp.change.when !== 'unknown' ? `, dated ${formatPartialDate(followUp.change.when)}` : ', date not stated'}; Signpost learned of it on {formatTimestamp(new Date(followUp.raisedAt).toISOString())}.
            {followUp.change.sourceUrl && (
              <>
                {' '}
                <ExternalLink href={followUp.change.sourceUrl}>Read the source</ExternalLink>
              </>
            )}
          </p>
          <p>{timesInWords(followUp)} Look for the patients you gave it to in your clinical system.</p>
          <p>
            <button type="button" onClick={() => void markRead(followUp)}>
              Mark as read<span class="sr-only">: {followUp.toolName}</span>
            </button>
          </p>
        </article>
      ))}
      <p class="status-line" role="status">
        {status}
      </p>
    </section>
  );
}
