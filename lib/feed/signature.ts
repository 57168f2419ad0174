import { z } from '../zod';
import { SyncError } from '../sync/errors';

// Signed feeds. A publisher signs the exact bytes of its feed file with Ed25519 and publishes a
// small envelope holding those bytes (as a string) and the signature, so one download carries
// both and they can never be updated apart. A subscription may pin publisher keys: then only a
// feed signed by one of them is accepted, and anything else is refused whole, keeping the last
// good copy.
//
// Design note: why Ed25519 (WebCrypto). Small keys (32 bytes) and signatures (64 bytes) that fit
// in a settings field or a policy file, deterministic signing (no nonce to get wrong, and the
// bundled feed rebuilds byte for byte), and it is in WebCrypto everywhere Signpost runs: Chrome and
// Edge 137+, Firefox 129+, Node 20 (the publisher CLI). ECDSA P-256 would also work everywhere
// but has none of the first three advantages.

export const SIGNED_FEED_FORMAT = 'signpost-signed-feed';
const ALGORITHM = 'Ed25519';
const KEY_PREFIX = 'ed25519:';
export const MAX_PINNED_KEYS = 8;

const base64Of = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
function bytesOf(base64: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A public key as written in settings, policy and feeds: "ed25519:" and 32 bytes in base64. */
export const publicKeySchema = z
  .string()
  .trim()
  .refine((value) => publicKeyBytes(value) !== null, 'expected a public key like "ed25519:" followed by 44 base64 characters');

export const pinnedKeysSchema = z.array(publicKeySchema).max(MAX_PINNED_KEYS);

export function publicKeyBytes(key: string): Uint8Array<ArrayBuffer> | null {
  const trimmed = key.trim();
  if (!trimmed.startsWith(KEY_PREFIX)) return null;
  const bytes = bytesOf(trimmed.slice(KEY_PREFIX.length));
  return bytes?.length === 32 ? bytes : null;
}

/** A short, stable name for a key: the first 8 bytes of its SHA-256, in hex. */
export async function keyIdOf(key: string): Promise<string> {
  const bytes = publicKeyBytes(key);
  if (!bytes) throw new Error('not a public key');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

const signedEnvelopeSchema = z.object({
  format: z.literal(SIGNED_FEED_FORMAT),
  version: z.literal(1),
  signatures: z
    .array(
      z.object({
        keyId: z.string().regex(/^[0-9a-f]{16}$/),
        algorithm: z.literal(ALGORITHM),
        value: z.string().max(200),
      }),
    )
    .min(1)
    .max(MAX_PINNED_KEYS),
  /** The feed file's exact text; its UTF-8 bytes are what was signed. */
  feed: z.string(),
});

export type SignedEnvelope = z.infer<typeof signedEnvelopeSchema>;

/** A downloaded feed document: a plain feed, or a signed envelope around one. */
export type FeedDocument = { signed: null; json: unknown } | { signed: SignedEnvelope; json: unknown };

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new SyncError('not-json', `The ${what} is not valid JSON; it may be cut off or not a Signpost feed.`);
  }
}

/** Reads a feed file, opening a signed envelope (without checking it: see verifyFeedDocument). */
export function readFeedDocument(text: string): FeedDocument {
  const outer = parseJson(text, 'feed file');
  if ((outer as { format?: unknown } | null)?.format !== SIGNED_FEED_FORMAT) return { signed: null, json: outer };
  const envelope = signedEnvelopeSchema.safeParse(outer);
  if (!envelope.success) throw new SyncError('bad-signature', 'The feed is signed, but its signature envelope is damaged. The previous copy is kept.');
  return { signed: envelope.data, json: parseJson(envelope.data.feed, 'signed feed inside the file') };
}

/** How a stored copy was checked. `key` (the verifying public key) decides what the feed may speak for. */
export type Verification = { status: 'unsigned' } | { status: 'signed-unpinned'; keyIds: string[] } | { status: 'verified'; keyId: string; key?: string };

/**
 * With pinned keys, only a signature by one of them is accepted: an unsigned feed, a damaged
 * signature, or one by any other key is refused (SyncError 'bad-signature'). Without pinned keys
 * a feed is accepted as it is, and the result says whether it was signed at all.
 */
export async function verifyFeedDocument(document: FeedDocument, pinnedKeys: readonly string[]): Promise<Verification> {
  if (pinnedKeys.length === 0) return document.signed ? { status: 'signed-unpinned', keyIds: document.signed.signatures.map((s) => s.keyId) } : { status: 'unsigned' };
  if (!document.signed) {
    throw new SyncError('bad-signature', 'This feed must be signed by its publisher (you pinned their key), but the file is not signed. The previous copy is kept.');
  }
  const bytes = new TextEncoder().encode(document.signed.feed);
  for (const key of pinnedKeys) {
    const keyId = await keyIdOf(key).catch(() => null);
    const signature = document.signed.signatures.find((candidate) => candidate.keyId === keyId);
    const value = signature && bytesOf(signature.value);
    if (!keyId || !value || value.length !== 64) continue;
    const publicKey = await crypto.subtle.importKey('raw', publicKeyBytes(key)!, { name: ALGORITHM }, false, ['verify']);
    if (await crypto.subtle.verify({ name: ALGORITHM }, publicKey, value, bytes)) return { status: 'verified', keyId, key: key.trim() };
  }
  throw new SyncError(
    'bad-signature',
    "This feed's signature does not match the publisher's key you pinned: it may have been changed by someone else. The previous copy is kept.",
  );
}

// ---- For publishers (the CLI) ----------------------------------------------------------------

export interface KeyPair {
  /** The private key as a JWK: keep it secret, never commit it. */
  privateJwk: JsonWebKey;
  publicKey: string;
  keyId: string;
}

export async function generateKeyPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: ALGORITHM }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const publicKey = `${KEY_PREFIX}${base64Of(raw)}`;
  return { privateJwk: await crypto.subtle.exportKey('jwk', pair.privateKey), publicKey, keyId: await keyIdOf(publicKey) };
}

/** The public key of a private JWK (its "x"), in the form subscribers pin. */
export function publicKeyOfJwk(jwk: JsonWebKey): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== ALGORITHM || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') throw new Error('expected an Ed25519 private key (a JWK with kty "OKP", crv "Ed25519", x and d)');
  return `${KEY_PREFIX}${jwk.x.replace(/-/g, '+').replace(/_/g, '/')}${'='.repeat((4 - (jwk.x.length % 4)) % 4)}`;
}

/** Signs a feed file's exact text; returns the signed envelope's text. */
export async function signFeedText(feedText: string, privateJwk: JsonWebKey): Promise<string> {
  const publicKey = publicKeyOfJwk(privateJwk);
  const key = await crypto.subtle.importKey('jwk', privateJwk, { name: ALGORITHM }, false, ['sign']);
  const value = new Uint8Array(await crypto.subtle.sign({ name: ALGORITHM }, key, new TextEncoder().encode(feedText)));
  const envelope: SignedEnvelope = { format: SIGNED_FEED_FORMAT, version: 1, signatures: [{ keyId: await keyIdOf(publicKey), algorithm: ALGORITHM, value: base64Of(value) }], feed: feedText };
  return `${JSON.stringify(envelope, null, 2)}\n`;
}
