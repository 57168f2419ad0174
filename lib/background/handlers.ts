import { productKeys, pageKeys } from '../lookup/keys';
import { requestSchema } from '../messaging/protocol';
import { cardDataFor, type CardData, type CardSource } from '../registry/card-data';
import type { NoteActions, SaveNoteReply } from '../notes/actions';
import type { NoteSubject } from '../notes/schema';
import type { ToolNotes } from '../notes/view';
import { batchedSource } from '../registry/batched-source';
import { lookupUrl } from '../registry/lookup';
import type { VerdictState } from '../registry/verdict-look';
import type { FeedManager, ForgetReply, SubscribeReply, SyncFeedReply } from '../settings/feeds';
import type { SyncOutcome } from '../sync/sync';

export interface BackgroundContext {
  extensionId: string;
  /** chrome-extension://<id> (moz-extension://<uuid> in Firefox): where the settings page lives. */
  extensionOrigin: string;
  registry: CardSource;
  syncAll: () => Promise<SyncOutcome[]>;
  dismissed: () => Promise<Set<string>>;
  dismiss: (keys: readonly string[]) => Promise<void>;
  feeds: Pick<FeedManager, 'subscribe' | 'sync' | 'forget'>;
  notes: NoteActions & { forTool(subject: NoteSubject | null): Promise<ToolNotes> };
  /** Runs the card's notes script (entrypoints/card-notes.tsx) in one frame of a tab. */
  injectCardNotes: (tabId: number, frameId: number) => Promise<void>;
  now: () => number;
  /** The clinician's own conditions (Settings → Your profile): they choose which condition leads a verdict. */
  myConditions?: () => Promise<readonly string[]>;
}

export interface MessageSender {
  id?: string;
  /** The sending page or frame: for a content script, the web page it runs in. */
  url?: string;
  /** Set for content scripts: the tab and frame they run in. */
  tab?: { id?: number };
  frameId?: number;
}

/** What the content script gets back: the card's data, and whether the clinician hid this tool. */
export interface LookupReply extends CardData {
  dismissed: boolean;
  /** Keys to send back with a "dismiss" message for this tool. */
  dismissKeys: string[];
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

type Reply = LookupReply | LinkVerdict[] | SyncOutcome[] | { ok: true } | SubscribeReply | SyncFeedReply | ForgetReply | SaveNoteReply | ToolNotes;

/**
 * Answers a runtime message, or returns undefined to ignore it: messages from other extensions
 * and anything that fails validation get no answer at all.
 */
export function handleMessage(context: BackgroundContext, message: unknown, sender: MessageSender): Promise<Reply> | undefined {
  if (sender.id !== context.extensionId) return undefined;
  const request = requestSchema.safeParse(message);
  if (!request.success) return undefined;
  switch (request.data.type) {
    case 'lookup':
      return lookupForCard(context, request.data.url);
    case 'lookup-links':
      return linkVerdicts(context, request.data.urls);
    case 'dismiss':
      return context.dismiss(request.data.keys).then(() => ({ ok: true as const }));
    case 'sync-now':
      return context.syncAll();
    case 'save-note':
      return context.notes.save(request.data.draft);
    case 'delete-note':
      return context.notes.remove(request.data.id, request.data.subject);
    case 'restore-note':
      return context.notes.restore(request.data.id, request.data.subject);
    case 'notes-for':
      return context.notes.forTool(request.data.subject);
    case 'load-card-notes': {
      const tabId = sender.tab?.id;
      // Only a content script has a tab to inject into; extension pages render notes themselves.
      if (tabId === undefined || sender.frameId === undefined) return undefined;
      return context.injectCardNotes(tabId, sender.frameId).then(() => ({ ok: true as const }));
    }
  }
  // Changing subscriptions is for the settings page: content scripts run inside web pages, so
  // whatever a page manages to make one send must not be able to add or remove a feed.
  if (!fromExtensionPage(context, sender)) return undefined;
  switch (request.data.type) {
    case 'subscribe-feed':
      return context.feeds.subscribe(request.data.url, request.data.keys);
    case 'sync-feed':
      return context.feeds.sync(request.data.url);
    case 'forget-feed':
      return context.feeds.forget(request.data.url);
  }
}

// Compared as text: URL parsers disagree on the origin of non-web schemes such as chrome-extension:.
const fromExtensionPage = (context: BackgroundContext, sender: MessageSender) => sender.url?.startsWith(`${context.extensionOrigin}/`) === true;

/** The card for a page: its data, and whether the clinician hid this tool. */
export async function lookupForCard(context: Pick<BackgroundContext, 'registry' | 'dismissed' | 'now' | 'myConditions'>, url: string): Promise<LookupReply> {
  const myConditions = await context.myConditions?.().catch(() => undefined);
  const [data, dismissed] = await Promise.all([cardDataFor(context.registry, url, context.now(), myConditions), context.dismissed()]);
  const [first] = data.matches;
  const dismissKeys = first ? productKeys(first.product.identifiers) : data.identity ? pageKeys(data.identity) : [];
  return { ...data, dismissKeys, dismissed: dismissKeys.some((key) => dismissed.has(key)) };
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
