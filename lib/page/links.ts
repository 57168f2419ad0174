import { recogniseUrl } from '../lookup/recognise';

// Finds the links worth asking the registry about: app-store app pages, and pages on other sites
// (which may be a known tool's website). Links within the current site are left alone.

export const MAX_LINKS_PER_BATCH = 300;

/** The URL a link is looked up by: the link's address without its fragment. */
function lookupUrlOf(anchor: HTMLAnchorElement): string | null {
  try {
    const url = new URL(anchor.href);
    url.hash = '';
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Groups the candidate links under `root` by the URL to look up. Store links always count;
 * web links count only when they leave the current host, since a site's own navigation is not
 * a signpost to another tool.
 */
export function candidateLinks(root: ParentNode, currentHost: string): Map<string, HTMLAnchorElement[]> {
  const found = new Map<string, HTMLAnchorElement[]>();
  const anchors = root instanceof HTMLAnchorElement ? [root] : root.querySelectorAll<HTMLAnchorElement>('a[href]');
  for (const anchor of anchors) {
    const url = lookupUrlOf(anchor);
    if (!url) continue;
    const identity = recogniseUrl(url);
    if (!identity || (identity.kind === 'web' && new URL(url).hostname === currentHost)) continue;
    const list = found.get(url);
    if (list) list.push(anchor);
    else found.set(url, [anchor]);
  }
  return found;
}
