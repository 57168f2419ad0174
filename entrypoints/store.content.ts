import { createCardOverlay } from '@/components/card-overlay';
import type { LookupReply } from '@/lib/background/handlers';
import { recogniseUrl } from '@/lib/lookup/recognise';
import { STORE_SELECTORS } from '@/lib/page/selectors';

// App-store pages: the trust card, without a click. Asks the background (which holds the
// registry) and never the network. Google Play changes app without reloading, so every URL
// change is checked; a reply for a page the user has already left is thrown away.

export default defineContentScript({
  matches: ['https://apps.apple.com/*', 'https://play.google.com/*'],
  runAt: 'document_start',
  main(ctx) {
    const store = location.hostname === 'play.google.com' ? 'google-play' : 'apple';
    const overlay = createCardOverlay(STORE_SELECTORS[store].installButton);
    let checkedUrl = '';
    let generation = 0;

    const domReady = new Promise<void>((resolve) => {
      if (document.readyState !== 'loading') resolve();
      else document.addEventListener('DOMContentLoaded', () => resolve(), { once: true });
    });

    const check = async () => {
      if (location.href === checkedUrl) return;
      checkedUrl = location.href;
      const current = ++generation;
      overlay.remove();
      const identity = recogniseUrl(checkedUrl);
      const reply = (await browser.runtime.sendMessage({ type: 'lookup', url: checkedUrl })) as LookupReply | undefined;
      if (current !== generation || !identity || !reply || reply.dismissed) return;
      await domReady;
      if (current !== generation) return;
      if (!document.querySelector(STORE_SELECTORS[store].installButton)) {
        console.warn(`Signpost: no install button matched "${STORE_SELECTORS[store].installButton}" on this ${store} page; the store's layout may have changed.`);
      }
      overlay.show(reply, `${identity.kind}:${'id' in identity ? identity.id : ''}`, () => {
        overlay.remove();
        void browser.runtime.sendMessage({ type: 'dismiss', keys: reply.dismissKeys });
      });
    };

    void check();
    // Same-document navigations (pushState, back/forward) in Chromium; polling covers other browsers.
    const navigation = (window as { navigation?: EventTarget }).navigation;
    if (navigation) ctx.addEventListener(navigation, 'currententrychange', () => void check());
    ctx.addEventListener(window, 'popstate', () => void check());
    ctx.setInterval(() => void check(), 1000);
    ctx.onInvalidated(() => overlay.remove());
  },
});
