// The closed vocabularies of the feed format, kept free of zod so that content scripts and
// UI code can import them without pulling the validator in.

export const FEED_FORMAT = 'signpost-feed';
/** v2 adds claim scope, validity and supersession, and staleAfterDays; v1 feeds are read as v2 without them. */
export const FEED_FORMAT_VERSION = 2;

/** Where a tool runs: a claim can be limited to some of them, and a page says which one it shows. */
export const PLATFORMS = ['ios', 'android', 'web'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const PUBLISHER_KINDS = ['nice', 'charity', 'local-network', 'nhs-programme', 'peer-team', 'other'] as const;
export type PublisherKind = (typeof PUBLISHER_KINDS)[number];

/** Who made a claim. `regulator` covers MHRA and similar; `other` covers ORCHA, SHTG, briefings. */
export const ISSUER_KINDS = ['nice', 'charity', 'local-network', 'nhs-programme', 'regulator', 'other'] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];

/**
 * What an issuer said, as a closed set. The order matters nowhere; strength is decided in verdict.ts.
 * - recommended: the issuer recommends routine use.
 * - conditional: may be used while more evidence is generated (NICE early value assessment wording).
 * - research-only: only in research (NICE "research only" / "more research recommended").
 * - listed: listed, commissioned or available; says nothing about effectiveness.
 * - no-recommendation: looked at, made no recommendation (e.g. NICE medtech innovation briefings).
 * - not-recommended: the issuer advises against it.
 * - withdrawn: withdrawn, superseded or no longer available through this issuer.
 */
export const ENDORSEMENT_STATUSES = [
  'recommended',
  'conditional',
  'research-only',
  'listed',
  'no-recommendation',
  'not-recommended',
  'withdrawn',
] as const;
export type EndorsementStatus = (typeof ENDORSEMENT_STATUSES)[number];

/** primary: the issuer's own page; secondary: a report of it; vendor-stated: the company's own claim. */
export const SOURCE_TYPES = ['primary', 'secondary', 'vendor-stated'] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const FACT_TOPICS = ['cost', 'platforms', 'accessibility', 'data-security', 'regulatory'] as const;
export type FactTopic = (typeof FACT_TOPICS)[number];

export const STATUS_LABELS: Record<EndorsementStatus, string> = {
  recommended: 'Recommended',
  conditional: 'Can be used while more evidence is generated',
  'research-only': 'Only in research',
  listed: 'Listed or available (not a recommendation)',
  'no-recommendation': 'Assessed, no recommendation made',
  'not-recommended': 'Not recommended',
  withdrawn: 'Withdrawn or no longer available',
};

export const PUBLISHER_KIND_LABELS: Record<PublisherKind, string> = {
  nice: 'NICE',
  charity: 'Charity',
  'local-network': 'Local NHS network',
  'nhs-programme': 'NHS programme',
  'peer-team': 'Peer team',
  other: 'Other publisher',
};

export const ISSUER_KIND_LABELS: Record<IssuerKind, string> = {
  nice: 'NICE',
  charity: 'Charity',
  'local-network': 'Local network',
  'nhs-programme': 'NHS programme',
  regulator: 'Regulator',
  other: 'Other',
};
