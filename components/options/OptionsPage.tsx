import { SiteAccess, browserSiteAccess } from './SiteAccess';

export function OptionsPage() {
  return (
    <main class="page">
      <h1>Signpost settings</h1>
      <SiteAccess access={browserSiteAccess} />
    </main>
  );
}
