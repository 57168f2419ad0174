import { recogniseParsedUrl } from '../lookup/recognise';

// Finds the links worth asking the registry about: app-store app pages, and pages on other sites
// (which may be a known tool's website). Links within the current site are left alone.

export const MAX_LINKS_PER_BATCH = 300;

/**
 * Groups the candidate links under `root` by the URL to look up (the link's address without its
 * fragment). Store links always count; web links count only when they leave the current host,
 * since a site's own navigation is not a signpost to another tool. Each link is parsed once.
 */
export function candidateLinks(root: ParentNode, currentHost: string): Map<string, HTMLAnchorElement[]> {
  const found = new Map<string, HTMLAnchorElement[]>();
  const anchors = root instanceof HTMLAnchorElement ? [root] : root.querySelectorAll<HTMLAnchorElement>('a[href]');
  for (const anchor of anchors) {
    let url: URL;
    try {
      url = new URL(anchor.href);
    } catch {
      continue;
    }
    const identity = recogniseParsedUrl(url);
    if (!identity || (identity.kind === 'web' && url.hostname === currentHost)) continue;
    url.hash = '';
    const key = url.href;
    const list = found.get(key);
    if (list) list.push(anchor);
    else found.set(key, [anchor]);
  }
  return found;
}
