import { PeerNotes } from '@/components/notes/PeerNotes';
import { TrustCard } from '@/components/TrustCard';
import type { NoteActions } from '@/lib/notes/actions';
import type { ToolNotes } from '@/lib/notes/view';
import type { CardData } from '@/lib/registry/card-data';
import type { LookupMatch } from '@/lib/registry/lookup';
import type { CurrentTab } from './deps';
import { SuggestTool } from './SuggestTool';

export type PageState = { kind: 'loading' } | { kind: 'ready'; tab: CurrentTab | null; data: CardData | null; notes: ToolNotes };

export const openButtonId = (index: number) => `popup-open-${index}`;

/** The popup's card shows as many notes as the one on the page; the tool's detail shows them all. */
const PAGE_NOTES_LIMIT = 3;

interface CurrentPageProps {
  state: PageState;
  noteActions: NoteActions;
  championEmail: string;
  onOpen: (match: LookupMatch, returnFocusId: string) => void;
  openSettings: () => void;
}

/** The verdict for the tab the clinician was on, worded exactly as the card on the page. */
export function CurrentPage({ state, noteActions, championEmail, onOpen, openSettings }: CurrentPageProps) {
  if (state.kind === 'loading') return <p class="status-line">Checking this page…</p>;
  const { tab, data } = state;
  if (!tab?.url || !data?.identity) return <NotAToolPage />;
  const url = tab.url;
  if (data.matches.length === 0) {
    return (
      <>
        {data.identity.kind === 'web' ? (
          <p>This page is not in your registry. If it belongs to a health app or tool, you can suggest it for review.</p>
        ) : (
          <TrustCard data={data} initiallyExpanded />
        )}
        <SuggestTool tab={{ ...tab, url }} championEmail={championEmail} openSettings={openSettings} />
      </>
    );
  }
  return (
    <>
      <TrustCard
        data={data}
        notesSlot={<PeerNotes notes={state.notes} conditions={data.matches[0]!.product.conditions} actions={noteActions} limit={PAGE_NOTES_LIMIT} idPrefix="popup-page-notes" />}
        initiallyExpanded
      />
      <ul class="actions">
        {data.matches.map((match, index) => (
          <li key={index}>
            <button type="button" id={openButtonId(index)} onClick={() => onOpen(match, openButtonId(index))}>
              {index === 0 ? `Details and patient text for ${match.product.name}` : `${match.product.name} (also registered for this site)`}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}

function NotAToolPage() {
  return (
    <div class="panel">
      <p>
        <strong>Signpost cannot check this page.</strong> It checks app pages on the App Store and Google Play, and tools' own websites if you allow
        that in settings.
      </p>
      <p>Search your registry below by tool name, condition, who endorses it (such as NICE or a charity) or status.</p>
    </div>
  );
}
