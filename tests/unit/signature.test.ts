import { describe, expect, it } from 'vitest';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import { generateKeyPair, keyIdOf, type KeyPair } from '@/lib/feed/keys';
import { readFeedDocument } from '@/lib/feed/signature';
import { verifyFeedDocument } from '@/lib/feed/verify';
import { verifyFeed } from '@/lib/publish/signing';
import { anchorsFor, feedList, feedManager } from '@/lib/settings/feeds';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { lookupUrl } from '@/lib/registry/lookup';
import { syncFeed } from '@/lib/sync/sync';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch } from '../helpers/fetch';
import { noteRecord, sampleNote } from '../helpers/notes';
import { signFeed, tamperPayload } from '../helpers/publish';
import { storedToolRecords } from '@/lib/storage/tool-store';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const URL_A = 'https://feeds.example/signed.json';
const BUNDLED = 'chrome-extension://signpost-id/feeds/default.json';

const feedText = (sequence: number, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify(feed({ sequence, publisher: { id: 'signed-publisher', name: 'Signed Publisher (test)', kind: 'charity' }, tools: [tool({ id: `t${sequence}`, identifiers: { apple: ['1000000001'] }, endorsements: [endorsement()] })], ...extra }), null, 2)}\n`;

const serve = (text: string) => fakeFetch(() => new Response(text, { status: 200, headers: { 'content-type': 'application/json' } })).fetch;
/** Signed as its publisher signs it for URL_A. */
const signedFor = (text: string, key: KeyPair) => signFeed(text, [key], [URL_A]);
const check = async (text: string, anchors: readonly string[]) => (await verifyFeedDocument(await readFeedDocument(text), { url: URL_A, bundled: false, anchors, now: NOW })).verification;

let keys: [KeyPair, KeyPair, KeyPair];
const pairs = async () => (keys ??= [await generateKeyPair(), await generateKeyPair(), await generateKeyPair()]);

describe('signing and verifying a feed', () => {
  it('verifies a feed signed by a pinned key, over its exact bytes', async () => {
    const [a] = await pairs();
    const text = feedText(1);
    const signed = await signedFor(text, a);
    const document = await readFeedDocument(signed);
    expect(document.text).toBe(text);
    // The key that verified is kept: the trust root decides from it whom the feed may speak for.
    expect(await check(signed, [a.publicKey])).toMatchObject({ status: 'verified', keyId: await keyIdOf(a.publicKey), key: a.publicKey, anchorKey: a.publicKey, feedId: 'signed-publisher' });
  });

  it('names the one key that verified, among several pinned', async () => {
    const [a, b] = await pairs();
    expect(await check(await signedFor(feedText(1), b), [a.publicKey, b.publicKey])).toMatchObject({ status: 'verified', keyId: await keyIdOf(b.publicKey), key: b.publicKey });
  });

  it.each([
    ['signed by another key', async ([a, b]: KeyPair[]) => signedFor(feedText(1), b!).then((signed) => [signed, a!.publicKey] as const)],
    ['changed after signing (one character of the payload)', async ([a]: KeyPair[]) => signedFor(feedText(1), a!).then((signed) => [tamperPayload(signed, (text) => text.replace('Signed Publisher', 'Signed Publishe_')), a!.publicKey] as const)],
    ['not signed at all', async ([a]: KeyPair[]) => [feedText(1), a!.publicKey] as const],
    ['with a damaged signature envelope', async ([a]: KeyPair[]) => [JSON.stringify({ format: 'signpost-signed-feed', version: 2, signatures: [], header: '', payload: '' }), a!.publicKey] as const],
  ])('refuses a feed %s when a key is pinned', async (_name, make) => {
    const [text, pinned] = await make(await pairs());
    await expect(check(text, [pinned])).rejects.toMatchObject({ code: 'bad-signature' });
    expect(await verifyFeed('feed.json', text, { keys: [pinned], bundled: false }, NOW)).toMatchObject({ exitCode: 1, lines: [expect.stringMatching(/^feed\.json: (not valid: )?/)] });
  });

  it('accepts any feed when no key is pinned, saying whether it was signed', async () => {
    const [a] = await pairs();
    expect(await check(feedText(1), [])).toMatchObject({ status: 'unsigned' });
    expect(await check(await signedFor(feedText(1), a), [])).toMatchObject({ status: 'signed-unpinned', keyIds: [await keyIdOf(a.publicKey)] });
  });

  it('the CLI verify accepts one of several keys, prints the header and explains a wrong key', async () => {
    const [a, b] = await pairs();
    const signed = await signedFor(feedText(1), a);
    const report = await verifyFeed('feed.json', signed, { keys: [b.publicKey, a.publicKey], bundled: false }, NOW);
    expect(report.exitCode).toBe(0);
    expect(report.lines).toEqual([
      `feed.json: valid signature by key ${await keyIdOf(a.publicKey)}`,
      'feed.json: feed "signed-publisher" of publisher "signed-publisher", sequence 1',
      expect.stringMatching(/^feed\.json: issued 2026-11-01T00:00:00Z, valid until 2027-11-02/),
      `feed.json: published at ${URL_A}`,
    ]);
    expect((await verifyFeed('feed.json', signed, { keys: [b.publicKey], bundled: false }, NOW)).lines[0]).toContain("does not match the publisher's key");
    expect((await verifyFeed('feed.json', signed, { keys: ['ed25519:short'], bundled: false }, NOW)).lines[0]).toContain('not a public key');
  });
});

describe('pinned feeds in sync', () => {
  async function subscribedWithPin(pinned: string[], first: string) {
    const db = testDb();
    const manager = feedManager({ db, fetch: serve(first), now: () => NOW, bundledFeedUrl: BUNDLED, releaseHostPermission: async () => undefined });
    expect(await manager.subscribe(URL_A, pinned)).toMatchObject({ ok: true, outcome: { status: 'updated' } });
    await db.notes.put(noteRecord(sampleNote({ identifiers: { apple: ['1000000001'] } })));
    return db;
  }
  const syncWith = (db: ReturnType<typeof testDb>, text: string, at = NOW + 1000) =>
    syncFeed({ db, fetch: serve(text), now: () => at, anchorsFor: (url) => anchorsFor(db, BUNDLED, url) }, URL_A);

  it('refuses a feed re-signed with a wrong key whole, keeping the last good data and every note, and says so', async () => {
    const [a, b] = await pairs();
    const db = await subscribedWithPin([a.publicKey], await signedFor(feedText(1), a));
    expect((await db.feeds.get(URL_A))?.signature).toMatchObject({ status: 'verified', key: a.publicKey });

    const outcome = await syncWith(db, await signedFor(feedText(2), b));
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect((await storedToolRecords(db, URL_A)).map((record) => record.tool.id)).toEqual(['t1']);
    expect(await db.notes.count()).toBe(1);
    expect((await db.feeds.get(URL_A))?.lastError?.message).toContain("does not match the publisher's key");
    const lookup = await lookupUrl(dexieRegistrySource(db), 'https://apps.apple.com/gb/app/id1000000001', NOW + 2000);
    expect(lookup.freshness.refusedPublishers).toEqual(['Signed Publisher (test)']);
    expect(lookup.matches[0]?.product.records).toEqual([{ feedUrl: URL_A, toolId: 't1' }]);
  });

  it('refuses a pin that is not a key', async () => {
    const db = testDb();
    const manager = feedManager({ db, fetch: serve(feedText(1)), now: () => NOW, bundledFeedUrl: BUNDLED, releaseHostPermission: async () => undefined });
    expect(await manager.subscribe(URL_A, ['ed25519:not-a-key'])).toEqual({ ok: false, problem: expect.stringContaining('The publisher key is not right') });
    expect(await feedList(db, BUNDLED)).toHaveLength(1);
  });

  it('checks the bundled feed against the keys shipped with Signpost', async () => {
    expect(await anchorsFor(testDb(), BUNDLED, BUNDLED)).toEqual({ anchors: BUNDLED_FEED_KEYS, via: 'bundled', bundled: true });
    const [a] = await pairs();
    const db = testDb();
    // Node gives chrome-extension: addresses no origin, so the bundled feed stands at an https address here.
    const bundled = 'https://bundled.example/feeds/default.json';
    const outcome = await syncFeed({ db, fetch: serve(await signFeed(feedText(1), [a], [], { feedId: 'signpost-bundled' })), now: () => NOW, anchorsFor: (url) => anchorsFor(db, bundled, url) }, bundled);
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
  });
});
