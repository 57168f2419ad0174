import { createPageCard } from '@/components/page-card';
import { watchLinks } from '@/components/link-watcher';
import { LINK_BADGES_SETTING } from '@/lib/settings/site-access';

// Every other site, only once the user has granted the optional permission from settings (the
// background registers this script then; see lib/background/site-access.ts). A tool's own
// website gets the card; other pages get nothing unless link badges are switched on.

export default defineContentScript({
  // Empty on purpose: WXT would otherwise add these matches to the manifest's host_permissions,
  // granting every site at install. The background registers the script with SITE_ORIGINS, and
  // only once the user has granted them.
  matches: [],
  registration: 'runtime',
  runAt: 'document_idle',
  async main(ctx) {
    const card = createPageCard();
    void card.showFor(location.href, { quietIfUnknown: true });
    const settings = await browser.storage.local.get(LINK_BADGES_SETTING);
    if (settings[LINK_BADGES_SETTING] === true) watchLinks(ctx, card);
    ctx.onInvalidated(() => card.hide());
  },
});
