import type { Identifiers } from '../feed/schema';
import type { PublisherKind } from '../feed/vocabulary';
import { productKeys } from '../lookup/keys';
import { assessClaim, feedTier } from '../trust/authority';
import type { TrustRoot } from '../trust/trust-root';
import type { Claim, FeedSummary, Product, RefusedClaim, ToolRecord } from './types';

// Among feeds equally trusted (feedTier), which names a product when they disagree: by publisher kind.
const PUBLISHER_PRIORITY: Record<PublisherKind, number> = {
  nice: 0,
  'nhs-programme': 1,
  charity: 2,
  'local-network': 3,
  other: 4,
  'peer-team': 5,
};

function uniq<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

function mergeIdentifiers(all: Identifiers[]): Identifiers {
  const web = new Map<string, NonNullable<Identifiers['web']>[number]>();
  for (const identifiers of all) for (const item of identifiers.web ?? []) web.set(`${item.origin}${item.pathPrefix ?? ''}`, item);
  return {
    apple: uniq(all.flatMap((i) => i.apple ?? [])),
    googlePlay: uniq(all.flatMap((i) => i.googlePlay ?? [])),
    web: [...web.values()],
  };
}

/** Groups records that share a product key (union-find), so one product is one card. */
function groupByIdentity(records: readonly ToolRecord[]): ToolRecord[][] {
  const parent = records.map((_, index) => index);
  const find = (index: number): number => {
    while (parent[index] !== index) index = parent[index] = parent[parent[index]!]!;
    return index;
  };
  const ownerOfKey = new Map<string, number>();
  records.forEach((record, index) => {
    for (const key of productKeys(record.tool.identifiers)) {
      const owner = ownerOfKey.get(key);
      if (owner === undefined) ownerOfKey.set(key, index);
      // Within one feed, two tool ids are two products by the publisher's own word.
      else if (records[owner]!.feedUrl !== record.feedUrl) parent[find(index)] = find(owner);
    }
  });
  const groups = new Map<number, ToolRecord[]>();
  records.forEach((record, index) => {
    const root = find(index);
    groups.set(root, [...(groups.get(root) ?? []), record]);
  });
  return [...groups.values()];
}

/**
 * One product per group of records that share a product key. Its name, identifiers, conditions
 * and links come only from the records of the most trusted feeds present (feedTier): a lower-trust
 * feed adds claims of its own, assessed at their level, never identity (docs/trust-model.md §2).
 */
export function mergeRecords(records: readonly ToolRecord[], feeds: ReadonlyMap<string, FeedSummary>, root: TrustRoot): Product[] {
  const tier = (record: ToolRecord) => {
    const feed = feeds.get(record.feedUrl);
    return feed ? feedTier(feed, root) : -1;
  };
  const priority = (record: ToolRecord) => {
    const kind = feeds.get(record.feedUrl)?.publisher.kind;
    return kind ? PUBLISHER_PRIORITY[kind] : Number.MAX_SAFE_INTEGER;
  };
  return groupByIdentity(records).map((group) => {
    const ordered = [...group].sort((a, b) => tier(b) - tier(a) || priority(a) - priority(b) || a.id.localeCompare(b.id));
    const defining = ordered.filter((record) => tier(record) === tier(ordered[0]!));
    const lead = defining[0]!.tool;
    const claims: Claim[] = [];
    const refusedClaims: RefusedClaim[] = [];
    for (const record of ordered) {
      const feed = feeds.get(record.feedUrl);
      const feedPublisher = feed?.publisher.name ?? record.feedUrl;
      for (const endorsement of record.tool.endorsements) {
        const assessed = feed ? assessClaim(endorsement, feed, root) : ({ refused: true, reason: 'its feed is not subscribed' } as const);
        if (assessed.refused) refusedClaims.push({ issuer: endorsement.issuer, feedPublisher, reason: assessed.reason });
        else claims.push({ ...endorsement, feedUrl: record.feedUrl, feedPublisher, authority: assessed.authority });
      }
    }
    return {
      name: lead.name,
      otherNames: uniq(ordered.map((r) => r.tool.name)).filter((name) => name !== lead.name),
      publisher: defining.map((r) => r.tool.publisher).find((p): p is string => typeof p === 'string') ?? null,
      identifiers: mergeIdentifiers(defining.map((r) => r.tool.identifiers)),
      conditions: uniq(defining.flatMap((r) => r.tool.conditions)),
      claims,
      refusedClaims,
      facts: ordered.flatMap((r) => r.tool.facts.map((f) => ({ ...f, feedUrl: r.feedUrl, feedPublisher: feeds.get(r.feedUrl)?.publisher.name ?? r.feedUrl }))),
      records: ordered.map((r) => ({ feedUrl: r.feedUrl, toolId: r.tool.id })),
    };
  });
}
