// Turns a page URL into what it identifies. Pure and tiny: the content script imports it,
// so it must not import zod, Dexie or anything else heavy. The URLs it must handle are listed
// in recognise.urls.ts and every one is checked by tests/unit/recognise.test.ts.

export type PageIdentity =
  | { kind: 'apple'; id: string }
  | { kind: 'google-play'; id: string }
  | { kind: 'web'; host: string; path: string };

const APPLE_HOSTS = new Set(['apps.apple.com', 'itunes.apple.com']);
const PLAY_HOST = 'play.google.com';

// /{storefront}/app/{slug}/id{digits}; storefront and slug are both optional.
const APPLE_APP_PATH = /^\/(?:[a-z]{2}(?:-[a-z]{2,4})?\/)?app\/(?:[^/]+\/)?id(\d{5,12})\/?$/i;
const PLAY_APP_PATH = /^\/store\/apps\/details\/?$/;
const PLAY_PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

/** Hosts compare without a leading "www." so www.sleepio.com and sleepio.com are one site. */
export function normaliseHost(host: string): string {
  const lower = host.toLowerCase().replace(/\.$/, '');
  return lower.startsWith('www.') ? lower.slice(4) : lower;
}

function safeUrl(input: string): URL | null {
  try {
    return new URL(input);
  } catch {
    return null;
  }
}

/**
 * What a URL identifies, or null when it can never be a tool (store search and developer pages,
 * non-web schemes). A web page is returned as a candidate; only the registry decides if it is a tool.
 */
export function recogniseUrl(input: string): PageIdentity | null {
  const url = safeUrl(input);
  return url ? recogniseParsedUrl(url) : null;
}

/** recogniseUrl for a URL already parsed (link scanning parses each link once). */
export function recogniseParsedUrl(url: URL): PageIdentity | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const host = url.hostname.toLowerCase();

  if (APPLE_HOSTS.has(host)) {
    const match = APPLE_APP_PATH.exec(url.pathname);
    return match?.[1] ? { kind: 'apple', id: match[1] } : null;
  }
  if (host === PLAY_HOST) {
    if (!PLAY_APP_PATH.test(url.pathname)) return null;
    const id = url.searchParams.get('id');
    return id && PLAY_PACKAGE.test(id) ? { kind: 'google-play', id } : null;
  }
  return { kind: 'web', host: normaliseHost(host), path: url.pathname || '/' };
}
