// Release signing of the bundled feed (docs/deployment.md, "Release"). The committed bundled feed
// is signed with the TEST key so that anyone can rebuild and test it; a release build is given
// the release private key at build time (SIGNPOST_RELEASE_KEY_FILE, a JWK kept offline), signs the
// same feed bytes again with it, and pins only its public key. The TEST key is refused.
import { readFileSync } from 'node:fs';
import { TEST_BUNDLED_FEED_KEY } from '../lib/feed/bundled-key';
import { publicKeyOfJwk } from '../lib/feed/keys';
import { BUNDLED_FEED_ID, readFeedDocument, signFeedText } from '../lib/feed/signature';
import { verifyFeedDocument } from '../lib/feed/verify';

/** `wxt build --mode release` (and zip): the only builds that carry the release key. */
export const RELEASE_MODE = 'release';
export const RELEASE_KEY_ENV = 'SIGNPOST_RELEASE_KEY_FILE';

export interface ReleaseKey {
  privateJwk: JsonWebKey;
  publicKey: string;
}

/** The release key named in the environment; throws, with what to do, when it is missing or is the TEST key. */
export function releaseKey(env: NodeJS.ProcessEnv = process.env): ReleaseKey {
  const file = env[RELEASE_KEY_ENV];
  if (!file) throw new Error(`a release build needs the release signing key: set ${RELEASE_KEY_ENV} to the path of its private key file (a JWK made with npm run registry -- keygen, kept offline)`);
  let privateJwk: JsonWebKey;
  let publicKey: string;
  try {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey;
    publicKey = publicKeyOfJwk(privateJwk);
  } catch (error) {
    throw new Error(`${RELEASE_KEY_ENV}=${file}: not a usable private key (${error instanceof Error ? error.message : String(error)})`);
  }
  if (publicKey === TEST_BUNDLED_FEED_KEY) throw new Error(`${RELEASE_KEY_ENV}=${file} is the committed TEST-ONLY key: anyone can sign with it, so a release build refuses it`);
  return { privateJwk, publicKey };
}

/** The bundled feed file signed with the release key: the same feed bytes and header dates, checked first against the TEST key. */
export async function releaseSignedFeed(testSignedText: string, key: ReleaseKey, now: number): Promise<string> {
  const document = await readFeedDocument(testSignedText);
  await verifyFeedDocument(document, { bundled: true, anchors: [TEST_BUNDLED_FEED_KEY], now });
  const { issuedAt, expiresAt } = document.signed!.header.value;
  return signFeedText(document.text, [key.privateJwk], { urls: [], feedId: BUNDLED_FEED_ID, issuedAt, expiresAt });
}
