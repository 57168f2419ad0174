import { describe, expect, it, vi } from 'vitest';
import { handleMessage, type BackgroundContext } from '@/lib/background/handlers';
import { NO_NOTES } from '@/lib/notes/view';
import { SHIPPED_TRUST_ROOT } from '@/lib/trust/trust-root';

function context(): BackgroundContext {
  return {
    extensionId: 'signpost-id',
    extensionOrigin: 'chrome-extension://signpost-id',
    now: () => 0,
    syncAll: vi.fn(async () => []),
    registry: {
      recordsWithKeys: vi.fn(async () => []),
      recordsEndorsedFor: vi.fn(async () => []),
      feedSummaries: vi.fn(async () => []),
      trustRoot: vi.fn(async () => SHIPPED_TRUST_ROOT),
    },
    dismissed: async () => new Set(['apple:123456789']),
    dismiss: vi.fn(async () => undefined),
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
    injectCardNotes: vi.fn(async () => undefined),
  };
}

const SUBJECT = { toolName: 'Example Tool (test)', identifiers: { apple: ['123456789'] } };

const SETTINGS_PAGE = { id: 'signpost-id', url: 'chrome-extension://signpost-id/options.html' };

describe('handleMessage', () => {
  it('answers a lookup from this extension from the on-device registry', async () => {
    const ctx = context();
    const reply = await handleMessage(ctx, { type: 'lookup', url: 'https://apps.apple.com/app/id123456789' }, { id: 'signpost-id' });
    expect(reply).toMatchObject({ identity: { kind: 'apple', id: '123456789' }, matches: [], alternatives: [], dismissKeys: ['apple:123456789'], dismissed: true });
    expect(ctx.registry.recordsWithKeys).toHaveBeenCalledWith(['apple:123456789']);
  });

  it('remembers a dismissed tool', async () => {
    const ctx = context();
    expect(await handleMessage(ctx, { type: 'dismiss', keys: ['play:org.example.app'] }, { id: 'signpost-id' })).toEqual({ ok: true });
    expect(ctx.dismiss).toHaveBeenCalledWith(['play:org.example.app']);
  });

  it('starts a sync on demand', async () => {
    const ctx = context();
    await handleMessage(ctx, { type: 'sync-now' }, { id: 'signpost-id' });
    expect(ctx.syncAll).toHaveBeenCalledOnce();
  });

  it('passes peer-note changes from the card to the notes store, drafts unchecked (the store checks them whole)', async () => {
    const ctx = context();
    const contentScript = { id: 'signpost-id', url: 'https://apps.apple.com/gb/app/id123456789' };
    const draft = { ...SUBJECT, verdict: 'works-well', text: 'anything' };
    await handleMessage(ctx, { type: 'save-note', draft }, contentScript);
    expect(ctx.notes.save).toHaveBeenCalledWith(draft);
    await handleMessage(ctx, { type: 'delete-note', id: 'note-1', subject: SUBJECT }, contentScript);
    expect(ctx.notes.remove).toHaveBeenCalledWith('note-1', SUBJECT);
    await handleMessage(ctx, { type: 'restore-note', id: 'note-1', subject: SUBJECT }, contentScript);
    expect(ctx.notes.restore).toHaveBeenCalledWith('note-1', SUBJECT);
    expect(await handleMessage(ctx, { type: 'notes-for', subject: SUBJECT }, contentScript)).toEqual({ ...NO_NOTES, subject: SUBJECT });
  });

  it("injects the card's notes script into the content script's own frame, and only for a content script", async () => {
    const ctx = context();
    expect(await handleMessage(ctx, { type: 'load-card-notes' }, { id: 'signpost-id', url: 'https://apps.apple.com/gb/app/id1', tab: { id: 7 }, frameId: 3 })).toEqual({ ok: true });
    expect(ctx.injectCardNotes).toHaveBeenCalledWith(7, 3);
    expect(handleMessage(ctx, { type: 'load-card-notes' }, SETTINGS_PAGE)).toBeUndefined();
    expect(ctx.injectCardNotes).toHaveBeenCalledOnce();
  });

  it.each([
    ['subscribe-feed', 'subscribe'],
    ['sync-feed', 'sync'],
    ['forget-feed', 'forget'],
  ] as const)('passes %s from the settings page to the feed manager', async (type, method) => {
    const ctx = context();
    await handleMessage(ctx, { type, url: 'https://feeds.example/feed.json' }, SETTINGS_PAGE);
    expect(vi.mocked(ctx.feeds[method]).mock.calls[0]?.[0]).toBe('https://feeds.example/feed.json');
  });

  it.each([
    ['a content script (its sender is a web page)', { id: 'signpost-id', url: 'https://apps.apple.com/gb/app/id1' }],
    ['a page whose address only starts like the extension', { id: 'signpost-id', url: 'chrome-extension://signpost-id.evil.example/x' }],
    ['no sender address', { id: 'signpost-id' }],
    ['another extension', { id: 'other-extension', url: 'chrome-extension://other-extension/options.html' }],
  ])('ignores feed changes from %s', (_label, sender) => {
    const ctx = context();
    for (const type of ['subscribe-feed', 'sync-feed', 'forget-feed']) {
      expect(handleMessage(ctx, { type, url: 'https://feeds.example/feed.json' }, sender)).toBeUndefined();
    }
    expect(ctx.feeds.subscribe).not.toHaveBeenCalled();
    expect(ctx.feeds.sync).not.toHaveBeenCalled();
    expect(ctx.feeds.forget).not.toHaveBeenCalled();
  });

  it.each([
    ['another extension', { type: 'sync-now' }, { id: 'other-extension' }],
    ['no sender id', { type: 'sync-now' }, {}],
    ['an unknown type', { type: 'delete-everything' }, { id: 'signpost-id' }],
    ['a lookup without a URL', { type: 'lookup' }, { id: 'signpost-id' }],
    ['an oversized URL', { type: 'lookup', url: 'x'.repeat(5000) }, { id: 'signpost-id' }],
    ['a dismiss without keys', { type: 'dismiss', keys: [] }, { id: 'signpost-id' }],
    ['not an object', 'sync-now', { id: 'signpost-id' }],
    ['a feed change without a URL', { type: 'subscribe-feed' }, SETTINGS_PAGE],
    ['an oversized feed URL', { type: 'forget-feed', url: `https://feeds.example/${'x'.repeat(2000)}` }, SETTINGS_PAGE],
    ['a note deletion without its tool', { type: 'delete-note', id: 'note-1' }, { id: 'signpost-id' }],
    ['a note id that is not one', { type: 'restore-note', id: '../../etc', subject: SUBJECT }, { id: 'signpost-id' }],
    ['a note change from another extension', { type: 'save-note', draft: {} }, { id: 'other-extension' }],
  ])('ignores %s', (_label, message, sender) => {
    const ctx = context();
    expect(handleMessage(ctx, message, sender)).toBeUndefined();
    expect(ctx.syncAll).not.toHaveBeenCalled();
    expect(ctx.notes.save).not.toHaveBeenCalled();
    expect(ctx.notes.remove).not.toHaveBeenCalled();
    expect(ctx.notes.restore).not.toHaveBeenCalled();
  });
});
