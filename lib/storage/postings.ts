/**
 * A sorted term → positions list, stored as three flat arrays so IndexedDB clones it fast and a
 * reader needs no build step: a lookup is a binary search, a prefix is a range of terms.
 * Design note: a Map would have to be rebuilt from the stored rows on every worker start; sorted
 * arrays are used as they are read back.
 */
export interface Postings {
  /** Distinct terms in code-unit order. */
  terms: string[];
  /** Positions of terms[i] are positions[starts[i] .. starts[i + 1]). */
  starts: Uint32Array;
  positions: Uint32Array;
}

export const EMPTY_POSTINGS: Postings = { terms: [], starts: new Uint32Array([0]), positions: new Uint32Array(0) };

/**
 * Builds postings from (term, position) pairs added one by one (a feed streaming in, issue #15).
 * Design note: the pairs go into two growing typed arrays and each distinct term gets a number,
 * 8 bytes a pair; a Map of term → array of positions took 28 MB for the 1.3 million search words
 * of 100,000 tools, and the streamed sync's peak memory grows with what it holds.
 */
export class PostingsBuilder {
  private readonly numbers = new Map<string, number>();
  private readonly terms: string[] = [];
  private termOfPair: Uint32Array = new Uint32Array(1024);
  private positionOfPair: Uint32Array = new Uint32Array(1024);
  private pairs = 0;

  add(term: string, position: number): void {
    let number = this.numbers.get(term);
    if (number === undefined) {
      number = this.terms.length;
      this.numbers.set(term, number);
      this.terms.push(term);
    }
    if (this.pairs === this.termOfPair.length) {
      this.termOfPair = grow(this.termOfPair);
      this.positionOfPair = grow(this.positionOfPair);
    }
    this.termOfPair[this.pairs] = number;
    this.positionOfPair[this.pairs] = position;
    this.pairs += 1;
  }

  build(): Postings {
    const order = this.terms.map((_, number) => number).sort((a, b) => compareCodeUnits(this.terms[a]!, this.terms[b]!));
    const rank = new Uint32Array(this.terms.length);
    order.forEach((number, index) => (rank[number] = index));
    // Counting sort of the pairs by their term's rank: stable, so each term keeps its positions in
    // the order added. A position repeated for a term (a tool naming a word twice) is listed once.
    const last = new Int32Array(this.terms.length).fill(-1);
    const starts = new Uint32Array(this.terms.length + 1);
    for (let pair = 0; pair < this.pairs; pair++) {
      const index = rank[this.termOfPair[pair]!]!;
      if (last[index] === this.positionOfPair[pair]) continue;
      last[index] = this.positionOfPair[pair]!;
      starts[index + 1]! += 1;
    }
    for (let index = 0; index < this.terms.length; index++) starts[index + 1]! += starts[index]!;
    const next = starts.slice(0, this.terms.length);
    const positions = new Uint32Array(starts[this.terms.length]!);
    last.fill(-1);
    for (let pair = 0; pair < this.pairs; pair++) {
      const index = rank[this.termOfPair[pair]!]!;
      if (last[index] === this.positionOfPair[pair]) continue;
      last[index] = this.positionOfPair[pair]!;
      positions[next[index]!++] = this.positionOfPair[pair]!;
    }
    return { terms: order.map((number) => this.terms[number]!), starts, positions };
  }
}

function grow(array: Uint32Array): Uint32Array {
  const grown = new Uint32Array(array.length * 2);
  grown.set(array);
  return grown;
}

/** From (term, position) pairs, in any order; a position is listed once per term. */
export function buildPostings(pairs: Iterable<readonly [string, number]>): Postings {
  const builder = new PostingsBuilder();
  for (const [term, position] of pairs) builder.add(term, position);
  return builder.build();
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The index of the first term in sorted `terms` not less than `term`. */
export function lowerBound(terms: readonly string[], term: string): number {
  let low = 0;
  let high = terms.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (terms[middle]! < term) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function positionsOf(postings: Postings, term: string): Uint32Array {
  const index = lowerBound(postings.terms, term);
  if (postings.terms[index] !== term) return EMPTY_POSTINGS.positions;
  return postings.positions.subarray(postings.starts[index], postings.starts[index + 1]);
}

/** Indexes of the terms starting with `prefix`, in order. */
function* termsWithPrefix(postings: Postings, prefix: string): Generator<number> {
  for (let index = lowerBound(postings.terms, prefix); index < postings.terms.length && postings.terms[index]!.startsWith(prefix); index++) yield index;
}

/** Every term starting with `prefix`. */
export function termsStartingWith(postings: Postings, prefix: string): string[] {
  return [...termsWithPrefix(postings, prefix)].map((index) => postings.terms[index]!);
}

/** Positions of every term starting with `prefix`, each position once, in term order. */
export function positionsWithPrefix(postings: Postings, prefix: string, limit: number): number[] {
  const found = new Set<number>();
  addPositionsWithPrefix(postings, prefix, limit, found);
  return [...found];
}

/** Adds to `found` the positions of every term starting with `prefix`, until it holds `limit`. */
export function addPositionsWithPrefix(postings: Postings, prefix: string, limit: number, found: Set<number>): void {
  for (const index of termsWithPrefix(postings, prefix)) {
    for (const position of postings.positions.subarray(postings.starts[index], postings.starts[index + 1])) {
      if (found.size >= limit) return;
      found.add(position);
    }
  }
}

/**
 * Splits postings by term range into shards of about `targetBytes` each (a term's positions are
 * never split). `starts[n]` is the first term shard n may hold; starts[0] is "" so every term has
 * a shard. Design note: a patch then rewrites only the shards holding the terms it changes, and a
 * prefix search reads consecutive shards (issue #15).
 */
export function splitPostings(postings: Postings, targetBytes: number): { starts: string[]; shards: Postings[] } {
  const starts: string[] = [];
  const shards: Postings[] = [];
  let first = 0;
  let bytes = 0;
  const cut = (end: number) => {
    const from = postings.starts[first]!;
    const to = postings.starts[end]!;
    starts.push(shards.length === 0 ? '' : postings.terms[first]!);
    shards.push({ terms: postings.terms.slice(first, end), starts: postings.starts.slice(first, end + 1).map((start) => start - from), positions: postings.positions.slice(from, to) });
    first = end;
    bytes = 0;
  };
  for (let term = 0; term < postings.terms.length; term++) {
    bytes += termBytes(postings, term);
    if (bytes >= targetBytes) cut(term + 1);
  }
  if (first < postings.terms.length) cut(postings.terms.length);
  return { starts, shards };
}

/** About how much room a term and its positions take (a shard's size, for splitting). */
const termBytes = (postings: Postings, term: number) => postings.terms[term]!.length * 2 + 16 + (postings.starts[term + 1]! - postings.starts[term]!) * 4;

export function postingsBytes(postings: Postings): number {
  let bytes = 0;
  for (let term = 0; term < postings.terms.length; term++) bytes += termBytes(postings, term);
  return bytes;
}

/** The shard that holds (or would hold) `term`, given the shards' first terms; -1 when there are none. */
export function shardOf(starts: readonly string[], term: string): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (starts[middle]! <= term) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}

/** The shards that may hold terms starting with `prefix`, in term order. */
export function shardsWithPrefix(starts: readonly string[], prefix: string): number[] {
  const first = shardOf(starts, prefix);
  if (first < 0) return [];
  const shards = [first];
  for (let n = first + 1; n < starts.length && starts[n]!.startsWith(prefix); n++) shards.push(n);
  return shards;
}

/**
 * The postings with every position in `dropped` taken out and `added` pairs merged in, in one pass
 * over the typed arrays: a patch of a few tools must not rebuild the whole index (issue #15).
 * `dropped` is a bitmap by position. Positions stay ascending within a term.
 */
export function updatePostings(old: Postings, dropped: Uint8Array, added: Iterable<readonly [string, number]>): Postings {
  const extra = buildPostings(added);
  const terms: string[] = [];
  const starts: number[] = [];
  const positions = new Uint32Array(old.positions.length + extra.positions.length);
  let total = 0;
  let i = 0;
  let j = 0;
  while (i < old.terms.length || j < extra.terms.length) {
    const oldTerm = old.terms[i];
    const extraTerm = extra.terms[j];
    const takeOld = extraTerm === undefined || (oldTerm !== undefined && oldTerm <= extraTerm);
    const takeExtra = oldTerm === undefined || (extraTerm !== undefined && extraTerm <= oldTerm);
    const start = total;
    if (takeOld) {
      for (let k = old.starts[i]!; k < old.starts[i + 1]!; k++) {
        const position = old.positions[k]!;
        if (!dropped[position]) positions[total++] = position;
      }
    }
    if (takeExtra) {
      positions.set(extra.positions.subarray(extra.starts[j], extra.starts[j + 1]), total);
      total += extra.starts[j + 1]! - extra.starts[j]!;
      if (takeOld) positions.subarray(start, total).sort();
    }
    if (total > start) {
      terms.push(takeOld ? oldTerm! : extraTerm!);
      starts.push(start);
    }
    if (takeOld) i++;
    if (takeExtra) j++;
  }
  starts.push(total);
  return { terms, starts: Uint32Array.from(starts), positions: positions.slice(0, total) };
}
