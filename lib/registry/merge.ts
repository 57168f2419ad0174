import type { Identifiers } from '../feed/schema';
import type { PublisherKind } from '../feed/vocabulary';
import { productKeys } from '../lookup/keys';
import type { FeedSummary, Product, ToolRecord } from './types';

// Which feed names a product when feeds disagree on its name: the most authoritative publisher.
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

export function mergeRecords(records: readonly ToolRecord[], feeds: ReadonlyMap<string, FeedSummary>): Product[] {
  const priority = (record: ToolRecord) => {
    const kind = feeds.get(record.feedUrl)?.publisher.kind;
    return kind ? PUBLISHER_PRIORITY[kind] : Number.MAX_SAFE_INTEGER;
  };
  return groupByIdentity(records).map((group) => {
    const ordered = [...group].sort((a, b) => priority(a) - priority(b) || a.id.localeCompare(b.id));
    const lead = ordered[0]!.tool;
    const provenance = (record: ToolRecord) => ({
      feedUrl: record.feedUrl,
      feedPublisher: feeds.get(record.feedUrl)?.publisher.name ?? record.feedUrl,
    });
    return {
      name: lead.name,
      otherNames: uniq(ordered.map((r) => r.tool.name)).filter((name) => name !== lead.name),
      publisher: ordered.map((r) => r.tool.publisher).find((p): p is string => typeof p === 'string') ?? null,
      identifiers: mergeIdentifiers(ordered.map((r) => r.tool.identifiers)),
      conditions: uniq(ordered.flatMap((r) => r.tool.conditions)),
      claims: ordered.flatMap((r) => r.tool.endorsements.map((e) => ({ ...e, ...provenance(r) }))),
      facts: ordered.flatMap((r) => r.tool.facts.map((f) => ({ ...f, ...provenance(r) }))),
      records: ordered.map((r) => ({ feedUrl: r.feedUrl, toolId: r.tool.id })),
    };
  });
}
