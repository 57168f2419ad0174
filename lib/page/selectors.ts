// Every assumption Signpost makes about a store page's markup, in one place. When a store changes
// its layout, this is the file to change; the e2e tests run these selectors on a real Play page.
// The content script warns in the console when one of them finds nothing (fail loudly).

export type StoreKind = 'apple' | 'google-play';

export interface StoreSelectors {
  /** The install/get button the card must never cover. */
  installButton: string;
}

export const STORE_SELECTORS: Record<StoreKind, StoreSelectors> = {
  // Seen on real Google Play pages (July 2026): a server-rendered button labelled "Install".
  'google-play': {
    installButton: 'button[aria-label="Install"], button[aria-label^="Install on"]',
  },
  // The App Store web page's "View in App Store" / "Get" action, in its current and earlier layouts.
  apple: {
    installButton: '.product-header__list__item .we-button, a[href^="itms-apps:"], a[href^="macappstore:"], button[aria-label^="Get"]',
  },
};
