import { createPageCard, lookupCard } from '@/components/page-card';
import { snapshotKey } from '@/lib/background/card-snapshot';
import type { LookupReply } from '@/lib/background/handlers';
import { pageKeys } from '@/lib/lookup/keys';
import { recogniseUrl } from '@/lib/lookup/recognise';
import { STORE_SELECTORS } from '@/lib/page/selectors';

// App-store pages: the trust card, without a click, from the on-device registry (the background
// holds it; nothing goes to the network). Google Play changes app without reloading, so every URL
// change is checked, and a reply for a page already left is dropped (see page-card.ts).

export default defineContentScript({
  matches: ['https://apps.apple.com/*', 'https://play.google.com/*'],
  runAt: 'document_start',
  main(ctx) {
    const installButton = STORE_SELECTORS[location.hostname === 'play.google.com' ? 'google-play' : 'apple'].installButton;
    const card = createPageCard(installButton);
    let checkedUrl = '';

    const domReady = new Promise<void>((resolve) => {
      if (document.readyState !== 'loading') resolve();
      else document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
    });
    void domReady.then(() => {
      if (recogniseUrl(location.href) && !document.querySelector(installButton)) {
        console.warn(`Signpost: no install button matched "${installButton}"; the store's layout may have changed (lib/page/selectors.ts).`);
      }
    });

    const check = async () => {
      if (location.href === checkedUrl) return;
      checkedUrl = location.href;
      const identity = recogniseUrl(checkedUrl);
      if (!identity) return card.hide();
      const live = lookupCard(checkedUrl);
      // The worker's stored copy of this card (lib/background/card-snapshot.ts) is drawn while a
      // stopped worker starts, unless the live answer is in first; the live answer then redraws it.
      // The copy's dates are read as of now, like the live answer's.
      const key = snapshotKey(pageKeys(identity)[0]!);
      const copy = browser.storage.local.get(key).then(
        (items) => (items[key] ? { ...(items[key] as LookupReply), now: Date.now() } : undefined),
        () => undefined,
      );
      await card.showFor(checkedUrl, { ready: domReady, answers: [Promise.race([copy, live.then(() => undefined)]), live] });
    };

    void check();
    // Same-document navigations (pushState, back/forward) in Chromium; polling covers other browsers.
    const navigation = (window as { navigation?: EventTarget }).navigation;
    if (navigation) ctx.addEventListener(navigation, 'currententrychange', () => void check());
    ctx.addEventListener(window, 'popstate', () => void check());
    ctx.setInterval(() => void check(), 1000);
    ctx.onInvalidated(() => card.hide());
  },
});
