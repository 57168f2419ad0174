// Reaching sites beyond the two app stores: one optional host permission, granted by the user
// from settings, covers both tool websites and link badges. Link badges are a further opt-in.

export const SITE_ORIGINS = ['https://*/*', 'http://*/*'];
export const SITES_SCRIPT_ID = 'signpost-sites';
export const SITES_SCRIPT_FILE = 'content-scripts/sites.js';
export const STORE_MATCHES = ['https://apps.apple.com/*', 'https://play.google.com/*'];
/** A plain boolean in storage.local, read by the sites content script. */
export const LINK_BADGES_SETTING = 'linkBadges';
