// `keygen`, `sign`, `rotate` and `verify`: the publisher's side of signed feeds (feed protocol v2,
// docs/threat-model.md), with the same code the extension uses to read and check them.
import { generateKeyPair, keyIdOf, publicKeyOfJwk } from '../feed/keys';
import { MAX_VALIDITY_DAYS, readFeedDocument, readRotationFile, rotationText, signFeedText, type FeedHeader } from '../feed/signature';
import { SyncError } from '../sync/errors';
import { feedUrlProblem } from '../sync/feed-url';
import { parseJson, type Report } from './report';
import { keysProblem, openFeed, type Judging } from './trust';

const DAY_MS = 86_400_000;
/** A month: re-signing monthly keeps a frozen host's copy from looking current for long (threat model T3). */
export const DEFAULT_VALIDITY_DAYS = 30;

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

export interface NamedKey {
  file: string;
  text: string;
}

/** Private keys read from their files, or the first problem with one of them. */
function privateJwks(keys: readonly NamedKey[]): JsonWebKey[] | string {
  const jwks: JsonWebKey[] = [];
  for (const { file, text } of keys) {
    const json = parseJson(text);
    if (!json.ok) return `${file}: not a key file (not JSON)`;
    try {
      publicKeyOfJwk(json.value as JsonWebKey);
    } catch (error) {
      return `${file}: ${error instanceof Error ? error.message : String(error)}`;
    }
    jwks.push(json.value as JsonWebKey);
  }
  return jwks;
}

const refuse = (line: string) => ({ ok: false as const, report: { exitCode: 1 as const, lines: [line] } });

export interface SignOptions {
  keys: readonly NamedKey[];
  /** Where the feed will be published: a copy fetched from any other address is refused. */
  urls: readonly string[];
  feedId?: string;
  now: number;
  validityDays?: number;
  rotations?: readonly NamedKey[];
}

/** Signs a feed file's exact bytes with a header naming it. Refuses a file that is already signed, is not a feed, or options Signpost would refuse. */
export async function signFeed(feedFile: string, feedText: string, options: SignOptions): Promise<{ ok: true; text: string; report: Report } | { ok: false; report: Report }> {
  const jwks = privateJwks(options.keys);
  if (typeof jwks === 'string') return refuse(jwks);
  if (jwks.length === 0) return refuse('give at least one --key PRIVATE-KEY-FILE');
  const validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
  if (!Number.isInteger(validityDays) || validityDays < 1 || validityDays > MAX_VALIDITY_DAYS) return refuse(`--expires-in must be a whole number of days from 1 to ${MAX_VALIDITY_DAYS}`);
  if (options.urls.length === 0) return refuse('give --url with the https:// address the feed will be published at (repeat for each address)');
  const badUrl = options.urls.find((url) => feedUrlProblem(url) !== null);
  if (badUrl !== undefined) return refuse(`--url ${badUrl}: ${feedUrlProblem(badUrl)}`);
  const rotations: string[] = [];
  for (const rotation of options.rotations ?? []) {
    const read = readRotationFile(rotation.text);
    if (!read.ok) return refuse(`${rotation.file}: ${read.problem}`);
    rotations.push(read.text);
  }
  let feed: { publisher?: { id?: unknown } };
  try {
    if ((await readFeedDocument(feedText)).signed) return refuse(`${feedFile}: already signed; sign the feed file itself`);
    feed = JSON.parse(feedText) as typeof feed;
  } catch (error) {
    if (error instanceof SyncError) return refuse(`${feedFile}: ${error.message}`);
    throw error;
  }
  const feedId = options.feedId ?? (typeof feed.publisher?.id === 'string' ? feed.publisher.id : undefined);
  if (!feedId) return refuse(`${feedFile}: the feed has no publisher id; give --feed-id`);
  const issuedAt = new Date(options.now).toISOString().replace(/\.\d+Z$/, 'Z');
  const expiresAt = new Date(options.now + validityDays * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  let text: string;
  try {
    text = await signFeedText(feedText, jwks, { urls: options.urls, feedId, issuedAt, expiresAt, rotations });
  } catch (error) {
    // The header's own schema (a feed id in the wrong form, a sequence that is not a whole number).
    return refuse(`${feedFile}: cannot be signed: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
  }
  const keyIds = await Promise.all(jwks.map((jwk) => keyIdOf(publicKeyOfJwk(jwk))));
  return {
    ok: true,
    text,
    report: { exitCode: 0, lines: [`signed ${feedFile} with key ${keyIds.join(', ')} as feed "${feedId}" for ${options.urls.join(', ')}`, `valid until ${expiresAt}: sign it again before then, or subscribers will see it as out of date`] },
  };
}

/** A key rotation statement signed by one old key and every new one (threat model T7). */
export async function rotateKeys(feedId: string, from: readonly NamedKey[], to: readonly NamedKey[], now: number): Promise<{ ok: true; text: string; report: Report } | { ok: false; report: Report }> {
  const [fromJwks, toJwks] = [privateJwks(from), privateJwks(to)];
  if (typeof fromJwks === 'string') return refuse(fromJwks);
  if (typeof toJwks === 'string') return refuse(toJwks);
  if (fromJwks.length === 0 || toJwks.length === 0) return refuse('give --from with the current private key and --to with each new one');
  try {
    const text = await rotationText(feedId, fromJwks, toJwks, new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'));
    const ids = async (jwks: JsonWebKey[]) => (await Promise.all(jwks.map((jwk) => keyIdOf(publicKeyOfJwk(jwk))))).join(', ');
    return {
      ok: true,
      text,
      report: {
        exitCode: 0,
        lines: [
          `key rotation for feed "${feedId}": from ${await ids(fromJwks)} to ${await ids(toJwks)}`,
          'give this file to every later `sign` with --rotation (keep it for good: a subscriber many rotations behind needs each one), and sign with the new key from now on',
        ],
      },
    };
  } catch (error) {
    return refuse(`cannot write the rotation: ${error instanceof Error ? error.message.slice(0, 300) : String(error)}`);
  }
}

function headerLines(file: string, header: FeedHeader, rotations: number): string[] {
  return [
    `${file}: feed "${header.feedId}" of publisher "${header.publisherId}", sequence ${header.sequence}`,
    `${file}: issued ${header.issuedAt}, valid until ${header.expiresAt}`,
    `${file}: published at ${header.urls.join(', ') || '(the feed bundled with Signpost)'}`,
    ...(rotations ? [`${file}: carries ${rotations} key rotation statement${rotations === 1 ? '' : 's'}`] : []),
  ];
}

/** Exit 0 only when the file is signed through one of the given public keys; otherwise says why not. */
export async function verifyFeed(file: string, text: string, judging: Judging, now: number): Promise<Report> {
  // No key at all is reported like a bad one, so the message says what a key looks like.
  const problem = keysProblem(judging.keys.length ? judging.keys : ['(none given)']);
  if (problem) return { exitCode: 1, lines: [problem] };
  const opened = await openFeed(text, { ...judging, now });
  if (!opened.ok) return { exitCode: 1, lines: [`${file}: not valid: ${opened.message}`] };
  const { verification, document } = opened;
  if (verification.status !== 'verified' || !document.signed) return { exitCode: 1, lines: [`${file}: not valid: not signed`] };
  const expired = Date.parse(document.signed.header.value.expiresAt) < now;
  return {
    exitCode: expired ? 1 : 0,
    lines: [
      `${file}: valid signature by key ${verification.keyId}${verification.anchorKey && verification.anchorKey !== verification.key ? `, reached by key rotation from ${await keyIdOf(verification.anchorKey)}` : ''}`,
      ...headerLines(file, document.signed.header.value, document.signed.rotations.length),
      ...(expired ? [`${file}: expired: Signpost shows its data as out of date; sign it again`] : []),
    ],
  };
}
