// Synthetic registry data for the benchmarks, generated at run time and plainly fictional:
// "Synthetic Tool 00042", Apple ids from 9900000000 up (above any id the App Store has issued),
// Play packages under test.synthetic, websites under example.test (reserved by RFC 2606).
import { CONDITIONS } from '@/lib/feed/conditions';
import type { Endorsement, Feed, Tool } from '@/lib/feed/schema';
import { ENDORSEMENT_STATUSES, ISSUER_KINDS } from '@/lib/feed/vocabulary';
import { feed } from '../helpers/feeds';

const APPLE_ID_BASE = 9_900_000_000;
const CONDITION_IDS = Object.keys(CONDITIONS);

const pad = (index: number) => String(index).padStart(5, '0');
export const syntheticAppleId = (index: number) => String(APPLE_ID_BASE + index);
export const syntheticPlayId = (index: number) => `test.synthetic.tool${pad(index)}`;
export const syntheticOrigin = (index: number) => `https://tool${pad(index)}.example.test`;

/**
 * Tool `index`. Identifiers rotate so that a quarter of the tools are known in both stores and on
 * the web, and a quarter each only by an Apple id, a Play package or a website; every status
 * and issuer kind occurs, so lookups meet every verdict (and the card's alternatives query).
 */
export function syntheticTool(index: number): Tool {
  const shape = index % 4;
  const endorsement: Endorsement = {
    issuer: `Synthetic Issuer ${index % 97} (test)`,
    issuerKind: ISSUER_KINDS[index % ISSUER_KINDS.length]!,
    status: ENDORSEMENT_STATUSES[index % ENDORSEMENT_STATUSES.length]!,
    decisionDate: `20${String(15 + (index % 11)).padStart(2, '0')}-0${1 + (index % 9)}`,
    sourceUrl: `https://registry.example.test/decisions/${pad(index)}`,
    sourceType: 'primary',
    quote: 'Synthetic benchmark record; no real assessment.',
  };
  return {
    id: `synthetic-tool-${pad(index)}`,
    name: `Synthetic Tool ${pad(index)}`,
    publisher: `Synthetic Publisher ${index % 500} (test)`,
    identifiers: {
      ...(shape === 0 || shape === 1 ? { apple: [syntheticAppleId(index)] } : {}),
      ...(shape === 0 || shape === 2 ? { googlePlay: [syntheticPlayId(index)] } : {}),
      ...(shape === 0 || shape === 3 ? { web: [{ origin: syntheticOrigin(index) }] } : {}),
    },
    conditions: [...new Set([CONDITION_IDS[index % CONDITION_IDS.length]!, CONDITION_IDS[(index * 7 + 3) % CONDITION_IDS.length]!])],
    endorsements: [endorsement],
    facts: [],
  };
}

export function syntheticFeed(size: number, sequence = 1): Feed {
  return feed({
    publisher: { id: `synthetic-bench-${size}`, name: `Synthetic Benchmark Registry, ${size} tools (test)`, kind: 'local-network' },
    sequence,
    tools: Array.from({ length: size }, (_, index) => syntheticTool(index)),
  });
}

/** The page URL that shows tool `index` in the store or on the web its identifiers name. */
function urlOfTool(index: number): string {
  switch (index % 4) {
    case 1:
      return `https://apps.apple.com/gb/app/synthetic-tool/id${syntheticAppleId(index)}`;
    case 2:
      return `https://play.google.com/store/apps/details?id=${syntheticPlayId(index)}&hl=en_GB`;
    case 3:
      return `${syntheticOrigin(index)}/about`;
    default:
      // The tools known everywhere are looked up by each of their three addresses in turn.
      return [
        `https://apps.apple.com/gb/app/synthetic-tool/id${syntheticAppleId(index)}`,
        `https://play.google.com/store/apps/details?id=${syntheticPlayId(index)}`,
        `${syntheticOrigin(index)}/`,
      ][Math.floor(index / 4) % 3]!;
  }
}

/**
 * `count` lookup URLs for a registry of `size` tools: three in four are hits spread over the
 * whole registry, one in four misses (ids beyond the registry, and unknown websites), in a fixed
 * pseudo-random order so every run asks the same questions.
 */
export function lookupUrlMix(size: number, count: number): string[] {
  let seed = 0x5eed;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed;
  };
  return Array.from({ length: count }, (_, n) => {
    const index = next() % size;
    if (n % 4 !== 3) return urlOfTool(index);
    const missing = size + index;
    return [
      `https://apps.apple.com/gb/app/unknown/id${syntheticAppleId(missing)}`,
      `https://play.google.com/store/apps/details?id=${syntheticPlayId(missing)}`,
      `https://unknown${pad(index)}.example.test/page`,
    ][index % 3]!;
  });
}
