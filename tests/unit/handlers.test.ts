import { describe, expect, it, vi } from 'vitest';
import { handleMessage, type BackgroundContext, type LinkVerdict, type LookupReply, type MessageSender } from '@/lib/background/handlers';
import { pageLinks } from '@/lib/background/page-links';
import { NO_NOTES } from '@/lib/notes/view';
import { hiddenListingKeys, hideCard, loadHiddenCards } from '@/lib/settings/dismissed';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { testDb } from '../helpers/db';
import { testSignposting } from '../helpers/signposting';
import { feed, tool } from '../helpers/feeds';
import { BUNDLED_TEST_FEED_URL, relayedNice, storeAsBundled } from '../helpers/trust';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const EXTENSION_ID = 'signpost-id';

const COACH = tool({
  id: 'coach',
  name: 'Example Coach',
  identifiers: { apple: ['1000000001'], googlePlay: ['org.example.coach'], web: [{ origin: 'https://coach.example' }] },
  endorsements: [relayedNice({ status: 'recommended' })],
});
const DIARY = tool({ id: 'diary', name: 'Example Diary', identifiers: { apple: ['1000000002'] }, endorsements: [relayedNice({ status: 'recommended' })] });

const COACH_APPLE = 'https://apps.apple.com/gb/app/example-coach/id1000000001';
const COACH_PLAY = 'https://play.google.com/store/apps/details?id=org.example.coach';
const DIARY_APPLE = 'https://apps.apple.com/gb/app/example-diary/id1000000002';
const UNKNOWN_APPLE = 'https://apps.apple.com/gb/app/id1999999999';

/** The background with the on-device registry and hidden cards for real, everything else stood in for. */
async function background(maxLinksPerPage?: number) {
  const db = testDb();
  await storeAsBundled(db, feed({ tools: [COACH, DIARY] }), { at: NOW });
  const registry = dexieRegistrySource(db);
  vi.spyOn(registry, 'recordsWithKeys');
  const context: BackgroundContext = {
    extensionId: EXTENSION_ID,
    extensionOrigin: `chrome-extension://${EXTENSION_ID}`,
    now: () => NOW,
    syncAll: vi.fn(async () => []),
    registry,
    hiddenListings: () => hiddenListingKeys(db),
    hideCard: vi.fn((card) => hideCard(db, card)),
    pageLinks: pageLinks(maxLinksPerPage),
    showVerdictOnToolbar: vi.fn(),
    feeds: {
      subscribe: vi.fn(async (url: string) => ({ ok: true as const, url, outcome: { url, status: 'unchanged' as const } })),
      sync: vi.fn(async (url: string) => ({ url, status: 'unchanged' as const })),
      forget: vi.fn(async () => ({ ok: true as const })),
    },
    notes: {
      forTool: vi.fn(async (subject) => ({ ...NO_NOTES, subject })),
      save: vi.fn(async () => ({ ok: false as const, problems: [] })),
      remove: vi.fn(async (_id, subject) => ({ ...NO_NOTES, subject })),
      restore: vi.fn(async (_id, subject) => ({ ...NO_NOTES, subject })),
    },
    // The signposting record for real, on the same database.
    signposting: testSignposting(db, NOW),
  };
  const ask = <T>(message: unknown, sender: MessageSender) => handleMessage(context, message, sender) as Promise<T> | undefined;
  return { db, context, ask };
}

/** A content script in the top frame of a tab showing `url`; documentId null as in browsers that give none. */
const tabShowing = (url: string, tabId = 7, documentId: string | null = `document-${tabId}`): MessageSender => ({
  id: EXTENSION_ID,
  url,
  tab: { id: tabId },
  frameId: 0,
  ...(documentId ? { documentId } : {}),
});
const ARTICLE = 'https://news.example/articles/apps-for-copd';
const SETTINGS_PAGE: MessageSender = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/options.html` };
const CARD_NOTES_FRAME: MessageSender = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/card-notes.html#x`, tab: { id: 7 }, frameId: 4 };

const SUBJECT = { toolName: 'Example Coach', identifiers: { apple: ['1000000001'] } };
const NOTE_AND_FEED_MESSAGES = [
  { type: 'save-note', draft: { ...SUBJECT, verdict: 'works-well', text: 'anything' } },
  { type: 'notes-for', subject: SUBJECT },
  { type: 'delete-note', id: 'note-1', subject: SUBJECT },
  { type: 'restore-note', id: 'note-1', subject: SUBJECT },
  { type: 'load-card-notes' },
  { type: 'sync-now' },
  { type: 'subscribe-feed', url: 'https://feeds.example/feed.json' },
  { type: 'sync-feed', url: 'https://feeds.example/feed.json' },
  { type: 'forget-feed', url: 'https://feeds.example/feed.json' },
];

function expectNothingDone(context: BackgroundContext) {
  for (const mock of [context.syncAll, context.hideCard, ...Object.values(context.feeds), ...Object.values(context.notes)]) expect(mock).not.toHaveBeenCalled();
}

describe('a content script is answered only about the page it runs in', () => {
  it("answers its page's own card, for the sender's address, and shows the verdict on the toolbar", async () => {
    const { ask, context } = await background();
    const reply = await ask<LookupReply>({ type: 'lookup', url: COACH_APPLE }, tabShowing(COACH_APPLE));
    expect(reply).toMatchObject({ identity: { kind: 'apple', id: '1000000001' }, dismissed: false });
    expect(reply!.matches[0]!.product.name).toBe('Example Coach');
    expect(context.showVerdictOnToolbar).toHaveBeenCalledWith(7, reply);
  });

  it('answers whatever the #fragment (a place in the same page)', async () => {
    const { ask } = await background();
    expect(await ask({ type: 'lookup', url: `${COACH_APPLE}#reviews` }, tabShowing(`${COACH_APPLE}#ratings`))).toMatchObject({ identity: { id: '1000000001' } });
  });

  it("refuses a forged lookup for another site's address, without reading the registry", async () => {
    const { ask, context } = await background();
    for (const url of [COACH_PLAY, ARTICLE, 'not an address']) expect(ask({ type: 'lookup', url }, tabShowing(COACH_APPLE))).toBeUndefined();
    expect(context.registry.recordsWithKeys).not.toHaveBeenCalled();
    expect(context.showVerdictOnToolbar).not.toHaveBeenCalled();
  });

  it('answers for an address of the same site, which the page could move itself to (Google Play changes app without a reload)', async () => {
    const { ask } = await background();
    expect(((await ask({ type: 'lookup', url: DIARY_APPLE }, tabShowing(COACH_APPLE))) as { identity: unknown }).identity).toEqual({ kind: 'apple', id: '1000000002' });
  });

  it("leaves the toolbar to the tab's page: a frame's lookup is answered but does not set it", async () => {
    const { ask, context } = await background();
    expect(await ask({ type: 'lookup', url: COACH_APPLE }, { ...tabShowing(COACH_APPLE), frameId: 2 })).toBeDefined();
    expect(context.showVerdictOnToolbar).not.toHaveBeenCalled();
  });

  it('refuses notes, sync and feed messages, whatever the page', async () => {
    const { ask, context } = await background();
    for (const sender of [tabShowing(COACH_APPLE), tabShowing(ARTICLE)]) {
      for (const message of NOTE_AND_FEED_MESSAGES) expect(ask(message, sender), message.type).toBeUndefined();
    }
    expectNothingDone(context);
  });

  it('refuses a sender that is neither an extension page nor a tab (no tab, no address, or an address that is none)', async () => {
    const { ask, context } = await background();
    for (const sender of [{ id: EXTENSION_ID }, { id: EXTENSION_ID, url: COACH_APPLE }, { id: EXTENSION_ID, tab: { id: 7 } }, { ...tabShowing(COACH_APPLE), url: 'not a url' }]) {
      expect(ask({ type: 'lookup', url: COACH_APPLE }, sender)).toBeUndefined();
    }
    expect(context.registry.recordsWithKeys).not.toHaveBeenCalled();
  });
});

describe("a page's links: verdicts capped per document, a card only for a link it was answered", () => {
  const planted = (count: number, from = 0) => Array.from({ length: count }, (_, index) => `https://apps.apple.com/app/id${1500000000 + from + index}`);

  it('answers the verdicts of the links on the page', async () => {
    const { ask } = await background();
    const verdicts = await ask<LinkVerdict[]>({ type: 'lookup-links', urls: [COACH_PLAY, 'https://elsewhere.example/'] }, tabShowing(ARTICLE));
    expect(verdicts).toEqual([expect.objectContaining({ url: COACH_PLAY, name: 'Example Coach', state: 'recommended' })]);
  });

  it('answers at most the cap of distinct links per document; beyond it, nothing more is looked up', async () => {
    const { ask, context } = await background(3);
    const page = tabShowing(ARTICLE);
    expect(await ask<LinkVerdict[]>({ type: 'lookup-links', urls: [COACH_PLAY, ...planted(3)] }, page)).toHaveLength(1);
    expect(vi.mocked(context.registry.recordsWithKeys).mock.calls.flat(2)).toEqual(['play:org.example.coach', 'apple:1500000000', 'apple:1500000001']);
    vi.mocked(context.registry.recordsWithKeys).mockClear();
    expect(await ask({ type: 'lookup-links', urls: [DIARY_APPLE] }, page)).toEqual([]);
    expect(context.registry.recordsWithKeys).not.toHaveBeenCalled();
    // A link already answered is answered again: the page is re-scanned, not probing.
    expect(await ask<LinkVerdict[]>({ type: 'lookup-links', urls: [COACH_PLAY, DIARY_APPLE] }, page)).toEqual([expect.objectContaining({ url: COACH_PLAY })]);
  });

  it('gives a new document, or a tab opened again, a cap of its own', async () => {
    const { ask, context } = await background(1);
    await ask({ type: 'lookup-links', urls: [COACH_PLAY] }, tabShowing(ARTICLE, 7, 'first-document'));
    expect(await ask({ type: 'lookup-links', urls: [DIARY_APPLE] }, tabShowing(ARTICLE, 7, 'first-document'))).toEqual([]);
    expect(await ask({ type: 'lookup-links', urls: [DIARY_APPLE] }, tabShowing(ARTICLE, 7, 'second-document'))).toHaveLength(1);
    expect(await ask({ type: 'lookup-links', urls: [DIARY_APPLE] }, tabShowing(ARTICLE, 8, 'first-document'))).toHaveLength(1);
    context.pageLinks.forgetTab(8);
    expect(await ask({ type: 'lookup-links', urls: [COACH_PLAY] }, tabShowing(ARTICLE, 8, 'first-document'))).toHaveLength(1);
  });

  it('without a document id, counts a page by its origin and path', async () => {
    const { ask } = await background(1);
    await ask({ type: 'lookup-links', urls: [COACH_PLAY] }, tabShowing(ARTICLE, 7, null));
    expect(await ask({ type: 'lookup-links', urls: [DIARY_APPLE] }, tabShowing(`${ARTICLE}?page=2`, 7, null))).toEqual([]);
    expect(await ask({ type: 'lookup-links', urls: [DIARY_APPLE] }, tabShowing('https://news.example/articles/other', 7, null))).toHaveLength(1);
  });

  it("answers a link's card only for that exact link, answered with a verdict to that same document", async () => {
    const { ask, context } = await background();
    const page = tabShowing(ARTICLE);
    const unknownLink = planted(1)[0]!;
    await ask({ type: 'lookup-links', urls: [COACH_PLAY, unknownLink] }, page);
    vi.mocked(context.registry.recordsWithKeys).mockClear();
    const refused = [
      [DIARY_APPLE, page], // never reported
      [unknownLink, page], // reported, but no verdict
      [`${COACH_PLAY}&hl=en`, page], // not the very link answered
      [COACH_PLAY, tabShowing(ARTICLE, 7, 'next-document')],
      [COACH_PLAY, tabShowing(ARTICLE, 8)],
    ] as const;
    for (const [url, sender] of refused) expect(ask({ type: 'lookup-link-card', url }, sender), url).toBeUndefined();
    expect(context.registry.recordsWithKeys).not.toHaveBeenCalled();
    const card = await ask<LookupReply>({ type: 'lookup-link-card', url: COACH_PLAY }, page);
    expect(card!.matches[0]!.product.name).toBe('Example Coach');
    // A link's card is not the tab's page: the toolbar keeps the page's own verdict.
    expect(context.showVerdictOnToolbar).not.toHaveBeenCalled();
  });
});

describe('hiding a card: the listing of the page itself, never one the message names', () => {
  it("hides the sender's own store listing, with the product's name, and only that listing", async () => {
    const { ask, db } = await background();
    expect(await ask({ type: 'dismiss', url: COACH_APPLE }, tabShowing(COACH_APPLE))).toEqual({ ok: true });
    expect(await loadHiddenCards(db)).toEqual([{ key: 'apple:1000000001', name: 'Example Coach', at: NOW }]);
    expect(await ask<LookupReply>({ type: 'lookup', url: COACH_APPLE }, tabShowing(COACH_APPLE))).toMatchObject({ dismissed: true });
    // The same product on Google Play is another listing: its card still shows.
    expect(await ask<LookupReply>({ type: 'lookup', url: COACH_PLAY }, tabShowing(COACH_PLAY))).toMatchObject({ dismissed: false });
  });

  it("refuses to hide another site's address, or keys a message names (a forged message)", async () => {
    const { ask, context, db } = await background();
    for (const url of [COACH_PLAY, ARTICLE]) expect(ask({ type: 'dismiss', url }, tabShowing(COACH_APPLE))).toBeUndefined();
    expect(ask({ type: 'dismiss', keys: ['apple:1000000002'] }, tabShowing(COACH_APPLE))).toBeUndefined();
    expect(context.hideCard).not.toHaveBeenCalled();
    expect(await loadHiddenCards(db)).toEqual([]);
  });

  it("hides a tool website by the tool's claim on it, and an unknown app by its id; a page that is no listing hides nothing", async () => {
    const { ask, db } = await background();
    await ask({ type: 'dismiss', url: 'https://www.coach.example/start' }, tabShowing('https://www.coach.example/start'));
    await ask({ type: 'dismiss', url: UNKNOWN_APPLE }, tabShowing(UNKNOWN_APPLE));
    expect(await ask({ type: 'dismiss', url: ARTICLE }, tabShowing(ARTICLE))).toEqual({ ok: false });
    expect(await loadHiddenCards(db)).toEqual([
      { key: 'apple:1999999999', name: null, at: NOW },
      { key: 'site:coach.example/', name: 'Example Coach', at: NOW },
    ]);
  });

  it('a card hidden before names were kept (v1: every key of the product) is still hidden on each of its listings', async () => {
    const { ask, db } = await background();
    await db.settings.put({ key: 'dismissed-cards', value: ['apple:1000000001', 'play:org.example.coach'] });
    for (const url of [COACH_APPLE, COACH_PLAY]) expect(await ask<LookupReply>({ type: 'lookup', url }, tabShowing(url))).toMatchObject({ dismissed: true });
    await hideCard(db, { key: 'apple:1000000002', name: 'Example Diary', at: NOW });
    expect(await ask<LookupReply>({ type: 'lookup', url: DIARY_APPLE }, tabShowing(DIARY_APPLE))).toMatchObject({ dismissed: true });
  });
});

describe("Signpost's own pages", () => {
  it('pass peer-note changes to the notes store, drafts unchecked (the store checks them whole)', async () => {
    const { ask, context } = await background();
    const draft = { ...SUBJECT, verdict: 'works-well', text: 'anything' };
    await ask({ type: 'save-note', draft }, CARD_NOTES_FRAME);
    expect(context.notes.save).toHaveBeenCalledWith(draft);
    await ask({ type: 'delete-note', id: 'note-1', subject: SUBJECT }, CARD_NOTES_FRAME);
    expect(context.notes.remove).toHaveBeenCalledWith('note-1', SUBJECT);
    await ask({ type: 'restore-note', id: 'note-1', subject: SUBJECT }, SETTINGS_PAGE);
    expect(context.notes.restore).toHaveBeenCalledWith('note-1', SUBJECT);
    expect(await ask({ type: 'notes-for', subject: SUBJECT }, SETTINGS_PAGE)).toEqual({ ...NO_NOTES, subject: SUBJECT });
  });

  it('start a sync on demand', async () => {
    const { ask, context } = await background();
    await ask({ type: 'sync-now' }, SETTINGS_PAGE);
    expect(context.syncAll).toHaveBeenCalledOnce();
  });

  it.each([
    ['subscribe-feed', 'subscribe'],
    ['sync-feed', 'sync'],
    ['forget-feed', 'forget'],
  ] as const)('pass %s to the feed manager', async (type, method) => {
    const { ask, context } = await background();
    await ask({ type, url: 'https://feeds.example/feed.json' }, SETTINGS_PAGE);
    expect(vi.mocked(context.feeds[method]).mock.calls[0]?.[0]).toBe('https://feeds.example/feed.json');
  });

  it('may read any card and verdict, as they could from the registry themselves, uncapped and without touching the toolbar', async () => {
    const { ask, context } = await background(1);
    expect(await ask<LookupReply>({ type: 'lookup', url: DIARY_APPLE }, SETTINGS_PAGE)).toMatchObject({ identity: { id: '1000000002' } });
    expect(await ask<LinkVerdict[]>({ type: 'lookup-links', urls: [COACH_PLAY, DIARY_APPLE] }, CARD_NOTES_FRAME)).toHaveLength(2);
    expect(context.showVerdictOnToolbar).not.toHaveBeenCalled();
  });

  it('are not answered what stands for a web page of their own: a link card, hiding a card', async () => {
    const { ask, context } = await background();
    for (const message of [{ type: 'lookup-link-card', url: COACH_APPLE }, { type: 'dismiss', url: CARD_NOTES_FRAME.url }]) {
      expect(ask(message, CARD_NOTES_FRAME), message.type).toBeUndefined();
    }
    expect(context.registry.recordsWithKeys).not.toHaveBeenCalled();
    expect(context.hideCard).not.toHaveBeenCalled();
  });

  it.each([
    ['a page whose address only starts like the extension', { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}.evil.example/x` }],
    ['no sender address', { id: EXTENSION_ID }],
    ['another extension', { id: 'other-extension', url: 'chrome-extension://other-extension/options.html' }],
  ])('are told apart from %s', async (_label, sender) => {
    const { ask, context } = await background();
    for (const message of NOTE_AND_FEED_MESSAGES) expect(ask(message, sender)).toBeUndefined();
    expectNothingDone(context);
  });
});

describe('the signposting record: written and read only for Signpost\'s own pages (H41)', () => {
  const COACH_RECORD = `${BUNDLED_TEST_FEED_URL} coach`;
  const RECORD_MESSAGES = [
    { type: 'record-signposting', recordId: COACH_RECORD, channel: 'text', condition: null },
    { type: 'signposting-overview' },
    { type: 'delete-signpostings', ids: 'all' },
    { type: 'set-signposting-record', paused: true },
    { type: 'follow-ups' },
    { type: 'mark-follow-up-read', id: 'x' },
    { type: 'signposting-report' },
  ];

  it('the popup records a signposting: the background builds the entry from the registry; the page sees it', async () => {
    const { ask, db } = await background();
    const popup: MessageSender = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/popup.html` };
    expect(await ask(RECORD_MESSAGES[0], popup)).toEqual({ recorded: true, showNotice: true });
    const overview = await ask<{ entries: { tool: { name: string }; channel: string }[] }>({ type: 'signposting-overview' }, SETTINGS_PAGE);
    expect(overview!.entries).toMatchObject([{ tool: { name: 'Example Coach' }, channel: 'text' }]);
    expect(await db.signpostings.count()).toBe(1);
  });

  it('refuses a record message carrying anything more than a record id, a channel and a condition id', async () => {
    const { ask, db } = await background();
    for (const message of [
      { ...RECORD_MESSAGES[0], patientName: 'Synthetic Patient' },
      { ...RECORD_MESSAGES[0], condition: 'low mood after bereavement' },
      { ...RECORD_MESSAGES[0], channel: 'email' },
    ]) {
      expect(ask(message, SETTINGS_PAGE)).toBeUndefined();
    }
    expect(await db.signpostings.count()).toBe(0);
  });

  it('a content script cannot write, read, delete or pause it, whatever the page', async () => {
    const { ask, db } = await background();
    await ask(RECORD_MESSAGES[0], SETTINGS_PAGE);
    for (const sender of [tabShowing(COACH_APPLE), tabShowing(ARTICLE), { ...tabShowing(COACH_APPLE), url: `https://evil.example/chrome-extension://${EXTENSION_ID}/` }]) {
      for (const message of RECORD_MESSAGES) expect(ask(message, sender), message.type).toBeUndefined();
    }
    expect(await db.signpostings.count()).toBe(1);
    expect((await ask<{ paused: boolean }>({ type: 'signposting-overview' }, SETTINGS_PAGE))!.paused).toBe(false);
  });
});

describe('messages that are not ones', () => {
  it.each([
    ['another extension', { type: 'lookup', url: COACH_APPLE }, { ...tabShowing(COACH_APPLE), id: 'other-extension' }],
    ['no sender id', { type: 'sync-now' }, { url: SETTINGS_PAGE.url }],
    ['an unknown type', { type: 'delete-everything' }, SETTINGS_PAGE],
    ['a lookup without a URL', { type: 'lookup' }, tabShowing(COACH_APPLE)],
    ['an oversized URL', { type: 'lookup', url: `${COACH_APPLE}${'x'.repeat(5000)}` }, tabShowing(`${COACH_APPLE}${'x'.repeat(5000)}`)],
    ['too many links at once', { type: 'lookup-links', urls: Array.from({ length: 301 }, () => COACH_PLAY) }, tabShowing(ARTICLE)],
    ['not an object', 'sync-now', SETTINGS_PAGE],
    ['a feed change without a URL', { type: 'subscribe-feed' }, SETTINGS_PAGE],
    ['an oversized feed URL', { type: 'forget-feed', url: `https://feeds.example/${'x'.repeat(2000)}` }, SETTINGS_PAGE],
    ['a note deletion without its tool', { type: 'delete-note', id: 'note-1' }, SETTINGS_PAGE],
    ['a note id that is not one', { type: 'restore-note', id: '../../etc', subject: SUBJECT }, SETTINGS_PAGE],
  ])('ignores %s', async (_label, message, sender) => {
    const { ask, context } = await background();
    expect(ask(message, sender)).toBeUndefined();
    expect(context.registry.recordsWithKeys).not.toHaveBeenCalled();
    expectNothingDone(context);
  });
});
