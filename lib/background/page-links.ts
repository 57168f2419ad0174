// What the background has told each web page about the links on it. A page can plant any links it
// likes, so without a limit it could read the whole registry through link lookups: each document
// is answered for a bounded number of distinct links, and is given a link's card only for a link
// it was already answered with a verdict (a badge it shows).

/** Distinct link URLs answered per page document: far more than a real page links to tools. */
export const MAX_LINK_LOOKUPS_PER_PAGE = 1_000;

/** One document in one frame of one tab, as the message sender names it. */
export interface PageDocument {
  tabId: number;
  frameId: number;
  /** The browser's documentId where it gives one, otherwise the page's origin and path. */
  documentKey: string;
}

interface DocumentLinks {
  documentKey: string;
  answered: Set<string>;
  withVerdict: Set<string>;
}

export interface PageLinks {
  /**
   * The URLs of `urls` this document may be answered for: those it was answered for before, and
   * new ones while it is under the cap. `recordVerdicts` then notes which of them had a verdict.
   */
  admit(page: PageDocument, urls: readonly string[]): { urls: string[]; recordVerdicts(urls: readonly string[]): void };
  /** Whether this document was answered with a verdict for exactly this URL. */
  hasVerdict(page: PageDocument, url: string): boolean;
  /** Forgets a closed tab. */
  forgetTab(tabId: number): void;
}

export function pageLinks(maxPerPage = MAX_LINK_LOOKUPS_PER_PAGE): PageLinks {
  // Only each frame's current document is kept: a navigation brings a new document key, which
  // replaces the last one's links, so a tab holds at most one document's worth per frame.
  const tabs = new Map<number, Map<number, DocumentLinks>>();

  const known = (page: PageDocument) => {
    const links = tabs.get(page.tabId)?.get(page.frameId);
    return links?.documentKey === page.documentKey ? links : undefined;
  };

  return {
    admit(page, urls) {
      let links = known(page);
      if (!links) {
        links = { documentKey: page.documentKey, answered: new Set(), withVerdict: new Set() };
        const frames = tabs.get(page.tabId) ?? new Map<number, DocumentLinks>();
        frames.set(page.frameId, links);
        tabs.set(page.tabId, frames);
      }
      const admitted: string[] = [];
      for (const url of new Set(urls)) {
        if (!links.answered.has(url)) {
          if (links.answered.size >= maxPerPage) continue;
          links.answered.add(url);
        }
        admitted.push(url);
      }
      const { withVerdict } = links;
      return { urls: admitted, recordVerdicts: (found) => found.forEach((url) => withVerdict.add(url)) };
    },
    hasVerdict: (page, url) => known(page)?.withVerdict.has(url) === true,
    forgetTab: (tabId) => void tabs.delete(tabId),
  };
}
