import { describe, expect, it, vi } from 'vitest';
import { handleMessage, type BackgroundContext } from '@/lib/background/handlers';

function context(): BackgroundContext {
  return {
    extensionId: 'signpost-id',
    now: () => 0,
    syncAll: vi.fn(async () => []),
    registry: { recordsWithKeys: vi.fn(async () => []), recordsWithConditions: vi.fn(async () => []), feedSummaries: vi.fn(async () => []) },
    dismissed: async () => new Set(['apple:123456789']),
    dismiss: vi.fn(async () => undefined),
  };
}

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

  it.each([
    ['another extension', { type: 'sync-now' }, { id: 'other-extension' }],
    ['no sender id', { type: 'sync-now' }, {}],
    ['an unknown type', { type: 'delete-everything' }, { id: 'signpost-id' }],
    ['a lookup without a URL', { type: 'lookup' }, { id: 'signpost-id' }],
    ['an oversized URL', { type: 'lookup', url: 'x'.repeat(5000) }, { id: 'signpost-id' }],
    ['a dismiss without keys', { type: 'dismiss', keys: [] }, { id: 'signpost-id' }],
    ['not an object', 'sync-now', { id: 'signpost-id' }],
  ])('ignores %s', (_label, message, sender) => {
    const ctx = context();
    expect(handleMessage(ctx, message, sender)).toBeUndefined();
    expect(ctx.syncAll).not.toHaveBeenCalled();
  });
});
