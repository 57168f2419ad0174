// `keygen`, `sign` and `verify`: the publisher's side of signed feeds, with the same code the
// extension uses to check them (lib/feed/signature.ts).
import { generateKeyPair, keyIdOf, publicKeyOfJwk, readFeedDocument, signFeedText } from '../feed/signature';
import { SyncError } from '../sync/errors';
import { parseJson, type Report } from './report';
import { keysProblem, openFeed } from './trust';

export interface KeygenResult {
  privateJwkText: string;
  report: Report;
}

export async function keygen(privateKeyFile: string): Promise<KeygenResult> {
  const pair = await generateKeyPair();
  return {
    privateJwkText: `${JSON.stringify(pair.privateJwk, null, 2)}\n`,
    report: {
      exitCode: 0,
      lines: [
        `wrote the private key to ${privateKeyFile}: keep it secret and out of version control; anyone holding it can sign as you`,
        `public key (give this to subscribers, or put it in your deployment policy): ${pair.publicKey}`,
        `key id: ${pair.keyId}`,
      ],
    },
  };
}

function privateJwkFrom(file: string, text: string): JsonWebKey | string {
  const json = parseJson(text);
  if (!json.ok) return `${file}: not a key file (not JSON)`;
  try {
    publicKeyOfJwk(json.value as JsonWebKey);
    return json.value as JsonWebKey;
  } catch (error) {
    return `${file}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Signs a feed file's exact text. Refuses a file that is already signed or is not a feed at all. */
export async function signFeed(feedFile: string, feedText: string, keyFile: string, keyText: string): Promise<{ ok: true; text: string; report: Report } | { ok: false; report: Report }> {
  const jwk = privateJwkFrom(keyFile, keyText);
  if (typeof jwk === 'string') return { ok: false, report: { exitCode: 1, lines: [jwk] } };
  try {
    if (readFeedDocument(feedText).signed) return { ok: false, report: { exitCode: 1, lines: [`${feedFile}: already signed; sign the feed file itself`] } };
  } catch (error) {
    if (error instanceof SyncError) return { ok: false, report: { exitCode: 1, lines: [`${feedFile}: ${error.message}`] } };
    throw error;
  }
  const publicKey = publicKeyOfJwk(jwk);
  return { ok: true, text: await signFeedText(feedText, jwk), report: { exitCode: 0, lines: [`signed ${feedFile} with key ${await keyIdOf(publicKey)} (${publicKey})`] } };
}

/** Exit 0 only when the file is signed by one of the given public keys; otherwise says why not. */
export async function verifyFeed(file: string, text: string, publicKeys: readonly string[]): Promise<Report> {
  // No key at all is reported like a bad one, so the message says what a key looks like.
  const problem = keysProblem(publicKeys.length ? publicKeys : ['(none given)']);
  if (problem) return { exitCode: 1, lines: [problem] };
  const opened = await openFeed(text, publicKeys);
  if (!opened.ok) return { exitCode: 1, lines: [`${file}: not valid: ${opened.message}`] };
  return { exitCode: 0, lines: [`${file}: valid signature by key ${opened.verification.status === 'verified' ? opened.verification.keyId : '?'}`] };
}
