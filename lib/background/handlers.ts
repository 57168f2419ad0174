import { listingKey } from '../lookup/keys';
import { extensionPageRequestSchema, pageRequestSchema, type ExtensionPageRequest, type PageRequest } from '../messaging/protocol';
import { cardDataFor, type CardData, type CardSource } from '../registry/card-data';
import type { NoteActions, SaveNoteReply } from '../notes/actions';
import type { NoteSubject } from '../notes/schema';
import type { ToolNotes } from '../notes/view';
import { batchedSource } from '../registry/batched-source';
import { lookupUrl, type LookupResult } from '../registry/lookup';
import type { VerdictState } from '../registry/verdict-look';
import type { HiddenCard } from '../settings/dismissed';
import type { FeedManager, ForgetReply, SubscribeReply, SyncFeedReply } from '../settings/feeds';
import type { SyncOutcome } from '../sync/sync';
import type { SignpostingOverview, SignpostingPort } from '../monitoring/actions';
import type { FollowUp } from '../monitoring/follow-up';
import type { Report } from '../monitoring/report';
import type { RecordReply } from '../monitoring/store';
import type { PageDocument, PageLinks } from './page-links';

export interface BackgroundContext {
  extensionId: string;
  /** chrome-extension://<id> (moz-extension://<uuid> in Firefox): where the settings page lives. */
  extensionOrigin: string;
  registry: CardSource;
  syncAll: () => Promise<SyncOutcome[]>;
  /** The listings whose card the clinician hid (listingKey in lib/lookup/keys.ts). */
  hiddenListings: () => Promise<Set<string>>;
  /** Hides one listing's card, and drops its stored copy. */
  hideCard: (card: HiddenCard) => Promise<void>;
  /** What each web page has been told about its links. */
  pageLinks: PageLinks;
  /** Shows a tab's verdict on the toolbar icon, which no page can draw on. */
  showVerdictOnToolbar: (tabId: number, reply: LookupReply) => void;
  feeds: Pick<FeedManager, 'subscribe' | 'sync' | 'forget'>;
  notes: NoteActions & { forTool(subject: NoteSubject | null): Promise<ToolNotes> };
  /** The signposting record: written and read only for Signpost's own pages (docs/monitoring.md §2). */
  signposting: SignpostingPort;
  now: () => number;
  /** The clinician's own conditions (Settings → Your profile): they choose which condition leads a verdict. */
  myConditions?: () => Promise<readonly string[]>;
}

export interface MessageSender {
  id?: string;
  /** The sending document's address, as the browser knows it: for a content script, the web page it runs in. */
  url?: string;
  /** Set for content scripts (and extension pages in a tab): the tab and frame they run in. */
  tab?: { id?: number };
  frameId?: number;
  /** The sending document (Chromium); a navigation gives a new one. */
  documentId?: string;
}

/** What the content script gets back: the card's data, and whether the clinician hid this listing. */
export interface LookupReply extends CardData {
  dismissed: boolean;
}
/** A link's badge: only for links to tools the registry knows. */
export interface LinkVerdict {
  url: string;
  name: string;
  state: VerdictState;
  /** What it rests on may be out of date (docs/trust-model.md §4). */
  stale: boolean;
  /** Who says it and for what: the verdict's lead statement, as the card words it. */
  said?: string;
}

type Reply =
  | LookupReply
  | LinkVerdict[]
  | SyncOutcome[]
  | { ok: boolean }
  | SubscribeReply
  | SyncFeedReply
  | ForgetReply
  | SaveNoteReply
  | ToolNotes
  | RecordReply
  | SignpostingOverview
  | FollowUp[]
  | Report;

/** A web page's document, as a content script's sender names it. */
interface WebPage extends PageDocument {
  url: string;
}

const TOP_FRAME = 0;

/**
 * Answers a runtime message, or returns undefined to ignore it: messages from other extensions,
 * anything that fails validation, and anything its sender may not ask get no answer at all.
 * Signpost's own pages may ask for notes, syncs, feed changes, the signposting record and any card; a content script only
 * about the page it runs in: whatever a page manages to make its content script send, it learns no
 * more than its own card and its links' verdicts, and changes nothing but the hiding of its own card.
 */
export function handleMessage(context: BackgroundContext, message: unknown, sender: MessageSender): Promise<Reply> | undefined {
  if (sender.id !== context.extensionId) return undefined;
  if (fromExtensionPage(context, sender)) {
    const request = extensionPageRequestSchema.safeParse(message);
    return request.success ? answerExtensionPage(context, request.data) : undefined;
  }
  const page = webPageOf(sender);
  const request = pageRequestSchema.safeParse(message);
  return page && request.success ? answerWebPage(context, request.data, page) : undefined;
}

// Compared as text: URL parsers disagree on the origin of non-web schemes such as chrome-extension:.
const fromExtensionPage = (context: BackgroundContext, sender: MessageSender) => sender.url?.startsWith(`${context.extensionOrigin}/`) === true;

function answerExtensionPage(context: BackgroundContext, request: ExtensionPageRequest): Promise<Reply> {
  switch (request.type) {
    case 'lookup':
      return lookupForCard(context, request.url);
    case 'lookup-links':
      return linkVerdicts(context, request.urls);
    case 'sync-now':
      return context.syncAll();
    case 'save-note':
      return context.notes.save(request.draft);
    case 'delete-note':
      return context.notes.remove(request.id, request.subject);
    case 'restore-note':
      return context.notes.restore(request.id, request.subject);
    case 'notes-for':
      return context.notes.forTool(request.subject);
    case 'subscribe-feed':
      return context.feeds.subscribe(request.url, request.keys);
    case 'sync-feed':
      return context.feeds.sync(request.url);
    case 'forget-feed':
      return context.feeds.forget(request.url);
    case 'record-signposting':
      return context.signposting.record(request.recordId, request.channel, request.condition);
    case 'signposting-overview':
      return context.signposting.overview();
    case 'delete-signpostings':
      return context.signposting.remove(request.ids);
    case 'set-signposting-record':
      return context.signposting.settings({ ...(request.paused !== undefined ? { paused: request.paused } : {}), ...(request.noticeSeen !== undefined ? { noticeSeen: request.noticeSeen } : {}) });
    case 'follow-ups':
      return context.signposting.followUps();
    case 'mark-follow-up-read':
      return context.signposting.markRead(request.id);
    case 'signposting-report':
      return context.signposting.report();
  }
}

function answerWebPage(context: BackgroundContext, request: PageRequest, page: WebPage): Promise<Reply> | undefined {
  switch (request.type) {
    case 'lookup':
      if (!sameOrigin(request.url, page.url)) return undefined;
      return lookupForCard(context, request.url).then((reply) => {
        // The icon shows the tab's page: not a frame's, not a link's.
        if (page.frameId === TOP_FRAME) context.showVerdictOnToolbar(page.tabId, reply);
        return reply;
      });
    case 'lookup-links': {
      const admitted = context.pageLinks.admit(page, request.urls);
      // Beyond the cap, nothing more is looked up.
      if (admitted.urls.length === 0) return Promise.resolve([]);
      return linkVerdicts(context, admitted.urls).then((verdicts) => {
        admitted.recordVerdicts(verdicts.map((verdict) => verdict.url));
        return verdicts;
      });
    }
    case 'lookup-link-card':
      return context.pageLinks.hasVerdict(page, request.url) ? lookupForCard(context, request.url) : undefined;
    case 'dismiss':
      // Only the page's own card: a link's card is closed by the content script, and hides nothing.
      return sameOrigin(request.url, page.url) ? hidePageCard(context, request.url) : undefined;
  }
}

/** A content script's sender as a web page document; null when it is not one (no tab, no address). */
function webPageOf(sender: MessageSender): WebPage | null {
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.url === undefined || !URL.canParse(sender.url)) return null;
  const { origin, pathname } = new URL(sender.url);
  return { tabId, frameId: sender.frameId ?? TOP_FRAME, url: sender.url, documentKey: sender.documentId ?? `${origin}${pathname}` };
}

/**
 * An address of the sender's own site. Not the exact address: a store that changes app without a
 * reload (Google Play) may still be reported at the old one when its content script asks. A page
 * can move itself to any address of its own origin (history.pushState), so answering for those
 * tells it nothing it could not get by navigating; another site's address is refused.
 */
function sameOrigin(url: string, pageUrl: string): boolean {
  return URL.canParse(url) && new URL(url).origin === new URL(pageUrl).origin;
}

/** The listing a page is, with the product's name: what hiding its card records. */
function listingOf({ identity, matches }: LookupResult): Omit<HiddenCard, 'at'> | null {
  if (!identity) return null;
  const [first] = matches;
  const key = listingKey(identity, first?.product.identifiers);
  return key === null ? null : { key, name: first?.product.name ?? null };
}

/** The card for a page: its data, and whether the clinician hid this listing. */
export async function lookupForCard(context: Pick<BackgroundContext, 'registry' | 'hiddenListings' | 'now' | 'myConditions'>, url: string): Promise<LookupReply> {
  const myConditions = await context.myConditions?.().catch(() => undefined);
  const [data, hidden] = await Promise.all([cardDataFor(context.registry, url, context.now(), myConditions), context.hiddenListings()]);
  const listing = listingOf(data);
  return { ...data, dismissed: listing !== null && hidden.has(listing.key) };
}

async function hidePageCard(context: BackgroundContext, url: string): Promise<{ ok: boolean }> {
  const listing = listingOf(await lookupUrl(context.registry, url, context.now()));
  if (!listing) return { ok: false };
  await context.hideCard({ ...listing, at: context.now() });
  return { ok: true };
}

async function linkVerdicts(context: BackgroundContext, urls: readonly string[]): Promise<LinkVerdict[]> {
  const now = context.now();
  // One read of the feeds and one indexed read per round for the whole batch, not per link.
  const source = batchedSource(context.registry);
  const results = await Promise.all(urls.map((url) => lookupUrl(source, url, now)));
  return results.flatMap((result, index) => {
    const [first] = result.matches;
    if (!first) return [];
    const [lead] = first.verdict.headline;
    return [{ url: urls[index]!, name: first.product.name, state: first.verdict.state, stale: first.verdict.stale.length > 0, ...(lead ? { said: lead.text } : {}) }];
  });
}
