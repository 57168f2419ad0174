import { z } from '../zod';

// Publisher keys and the bytes they sign. Design note: why Ed25519 (WebCrypto). Small keys (32
// bytes) and signatures (64 bytes) that fit in a settings field or a policy file, deterministic
// signing (no nonce to get wrong, and the bundled feed rebuilds byte for byte), and it is in
// WebCrypto everywhere Signpost runs: Chrome and Edge 137+, Firefox 129+, Node 20 (the publisher
// CLI). ECDSA P-256 would also work everywhere but has none of the first three advantages.

export const SIGNATURE_ALGORITHM = 'Ed25519';
const KEY_PREFIX = 'ed25519:';
export const MAX_PINNED_KEYS = 8;

// ---- Base64, one spelling only -----------------------------------------------------------------

const BASE64_CHUNK = 0x8000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function base64Of(bytes: Uint8Array): string {
  let binary = '';
  // In chunks: spreading millions of bytes into one call overflows the stack.
  for (let start = 0; start < bytes.length; start += BASE64_CHUNK) binary += String.fromCharCode(...bytes.subarray(start, start + BASE64_CHUNK));
  return btoa(binary);
}

/**
 * The bytes of canonical base64 (RFC 4648 §3.5): the alphabet only, padded to a multiple of four,
 * unused bits zero. atob alone also takes whitespace and stray bits, which would give one payload
 * many spellings; signed text must have exactly one.
 */
export function bytesOfCanonicalBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(={0,2})$/.test(text)) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  if (padding > 0) {
    const last = ALPHABET.indexOf(text[text.length - padding - 1]!);
    if ((padding === 2 ? last & 0b1111 : last & 0b11) !== 0) return null;
  }
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

// ---- Keys --------------------------------------------------------------------------------------

export function publicKeyBytes(key: string): Uint8Array<ArrayBuffer> | null {
  const trimmed = key.trim();
  if (!trimmed.startsWith(KEY_PREFIX)) return null;
  const bytes = bytesOfCanonicalBase64(trimmed.slice(KEY_PREFIX.length));
  return bytes?.length === 32 ? bytes : null;
}

/** A public key as written in settings, policy and feeds: "ed25519:" and 32 bytes in base64. */
export const publicKeySchema = z
  .string()
  .trim()
  .refine((value) => publicKeyBytes(value) !== null, 'expected a public key like "ed25519:" followed by 44 base64 characters');

export const pinnedKeysSchema = z.array(publicKeySchema).max(MAX_PINNED_KEYS);

export const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'expected a key id of 16 hex digits');

export const sha256Hex = async (bytes: Uint8Array<ArrayBuffer>) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');

/** A short, stable name for a key: the first 8 bytes of its SHA-256, in hex. */
export async function keyIdOf(key: string): Promise<string> {
  const bytes = publicKeyBytes(key);
  if (!bytes) throw new Error('not a public key');
  return (await sha256Hex(bytes)).slice(0, 16);
}

export const signatureSchema = z.object({
  keyId: keyIdSchema,
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  value: z.string().max(200),
});

export type Signature = z.infer<typeof signatureSchema>;

/** Whether `signature` is `key`'s Ed25519 signature of exactly `bytes`. Never throws. */
export async function signatureVerifies(key: string, signature: Signature, bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  const raw = publicKeyBytes(key);
  const value = bytesOfCanonicalBase64(signature.value);
  if (!raw || value?.length !== 64) return false;
  try {
    const publicKey = await crypto.subtle.importKey('raw', raw, { name: SIGNATURE_ALGORITHM }, false, ['verify']);
    return await crypto.subtle.verify({ name: SIGNATURE_ALGORITHM }, publicKey, value, bytes);
  } catch {
    return false;
  }
}

// ---- For publishers (the CLI, the bundled feed's build) ----------------------------------------

export interface KeyPair {
  /** The private key as a JWK: keep it secret, never commit it. */
  privateJwk: JsonWebKey;
  publicKey: string;
  keyId: string;
}

export async function generateKeyPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: SIGNATURE_ALGORITHM }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = `${KEY_PREFIX}${base64Of(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)))}`;
  return { privateJwk: await crypto.subtle.exportKey('jwk', pair.privateKey), publicKey, keyId: await keyIdOf(publicKey) };
}

/** The public key of a private JWK (its "x"), in the form subscribers pin. */
export function publicKeyOfJwk(jwk: JsonWebKey): string {
  if (jwk.kty !== 'OKP' || jwk.crv !== SIGNATURE_ALGORITHM || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') throw new Error('expected an Ed25519 private key (a JWK with kty "OKP", crv "Ed25519", x and d)');
  return `${KEY_PREFIX}${jwk.x.replace(/-/g, '+').replace(/_/g, '/')}${'='.repeat((4 - (jwk.x.length % 4)) % 4)}`;
}

/** Signs exact bytes with a private JWK. */
export async function signBytes(bytes: Uint8Array<ArrayBuffer>, privateJwk: JsonWebKey): Promise<Signature> {
  const key = await crypto.subtle.importKey('jwk', privateJwk, { name: SIGNATURE_ALGORITHM }, false, ['sign']);
  const value = new Uint8Array(await crypto.subtle.sign({ name: SIGNATURE_ALGORITHM }, key, bytes));
  return { keyId: await keyIdOf(publicKeyOfJwk(privateJwk)), algorithm: SIGNATURE_ALGORITHM, value: base64Of(value) };
}
