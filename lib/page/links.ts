// Finds the links worth asking the registry about: app-store pages, and pages on other sites
// (which may be a known tool's website). Links within the current site are left alone. Which of
// them are apps, and which apps, is the worker's business (it recognises every address it is
// sent, lib/lookup/recognise.ts): here, in the page, each link costs as little as possible.
//
// A link is looked up by the parts of its address that say what it is: scheme, host and path,
// and for Google Play the id= parameter. Links differing only in tracking parameters or fragment
// share one lookup.
//
// This runs over every link a page adds, so it parses no address it does not have to. The
// browser's own selector matching drops most links to the page's own site, and mail, phone and
// script links, before any script runs for them. The rest are settled from the text of their href
// attribute: reading `anchor.href` resolves the address and `new URL` parses it again, which costs
// several times as much. Only when the text does not plainly name the host is it parsed in full.

export const MAX_LINKS_PER_BATCH = 300;
/** The longest address the worker accepts (lib/messaging/protocol.ts). */
const MAX_URL_LENGTH = 4096;

/** Store hosts: links to them are candidates even from the store's own site. */
const STORE_HOSTS: ReadonlySet<string> = new Set(['apps.apple.com', 'itunes.apple.com', 'play.google.com']);
const PLAY_HOST = 'play.google.com';

/**
 * An absolute http(s) address whose host the URL parser would read exactly as written: lower
 * case, no user or port, ending the authority. (A host it would rewrite, such as an IPv4 address
 * spelt unusually, can only be taken for another site's: looked up for nothing, never dropped.)
 */
const PLAIN_HOST = /^https?:\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*)(?=[/?#]|$)/;
/** The first id= parameter of a query, when its value needs no decoding (URLSearchParams.get would return it as is). */
const PLAY_ID = /[?&]id=([A-Za-z0-9_.]*)(?:&|$)/;

/** The full parse, for addresses the text alone cannot settle. */
function parsedKey(anchor: HTMLAnchorElement, currentHost: string): string | null {
  let url: URL;
  try {
    url = new URL(anchor.href);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.hostname === currentHost && !STORE_HOSTS.has(currentHost)) return null;
  url.hash = '';
  if (url.hostname !== PLAY_HOST) url.search = '';
  return url.href;
}

/**
 * The address to look up for one link, or null when it can never be a tool (not http or https)
 * or stays on this site: the address up to its query (the worker parses it again), or for Google
 * Play up to its id= parameter (the whole query, if the id needs decoding).
 */
export function linkKey(anchor: HTMLAnchorElement, currentHost: string): string | null {
  const raw = anchor.getAttribute('href');
  if (raw === null) return null;
  const plain = PLAIN_HOST.exec(raw);
  if (plain === null) return parsedKey(anchor, currentHost);
  const host = plain[1]!;
  if (host === currentHost && !STORE_HOSTS.has(currentHost)) return null;
  const authorityEnd = plain[0].length;
  let end = raw.indexOf('#', authorityEnd);
  if (end < 0) end = raw.length;
  const query = raw.indexOf('?', authorityEnd);
  let key = raw;
  if (query >= 0 && query < end) {
    const id = host === PLAY_HOST ? PLAY_ID.exec(raw.slice(query, end)) : null;
    key = host !== PLAY_HOST ? raw.slice(0, query) : id ? `${raw.slice(0, query)}?id=${id[1]}` : raw.slice(0, end);
  } else if (end < raw.length) key = raw.slice(0, end);
  return key.length <= MAX_URL_LENGTH ? key : null;
}

/**
 * The links worth a look, as a selector: the browser drops links to the page's own site, and
 * mail, phone and script links, without any script running for them. It must never drop a link
 * linkKey would keep.
 */
function candidateSelector(baseURI: string, currentHost: string): string {
  let dropped = '[href^="mailto:" i],[href^="tel:" i],[href^="javascript:" i]';
  // A host name holds no quote or backslash; a selector built from anything else is not worth the risk.
  if (STORE_HOSTS.has(currentHost) || !/^[a-z0-9.-]+$/.test(currentHost)) return `a[href]:not(${dropped})`;
  dropped += `,[href^="https://${currentHost}/" i],[href^="http://${currentHost}/" i]`;
  // Relative addresses resolve against the document's base address, which <base> may point elsewhere.
  let baseHost = '';
  try {
    baseHost = new URL(baseURI).hostname;
  } catch {
    // No base address: nothing relative to drop.
  }
  // A fragment, a query, or a path from the root: not "//host" or "/\host", which lead elsewhere,
  // nor anything with a tab or line break, which the parser drops ("/<tab>/host").
  if (baseHost === currentHost) dropped += ',[href^="#"],[href^="?"],[href^="/"]:not([href^="//"],[href^="/\\\\"],[href*="\\9"],[href*="\\a"],[href*="\\d"])';
  return `a[href]:not(${dropped})`;
}

/**
 * Groups the candidate links in `roots` (the document, or elements added to it; a root no longer
 * in the document is skipped) by the address to look up: store links, and web links that leave
 * the current host (a site's own navigation is not a signpost to another tool).
 */
export function candidateLinks(roots: readonly ParentNode[], currentHost: string): Map<string, HTMLAnchorElement[]> {
  const found = new Map<string, HTMLAnchorElement[]>();
  const selector = candidateSelector(document.baseURI, currentHost);
  for (const root of roots) {
    if (root !== document && !(root as Node).isConnected) continue;
    const anchors = root instanceof HTMLAnchorElement ? (root.matches(selector) ? [root] : []) : root.querySelectorAll<HTMLAnchorElement>(selector);
    for (let index = 0; index < anchors.length; index++) {
      const anchor = anchors[index]!;
      // SVG has <a href> too; its href is not an address string.
      if (!(anchor instanceof HTMLAnchorElement)) continue;
      const key = linkKey(anchor, currentHost);
      if (key === null) continue;
      const list = found.get(key);
      if (list) list.push(anchor);
      else found.set(key, [anchor]);
    }
  }
  return found;
}
