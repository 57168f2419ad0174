import { createPageCard } from '@/components/page-card';
import { watchLinks } from '@/components/link-watcher';
import { LINK_BADGES_SETTING, SITE_ORIGINS, STORE_MATCHES } from '@/lib/settings/site-access';

// Every other site, only once the user has granted the optional permission from settings (the
// background registers this script then; see lib/background/site-access.ts). A tool's own
// website gets the card; other pages get nothing unless link badges are switched on.

export default defineContentScript({
  matches: SITE_ORIGINS,
  excludeMatches: STORE_MATCHES,
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
