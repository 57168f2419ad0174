import { z } from '../zod';
import { SyncError } from '../sync/errors';
import { base64Of, bytesOfCanonicalBase64, keyIdOf, keyIdSchema, publicKeyOfJwk, publicKeySchema, sha256Hex, signBytes, signatureSchema, type Signature } from './keys';

// Signed feed files, feed protocol v2 (docs/threat-model.md). One JSON document carries the feed's
// exact bytes (base64), a small header naming the feed and pinning those bytes by hash, the
// header's signatures, and any key rotation statements. This module reads and writes the file;
// lib/feed/verify.ts decides whether to believe it.

export const SIGNED_FEED_FORMAT = 'signpost-signed-feed';
export const SIGNED_FEED_VERSION = 2;
export const HEADER_TYPE = 'signpost-feed-header';
export const ROTATION_TYPE = 'signpost-key-rotation';
/** The feed id the bundled feed carries; only the bundled address accepts it. */
export const BUNDLED_FEED_ID = 'signpost-bundled';
/** A signed feed says how long it may be relied on, for at most this long after it was issued. */
export const MAX_VALIDITY_DAYS = 366;
export const MAX_ROTATIONS = 16;
const MAX_SIGNATURES = 8;
const MAX_HEADER_CHARS = 16_384;
/** The largest feed file Signpost reads: a snapshot streams in (issue #15), so this is not held in memory; 200,000 tools (the most a feed may list) at about 1.3 KB each. A feed carried inline is also limited by the 64 MB download cap. */
export const MAX_PAYLOAD_BYTES = 256 * 1_048_576;

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/);
/** Files beside the manifest only: a relative path, no scheme, no way up, so every file comes from the feed's own host. */
const relativePath = z.string().max(300).regex(/^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._\/-]*$/, 'expected a path relative to the feed, such as "snapshots/42.json"');
const contentRefSchema = z.object({ sha256: sha256Schema, length: z.number().int().min(0).max(MAX_PAYLOAD_BYTES), path: relativePath.optional() });
/** uBlock Origin keeps five days of patches; a daily publisher needs about that many, an hourly one more. */
const MAX_PATCHES = 64;

const timestamp = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time, e.g. 2026-11-25T09:00:00Z' });
const feedIdSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'expected a feed id of lower-case letters, digits, ".", "_" or "-"');

const headerSchema = z.object({
  type: z.literal(HEADER_TYPE),
  version: z.literal(SIGNED_FEED_VERSION),
  feedId: feedIdSchema,
  /** Every address the feed is published at; a copy fetched from anywhere else is refused. */
  urls: z.array(z.string().max(2000)).max(20),
  publisherId: z.string().max(100),
  sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  issuedAt: timestamp,
  expiresAt: timestamp,
  keyIds: z.array(keyIdSchema).min(1).max(MAX_SIGNATURES),
  /** The feed file: inline in this document, or at `path` beside it (a snapshot, issue #15). */
  payload: contentRefSchema,
  /** The digest of the whole state the feed describes (lib/feed/delta.ts): what a patched copy must come to. */
  state: sha256Schema.optional(),
  /** Patches from recent sequences to this one, each pinned by hash and length like the snapshot. */
  patches: z.array(contentRefSchema.extend({ from: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) })).max(MAX_PATCHES).optional(),
});
export type FeedHeader = z.infer<typeof headerSchema>;

const rotationSchema = z.object({
  type: z.literal(ROTATION_TYPE),
  feedId: feedIdSchema,
  /** The keys retired; at least one of them signs the statement. */
  from: z.array(publicKeySchema).min(1).max(MAX_SIGNATURES),
  /** The keys that replace them; every one of them signs the statement (proof it is held). */
  to: z.array(publicKeySchema).min(1).max(MAX_SIGNATURES),
  at: timestamp,
});
export type RotationStatement = z.infer<typeof rotationSchema>;

const signedPartSchema = z.object({ statement: z.string().max(MAX_HEADER_CHARS), signatures: z.array(signatureSchema).min(1).max(MAX_SIGNATURES) });

const envelopeSchema = z.object({
  format: z.literal(SIGNED_FEED_FORMAT),
  version: z.literal(SIGNED_FEED_VERSION),
  header: z.string().max(MAX_HEADER_CHARS),
  signatures: z.array(signatureSchema).min(1).max(MAX_SIGNATURES),
  rotations: z.array(signedPartSchema).max(MAX_ROTATIONS).default([]),
  /** The feed's bytes, base64, unless the header points to a snapshot file. */
  payload: z.string().optional(),
  /** Small patches carried in the manifest itself, base64, so that a client a few days behind needs one request. */
  inlinePatches: z.array(z.object({ from: z.number().int().min(0), data: z.string() })).max(MAX_PATCHES).default([]),
});

/** A statement (header or rotation) with the exact bytes its signatures cover. */
export interface Signed<T> {
  value: T;
  bytes: Uint8Array<ArrayBuffer>;
  signatures: Signature[];
}

export interface SignedParts {
  header: Signed<FeedHeader>;
  rotations: Signed<RotationStatement>[];
}

/** A file beside the manifest, pinned by the signed header. */
export interface ContentRef {
  sha256: string;
  length: number;
  path?: string;
}

/** A signed manifest: the header names a snapshot file and patches rather than carrying the feed. */
export interface Manifest {
  signed: SignedParts;
  snapshot: ContentRef & { path: string };
  state?: string;
  patches: (ContentRef & { from: number; inline?: Uint8Array<ArrayBuffer> })[];
}

/** A downloaded feed file: a plain feed, or a signed one whose parts are read but not yet believed. */
export interface FeedDocument {
  signed: SignedParts | null;
  json: unknown;
  /** The feed's exact text (the payload of a signed file, the whole of a plain one). */
  text: string;
  /** SHA-256 of the feed's exact bytes. */
  sha256: string;
}

const damaged = (what: string) => new SyncError('bad-signature', `The feed is signed, but ${what}. The previous copy is kept.`);

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SyncError('not-json', `The ${what} is not valid JSON; it may be cut off or not a Signpost feed.`);
  }
}

function utf8(bytes: Uint8Array<ArrayBuffer>, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SyncError('not-json', `The ${what} is not valid UTF-8 text.`);
  }
}

function readStatement<T>(text: string, signatures: Signature[], schema: z.ZodType<T>, what: string): Signed<T> {
  const bytes = bytesOfCanonicalBase64(text);
  if (!bytes) throw damaged(`its ${what} is not canonical base64`);
  const parsed = schema.safeParse(parseJson(utf8(bytes, what), what));
  if (!parsed.success) throw damaged(`its ${what} is damaged (${parsed.error.issues[0]?.path.join('.') || what}: ${parsed.error.issues[0]?.message})`);
  return { value: parsed.data, bytes, signatures };
}

/**
 * Reads a feed file. A signed one is opened, and its payload checked against the hash and length
 * its header gives and against the header's publisher and sequence; its signatures are checked
 * only by lib/feed/verify.ts, which knows the keys.
 */
export async function readFeedDocument(text: string): Promise<FeedDocument> {
  const file = await readFeedFile(text);
  if (file.kind === 'manifest') throw new SyncError('invalid-feed', `This is a feed manifest: the feed itself is in ${file.manifest.snapshot.path}, beside it. Read or validate that file; subscribers subscribe to the manifest.`);
  return file.document;
}

export type FeedFile = { kind: 'document'; document: FeedDocument } | { kind: 'manifest'; manifest: Manifest };

/** What verification reads of a file: its signed parts, the hash naming its feed bytes and, for an unsigned feed, its JSON. */
export type Verifiable = Pick<FeedDocument, 'signed' | 'sha256'> & { json?: unknown };

export function verifiableOf(file: FeedFile): Verifiable {
  return file.kind === 'document' ? file.document : { signed: file.manifest.signed, sha256: file.manifest.snapshot.sha256 };
}

/** Reads a feed file: a feed (plain or signed, the feed inside) or a signed manifest pointing to a snapshot and patches. */
export async function readFeedFile(text: string): Promise<FeedFile> {
  const outer = parseJson(text, 'feed file');
  const format = (outer as { format?: unknown } | null)?.format;
  if (format !== SIGNED_FEED_FORMAT) return { kind: 'document', document: { signed: null, json: outer, text, sha256: await sha256Hex(new TextEncoder().encode(text)) } };
  const envelope = envelopeSchema.safeParse(outer);
  if (!envelope.success) {
    const version = (outer as { version?: unknown }).version;
    if (version === 1) throw new SyncError('bad-signature', 'The feed is signed in the old format (version 1), which Signpost no longer reads: ask its publisher to sign it again with the current registry tools. The previous copy is kept.');
    throw damaged('its signature envelope is damaged');
  }
  const header = readStatement(envelope.data.header, envelope.data.signatures, headerSchema, 'header');
  const rotations = envelope.data.rotations.map((part) => readStatement(part.statement, part.signatures, rotationSchema, 'key rotation statement'));
  const signed = { header, rotations };
  const { payload: ref } = header.value;
  if (ref.path !== undefined) {
    if (envelope.data.payload !== undefined) throw damaged('it carries its feed both inline and as a separate file');
    const patches = [];
    for (const patch of header.value.patches ?? []) {
      const inline = envelope.data.inlinePatches.find((candidate) => candidate.from === patch.from);
      const bytes = inline && bytesOfCanonicalBase64(inline.data);
      if (inline && (!bytes || !(await matchesRef(bytes, patch)))) throw damaged(`its patch from sequence ${patch.from} does not match the hash its header was signed with`);
      patches.push({ ...patch, ...(bytes ? { inline: bytes } : {}) });
    }
    return { kind: 'manifest', manifest: { signed, snapshot: { ...ref, path: ref.path }, ...(header.value.state ? { state: header.value.state } : {}), patches } };
  }
  const payload = envelope.data.payload === undefined ? null : bytesOfCanonicalBase64(envelope.data.payload);
  if (!payload) throw damaged('its payload is not canonical base64');
  const sha256 = await sha256Hex(payload);
  if (payload.length !== ref.length || sha256 !== ref.sha256) throw damaged('its contents do not match the hash its header was signed with (changed after signing, or cut off)');
  return { kind: 'document', document: await signedDocument(signed, payload) };
}

/** Whether downloaded bytes are the ones a signed header pins (hash and length). */
export const matchesRef = async (bytes: Uint8Array<ArrayBuffer>, ref: ContentRef) => bytes.length === ref.length && (await sha256Hex(bytes)) === ref.sha256;

/** The feed inside a signed file or snapshot, checked against its header's publisher and sequence. */
async function signedDocument(signed: SignedParts, payload: Uint8Array<ArrayBuffer>): Promise<FeedDocument> {
  const header = signed.header;
  const feedText = utf8(payload, 'signed feed');
  const json = parseJson(feedText, 'signed feed inside the file');
  const inner = json as { publisher?: { id?: unknown }; sequence?: unknown } | null;
  if (inner?.publisher?.id !== header.value.publisherId || inner?.sequence !== header.value.sequence) {
    throw damaged('its header and the feed inside disagree on the publisher or the sequence');
  }
  return { signed, json, text: feedText, sha256: header.value.payload.sha256 };
}

// ---- For publishers (the CLI, the bundled feed's build) ----------------------------------------

export interface HeaderOptions {
  /** Every address the feed will be published at (none for the bundled feed). */
  urls: readonly string[];
  feedId: string;
  issuedAt: string;
  expiresAt: string;
  /** Rotation statements (as written by rotationText), oldest first; keep them in every later feed. */
  rotations?: readonly string[];
  /** A manifest: the feed is published as a snapshot file at this path beside it, not inline. */
  snapshotPath?: string;
  /** The state digest of the feed (lib/feed/delta.ts feedState), for clients applying patches. */
  state?: string;
  /** Patches to this feed from earlier sequences, with their paths; those no larger than `inlineUpTo` bytes are also carried inline. */
  patches?: readonly { from: number; bytes: Uint8Array<ArrayBuffer>; path: string }[];
  inlineUpTo?: number;
}

const encodeJson = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Signs a feed file's exact text with one or more private keys; returns the signed file's text. */
export async function signFeedText(feedText: string, privateJwks: readonly JsonWebKey[], options: HeaderOptions): Promise<string> {
  const payload = new TextEncoder().encode(feedText);
  const feed = JSON.parse(feedText) as { publisher: { id: string }; sequence: number };
  const patches = await Promise.all((options.patches ?? []).map(async (patch) => ({ from: patch.from, sha256: await sha256Hex(patch.bytes), length: patch.bytes.length, path: patch.path })));
  const header: FeedHeader = {
    type: HEADER_TYPE,
    version: SIGNED_FEED_VERSION,
    feedId: options.feedId,
    urls: options.urls.map((url) => new URL(url).href),
    publisherId: feed.publisher.id,
    sequence: feed.sequence,
    issuedAt: options.issuedAt,
    expiresAt: options.expiresAt,
    keyIds: await Promise.all(privateJwks.map((jwk) => keyIdOf(publicKeyOfJwk(jwk)))),
    payload: { sha256: await sha256Hex(payload), length: payload.length, ...(options.snapshotPath ? { path: options.snapshotPath } : {}) },
    ...(options.state ? { state: options.state } : {}),
    ...(patches.length ? { patches } : {}),
  };
  const headerBytes = encodeJson(headerSchema.parse(header));
  const envelope = {
    format: SIGNED_FEED_FORMAT,
    version: SIGNED_FEED_VERSION,
    header: base64Of(headerBytes),
    signatures: await Promise.all(privateJwks.map((jwk) => signBytes(headerBytes, jwk))),
    rotations: (options.rotations ?? []).map((text) => JSON.parse(text) as unknown),
    ...(options.snapshotPath ? {} : { payload: base64Of(payload) }),
  };
  const inline = (options.patches ?? []).filter((patch) => patch.bytes.length <= (options.inlineUpTo ?? 0)).map((patch) => ({ from: patch.from, data: base64Of(patch.bytes) }));
  if (inline.length) Object.assign(envelope, { inlinePatches: inline });
  return `${JSON.stringify(envelope, null, 2)}\n`;
}

/**
 * A key rotation statement, signed by one old key and every new one: the file a publisher keeps
 * and passes to every later `sign` (TUF root chaining: a client many rotations behind walks them).
 */
export async function rotationText(feedId: string, from: readonly JsonWebKey[], to: readonly JsonWebKey[], at: string): Promise<string> {
  const statement: RotationStatement = { type: ROTATION_TYPE, feedId, from: from.map(publicKeyOfJwk), to: to.map(publicKeyOfJwk), at };
  const bytes = encodeJson(rotationSchema.parse(statement));
  const signatures = await Promise.all([...from, ...to].map((jwk) => signBytes(bytes, jwk)));
  return `${JSON.stringify({ statement: base64Of(bytes), signatures }, null, 2)}\n`;
}

/** A rotation file as the CLI reads it back, checked for shape only. */
export function readRotationFile(text: string): { ok: true; text: string } | { ok: false; problem: string } {
  try {
    const parsed = signedPartSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return { ok: false, problem: 'not a key rotation statement (make one with `registry rotate`)' };
    readStatement(parsed.data.statement, parsed.data.signatures, rotationSchema, 'key rotation statement');
    return { ok: true, text };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}
