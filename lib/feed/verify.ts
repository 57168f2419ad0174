import { SyncError } from '../sync/errors';
import { keyIdOf, signatureVerifies } from './keys';
import { BUNDLED_FEED_ID, MAX_VALIDITY_DAYS, type Signed, type RotationStatement, type Verifiable } from './signature';

// The one place a downloaded feed is believed or refused (docs/threat-model.md): signatures,
// key rotation, the header's name for the feed, its validity and the sequence floor. Sync, the
// settings page's preview and the publisher CLI all come through here.

const DAY_MS = 86_400_000;
/** A header dated this far ahead of the clock is refused: a wrong clock is more likely than a feed from the future, but either way it cannot be trusted. */
const CLOCK_SKEW_MS = DAY_MS;
/** A sequence may grow by at most this much in one step (date-style sequences such as 2026120201 grow by under 10⁷ a year). */
export const MAX_SEQUENCE_STEP = 1_000_000_000;

/** Where a feed's anchor keys come from: they start every chain of trust. */
export type AnchorSource = 'bundled' | 'policy' | 'subscription';

/** How a stored copy was checked. `anchorKey` decides what the feed may speak for (trust-model.md). */
export type Verification =
  | { status: 'unsigned'; sha256?: string }
  | { status: 'signed-unpinned'; keyIds: string[]; sha256?: string; feedId?: string }
  | { status: 'verified'; keyId: string; key: string; anchorKey?: string; via?: AnchorSource; sha256?: string; feedId?: string; expiresAt?: string };

/** The newest copy accepted for an address: later copies may not go below it. */
export interface Floor {
  sequence: number;
  /** The payload's SHA-256; absent for copies stored before feed protocol v2. */
  sha256?: string;
  /** Whether that copy was verified against anchor keys: an unverified floor never binds a verified copy. */
  verified: boolean;
}

/** What Signpost remembers about one feed address, kept when the feed is removed (threat model T2). */
export interface FeedTrustState {
  url: string;
  feedId?: string;
  /** The anchor keys in force when this state was last written; other anchors now mean someone re-keyed. */
  anchors: string[];
  /** The keys trusted now: the anchors, moved on by rotations. */
  trustedKeys: string[];
  /** For each trusted key, the anchor its chain started from. */
  anchorOf: Record<string, string>;
  retiredKeyIds: string[];
  floor?: Floor;
  updatedAt: number;
}

export interface TrustContext {
  /** The normalised address the copy came from; undefined for a file on disk (the publisher CLI), which no address binds. */
  url?: string;
  bundled: boolean;
  anchors: readonly string[];
  via?: AnchorSource;
  state?: FeedTrustState;
  now: number;
}

export interface Verified {
  verification: Verification;
  state: FeedTrustState;
  /** The same bytes as the stored copy: nothing to store. */
  unchanged: boolean;
}

const refused = (message: string) => new SyncError('bad-signature', `${message} The previous copy is kept.`);

interface Keys {
  trusted: string[];
  anchorOf: Record<string, string>;
  retired: Set<string>;
  rotated: boolean;
}

/** The keys trusted before this file: the stored ones, unless the anchors were changed since (IT or the clinician re-keyed). */
async function startingKeys(context: TrustContext): Promise<Keys> {
  const { state, anchors } = context;
  const retired = new Set(state?.retiredKeyIds ?? []);
  const sameAnchors = state !== undefined && sameSet(state.anchors, anchors);
  const trusted = sameAnchors ? state.trustedKeys : [...anchors];
  const anchorOf = sameAnchors ? { ...state.anchorOf } : Object.fromEntries(anchors.map((key) => [key, key]));
  const live = [];
  for (const key of trusted) if (!retired.has(await keyIdOf(key))) live.push(key);
  return { trusted: live, anchorOf, retired, rotated: false };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item) => b.includes(item));

async function signedBy(statement: Signed<unknown>, key: string): Promise<boolean> {
  const keyId = await keyIdOf(key);
  for (const signature of statement.signatures) {
    if (signature.keyId === keyId && (await signatureVerifies(key, signature, statement.bytes))) return true;
  }
  return false;
}

/**
 * Walks the rotation statements that chain from a trusted key (TUF root chaining): each must name
 * this feed, be signed by a trusted key it retires and by every key it adds. Statements already
 * applied, or for other keys, are passed over; a statement that claims a trusted key but is not
 * properly signed refuses the file.
 */
async function applyRotations(keys: Keys, rotations: readonly Signed<RotationStatement>[], feedId: string): Promise<Keys> {
  let { trusted, anchorOf, rotated } = keys;
  const retired = new Set(keys.retired);
  for (const rotation of rotations) {
    const { value } = rotation;
    const fromTrusted = value.from.filter((key) => trusted.includes(key));
    if (fromTrusted.length === 0) continue;
    if (value.feedId !== feedId) throw refused(`A key rotation statement in the feed is for another feed ("${value.feedId}").`);
    let authorised = false;
    for (const key of fromTrusted) if (await signedBy(rotation, key)) authorised = true;
    if (!authorised) throw refused('A key rotation statement in the feed is not signed by the key it retires.');
    for (const key of value.to) {
      if (retired.has(await keyIdOf(key))) throw refused('A key rotation statement brings back a key that was retired.');
      if (!(await signedBy(rotation, key))) throw refused('A key rotation statement is not signed by the new key it adds.');
    }
    const anchor = anchorOf[fromTrusted[0]!]!;
    for (const key of value.from) if (!value.to.includes(key)) retired.add(await keyIdOf(key));
    trusted = [...value.to];
    anchorOf = Object.fromEntries(value.to.map((key) => [key, anchor]));
    rotated = true;
  }
  return { trusted, anchorOf, retired, rotated };
}

function checkNames(document: Verifiable, context: TrustContext): void {
  const header = document.signed!.header.value;
  if (context.bundled !== (header.feedId === BUNDLED_FEED_ID)) {
    throw refused(context.bundled ? 'The bundled feed does not carry the bundled feed id.' : 'This file is the feed bundled with Signpost, which is not accepted from any other address.');
  }
  if (!context.bundled && context.url !== undefined && !header.urls.some((url) => sameAddress(url, context.url!))) {
    throw refused(`The feed is signed for other addresses (${header.urls.slice(0, 3).join(', ') || 'none'}), not for this one: it may be another feed served in its place.`);
  }
  if (context.state?.feedId && context.state.feedId !== header.feedId) {
    throw refused(`This address used to serve the feed "${context.state.feedId}" and now serves "${header.feedId}".`);
  }
}

function sameAddress(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

function checkValidity(document: Verifiable, now: number): void {
  const { issuedAt, expiresAt } = document.signed!.header.value;
  const issued = Date.parse(issuedAt);
  const expires = Date.parse(expiresAt);
  if (issued > now + CLOCK_SKEW_MS) throw refused(`The feed says it was issued on ${issuedAt}, in the future: check this computer's clock.`);
  if (expires <= issued) throw refused('The feed expires before it was issued.');
  if (expires - issued > MAX_VALIDITY_DAYS * DAY_MS) throw refused(`The feed says it stays valid for more than ${MAX_VALIDITY_DAYS} days; Signpost accepts at most ${MAX_VALIDITY_DAYS}.`);
}

/** The sequence rules (threat model T2, T4, T6). Returns whether the copy is the one already held. */
function checkFloor(sequence: number, sha256: string, floor: Floor | undefined): boolean {
  if (!floor) return false;
  if (sequence < floor.sequence) {
    throw new SyncError('older-sequence', `The feed is older than the copy already accepted on this computer (sequence ${sequence}, we have ${floor.sequence}). The newer copy is kept.`);
  }
  if (sequence === floor.sequence) {
    if (floor.sha256 === undefined || floor.sha256 === sha256) return floor.sha256 === sha256;
    throw new SyncError('same-sequence-changed', `The feed changed without a new sequence number (still ${sequence}): Signpost does not accept silent changes. Ask the publisher to publish it with a higher sequence. The previous copy is kept.`);
  }
  if (sequence - floor.sequence > MAX_SEQUENCE_STEP) {
    throw new SyncError('sequence-jump', `The feed's sequence jumped from ${floor.sequence} to ${sequence}, more than Signpost accepts in one step: a sign of a stolen key. The previous copy is kept.`);
  }
  return false;
}

function rawSequence(json: unknown): number | null {
  const sequence = (json as { sequence?: unknown } | null)?.sequence;
  return typeof sequence === 'number' && Number.isSafeInteger(sequence) ? sequence : null;
}

/**
 * Believes or refuses one downloaded copy (throws a SyncError with a plain-English message).
 * With anchor keys only a copy signed through them is accepted; without, the copy is read as
 * unsigned and its claims are reported only (trust-model.md).
 */
export async function verifyFeedDocument(document: Verifiable, context: TrustContext): Promise<Verified> {
  const { state, now } = context;
  const base = { url: context.url ?? '', anchors: [...context.anchors], updatedAt: now };
  if (context.anchors.length === 0 || !document.signed) {
    if (context.anchors.length > 0) throw refused('This feed must be signed by its publisher (a key is pinned for it), but the file is not signed.');
    const sequence = rawSequence(document.json);
    const unchanged = sequence === null ? false : checkFloor(sequence, document.sha256, state?.floor);
    const header = document.signed?.header.value;
    // Recorded as unverified: once a key is pinned, this floor does not bind the first verified copy.
    const verification: Verification = header
      ? { status: 'signed-unpinned', keyIds: header.keyIds, sha256: document.sha256, feedId: header.feedId }
      : { status: 'unsigned', sha256: document.sha256 };
    return {
      verification,
      state: { ...base, trustedKeys: [], anchorOf: {}, retiredKeyIds: state?.retiredKeyIds ?? [], ...(state?.feedId ? { feedId: state.feedId } : {}), ...(sequence === null ? {} : { floor: { sequence, sha256: document.sha256, verified: false } }) },
      unchanged,
    };
  }

  const { header, rotations } = document.signed;
  const keys = await applyRotations(await startingKeys(context), rotations, header.value.feedId);
  let signer: string | undefined;
  for (const key of keys.trusted) {
    if (header.value.keyIds.includes(await keyIdOf(key)) && (await signedBy(header, key))) {
      signer = key;
      break;
    }
  }
  if (!signer) {
    throw refused("This feed's signature does not match the publisher's key you pinned: it may have been changed by someone else.");
  }
  checkNames(document, context);
  checkValidity(document, now);
  // A rotation resets the floor (TUF 5.3.11): a stolen key's inflated sequence must not lock the new keys out.
  const floor = keys.rotated || !state?.floor?.verified ? undefined : state.floor;
  const unchanged = checkFloor(header.value.sequence, document.sha256, floor);
  return {
    verification: {
      status: 'verified',
      keyId: await keyIdOf(signer),
      key: signer,
      anchorKey: keys.anchorOf[signer] ?? signer,
      ...(context.via ? { via: context.via } : {}),
      sha256: document.sha256,
      feedId: header.value.feedId,
      expiresAt: header.value.expiresAt,
    },
    state: {
      ...base,
      feedId: header.value.feedId,
      trustedKeys: keys.trusted,
      anchorOf: keys.anchorOf,
      retiredKeyIds: [...keys.retired],
      floor: { sequence: header.value.sequence, sha256: document.sha256, verified: true },
    },
    unchanged,
  };
}

/** When a stored copy stops being current: the earlier of the feed's own expiry and its verified signed header's (threat model T3). */
export function boundExpiry(feedExpiresAt: string | undefined, verification: Verification | undefined): string | undefined {
  const signedExpiry = verification?.status === 'verified' ? verification.expiresAt : undefined;
  return [feedExpiresAt, signedExpiry].filter((date) => date !== undefined).sort((a, b) => Date.parse(a) - Date.parse(b))[0];
}

/**
 * Whether a stored copy still meets the trust in force: with anchor keys it must have been verified
 * through them, by a key not retired since. A copy that does not is never shown (threat model T9).
 */
export function meetsTrust(verification: Verification | undefined, anchors: readonly string[], state: FeedTrustState | undefined): boolean {
  if (anchors.length === 0) return true;
  if (verification?.status !== 'verified') return false;
  if (state?.retiredKeyIds.includes(verification.keyId)) return false;
  return anchors.includes(verification.anchorKey ?? verification.key);
}
