import { suggestionMailto } from '@/lib/signposting/suggest';
import type { CurrentTab } from './deps';

/** For a page the registry does not know: a prefilled email to the practice's digital champion. */
export function SuggestTool({ tab, championEmail, openSettings }: { tab: CurrentTab & { url: string }; championEmail: string; openSettings: () => void }) {
  return (
    <section class="panel" aria-labelledby="popup-suggest-heading">
      <h2 id="popup-suggest-heading">Suggest this tool</h2>
      {championEmail ? (
        <>
          <p>
            <a class="button" href={suggestionMailto(championEmail, tab)}>
              Email {championEmail} to suggest it
            </a>
          </p>
          <p class="hint">This opens your email app with the page address filled in; nothing is sent until you send it.</p>
        </>
      ) : (
        <>
          <p>To suggest tools, add your digital champion's email in Signpost settings, under “Your profile”.</p>
          <p>
            <button type="button" onClick={openSettings}>
              Open settings
            </button>
          </p>
        </>
      )}
    </section>
  );
}
