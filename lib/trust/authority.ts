import type { Endorsement } from '../feed/schema';
import type { FeedSummary } from '../registry/types';
import { imitatesName, nameProblem, sameName } from './names';
import type { Authority, AuthorityScope, TrustRoot } from './trust-root';

// Who a claim speaks for, decided from the key that verified its feed and the trust root, never
// from the names the feed writes. See docs/trust-model.md §1. Pure.

export type TrustLevel = 'issuer' | 'relayed' | 'reported';

export interface ClaimAuthority {
  level: TrustLevel;
  /** Set for levels issuer and relayed: the authority the claim counts for, by Signpost's own name for it. */
  authority?: { id: string; name: string; scope: AuthorityScope };
  /** For relayed claims: who compiled it from the authority's own pages. */
  curator?: string;
}

export type ClaimAssessment = { refused: false; authority: ClaimAuthority } | { refused: true; reason: string };

/** Levels that may decide the verdict, the badge and the patient text. */
export const isAuthorised = (authority: ClaimAuthority) => authority.level !== 'reported';

function httpsHost(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.hostname.toLowerCase() : null;
  } catch {
    return null;
  }
}

function authorityNamed(root: TrustRoot, issuer: string): Authority | undefined {
  return root.authorities.find((authority) => authority.aliases.some((alias) => sameName(issuer, alias)));
}

function authorityImitated(root: TrustRoot, issuer: string): Authority | undefined {
  return root.authorities.find((authority) => [authority.name, ...authority.aliases].some((alias) => imitatesName(issuer, alias)));
}

const relayFor = (authority: Authority, feed: FeedSummary) =>
  feed.verifiedKey === undefined ? undefined : authority.relays.find((relay) => relay.key === feed.verifiedKey && (!relay.bundledOnly || feed.bundled === true));

/** Which level one claim stands at, or why it is refused outright (shown nowhere but the refusal). */
export function assessClaim(claim: Pick<Endorsement, 'issuer' | 'sourceType' | 'sourceUrl'>, feed: FeedSummary, root: TrustRoot): ClaimAssessment {
  const problem = nameProblem(claim.issuer);
  if (problem) return { refused: true, reason: `the issuer name ${problem}` };
  const named = authorityNamed(root, claim.issuer);
  if (!named) {
    const imitated = authorityImitated(root, claim.issuer);
    if (imitated) return { refused: true, reason: `"${claim.issuer}" reads like ${imitated.name} but is not its name` };
  }
  if (feed.teamOnly && (named || !sameName(claim.issuer, feed.publisher.name))) {
    return { refused: true, reason: `a team feed or imported file speaks only for itself (${feed.publisher.name}), not for "${claim.issuer}"` };
  }
  const reported: ClaimAssessment = { refused: false, authority: { level: 'reported' } };
  if (!named || feed.teamOnly || feed.verifiedKey === undefined) return reported;
  const who = { id: named.id, name: named.name, scope: named.scope };
  if (named.issuerKeys.includes(feed.verifiedKey)) return { refused: false, authority: { level: 'issuer', authority: who } };
  const relay = relayFor(named, feed);
  const host = httpsHost(claim.sourceUrl);
  if (relay && claim.sourceType === 'primary' && host !== null && named.sourceHosts.includes(host)) {
    return { refused: false, authority: { level: 'relayed', authority: who, curator: relay.curator } };
  }
  return reported;
}

/**
 * How far a feed is trusted to say what a product is (its name, identifiers, links): 3 when the
 * trust root lets its key speak for some authority, 2 when verified against a key NHS IT's policy
 * pins, 1 when verified against a key the user pinned, 0 otherwise.
 */
export function feedTier(feed: FeedSummary, root: TrustRoot): number {
  if (feed.verifiedKey === undefined || feed.teamOnly) return 0;
  if (root.authorities.some((authority) => authority.issuerKeys.includes(feed.verifiedKey!) || relayFor(authority, feed))) return 3;
  return feed.policyPinned ? 2 : 1;
}
