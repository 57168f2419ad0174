import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ExternalLink } from './ExternalLink';
import { conditionLabel } from '@/lib/feed/conditions';
import { ISSUER_KIND_LABELS, STATUS_LABELS } from '@/lib/feed/vocabulary';
import { formatPartialDate, formatTimestamp, partialDateHasPassed, relativeAge } from '@/lib/format/dates';
import type { CardData } from '@/lib/registry/card-data';
import { basisInWords, NOT_COUNTED, platformsInWords, populationInWords } from '@/lib/registry/claim-words';
import type { LookupMatch } from '@/lib/registry/lookup';
import { CLAIM_GROUP_TITLES, groupClaims } from '@/lib/registry/present';
import type { AssessedClaim } from '@/lib/registry/standing';
import { VERDICT_LABELS, verdictLook, type VerdictState } from '@/lib/registry/verdict-look';

// The trust card. Every text comes from feeds or pages, so it is rendered as text only
// (JSX escapes it); links open only when they are http(s), which the feed schema enforces.

export const CARD_REGION_NAME = 'Signpost trust check';

export interface TrustCardProps {
  data: CardData;
  /**
   * Peer notes on the matched tool, drawn by the caller and mounted only while details are open:
   * the popup renders them in place, the card on a web page frames Signpost's own notes page
   * (components/notes/CardNotes.tsx).
   */
  notesSlot?: ComponentChildren;
  /** Hides the card for this tool from now on. */
  onDismiss?: () => void;
  initiallyExpanded?: boolean;
  /**
   * Ignore events a script made up (`isTrusted` false): set by the card on a web page, whose scripts
   * must not be able to open, close or dismiss it. Extension pages (the popup) trust their own.
   */
  trustedEventsOnly?: boolean;
}

export function TrustCard({ data, notesSlot, onDismiss, initiallyExpanded = false, trustedEventsOnly = false }: TrustCardProps) {
  const [expanded, setExpanded] = useState(initiallyExpanded);
  /** Wraps every handler of the card: the one place events are screened. */
  const onlyIfTrusted =
    <E extends Event>(handler: (event: E) => void) =>
    (event: E) => {
      if (trustedEventsOnly && !event.isTrusted) return;
      handler(event);
    };
  const toggle = useRef<HTMLButtonElement>(null);
  const [primary, ...others] = data.matches;
  const state: VerdictState = primary?.verdict.state ?? 'not-in-registry';
  const stale = primary?.verdict.stale ?? [];
  const look = verdictLook(state, stale.length > 0);
  const name = primary?.product.name ?? 'This app';
  const detailsId = 'signpost-card-details';

  // Escape only when focus is inside the card: the page's own Escape handling stays the page's.
  const onKeyDown = onlyIfTrusted((event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !expanded) return;
    event.stopPropagation();
    setExpanded(false);
    toggle.current?.focus();
  });

  return (
    <section
      class={`card state-${state}`}
      style={{ '--accent': look.color }}
      role="region"
      aria-label={CARD_REGION_NAME}
      onKeyDown={onKeyDown}
    >
      <div class="summary">
        <span class="symbol" aria-hidden="true">
          {look.symbol}
        </span>
        <div class="headline">
          <p>
            <strong class="name">{name}</strong>
            <span class="sr-only">: </span>
            <span class="verdict">{look.label}</span>
          </p>
          {/* Who says it and for what: the headline never leaves the issuer or the scope out. */}
          {primary && primary.verdict.headline.length > 0 && (
            <ul class="statements">
              {primary.verdict.headline.map((statement) => (
                <li key={statement.text}>{statement.text}</li>
              ))}
            </ul>
          )}
          {stale.length > 0 && (
            <p class="stale">
              <strong>May be out of date:</strong> {stale.map((reason) => reason.text).join('; ')}.
            </p>
          )}
        </div>
        <button
          ref={toggle}
          type="button"
          class="toggle"
          aria-expanded={expanded}
          aria-controls={detailsId}
          onClick={onlyIfTrusted(() => setExpanded(!expanded))}
        >
          {expanded ? 'Hide details' : 'Details'}
        </button>
        {onDismiss && (
          <button type="button" class="dismiss" aria-label={`Stop showing Signpost for ${name}`} onClick={onlyIfTrusted(onDismiss)}>
            <span aria-hidden="true">×</span>
          </button>
        )}
      </div>
      {expanded && (
        <div id={detailsId} class="details">
          {primary ? <MatchDetails match={primary} now={data.now} /> : <NotInRegistry />}
          {primary && notesSlot}
          {others.length > 0 && (
            <p class="notice">
              This site is also registered for {others.map((m) => m.product.name).join(', ')}. Open Signpost from the toolbar to see each.
            </p>
          )}
          {data.alternatives.length > 0 && (
            <section aria-labelledby="signpost-alternatives">
              <h3 id="signpost-alternatives">Endorsed tools for the same conditions</h3>
              <ul class="alternatives">
                {data.alternatives.map((alternative) => (
                  <li key={alternative.name}>
                    {alternative.link ? <ExternalLink href={alternative.link}>{alternative.name}</ExternalLink> : alternative.name}
                    {' — '}
                    {VERDICT_LABELS[alternative.state]} ({alternative.who}) for {alternative.sharedConditions.map(conditionLabel).join(', ')}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <Freshness data={data} />
        </div>
      )}
    </section>
  );
}

function NotInRegistry() {
  return (
    <div class="not-found">
      <p>
        Signpost's registry has no record of this app. That does not mean it is unsafe or unsuitable: Signpost only knows the tools that your feeds
        list.
      </p>
      <p>If colleagues would find it useful, suggest it to your practice's digital champion so it can be reviewed.</p>
    </div>
  );
}

function MatchDetails({ match, now }: { match: LookupMatch; now: number }) {
  const { product, verdict } = match;
  const claims = verdict.claims;
  return (
    <>
      {product.otherNames.length > 0 && <p class="notice">Also listed as: {product.otherNames.join(', ')}.</p>}
      {verdict.state === 'disagreement' && (
        <p class="notice">
          <strong>Sources disagree.</strong> Read each claim below before deciding.
        </p>
      )}
      {claims.length === 0 && <p>No issuer in your registry has made a claim about this tool.</p>}
      {groupClaims(claims).map(([group, claims]) => (
        <section key={group} aria-labelledby={`signpost-group-${group}`}>
          <h3 id={`signpost-group-${group}`}>{CLAIM_GROUP_TITLES[group]}</h3>
          <ul class="claims">
            {claims.map((claim, index) => (
              <ClaimLine key={`${claim.feedUrl}-${index}`} claim={claim} now={now} />
            ))}
          </ul>
        </section>
      ))}
      {product.refusedClaims.length > 0 && (
        <section aria-labelledby="signpost-refused">
          <h3 id="signpost-refused">Left out</h3>
          <ul class="claims">
            {product.refusedClaims.map((refused, index) => (
              <li key={index} class="claim refused">
                <p>
                  {refused.feedPublisher} named “{refused.issuer}” as the issuer. Signpost left it out: {refused.reason}.
                </p>
              </li>
            ))}
          </ul>
        </section>
      )}
      {product.conditions.length > 0 && (
        <p class="conditions">
          <span class="label">Conditions:</span> {product.conditions.map(conditionLabel).join(', ')}
        </p>
      )}
    </>
  );
}

function ClaimLine({ claim, now }: { claim: AssessedClaim; now: number }) {
  const reviewPassed = claim.reviewDate !== undefined && partialDateHasPassed(claim.reviewDate, now);
  const who = claim.authority.authority?.name ?? claim.issuer;
  return (
    <li class={`claim status-${claim.status} standing-${claim.standing}`}>
      <p class="claim-head">
        <strong>{who}</strong>
        {who !== claim.issuer && <span class="secondary"> (as “{claim.issuer}”)</span>}
        <span class="sr-only"> ({ISSUER_KIND_LABELS[claim.issuerKind]})</span>: <span class="status">{STATUS_LABELS[claim.status]}</span>
        {claim.guidanceCode && <span class="code"> · {claim.guidanceCode}</span>}
        <span class="date"> · {formatPartialDate(claim.decisionDate)}</span>
        {claim.sourceType === 'vendor-stated' && <span class="tag vendor"> · Vendor-stated: the company's own claim</span>}
        {claim.sourceType === 'secondary' && <span class="tag"> · Reported by a secondary source</span>}
      </p>
      <p class={`basis level-${claim.authority.level}`}>{basisInWords(claim)}</p>
      {claim.standing !== 'in-force' && claim.standing !== 'reported' && claim.standing !== 'vendor-stated' && (
        <p class="warning">Not counted: {NOT_COUNTED[claim.standing]}.</p>
      )}
      {claim.dateNote && <p class="scope">About the date: {claim.dateNote}</p>}
      {claim.conditions && claim.conditions.length > 0 && <p class="scope">For: {claim.conditions.map(conditionLabel).join(', ')}</p>}
      {claim.population && <p class="scope">Who: {populationInWords(claim.population)}</p>}
      {claim.platforms && <p class="scope">Platforms: {platformsInWords(claim.platforms)}</p>}
      {claim.setting && <p class="scope">Only: {claim.setting}</p>}
      {claim.versions && <p class="scope">Versions assessed: {Object.entries(claim.versions).map(([platform, range]) => `${platform} ${range}`).join(', ')}</p>}
      {claim.verify && <p class="warning">To check before relying on it: {claim.verify}</p>}
      {claim.quote && <blockquote class="quote">“{claim.quote}”</blockquote>}
      {claim.note && <p class="note-text">Note: {claim.note}</p>}
      {claim.reviewDate && !reviewPassed && <p class="scope">Review date: {formatPartialDate(claim.reviewDate)}</p>}
      {reviewPassed && <p class="warning">Review date ({formatPartialDate(claim.reviewDate)}) has passed: this may be out of date.</p>}
      {claim.expiresAt && <p class="scope">Valid until: {formatPartialDate(claim.expiresAt)}</p>}
      <p class="source">
        <ExternalLink href={claim.sourceUrl}>Read the source</ExternalLink>
      </p>
    </li>
  );
}

function Freshness({ data }: { data: CardData }) {
  const { dataFrom, checkedAt, expiredPublishers, refusedPublishers } = data.freshness;
  return (
    <footer class="freshness">
      {dataFrom ? (
        <p>
          Registry data from {formatTimestamp(dataFrom)}
          {checkedAt !== null && <>, checked {relativeAge(checkedAt, data.now)}</>}.
        </p>
      ) : (
        <p>The registry has not been downloaded yet.</p>
      )}
      {expiredPublishers.length > 0 && (
        <p class="warning">
          <strong>Out of date:</strong> {expiredPublishers.join(', ')}{' '}
          {expiredPublishers.length === 1 ? 'has passed its expiry date' : 'have passed their expiry dates'}. Claims may no longer be current.
        </p>
      )}
      {refusedPublishers.length > 0 && (
        <p class="warning">
          <strong>Update refused:</strong> the latest feed from {refusedPublishers.join(', ')} was not signed with the publisher's key, or changed
          without a new version, so it was not used. What you see is the last copy that was.
        </p>
      )}
    </footer>
  );
}
