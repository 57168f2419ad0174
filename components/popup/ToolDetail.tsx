import { useEffect, useRef, useState } from 'preact/hooks';
import { TrustCard } from '@/components/TrustCard';
import { formatPartialDate } from '@/lib/format/dates';
import type { FactTopic } from '@/lib/feed/vocabulary';
import type { CardData } from '@/lib/registry/card-data';
import type { LookupMatch } from '@/lib/registry/lookup';
import { NO_NOTES, type ToolNotes } from '@/lib/notes/view';
import { noteSubjectOf, productLinks } from '@/lib/registry/present';
import type { SourcedFact } from '@/lib/registry/types';
import { cardDataForMatch } from '@/lib/search/registry-search';
import { distinctLabel } from '@/lib/signposting/patient-text';
import type { PopupDeps } from './deps';
import { ExternalLink } from '../ExternalLink';
import { PeerNotes } from '../notes/PeerNotes';
import { SignpostPatient } from './SignpostPatient';

const FACT_TOPIC_LABELS: Record<FactTopic, string> = {
  cost: 'Cost',
  platforms: 'Platforms',
  accessibility: 'Accessibility',
  'data-security': 'Data security',
  regulatory: 'Regulation',
};

interface ToolDetailProps {
  match: LookupMatch;
  recordId: string;
  deps: PopupDeps;
  myConditions: readonly string[];
  onBack: () => void;
}

/** Everything the registry says about one tool, and what to give a patient. Escape goes back. */
export function ToolDetail({ match, recordId, deps, myConditions, onBack }: ToolDetailProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [card, setCard] = useState<CardData | null>(null);
  const [notes, setNotes] = useState<ToolNotes | null>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    void cardDataForMatch(deps.source, match, deps.now(), myConditions).then(setCard);
    void deps.notes.forTool(noteSubjectOf(match.product)).then(setNotes, () => setNotes(NO_NOTES));
  }, [deps, match, myConditions]);

  const links = productLinks(match.product);
  return (
    <div
      class="detail"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.preventDefault();
        onBack();
      }}
    >
      <p>
        <button type="button" class="back" onClick={onBack}>
          <span aria-hidden="true">← </span>Back
        </button>
      </p>
      <h2 ref={heading} tabIndex={-1}>
        {match.product.name}
      </h2>
      {card ? <TrustCard data={card} initiallyExpanded /> : <p class="status-line">Reading the registry…</p>}
      {notes && (
        <div class="panel">
          <PeerNotes notes={notes} conditions={match.product.conditions} actions={deps.notes} filterable idPrefix="popup-notes" />
        </div>
      )}
      <section class="panel" aria-labelledby="popup-links-heading">
        <h3 id="popup-links-heading">Where to get it</h3>
        {links.length > 0 ? (
          <ul class="plain-list">
            {links.map((link) => (
              <li key={link.url}>
                <ExternalLink href={link.url}>{distinctLabel(link, links)}</ExternalLink>
              </li>
            ))}
          </ul>
        ) : (
          <p>Your registry has no store or website link for this tool.</p>
        )}
      </section>
      <section class="panel" aria-labelledby="popup-facts-heading">
        <h3 id="popup-facts-heading">Cost, accessibility and other facts</h3>
        {match.product.facts.length > 0 ? (
          <ul class="plain-list">
            {match.product.facts.map((fact, index) => (
              <FactLine key={index} fact={fact} />
            ))}
          </ul>
        ) : (
          <p>Your registry has no facts about cost, accessibility, data security or regulation for this tool.</p>
        )}
      </section>
      <SignpostPatient
        match={match}
        recordId={recordId}
        copyText={deps.copyText}
        openHandout={deps.openHandout}
        record={deps.signposting}
        openSignpostingPage={deps.openSignpostingPage}
        myConditions={myConditions}
      />
    </div>
  );
}

function FactLine({ fact }: { fact: SourcedFact }) {
  return (
    <li class="fact">
      <strong>{FACT_TOPIC_LABELS[fact.topic]}:</strong> {fact.text}
      <span class="secondary">
        {fact.date && ` · ${formatPartialDate(fact.date)}`}
        {fact.sourceType === 'vendor-stated' && <strong class="tag vendor"> · Vendor-stated: the company's own claim</strong>}
        {fact.sourceType === 'secondary' && ' · Reported by a secondary source'}
        {' · '}
        {fact.sourceUrl ? <ExternalLink href={fact.sourceUrl}>Source</ExternalLink> : 'no source link'} · via {fact.feedPublisher}
      </span>
    </li>
  );
}
