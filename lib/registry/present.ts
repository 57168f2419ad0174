import type { IssuerKind } from '../feed/vocabulary';
import type { NoteSubject } from '../notes/schema';
import type { Claim, Product } from './types';
import type { FeedSummary } from './types';

// How the card orders what it shows. Pure, so component tests and the CLI agree.

export type ClaimGroup = 'nice' | 'charity' | 'local' | 'other' | 'reported';

export const CLAIM_GROUP_TITLES: Record<ClaimGroup, string> = {
  nice: 'NICE',
  charity: 'Charities',
  local: 'Local networks',
  other: 'Other (NHS programmes, regulators and others)',
  reported: 'Reported by feeds, not checked against the issuer',
};

const GROUP_OF: Record<IssuerKind, ClaimGroup> = {
  nice: 'nice',
  charity: 'charity',
  'local-network': 'local',
  'nhs-programme': 'other',
  regulator: 'other',
  other: 'other',
};

/**
 * Claims by group, newest decision first; undated claims last. Empty groups are left out. A claim
 * sits under NICE (or any authority's group) only when the trust root lets its feed speak for that
 * authority; a feed's own `issuerKind` is a label, never a credential.
 */
export function groupClaims<C extends Claim>(claims: readonly C[]): [ClaimGroup, C[]][] {
  const groups = new Map<ClaimGroup, C[]>();
  for (const claim of claims) {
    const group = claim.authority.level === 'reported' ? 'reported' : GROUP_OF[claim.issuerKind];
    groups.set(group, [...(groups.get(group) ?? []), claim]);
  }
  const order: ClaimGroup[] = ['nice', 'charity', 'local', 'other', 'reported'];
  const byDate = (a: Claim, b: Claim) => dateRank(b.decisionDate).localeCompare(dateRank(a.decisionDate));
  return order.filter((group) => groups.has(group)).map((group) => [group, [...groups.get(group)!].sort(byDate)]);
}

function dateRank(date: string): string {
  return date === 'unknown' ? '' : date;
}

/** "NICE HTE8" or "NICE MTG70, Example ICB +1": who stands behind a verdict, in a few words. */
export function whoSaidIt(claims: readonly Claim[], limit = 2): string {
  const names = [
    ...new Set(
      claims.map((claim) => {
        const who = claim.authority.authority?.name ?? `${claim.issuer} (reported)`;
        return claim.guidanceCode ? `${who} ${claim.guidanceCode}` : who;
      }),
    ),
  ];
  const shown = names.slice(0, limit).join(', ');
  return names.length > limit ? `${shown} +${names.length - limit}` : shown;
}

/** Where a clinician can see the tool itself: its store pages or website. */
export function productLinks(product: Product): { label: string; url: string }[] {
  const { apple = [], googlePlay = [], web = [] } = product.identifiers;
  return [
    ...apple.map((id) => ({ label: 'App Store', url: `https://apps.apple.com/gb/app/id${id}` })),
    ...googlePlay.map((id) => ({ label: 'Google Play', url: `https://play.google.com/store/apps/details?id=${encodeURIComponent(id)}` })),
    // Only https: these links reach patients (text, QR code, handout).
    ...web.filter((site) => site.origin.startsWith('https://')).map((site) => ({ label: 'Website', url: `${site.origin}${site.pathPrefix ?? '/'}` })),
  ];
}

/** What a peer note on this product attaches to: its name and every identifier it is known by. */
export function noteSubjectOf(product: Product): NoteSubject {
  return { toolName: product.name, identifiers: product.identifiers };
}

/** The feeds that carry a product's records: whose data stands behind what is shown about it. */
export function feedsBehind(product: Product, feeds: readonly FeedSummary[]): FeedSummary[] {
  return feeds.filter((feed) => product.records.some((record) => record.feedUrl === feed.url));
}
