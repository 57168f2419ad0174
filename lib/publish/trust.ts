// How `validate` and `lookup` judge a feed as Signpost would (docs/trust-model.md §1): which keys
// check its signature, whether it is the feed shipped inside Signpost, and how far each claim counts.
import { resolve } from 'node:path';
import { BUNDLED_FEED_KEYS } from '../feed/bundled-key';
import { publicKeyBytes } from '../feed/keys';
import { readFeedDocument, type FeedDocument } from '../feed/signature';
import { verifyFeedDocument, type Verification } from '../feed/verify';
import type { ClaimAuthority } from '../trust/authority';
import { SyncError } from '../sync/errors';
import type { FeedSource } from './source';

/** How one feed is checked: against which keys, and whether it is judged as the bundled feed. */
export interface Judging {
  keys: readonly string[];
  bundled: boolean;
  /** A downloaded feed's address, which its signed header must name. */
  url?: string;
}

/**
 * The bundled feed (public/feeds/default.json) is checked against Signpost's own keys, as the
 * extension checks it, and only it may relay national bodies; `--key` checks every other feed.
 */
export function judgingOf(source: FeedSource, keys: readonly string[], bundledFeedPath: string | undefined): Judging {
  const bundled = source.kind === 'file' && bundledFeedPath !== undefined && resolve(source.path) === resolve(bundledFeedPath);
  return bundled ? { keys: BUNDLED_FEED_KEYS, bundled } : { keys, bundled, ...(source.kind === 'url' ? { url: source.url } : {}) };
}

/** Said when --key is given for the bundled feed alone: it would check nothing. */
export const KEY_NOT_FOR_BUNDLED = "--key checks feeds other than the bundled one, which is always checked against Signpost's own key";

/** Why the given public keys cannot be used, or null when they can. */
export function keysProblem(keys: readonly string[]): string | null {
  const bad = keys.find((key) => publicKeyBytes(key) === null);
  return bad === undefined ? null : `${bad}: not a public key; expected "ed25519:" followed by 44 base64 characters`;
}

/** A sync error's message in the command line's words: it keeps nothing from before, so "the previous copy" means nothing there. */
export function plainMessage(message: string): string {
  return message.replace(/ The previous copy is kept\.$/, '');
}

export type OpenedFeed = { ok: true; document: FeedDocument; verification: Verification } | { ok: false; message: string };

export interface OpenOptions extends Judging {
  now: number;
}

/** Opens a feed file (plain or signed) and checks it against the keys with sync's own verification. */
export async function openFeed(text: string, { keys, bundled, now, url }: OpenOptions): Promise<OpenedFeed> {
  try {
    const document = await readFeedDocument(text);
    const { verification } = await verifyFeedDocument(document, { anchors: keys, bundled, now, ...(url ? { url } : {}) });
    return { ok: true, document, verification };
  } catch (error) {
    if (error instanceof SyncError) return { ok: false, message: plainMessage(error.message) };
    throw error;
  }
}

/** How a feed was checked, in a few words: "not signed", "signed with key 99a5…, not checked (give --key)". */
export function verificationInWords(verification: Verification, bundled: boolean): string {
  switch (verification.status) {
    case 'unsigned':
      return 'not signed, so its claims are reported only';
    case 'signed-unpinned':
      return `signed with key ${verification.keyIds.join(', ')}, not checked (give --key with the publisher's public key), so its claims are reported only`;
    case 'verified':
      return bundled
        ? `the feed bundled with Signpost, signature checked against Signpost's own key ${verification.keyId}`
        : `signature checked against key ${verification.keyId}; its claims count only where Signpost's trust root, or NHS IT's policy, names that key`;
  }
}

/** "issuer", "relayed" or "reported only": the level a claim stands at. */
export function levelInWords(authority: ClaimAuthority): string {
  return authority.level === 'reported' ? 'reported only' : authority.level;
}
