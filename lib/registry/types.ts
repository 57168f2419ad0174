import type { Endorsement, Fact, FeedPublisher, Identifiers, Tool } from '../feed/schema';

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
}

export interface Provenance {
  feedUrl: string;
  feedPublisher: string;
}

/** An endorsement with the feed that carried it, so disagreements stay side by side. */
export type Claim = Endorsement & Provenance;
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
  facts: SourcedFact[];
  records: { feedUrl: string; toolId: string }[];
}
