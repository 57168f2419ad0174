import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { cardDataFor, type CardData } from '@/lib/registry/card-data';
import { NO_NOTES } from '@/lib/notes/view';
import type { LookupMatch } from '@/lib/registry/lookup';
import { noteSubjectOf } from '@/lib/registry/present';
import { alternativesFor, registrySearch } from '@/lib/search/registry-search';
import { productRecordId, type SearchEntry } from '@/lib/search/search';
import { EMPTY_PROFILE, type Profile } from '@/lib/settings/profile';
import { HiddenCards } from '../HiddenCards';
import { FollowUps } from '../signposting/FollowUps';
import { CurrentPage, type PageState } from './CurrentPage';
import type { PopupDeps } from './deps';
import { SEARCH_INPUT_ID, SearchPanel } from './SearchPanel';
import { ToolDetail } from './ToolDetail';

type View = { kind: 'home' } | { kind: 'detail'; match: LookupMatch; recordId: string; returnFocusId: string };

/**
 * The toolbar popup: the current tab's verdict, registry search, and a tool's detail with
 * patient signposting. Only one trust card is on screen at a time (the card's ids are fixed).
 */
export function Popup({ deps }: { deps: PopupDeps }) {
  const [profile, setProfile] = useState<Profile>(EMPTY_PROFILE);
  const [page, setPage] = useState<PageState>({ kind: 'loading' });
  const [view, setView] = useState<View>({ kind: 'home' });
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(-1);
  const searchInput = useRef<HTMLInputElement>(null);
  const focusAfterRender = useRef<string | null>(null);

  // One read of the profile, shared by the page's card and the search ranking.
  const profileLoad = useMemo(() => deps.profile().catch(() => EMPTY_PROFILE), [deps]);

  useEffect(() => {
    void (async () => {
      const loaded = await profileLoad;
      setProfile(loaded);
      // The page is what the clinician opened the popup for: its card comes first, on its own.
      const tab = await deps.currentTab().catch(() => null);
      const data = tab?.url ? await pageCardData(deps, tab.url, loaded.myConditions) : null;
      const [primary] = data?.matches ?? [];
      const notes = await deps.notes.forTool(primary ? noteSubjectOf(primary.product) : null).catch(() => NO_NOTES);
      setPage({ kind: 'ready', tab, data, notes });
      if (!data?.identity) searchInput.current?.focus();
      // Once the page's card is up, the search index is read while the clinician reads the card.
      await deps.source.prepareSearch().catch(() => undefined);
    })();
  }, [deps, profileLoad]);

  // Each query reads only the rows its words can match (the database's word index).
  const searcher = useMemo(() => registrySearch(deps.source, profile.myConditions, deps.now), [deps, profile]);

  useEffect(() => {
    if (view.kind !== 'home' || !focusAfterRender.current) return;
    document.getElementById(focusAfterRender.current)?.focus();
    focusAfterRender.current = null;
  }, [view]);

  const open = (match: LookupMatch, returnFocusId: string, recordId = productRecordId(match.product)) =>
    setView({ kind: 'detail', match, recordId, returnFocusId });
  const back = (returnFocusId: string) => {
    focusAfterRender.current = returnFocusId;
    setView({ kind: 'home' });
  };

  return (
    <div class="popup">
      <header class="popup-header">
        <h1>Signpost</h1>
        <span>
          <button type="button" class="quiet" onClick={deps.openSignpostingPage}>
            My signposting
          </button>{' '}
          <button type="button" class="quiet" onClick={deps.openSettings}>
            Settings
          </button>
        </span>
      </header>
      {view.kind === 'detail' ? (
        <main>
          <ToolDetail match={view.match} recordId={view.recordId} deps={deps} myConditions={profile.myConditions} onBack={() => back(view.returnFocusId)} />
        </main>
      ) : (
        <main>
          <FollowUps port={deps.signposting} headingLevel={2} />
          <section aria-labelledby="popup-page-heading">
            <h2 id="popup-page-heading">This page</h2>
            <CurrentPage state={page} noteActions={deps.notes} championEmail={profile.championEmail} onOpen={open} openSettings={deps.openSettings} />
          </section>
          <SearchPanel
            searcher={searcher}
            query={query}
            onQuery={setQuery}
            active={active}
            onActive={setActive}
            onOpen={(entry: SearchEntry) => open(entry, SEARCH_INPUT_ID, entry.id)}
            hasMyConditions={profile.myConditions.length > 0}
            inputRef={searchInput}
          />
          <HiddenCards port={deps.hiddenCards} whenNone="nothing" />
        </main>
      )}
    </div>
  );
}

/** The page card's data, with endorsed alternatives for the clinician's own conditions first. */
async function pageCardData(deps: PopupDeps, url: string, myConditions: readonly string[]): Promise<CardData> {
  const data = await cardDataFor(deps.source, url, deps.now(), myConditions);
  const [primary] = data.matches;
  if (!primary || data.alternatives.length === 0 || myConditions.length === 0) return data;
  return { ...data, alternatives: await alternativesFor(deps.source, primary, myConditions, data.now) };
}
