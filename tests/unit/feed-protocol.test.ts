// Feed protocol v2 against the attacks of docs/threat-model.md, one describe per row (T1…T17):
// a feed host, a network or a stolen key tries each, through the extension's own sync.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Of, generateKeyPair, keyIdOf, sha256Hex, signBytes, type KeyPair } from '@/lib/feed/keys';
import { BUNDLED_FEED_ID, readFeedDocument, rotationText } from '@/lib/feed/signature';
import { MAX_SEQUENCE_STEP } from '@/lib/feed/verify';
import { parseFeed } from '@/lib/feed/parse';
import { lookupUrl } from '@/lib/registry/lookup';
import { feedManager } from '@/lib/settings/feeds';
import { refreshPolicy } from '@/lib/settings/policy';
import { loadSubscriptions, saveSubscriptions } from '@/lib/settings/subscriptions';
import type { SignpostDatabase } from '@/lib/storage/db';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { storedToolRecords } from '@/lib/storage/tool-store';
import { downloadFeed } from '@/lib/sync/download';
import { syncFeed, type FeedAnchors, type SyncOutcome } from '@/lib/sync/sync';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch } from '../helpers/fetch';
import { signFeed, tamperPayload } from '../helpers/publish';

const URL_A = 'https://icb.example/signpost/feed.json';
const URL_B = 'https://icb.example/signpost/other.json';
const BUNDLED = 'chrome-extension://signpost-id/feeds/default.json';
const NOW = Date.parse('2026-11-25T09:00:00Z');
const DAY_MS = 86_400_000;
const APP_ID = '1000000001';
const PAGE = `https://apps.apple.com/gb/app/id${APP_ID}`;
const ICB = 'Example ICB (test)';

/** One version of the ICB's feed: its tool ids say which version is stored. */
const version = (sequence: number, overrides: Parameters<typeof feed>[0] = {}) =>
  `${JSON.stringify(
    feed({
      version: 2,
      sequence,
      publisher: { id: 'example-icb', name: `${ICB} formulary`, kind: 'local-network' },
      tools: [tool({ id: `v${sequence}`, identifiers: { apple: [APP_ID] }, endorsements: [endorsement({ issuer: ICB, issuerKind: 'local-network', status: 'recommended' })] })],
      ...overrides,
    }),
    null,
    2,
  )}\n`;

let keyPairs: KeyPair[] | undefined;
const keys = async () => (keyPairs ??= await Promise.all([generateKeyPair(), generateKeyPair(), generateKeyPair(), generateKeyPair()]));

/** A feed host: serves whatever it was last given, and records every request. */
function host(initial: string) {
  let body = initial;
  let status = 200;
  const network = fakeFetch(({ headers }) => {
    if (status !== 200) return new Response('', { status });
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
    if (headers['If-None-Match'] === etag) return new Response(null, { status: 304 });
    return new Response(body, { status: 200, headers: { etag } });
  });
  return {
    ...network,
    serve(text: string) {
      body = text;
      status = 200;
    },
    fail(code: number) {
      status = code;
    },
  };
}
type Host = ReturnType<typeof host>;

const pinned = (...anchors: KeyPair[]): FeedAnchors => ({ anchors: anchors.map((pair) => pair.publicKey), via: 'subscription', bundled: false });

function sync(db: SignpostDatabase, server: Host, anchors: FeedAnchors, { at = NOW, url = URL_A } = {}): Promise<SyncOutcome> {
  return syncFeed({ db, fetch: server.fetch, now: () => at, anchorsFor: async () => anchors }, url);
}

const storedVersions = async (db: SignpostDatabase, url = URL_A) => (await storedToolRecords(db, url)).map((record) => record.tool.id);
const signedFor = (text: string, signers: KeyPair[], options: Parameters<typeof signFeed>[3] = {}, urls = [URL_A]) => signFeed(text, signers, urls, options);

/** A database that accepted version 1, signed with `key`, pinned to it. */
async function acceptedV1(key: KeyPair) {
  const db = testDb();
  const server = host(await signedFor(version(1), [key]));
  expect(await sync(db, server, pinned(key))).toMatchObject({ status: 'updated' });
  return { db, server };
}

/** A signed file whose header is written by hand: what a publisher's broken tool, or an attacker with the key, could produce. */
async function handSigned(header: Record<string, unknown>, feedText: string, signers: KeyPair[], extra: Record<string, unknown> = {}): Promise<string> {
  const payload = new TextEncoder().encode(feedText);
  const full = { type: 'signpost-feed-header', version: 2, payload: { sha256: await sha256Hex(payload), length: payload.length }, keyIds: await Promise.all(signers.map((pair) => keyIdOf(pair.publicKey))), ...header };
  const headerBytes = new TextEncoder().encode(JSON.stringify(full));
  return JSON.stringify({
    format: 'signpost-signed-feed',
    version: 2,
    header: base64Of(headerBytes),
    signatures: await Promise.all(signers.map((pair) => signBytes(headerBytes, pair.privateJwk))),
    payload: base64Of(payload),
    ...extra,
  });
}

const validHeader = (sequence: number) => ({ feedId: 'example-icb', urls: [URL_A], publisherId: 'example-icb', sequence, issuedAt: '2026-11-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z' });

describe('T1 tampering: only the exact bytes the publisher signed are accepted', () => {
  it.each([
    ['a changed payload byte', async (a: KeyPair) => tamperPayload(await signedFor(version(2), [a]), (text) => text.replace('recommended', 'conditional'))],
    [
      'a changed header (sequence raised, signature kept)',
      async (a: KeyPair) => {
        const envelope = JSON.parse(await signedFor(version(2), [a])) as { header: string };
        const header = atob(envelope.header).replace('"sequence":2', '"sequence":3');
        return JSON.stringify({ ...envelope, header: btoa(header) });
      },
    ],
    [
      're-encoded payload (line breaks in the base64)',
      async (a: KeyPair) => {
        const envelope = JSON.parse(await signedFor(version(2), [a])) as { payload: string };
        return JSON.stringify({ ...envelope, payload: envelope.payload.replace(/(.{76})/g, '$1\n') });
      },
    ],
    [
      're-encoded payload (unused bits set in the last character)',
      async (a: KeyPair) => {
        let text = version(2);
        while (new TextEncoder().encode(text).length % 3 === 0) text += ' '; // so that the base64 ends in padding
        const envelope = JSON.parse(await signedFor(text, [a])) as { payload: string };
        const padded = envelope.payload.replace(/([A-Za-z0-9+/])(=+)$/, (_, last: string, pad: string) => `${String.fromCharCode(last.charCodeAt(0) + 1)}${pad}`);
        return JSON.stringify({ ...envelope, payload: padded });
      },
    ],
    ['signed by another key', async (_a: KeyPair, b: KeyPair) => signedFor(version(2), [b])],
    ['not signed at all', async () => version(2)],
    ['signed in the old format (version 1, signature over re-encoded text)', async () => JSON.stringify({ format: 'signpost-signed-feed', version: 1, signatures: [{ keyId: '0123456789abcdef', algorithm: 'Ed25519', value: 'AA==' }], feed: version(2) })],
  ])('refuses %s and keeps the last good copy', async (_name, make) => {
    const [a, b] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await make(a!, b!));
    const outcome = await sync(db, server, pinned(a!), { at: NOW + 1000 });
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect(await storedVersions(db)).toEqual(['v1']);
    expect((await db.feeds.get(URL_A))?.lastError?.code).toBe('bad-signature');
  });
});

describe('T2 rollback: an older signed copy is refused, even after the feed is removed and added again', () => {
  it('refuses an older sequence, then remembers the floor across remove and re-add', async () => {
    const [a] = await keys();
    const db = testDb();
    const server = host(await signedFor(version(2), [a!]));
    const manager = feedManager({ db, fetch: server.fetch, now: () => NOW, bundledFeedUrl: BUNDLED, releaseHostPermission: async () => undefined });
    expect(await manager.subscribe(URL_A, [a!.publicKey])).toMatchObject({ ok: true, outcome: { status: 'updated' } });
    server.serve(await signedFor(version(1), [a!]));
    expect(await manager.sync(URL_A)).toMatchObject({ status: 'failed', error: { code: 'older-sequence' } });
    expect(await storedVersions(db)).toEqual(['v2']);

    expect(await manager.forget(URL_A)).toEqual({ ok: true });
    expect(await db.feeds.get(URL_A)).toBeUndefined();
    expect(await manager.subscribe(URL_A, [a!.publicKey])).toMatchObject({ ok: true, outcome: { status: 'failed', error: { code: 'older-sequence' } } });
    expect(await storedVersions(db)).toEqual([]);
  });
});

describe('T3 freeze: a signed feed says how long it may be relied on, and an expired one shows as out of date', () => {
  it('refuses a header without an expiry, or valid for longer than Signpost accepts', async () => {
    const [a] = await keys();
    const { db, server } = await acceptedV1(a!);
    const { expiresAt: _dropped, ...noExpiry } = validHeader(2);
    server.serve(await handSigned(noExpiry, version(2), [a!]));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'bad-signature', message: expect.stringContaining('header is damaged') } });
    server.serve(await signedFor(version(2), [a!], { issuedAt: '2026-11-01T00:00:00Z', expiresAt: '2027-12-31T00:00:00Z' }));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('more than 366 days') } });
    expect(await storedVersions(db)).toEqual(['v1']);
  });

  it('stores an expired copy that is newer, marked out of date in the verdict; a 304 does not make it current; the header binds the feed inside', async () => {
    const [a] = await keys();
    const db = testDb();
    await refreshPolicy(db, { authorities: [{ id: 'example-icb', name: ICB, keys: [a!.publicKey] }] }, NOW);
    // The feed inside claims a later expiry than its signed header: the header wins.
    const server = host(await signedFor(version(1, { expiresAt: '2028-01-01T00:00:00Z' }), [a!], { issuedAt: '2026-10-01T00:00:00Z', expiresAt: '2026-11-20T00:00:00Z' }));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'updated' });
    expect((await db.feeds.get(URL_A))?.expiresAt).toBe('2026-11-20T00:00:00Z');
    const staleKinds = async () => (await lookupUrl(dexieRegistrySource(db), PAGE, NOW + 2000)).matches[0]?.verdict.stale.map((reason) => reason.kind);
    expect(await staleKinds()).toContain('feed-expired');
    expect(await sync(db, server, pinned(a!), { at: NOW + 1000 })).toEqual({ url: URL_A, status: 'unchanged' });
    expect(server.calls.at(-1)?.headers['If-None-Match']).toBeDefined();
    expect(await staleKinds()).toContain('feed-expired');
  });

  it('refuses a header dated more than a day ahead of the clock', async () => {
    const [a] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await signedFor(version(2), [a!], { issuedAt: new Date(NOW + 3 * DAY_MS).toISOString(), expiresAt: new Date(NOW + 30 * DAY_MS).toISOString() }));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('in the future') } });
  });
});

describe('T4 fast-forward: a stolen key cannot lock the publisher out with a huge sequence', () => {
  it('refuses an implausible jump; after a rotation the new key starts again from a low sequence', async () => {
    const [a, b] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await signedFor(version(2 + MAX_SEQUENCE_STEP), [a!]));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'sequence-jump' } });

    // The stolen key got one inflated copy accepted (within the step); the publisher rotates away from it.
    server.serve(await signedFor(version(MAX_SEQUENCE_STEP), [a!]));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'updated' });
    const rotation = await rotationText('example-icb', [a!.privateJwk], [b!.privateJwk], '2026-11-24T00:00:00Z');
    server.serve(await signedFor(version(3), [b!], { rotations: [rotation] }));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'updated' });
    expect(await storedVersions(db)).toEqual(['v3']);
  });
});

describe('T5 substitution and mix-and-match: a copy is accepted only where it says it belongs, whole', () => {
  it.each([
    ['another feed of the same publisher, served at this address', async (a: KeyPair) => signedFor(version(2), [a], {}, [URL_B]), /signed for other addresses/],
    ['the bundled feed, served at this address', async (a: KeyPair) => signedFor(version(2), [a], { feedId: BUNDLED_FEED_ID }), /bundled with Signpost/],
    [
      "one feed's header with another's payload",
      async (a: KeyPair) => {
        const two = JSON.parse(await signedFor(version(2), [a])) as { payload: string };
        const three = JSON.parse(await signedFor(version(3), [a])) as Record<string, unknown>;
        return JSON.stringify({ ...three, payload: two.payload });
      },
      /do not match the hash/,
    ],
    ['a header naming another publisher than the feed inside', async (a: KeyPair) => handSigned({ ...validHeader(2), publisherId: 'someone-else' }, version(2), [a]), /disagree/],
    ['a header naming another sequence than the feed inside', async (a: KeyPair) => handSigned({ ...validHeader(9) }, version(2), [a]), /disagree/],
    ['another feed id under this address', async (a: KeyPair) => signedFor(version(2), [a], { feedId: 'example-icb-two' }), /used to serve the feed "example-icb"/],
  ])('refuses %s', async (_name, make, message) => {
    const [a] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await make(a!));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'bad-signature', message: expect.stringMatching(message) } });
    expect(await storedVersions(db)).toEqual(['v1']);
  });

  it('refuses, at the bundled address, a feed that does not carry the bundled id', async () => {
    const [a] = await keys();
    const db = testDb();
    const bundledHttps = 'https://bundled.example/feeds/default.json';
    const server = host(await signedFor(version(1), [a!], {}, []));
    const outcome = await syncFeed({ db, fetch: server.fetch, now: () => NOW, anchorsFor: async () => ({ anchors: [a!.publicKey], via: 'bundled', bundled: true }) }, bundledHttps);
    expect(outcome).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('does not carry the bundled feed id') } });
  });
});

describe('T6 silent change: new content under the same sequence is refused and shown', () => {
  it('refuses it, keeps the copy held, and the card says the latest update was refused', async () => {
    const [a] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await signedFor(version(1, { tools: [tool({ id: 'changed', identifiers: { apple: [APP_ID] } })] }), [a!]));
    expect(await sync(db, server, pinned(a!), { at: NOW + 1000 })).toMatchObject({ status: 'failed', error: { code: 'same-sequence-changed', message: expect.stringContaining('without a new sequence number') } });
    expect(await storedVersions(db)).toEqual(['v1']);
    expect((await lookupUrl(dexieRegistrySource(db), PAGE, NOW + 2000)).freshness.refusedPublishers).toEqual([`${ICB} formulary`]);
    // The very same bytes again are simply "unchanged".
    server.serve(await signedFor(version(1), [a!]));
    expect(await sync(db, server, pinned(a!), { at: NOW + 3000 })).toEqual({ url: URL_A, status: 'unchanged' });
  });
});

describe('T7 key compromise: keysets and rotation', () => {
  async function rotations() {
    const [a, b, c] = await keys();
    return {
      a: a!,
      b: b!,
      c: c!,
      ab: await rotationText('example-icb', [a!.privateJwk], [b!.privateJwk], '2026-11-10T00:00:00Z'),
      bc: await rotationText('example-icb', [b!.privateJwk], [c!.privateJwk], '2026-11-20T00:00:00Z'),
    };
  }

  it('follows a chain of rotations from the pinned key, and refuses a retired key from then on though the pin still names it', async () => {
    const { a, b, c, ab, bc } = await rotations();
    const { db, server } = await acceptedV1(a);
    server.serve(await signedFor(version(2), [b], { rotations: [ab] }));
    expect(await sync(db, server, pinned(a))).toMatchObject({ status: 'updated' });
    expect((await db.feeds.get(URL_A))?.signature).toMatchObject({ status: 'verified', key: b.publicKey, anchorKey: a.publicKey });
    server.serve(await signedFor(version(3), [c], { rotations: [ab, bc] }));
    expect(await sync(db, server, pinned(a))).toMatchObject({ status: 'updated' });
    expect((await db.feedTrust.get(URL_A))?.retiredKeyIds.sort()).toEqual([await keyIdOf(a.publicKey), await keyIdOf(b.publicKey)].sort());

    server.serve(await signedFor(version(4), [a]));
    expect(await sync(db, server, pinned(a))).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    // Nor can a later file without the statements bring the old key back.
    server.serve(await signedFor(version(4), [b]));
    expect(await sync(db, server, pinned(a))).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect(await storedVersions(db)).toEqual(['v3']);
  });

  it('lets a fresh install that pins the first key walk every rotation', async () => {
    const { a, c, ab, bc } = await rotations();
    const db = testDb();
    const server = host(await signedFor(version(3), [c], { rotations: [ab, bc] }));
    expect(await sync(db, server, pinned(a))).toMatchObject({ status: 'updated' });
    expect((await db.feeds.get(URL_A))?.signature).toMatchObject({ key: c.publicKey, anchorKey: a.publicKey });
  });

  it.each([
    ['signed by the new key only', async (a: KeyPair, b: KeyPair) => partSignedRotation(a, b, [b])],
    ['signed by the old key only', async (a: KeyPair, b: KeyPair) => partSignedRotation(a, b, [a])],
    ['for another feed', async (a: KeyPair, b: KeyPair) => rotationText('someone-else', [a.privateJwk], [b.privateJwk], '2026-11-10T00:00:00Z')],
  ])('refuses a rotation statement %s', async (_name, make) => {
    const [a, b] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await signedFor(version(2), [b!], { rotations: [await make(a!, b!)] }));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect(await storedVersions(db)).toEqual(['v1']);
  });

  it('T17: refuses more rotation statements than Signpost walks', async () => {
    const { a, ab } = await rotations();
    const { db, server } = await acceptedV1(a);
    const envelope = JSON.parse(await signedFor(version(2), [a])) as Record<string, unknown>;
    server.serve(JSON.stringify({ ...envelope, rotations: Array.from({ length: 17 }, () => JSON.parse(ab) as unknown) }));
    expect(await sync(db, server, pinned(a))).toMatchObject({ status: 'failed', error: { code: 'bad-signature', message: expect.stringContaining('envelope is damaged') } });
  });

  it("keeps a policy-named authority speaking after its key rotates (authority follows the chain from the policy's key)", async () => {
    const { a, b, ab } = await rotations();
    const db = testDb();
    await refreshPolicy(db, { authorities: [{ id: 'example-icb', name: ICB, keys: [a.publicKey] }], feeds: [{ url: URL_A, keys: [a.publicKey] }] }, NOW);
    const server = host(await signedFor(version(2), [b], { rotations: [ab] }));
    expect(await sync(db, server, { anchors: [a.publicKey], via: 'policy', bundled: false })).toMatchObject({ status: 'updated' });
    const [match] = (await lookupUrl(dexieRegistrySource(db), PAGE, NOW)).matches;
    expect(match?.verdict.claims[0]?.authority.level).toBe('issuer');
    expect(match?.verdict.state).toBe('recommended');
  });
});

/** A rotation statement from `a` to `b` carrying only `signers`' signatures. */
async function partSignedRotation(a: KeyPair, b: KeyPair, signers: KeyPair[]): Promise<string> {
  const full = JSON.parse(await rotationText('example-icb', [a.privateJwk], [b.privateJwk], '2026-11-10T00:00:00Z')) as { statement: string; signatures: { keyId: string }[] };
  const ids = await Promise.all(signers.map((pair) => keyIdOf(pair.publicKey)));
  return JSON.stringify({ ...full, signatures: full.signatures.filter((signature) => ids.includes(signature.keyId)) });
}

describe('T8 key loss: the organisation pins the new key', () => {
  it('accepts the new key once pinned instead of the lost one; a key retired by rotation stays refused even when pinned again', async () => {
    const [a, b, , d] = await keys();
    const { db, server } = await acceptedV1(a!);
    server.serve(await signedFor(version(2), [d!]));
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect(await sync(db, server, pinned(d!))).toMatchObject({ status: 'updated' });

    const rotation = await rotationText('example-icb', [d!.privateJwk], [b!.privateJwk], '2026-11-24T00:00:00Z');
    server.serve(await signedFor(version(3), [b!], { rotations: [rotation] }));
    expect(await sync(db, server, pinned(d!))).toMatchObject({ status: 'updated' });
    server.serve(await signedFor(version(4), [d!]));
    expect(await sync(db, server, pinned(d!, b!))).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
  });
});

describe('T9 pinned later: a copy stored before a key was pinned is checked again', () => {
  it('replaces an unverified copy with the verified one of the same sequence, asking for the whole file', async () => {
    const [a] = await keys();
    const db = testDb();
    const tampered = version(5, { tools: [tool({ id: 'tampered', identifiers: { apple: [APP_ID] } })] });
    const server = host(tampered);
    expect(await sync(db, server, { anchors: [], bundled: false })).toMatchObject({ status: 'updated' });
    expect(await storedVersions(db)).toEqual(['tampered']);

    server.serve(await signedFor(version(5), [a!]));
    expect(await sync(db, server, pinned(a!), { at: NOW + 1000 })).toMatchObject({ status: 'updated' });
    expect(server.calls.at(-1)?.headers['If-None-Match']).toBeUndefined();
    expect(await storedVersions(db)).toEqual(['v5']);
    expect((await db.feeds.get(URL_A))?.signature).toMatchObject({ status: 'verified', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('withdraws the unverified copy when no verified one arrives: nothing unverified is shown where a key is required', async () => {
    const [a] = await keys();
    const db = testDb();
    const server = host(version(5));
    expect(await sync(db, server, { anchors: [], bundled: false })).toMatchObject({ status: 'updated' });
    expect(await sync(db, server, pinned(a!), { at: NOW + 1000 })).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect(await storedVersions(db)).toEqual([]);
    expect(await db.feeds.get(URL_A)).toMatchObject({ withdrawn: true, lastError: { code: 'bad-signature' } });
    expect((await lookupUrl(dexieRegistrySource(db), PAGE, NOW + 2000)).matches).toEqual([]);
  });

  it('a pin added in Settings applies to the next sync through the feed manager', async () => {
    const [a] = await keys();
    const db = testDb();
    const server = host(version(5));
    const manager = feedManager({ db, fetch: server.fetch, now: () => NOW, bundledFeedUrl: BUNDLED, releaseHostPermission: async () => undefined });
    expect(await manager.subscribe(URL_A)).toMatchObject({ ok: true });
    await saveSubscriptions(db, (await loadSubscriptions(db)).map((subscription) => ({ ...subscription, keys: [a!.publicKey] })));
    expect(await manager.sync(URL_A)).toMatchObject({ status: 'failed', error: { code: 'bad-signature' } });
    expect(await storedVersions(db)).toEqual([]);
  });
});

describe('T12 endless data: what a hostile feed can make Signpost store is bounded', () => {
  it('keeps a quarantine report small however large and numerous the bad entries', async () => {
    const long = 'x'.repeat(1_000);
    const bad = Array.from({ length: 400 }, (_, index) => ({ id: `bad-${index}`, name: long.repeat(10), identifiers: { apple: Array.from({ length: 20 }, () => long), web: [{ origin: long }] }, conditions: Array.from({ length: 20 }, () => long) }));
    const server = host(JSON.stringify(feed({ tools: bad as never })));
    const db = testDb();
    expect(await sync(db, server, { anchors: [], bundled: false })).toMatchObject({ status: 'updated', counts: { quarantined: 400 } });
    const stored = await db.feeds.get(URL_A);
    expect(stored?.quarantined).toHaveLength(200);
    expect(JSON.stringify(stored).length).toBeLessThan(400_000);
  });
});

describe('T13 survivable input: one bad value never takes the feed down', () => {
  it('quarantines only the tool with a malformed website address, with its path and reason', () => {
    const result = parseFeed(feed({ tools: [tool({ id: 'good' }), tool({ id: 'bad-site', identifiers: { web: [{ origin: 'not a web address' }] } })] }));
    expect(result).toMatchObject({ ok: true, feed: { tools: [{ id: 'good' }] } });
    expect(result.ok && result.quarantined).toEqual([{ path: 'tools[1]', toolId: 'bad-site', problems: [{ path: 'tools[1].identifiers.web[0].origin', message: 'expected an http(s) URL' }] }]);
  });
});

describe('T14 redirects are refused before they are followed', () => {
  it('asks the browser not to follow, and refuses a redirect (with Node, saying where it led)', async () => {
    let init: RequestInit | undefined;
    const redirect = async (_input: RequestInfo | URL, given?: RequestInit) => {
      init = given;
      return new Response(null, { status: 302, headers: { location: 'http://evil.example/feed.json' } });
    };
    await expect(downloadFeed({ fetch: redirect as typeof fetch }, URL_A)).rejects.toMatchObject({ code: 'insecure-url', message: expect.stringContaining('to http://evil.example/feed.json') });
    expect(init?.redirect).toBe('manual');
    const opaque = async () => Object.defineProperty(new Response(null, { status: 200 }), 'type', { value: 'opaqueredirect' });
    await expect(downloadFeed({ fetch: opaque as typeof fetch }, URL_A)).rejects.toMatchObject({ code: 'insecure-url', message: expect.stringContaining('does not follow redirects') });
  });
});

describe('T16 recovery order: last good, one full retry, then nothing unverified', () => {
  it('retries a content failure once as a full download, and keeps the last good copy when it fails again', async () => {
    const [a] = await keys();
    const { db, server } = await acceptedV1(a!);
    const before = server.calls.length;
    server.serve('{"cut off');
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'not-json' } });
    expect(server.calls.length - before).toBe(2);
    expect(server.calls.at(-1)?.headers['If-None-Match']).toBeUndefined();
    expect(await storedVersions(db)).toEqual(['v1']);
  });

  it('takes the good copy the retry brings (a cache served a broken one first)', async () => {
    const [a] = await keys();
    const db = testDb();
    const good = await signedFor(version(1), [a!]);
    let first = true;
    const network = fakeFetch(() => {
      const body = first ? '{"broken' : good;
      first = false;
      return new Response(body, { status: 200 });
    });
    expect(await syncFeed({ db, fetch: network.fetch, now: () => NOW, anchorsFor: async () => pinned(a!) }, URL_A)).toMatchObject({ status: 'updated' });
    expect(network.calls).toHaveLength(2);
  });

  it('does not retry a network failure (Signpost tries again later)', async () => {
    const [a] = await keys();
    const { db, server } = await acceptedV1(a!);
    const before = server.calls.length;
    server.fail(503);
    expect(await sync(db, server, pinned(a!))).toMatchObject({ status: 'failed', error: { code: 'http-status' } });
    expect(server.calls.length - before).toBe(1);
  });

  it('reads the bundled feed again from the extension when its stored copy no longer meets the key in force', async () => {
    const [a, b] = await keys();
    const db = testDb();
    const bundledHttps = 'https://bundled.example/feeds/default.json';
    const anchors = (pair: KeyPair): FeedAnchors => ({ anchors: [pair.publicKey], via: 'bundled', bundled: true });
    const shipped = host(await signFeed(version(1), [a!], [], { feedId: BUNDLED_FEED_ID }));
    const run = (pair: KeyPair) => syncFeed({ db, fetch: shipped.fetch, now: () => NOW, anchorsFor: async () => anchors(pair) }, bundledHttps);
    expect(await run(a!)).toMatchObject({ status: 'updated' });
    // A new release pins another key and ships the same feed signed with it: the copy is read and stored again.
    shipped.serve(await signFeed(version(1), [b!], [], { feedId: BUNDLED_FEED_ID }));
    expect(await run(b!)).toMatchObject({ status: 'updated' });
    expect((await db.feeds.get(bundledHttps))?.signature).toMatchObject({ key: b!.publicKey });
  });
});

describe('stored copies remember how they were verified', () => {
  it('records status, key, anchor, how it was pinned, the payload hash, the feed id and the signed expiry', async () => {
    const [a] = await keys();
    const { db } = await acceptedV1(a!);
    const document = await readFeedDocument(await signedFor(version(1), [a!]));
    expect((await db.feeds.get(URL_A))?.signature).toEqual({
      status: 'verified',
      keyId: await keyIdOf(a!.publicKey),
      key: a!.publicKey,
      anchorKey: a!.publicKey,
      via: 'subscription',
      sha256: document.sha256,
      feedId: 'example-icb',
      expiresAt: document.signed!.header.value.expiresAt,
    });
    expect(await db.feedTrust.get(URL_A)).toMatchObject({ feedId: 'example-icb', floor: { sequence: 1, sha256: document.sha256, verified: true } });
  });
});
