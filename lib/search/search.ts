import { conditionLabel } from '../feed/conditions';
import { ISSUER_KIND_LABELS, STATUS_LABELS, type EndorsementStatus } from '../feed/vocabulary';
import type { LookupMatch } from '../registry/lookup';
import type { Endorsement, Tool } from '../feed/schema';
import type { Claim, Product } from '../registry/types';
import { endorsedConditions, type ProductVerdict } from '../registry/verdict';
import { lowerBound } from '../storage/postings';

// Registry search, pure: built once per popup from every product, then queried per keystroke.
// Design note: an inverted index. Products are sorted by rank once; each word maps to the sorted
// positions of the products that have it. A query token is a prefix: a binary search finds the
// words that start with it, their postings are counted, and the products that matched every token
// are read off in position order, i.e. already ranked. No sorting and no string scans per keystroke.

export type MatchField = 'name' | 'condition' | 'issuer' | 'code' | 'status';

export const MATCH_FIELD_LABELS: Record<MatchField, string> = {
  name: 'Name',
  condition: 'Condition',
  issuer: 'Issuer',
  code: 'Guidance code',
  status: 'Status',
};

/** A product as the search shows it: with its verdict, and whether it is endorsed for my conditions. */
export interface SearchEntry extends LookupMatch {
  /** The lead record's id (`${feedUrl} ${toolId}`), by which other pages find the product again. */
  id: string;
  /** Endorsed (recommended or conditional) for at least one of the clinician's conditions. */
  forMyConditions: boolean;
}

export interface MatchNote {
  field: MatchField;
  text: string;
}

export interface SearchHit {
  entry: SearchEntry;
  /** What each word of the query matched, names left out (the name is shown anyway). */
  matched: MatchNote[];
}

export interface SearchResults {
  total: number;
  hits: SearchHit[];
}

export interface SearchIndex {
  readonly size: number;
  search(query: string, limit?: number): SearchResults;
}

/**
 * Status words a clinician types. Two-word statuses are joined into one word first (see
 * `queryTokens`), so "recommended" never finds a tool an issuer does *not* recommend.
 * "endorsed" stands for both endorsing statuses.
 */
const STATUS_WORDS: Record<EndorsementStatus, string[]> = {
  recommended: ['recommended', 'endorsed'],
  conditional: ['conditional', 'evidence', 'endorsed'],
  'research-only': ['research'],
  listed: ['listed'],
  'no-recommendation': ['norecommendation'],
  'not-recommended': ['notrecommended'],
  withdrawn: ['withdrawn'],
};

const PHRASES: readonly [RegExp, string][] = [
  [/\bnot recommended\b/g, 'notrecommended'],
  [/\bno recommendation\b/g, 'norecommendation'],
  [/\bresearch only\b/g, 'research'],
];

/** Words that say nothing about which tool is meant ("an app for COPD"): they never narrow a search. */
const OPTIONAL_WORDS: ReadonlySet<string> = new Set(['a', 'an', 'the', 'for', 'and', 'of', 'to', 'in', 'with', 'app', 'apps', 'tool', 'tools']);

/** Lower case, without accents, split on anything that is not a letter or digit. */
export function words(text: string): string[] {
  // Most registry text is ASCII: the Unicode path is taken only when it is needed (it is much slower).
  if (!/[^\x00-\x7f]/.test(text)) return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** The words a product must match: all of them, except optional ones unless nothing else is given. */
export function queryTokens(query: string): string[] {
  let text = words(query).join(' ');
  for (const [phrase, word] of PHRASES) text = text.replace(phrase, word);
  const all = [...new Set(text.split(' ').filter(Boolean))];
  const required = all.filter((word) => !OPTIONAL_WORDS.has(word));
  return required.length > 0 ? required : all;
}

// Search order: endorsed for my conditions; then by verdict, endorsements first and warnings last.
// "Sources disagree" sits below every plain verdict: it is neither an endorsement nor a clean record.
const VERDICT_RANK: Record<ProductVerdict['state'], number> = {
  recommended: 0,
  conditional: 1,
  'research-only': 2,
  listed: 3,
  'no-endorsement': 4,
  disagreement: 5,
  withdrawn: 6,
  'not-recommended': 7,
};

/** The id of the record that names the product (ToolRecord.id): how another page asks for it again. */
export function productRecordId(product: Product): string {
  // mergeRecords makes every product from at least one record.
  return recordIdOf(product.records[0]!);
}

export function recordIdOf(record: Product['records'][number]): string {
  return `${record.feedUrl} ${record.toolId}`;
}

function isEndorsed(state: ProductVerdict['state']): boolean {
  return state === 'recommended' || state === 'conditional';
}

/** The conditions a product is endorsed for, as its verdict stands (a disputed tool is endorsed for none). */
function endorsedConditionsOf({ product, verdict }: LookupMatch): Set<string> {
  return isEndorsed(verdict.state) ? endorsedConditions(verdict.decidingClaims, product.conditions) : new Set();
}

type Visit = (word: string, field: MatchField, text: string) => void;

/** What search reads of a product, or of one feed's record of a tool. */
interface Searchable {
  name: string;
  otherNames: readonly string[];
  conditions: readonly string[];
  /** A product's claims carry their authority; a stored tool's (the word index) do not yet. */
  claims: readonly (Endorsement | Claim)[];
}

/** A claim only reported by a feed: findable by its text, never by a status or an authority's kind. */
const isReported = (claim: Endorsement | Claim) => 'authority' in claim && claim.authority.level === 'reported';

/** Calls `visit` for every searchable word of a product, with what it belongs to. */
function visitTerms(product: Searchable, visit: Visit, split: (text: string) => string[] = words): void {
  const add = (text: string, field: MatchField, shown = text) => {
    for (const word of split(text)) visit(word, field, shown);
  };
  for (const name of [product.name, ...product.otherNames]) add(name, 'name');
  for (const id of product.conditions) {
    add(conditionLabel(id), 'condition');
    add(id, 'condition', conditionLabel(id));
  }
  for (const claim of product.claims) {
    add(claim.issuer, 'issuer');
    if (claim.guidanceCode) add(claim.guidanceCode, 'code', `${claim.issuer} ${claim.guidanceCode}`);
    // The company's own word, or a feed's report of someone else's, never makes a tool findable
    // as "recommended" or under an authority's kind ("NICE").
    if (claim.sourceType === 'vendor-stated' || isReported(claim)) continue;
    add(ISSUER_KIND_LABELS[claim.issuerKind], 'issuer', claim.issuer);
    for (const word of STATUS_WORDS[claim.status]) visit(word, 'status', STATUS_LABELS[claim.status]);
  }
}

interface Ranked {
  entry: SearchEntry;
  sortName: string;
}

function compareRanked(a: Ranked, b: Ranked): number {
  return (
    Number(b.entry.forMyConditions) - Number(a.entry.forMyConditions) ||
    VERDICT_RANK[a.entry.verdict.state] - VERDICT_RANK[b.entry.verdict.state] ||
    (a.sortName < b.sortName ? -1 : a.sortName > b.sortName ? 1 : 0)
  );
}

/**
 * The words one feed's record of a tool is stored under (the database's `words` index), so a
 * search reads only the rows that can match instead of the whole registry.
 */
export function toolSearchWords(tool: Tool): string[] {
  const found = new Set<string>();
  visitTerms({ name: tool.name, otherNames: [], conditions: tool.conditions, claims: tool.endorsements }, (word) => found.add(word));
  return [...found];
}

/**
 * Indexes products once, in rank order. `myConditions` are the clinician's conditions (profile):
 * tools endorsed for one of them come first.
 */
export function buildSearchIndex(matches: readonly LookupMatch[], myConditions: readonly string[]): SearchIndex {
  const mine = new Set(myConditions);
  const ranked: Ranked[] = matches.map((match) => ({
    entry: {
      ...match,
      id: productRecordId(match.product),
      forMyConditions: mine.size > 0 && [...endorsedConditionsOf(match)].some((condition) => mine.has(condition)),
    },
    sortName: match.product.name.toLowerCase(),
  }));
  ranked.sort(compareRanked);
  const entries = ranked.map((item) => item.entry);

  // Postings are filled in rank order, so each word's list of entry positions is already sorted.
  // Issuers, conditions and statuses repeat across the registry: each is split into words once.
  const postings = new Map<string, number[]>();
  const split = new Map<string, string[]>();
  const cachedWords = (text: string) => split.get(text) ?? split.set(text, words(text)).get(text)!;
  entries.forEach((entry, position) =>
    visitTerms(
      entry.product,
      (word) => {
        const list = postings.get(word);
        if (!list) postings.set(word, [position]);
        else if (list[list.length - 1] !== position) list.push(position);
      },
      cachedWords,
    ),
  );
  const vocabulary = [...postings.keys()].sort();
  const lists = vocabulary.map((word) => postings.get(word)!);

  /** How many of the tokens each entry matches (a token matches when a word starts with it). */
  const countMatches = (tokens: readonly string[]) => {
    const counts = new Uint8Array(entries.length);
    const seen = new Uint8Array(entries.length);
    tokens.forEach((token, round) => {
      const mark = round + 1;
      for (let at = lowerBound(vocabulary, token); at < vocabulary.length && vocabulary[at]!.startsWith(token); at++) {
        for (const position of lists[at]!) {
          // Several words of one entry may start with the token: count the entry once per token.
          if (seen[position] === mark) continue;
          seen[position] = mark;
          counts[position]! += 1;
        }
      }
    });
    return counts;
  };

  return {
    size: entries.length,
    search(query, limit = 50) {
      const tokens = queryTokens(query).slice(0, 255);
      if (tokens.length === 0) return { total: 0, hits: [] };
      const counts = countMatches(tokens);
      const hits: SearchHit[] = [];
      let total = 0;
      counts.forEach((count, position) => {
        if (count !== tokens.length) return;
        total += 1;
        if (hits.length < limit) hits.push({ entry: entries[position]!, matched: matchNotes(entries[position]!, tokens) });
      });
      return { total, hits };
    },
  };
}

function matchNotes(entry: SearchEntry, tokens: readonly string[]): MatchNote[] {
  const terms: { word: string; field: MatchField; text: string }[] = [];
  visitTerms(entry.product, (word, field, text) => terms.push({ word, field, text }));
  const notes = new Map<string, MatchNote>();
  for (const token of tokens) {
    // A name match needs no note (the name is shown); a token that also matched a condition or
    // issuer says why the tool is here.
    const term = terms.find((candidate) => candidate.field !== 'name' && candidate.word.startsWith(token));
    if (term) notes.set(`${term.field} ${term.text}`, { field: term.field, text: term.text });
  }
  return [...notes.values()];
}
