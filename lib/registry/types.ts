import type { Endorsement, Fact, FeedPublisher, Identifiers, Tool } from '../feed/schema';
import type { ClaimAuthority } from '../trust/authority';

/** One feed's record of one tool, as cached on the device. */
export interface ToolRecord {
  /** `${feedUrl} ${toolId}`: a feed's tool ids are unique, feed URLs contain no spaces. */
  id: string;
  feedUrl: string;
  tool: Tool;
  /** Identifier keys (apple:…, play:…, web:host): what a page's keys are matched against. */
  keys: string[];
}

/** What the UI needs to know about a feed to attribute a claim and judge its age. */
export interface FeedSummary {
  url: string;
  publisher: FeedPublisher;
  generatedAt: string;
  expiresAt?: string;
  /** Epoch ms of the last sync that stored or confirmed this feed's data. */
  lastSuccessAt: number;
  /** Set when the latest download was refused because its signature did not check out. */
  signatureRefused?: boolean;
  /** The public key that verified the stored copy; absent when it was not verified against a pinned key. */
  verifiedKey?: string;
  /** The feed shipped inside Signpost (the only feed the bundled curator key relays from). */
  bundled?: boolean;
  /** A team feed or an imported file: it speaks only for itself (docs/trust-model.md §1). */
  teamOnly?: boolean;
  /** Verified against a key NHS IT's policy pins for it. */
  policyPinned?: boolean;
  /** The publisher's own staleness period (feed format v2), days after generatedAt. */
  staleAfterDays?: number;
}

export interface Provenance {
  feedUrl: string;
  feedPublisher: string;
}

/** An endorsement with the feed that carried it and who it speaks for, so disagreements stay side by side. */
export type Claim = Endorsement & Provenance & { authority: ClaimAuthority };

/** A claim shown nowhere but here: an imitation of an authority's name, or a team feed speaking for another body. */
export interface RefusedClaim {
  issuer: string;
  feedPublisher: string;
  reason: string;
}
export type SourcedFact = Fact & Provenance;

/** One product, merged across every feed that knows it by a shared identifier. */
export interface Product {
  name: string;
  /** Names other feeds use for the same product, shown so a mismatch is visible. */
  otherNames: string[];
  publisher: string | null;
  identifiers: Identifiers;
  conditions: string[];
  claims: Claim[];
  refusedClaims: RefusedClaim[];
  facts: SourcedFact[];
  records: { feedUrl: string; toolId: string }[];
}
