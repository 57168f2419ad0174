import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { verdictLook } from '@/lib/registry/verdict-look';
import type { RegistrySearch, RegistrySearchResults } from '@/lib/search/registry-search';
import { MATCH_FIELD_LABELS, type SearchEntry, type SearchHit } from '@/lib/search/search';

// Search as you type, keyboard first (the ARIA combobox pattern): focus stays in the box, the
// arrow keys move through the results, Enter opens one, Escape clears the box.

export const SEARCH_INPUT_ID = 'popup-search';
const LIST_ID = 'popup-results';
const DEBOUNCE_MS = 80;
const optionId = (index: number) => `popup-result-${index}`;

/** The answer for one query, kept with the query so a late answer for an old one is never shown. */
type Answer = { query: string; results: RegistrySearchResults } | { query: string; failed: true };

interface SearchPanelProps {
  searcher: RegistrySearch;
  query: string;
  onQuery: (query: string) => void;
  active: number;
  onActive: (active: number) => void;
  onOpen: (entry: SearchEntry) => void;
  hasMyConditions: boolean;
  inputRef: RefObject<HTMLInputElement | null>;
}

export function SearchPanel({ searcher, query, onQuery, active, onActive, onOpen, hasMyConditions, inputRef }: SearchPanelProps) {
  const searched = useDebounced(query.trim(), DEBOUNCE_MS);
  const [answer, setAnswer] = useState<Answer | null>(null);
  useEffect(() => {
    if (!searched) return;
    let current = true;
    searcher.search(searched).then(
      (results) => current && setAnswer({ query: searched, results }),
      () => current && setAnswer({ query: searched, failed: true }),
    );
    return () => {
      current = false;
    };
  }, [searcher, searched]);
  const settled = answer?.query === searched ? answer : null;
  // The previous answer stays on screen until the next arrives (a few ms), so the list does not
  // flicker at every keystroke; the status line says a search is under way meanwhile.
  const hits = searched && answer && 'results' in answer ? answer.results.hits : [];
  const activeHit = active >= 0 && active < hits.length ? active : -1;

  useEffect(() => {
    if (activeHit >= 0) document.getElementById(optionId(activeHit))?.scrollIntoView?.({ block: 'nearest' });
  }, [activeHit]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' && hits.length > 0) onActive(Math.min(activeHit + 1, hits.length - 1));
    else if (event.key === 'ArrowUp' && hits.length > 0) onActive(Math.max(activeHit - 1, 0));
    else if (event.key === 'Enter' && hits.length > 0) onOpen(hits[Math.max(activeHit, 0)]!.entry);
    else if (event.key === 'Escape' && query) onQuery('');
    else return;
    event.preventDefault();
  };

  return (
    <section class="search" aria-labelledby="popup-search-heading">
      <h2 id="popup-search-heading">
        <label for={SEARCH_INPUT_ID}>Search your registry</label>
      </h2>
      <p class="hint" id="popup-search-hint">
        A tool's name, a condition (such as COPD), who endorses it (NICE, a charity, a local network) or a status (recommended, research, withdrawn).
      </p>
      <input
        ref={inputRef}
        id={SEARCH_INPUT_ID}
        type="text"
        enterkeyhint="search"
        role="combobox"
        autocomplete="off"
        spellcheck={false}
        aria-describedby="popup-search-hint"
        aria-autocomplete="list"
        aria-expanded={hits.length > 0}
        aria-controls={hits.length > 0 ? LIST_ID : undefined}
        aria-activedescendant={activeHit >= 0 ? optionId(activeHit) : undefined}
        value={query}
        onInput={(event) => {
          onQuery(event.currentTarget.value);
          onActive(-1);
        }}
        onKeyDown={onKeyDown}
      />
      <p class="status-line" role="status">
        {searched ? summary(settled, searched, hasMyConditions) : ''}
      </p>
      {hits.length > 0 && (
        <ul id={LIST_ID} role="listbox" aria-label="Search results" class="results">
          {hits.map((hit, position) => (
            <ResultOption key={hit.entry.id} hit={hit} id={optionId(position)} selected={position === activeHit} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </section>
  );
}

function summary(answer: Answer | null, query: string, hasMyConditions: boolean): string {
  if (!answer) return 'Searching your registry…';
  if ('failed' in answer) return 'Signpost could not read your registry to search it.';
  const { total, hits, truncated } = answer.results;
  if (total === 0) return `No tools in your registry match “${query}”. That does not mean no suitable tool exists.`;
  const count = truncated ? `At least ${total.toLocaleString('en-GB')} tools match` : total === 1 ? '1 tool matches' : `${total.toLocaleString('en-GB')} tools match`;
  const shown = hits.length < total ? `, showing the first ${hits.length}` : '';
  const narrow = truncated ? ' Type more to narrow the search.' : '';
  const order = hasMyConditions ? 'Endorsed for your conditions first, then endorsed tools.' : 'Endorsed tools first.';
  return `${count} “${query}”${shown}. ${order}${narrow}`;
}

function ResultOption({ hit, id, selected, onOpen }: { hit: SearchHit; id: string; selected: boolean; onOpen: (entry: SearchEntry) => void }) {
  const { product, verdict, forMyConditions } = hit.entry;
  const look = verdictLook(verdict.state, verdict.stale.length > 0);
  return (
    // Keyboard use goes through the search box (aria-activedescendant); a click opens the tool.
    <li id={id} role="option" aria-selected={selected} class={`result state-${verdict.state}`} style={{ '--accent': look.color }} onClick={() => onOpen(hit.entry)}>
      <span class="symbol" aria-hidden="true">
        {look.symbol}
      </span>
      <span class="result-text">
        <strong class="result-name">{product.name}</strong>
        <span class="sr-only">: </span>
        <span class="result-verdict">
          {' '}
          {look.label}
          {verdict.headline[0] && ` · ${verdict.headline[0].text}`}
        </span>
        {forMyConditions && <span class="tag mine"> · For your conditions</span>}
        {hit.matched.length > 0 && (
          <span class="result-matched">
            {' '}
            Matched {hit.matched.map((note) => `${MATCH_FIELD_LABELS[note.field].toLowerCase()} ${note.text}`).join('; ')}
          </span>
        )}
      </span>
    </li>
  );
}

function useDebounced(value: string, delay: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delay);
    return () => clearTimeout(timer);
  }, [value, delay]);
  return settled;
}
