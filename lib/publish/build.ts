// `build`: spreadsheet rows (and tools written as JSON) plus an envelope, to a feed. The feed is
// judged by the extension's own parser, and written only if nothing in it would be left out.
// Every problem is placed where the publisher can fix it: a CSV row and column, or a JSON path.
import { formatPath, parseFeed, type Problem } from '../feed/parse';
import { endorsementSchema } from '../feed/schema';
import { FEED_FORMAT, FEED_FORMAT_VERSION } from '../feed/vocabulary';
import { ENDORSEMENT_COLUMNS, TOOL_COLUMNS, TOOL_ID_COLUMN, type ColumnSpec } from './columns';
import { cellPlace, readCsvTools, type DraftTool, type NamedText } from './csv';
import { count, jsonProblemLine, located, parseJson } from './report';

export interface BuildInput {
  csv: readonly NamedText[];
  json: readonly NamedText[];
  envelope: NamedText;
  /** From --sequence: wins over the envelope's. */
  sequence?: number;
  generatedAt: string;
  /** The feed file about to be replaced, if there is one: its sequence must be raised. */
  previous?: NamedText;
}

export type BuildResult = { ok: true; text: string; lines: string[] } | { ok: false; lines: string[] };

const ENVELOPE_FIELDS = ['publisher', 'sequence', 'expiresAt', 'staleAfterDays'];

/** Used only while the real envelope is broken, so that the tools' own problems are listed too. */
const STAND_IN_ENVELOPE = {
  publisher: { id: 'stand-in', name: 'stand-in', kind: 'other' },
  sequence: 0,
  generatedAt: '2000-01-01T00:00:00Z',
  expiresAt: undefined,
  staleAfterDays: undefined,
};

type Origin = { kind: 'csv'; draft: DraftTool } | { kind: 'json'; file: string; path: string };

interface Entry {
  raw: Record<string, unknown>;
  origin: Origin;
}

export function buildFeed(input: BuildInput): BuildResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const envelope = readEnvelope(input.envelope, errors);
  const csv = readCsvTools(input.csv);
  errors.push(...csv.errors);
  const entries = uniqueById([...csv.tools.map(csvEntry), ...input.json.flatMap((file) => jsonEntries(file, errors))], errors);
  const sequence = input.sequence ?? envelope?.sequence;

  const candidate = {
    format: FEED_FORMAT,
    version: FEED_FORMAT_VERSION,
    publisher: envelope?.publisher,
    sequence,
    generatedAt: input.generatedAt,
    expiresAt: envelope?.expiresAt,
    staleAfterDays: envelope?.staleAfterDays,
    tools: entries.map((entry) => entry.raw),
  };
  const result = parseFeed(candidate);
  if (!result.ok && envelope) errors.push(...result.problems.map((problem) => envelopeProblem(problem, input, sequence)));
  const checked = result.ok ? result : parseFeed({ ...candidate, ...STAND_IN_ENVELOPE });
  if (checked.ok) {
    for (const entry of checked.quarantined) {
      errors.push(...entry.problems.map((problem) => placeProblem(problem, entries, 'error')));
      if (/^tools\[\d+\]$/.test(entry.path)) errors.push(...endorsementsOfRejectedTool(toolIndex(entry.path), entries).map((problem) => placeProblem(problem, entries, 'error')));
    }
    warnings.push(...checked.warnings.map((problem) => placeProblem(problem, entries, 'warning')));
  }
  if (entries.length === 0) warnings.push('warning: the inputs have no tools, so the feed would be empty');

  if (!result.ok || errors.length > 0) {
    return { ok: false, lines: [...errors, ...warnings, `no feed written: ${count(errors.length, 'error')}`] };
  }
  const { feed } = result;
  const previous = input.previous && previousSequence(input.previous);
  if (previous !== undefined && feed.sequence <= previous) {
    warnings.push(
      `${input.previous?.name}: warning: already has sequence ${previous}; raise the sequence (subscribers ignore a feed with the sequence they already have, and refuse an older one)`,
    );
  }
  const endorsements = feed.tools.reduce((sum, tool) => sum + tool.endorsements.length, 0);
  return {
    ok: true,
    text: `${JSON.stringify(feed, null, 2)}\n`,
    lines: [
      ...warnings,
      `built feed: ${count(feed.tools.length, 'tool')}, ${count(endorsements, 'endorsement')}; publisher "${feed.publisher.name}" (${feed.publisher.id}), sequence ${feed.sequence}, generated ${feed.generatedAt}`,
    ],
  };
}

/** The envelope's fields, or undefined when the file cannot be used at all. */
function readEnvelope(file: NamedText, errors: string[]): Record<string, unknown> | undefined {
  const json = parseJson(file.text);
  if (!json.ok) {
    errors.push(jsonProblemLine(file.name, json));
    return undefined;
  }
  if (!isRecord(json.value)) {
    errors.push(located(file.name, '', `expected an object with ${ENVELOPE_FIELDS.join(', ')}`));
    return undefined;
  }
  for (const key of Object.keys(json.value)) {
    // A misspelt field in this small hand-written file would otherwise vanish without a word.
    if (!ENVELOPE_FIELDS.includes(key)) {
      errors.push(located(file.name, key, `not an envelope field; expected ${ENVELOPE_FIELDS.join(', ')} (format and version are set by build, generatedAt by --generated-at or the time of the build)`));
    }
  }
  return json.value;
}

function envelopeProblem(problem: Problem, input: BuildInput, sequence: unknown): string {
  if (problem.path === 'generatedAt') return `--generated-at: ${problem.message}`;
  if (problem.path === 'sequence' && input.sequence !== undefined) return `--sequence: ${problem.message}`;
  if (problem.path === 'sequence' && sequence === undefined) {
    return located(input.envelope.name, 'sequence', 'missing; give "sequence" here or use --sequence N, and raise it on every change');
  }
  return located(problem.path.startsWith('tools') ? 'feed' : input.envelope.name, problem.path, problem.message);
}

function csvEntry(draft: DraftTool): Entry {
  const endorsements = draft.endorsements.map((endorsement) => objectFrom(ENDORSEMENT_COLUMNS, endorsement.cells));
  return { raw: { ...objectFrom(TOOL_COLUMNS, draft.cells), endorsements }, origin: { kind: 'csv', draft } };
}

function objectFrom(specs: readonly ColumnSpec[], cells: DraftTool['cells']): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const spec of specs) {
    const cell = cells.get(spec.column);
    if (!cell) continue;
    // Fields are one or two levels deep: "name", "identifiers.apple".
    const [outer, inner] = spec.field.split('.') as [string, string?];
    if (inner === undefined) object[outer] = cell.value;
    else object[outer] = { ...(object[outer] as object | undefined), [inner]: cell.value };
  }
  return object;
}

function jsonEntries(file: NamedText, errors: string[]): Entry[] {
  const json = parseJson(file.text);
  if (!json.ok) {
    errors.push(jsonProblemLine(file.name, json));
    return [];
  }
  const list = Array.isArray(json.value) ? json.value : isRecord(json.value) && Array.isArray(json.value.tools) ? json.value.tools : undefined;
  if (!list) {
    errors.push(located(file.name, '', 'expected a list of tools, or an object with a "tools" list (such as a feed)'));
    return [];
  }
  const prefix = Array.isArray(json.value) ? '' : 'tools';
  return list.flatMap((raw: unknown, index) => {
    const path = `${prefix}[${index}]`;
    if (isRecord(raw)) return [{ raw, origin: { kind: 'json', file: file.name, path } }];
    errors.push(located(file.name, path, 'expected a tool (an object)'));
    return [];
  });
}

/** A tool id given in two places is refused by name, not quietly kept once. */
function uniqueById(entries: Entry[], errors: string[]): Entry[] {
  const first = new Map<unknown, Entry>();
  return entries.filter((entry) => {
    const id = entry.raw.id;
    const earlier = typeof id === 'string' ? first.get(id) : undefined;
    if (!earlier) {
      first.set(id, entry);
      return true;
    }
    errors.push(`${idPlace(entry.origin)}: tool "${String(id)}" is also given at ${idPlace(earlier.origin)}; give each tool in one place`);
    return false;
  });
}

function idPlace(origin: Origin): string {
  return origin.kind === 'json' ? `${origin.file}:${origin.path}.id` : cellPlace(origin.draft.at, TOOL_ID_COLUMN);
}

/** parseFeed stops at a tool's own fields; its endorsements are judged here too, so all is said at once. */
function endorsementsOfRejectedTool(tool: number, entries: readonly Entry[]): Problem[] {
  const endorsements = entries[tool]?.raw.endorsements;
  if (!Array.isArray(endorsements)) return [];
  return endorsements.flatMap((endorsement: unknown, index) => {
    const result = endorsementSchema.safeParse(endorsement);
    if (result.success) return [];
    return result.error.issues.map((issue) => ({ path: formatPath(['tools', tool, 'endorsements', index, ...issue.path]), message: issue.message }));
  });
}

function toolIndex(path: string): number {
  return Number(/^tools\[(\d+)\]/.exec(path)?.[1] ?? -1);
}

/** From a problem in the built feed back to the CSV cell or JSON path it came from. */
function placeProblem(problem: Problem, entries: readonly Entry[], severity: 'error' | 'warning'): string {
  const plain = severity === 'warning' ? `warning: ${problem.message}` : problem.message;
  const entry = entries[toolIndex(problem.path)];
  const rest = problem.path.replace(/^tools\[\d+\]/, '');
  if (!entry) return located('feed', problem.path, plain);
  const { origin } = entry;
  if (origin.kind === 'json') return located(origin.file, `${origin.path}${rest}`, plain);

  const endorsement = /^\.endorsements\[(\d+)\]\.?(.*)$/.exec(rest);
  const draftEndorsement = endorsement ? origin.draft.endorsements[Number(endorsement[1])] : undefined;
  const [specs, cells, at, field, what] = draftEndorsement
    ? [ENDORSEMENT_COLUMNS, draftEndorsement.cells, draftEndorsement.at, endorsement?.[2] ?? '', 'an endorsement']
    : [TOOL_COLUMNS, origin.draft.cells, origin.draft.at, rest.replace(/^\./, ''), 'a tool'];
  const spec = specs.find((s) => field === s.field || field.startsWith(`${s.field}.`) || field.startsWith(`${s.field}[`));
  if (!spec) return `${cellPlace(at)}: ${plain}`;
  const where = cellPlace(cells.get(spec.column)?.at ?? at, spec.column);
  return `${where}: ${severity === 'warning' ? plain : cellMessage(spec, valueAt(entry.raw, rest), problem.message, what)}`;
}

function cellMessage(spec: ColumnSpec, value: unknown, message: string, what: string): string {
  if (value === undefined) return `empty; ${spec.hint ?? `required for ${what}`}`;
  if (typeof value !== 'string') return message;
  if (spec.choice && !spec.choice.options.includes(value)) {
    const article = /^[aeiou]/.test(spec.choice.noun) ? 'an' : 'a';
    return `"${value}" is not ${article} ${spec.choice.noun}; expected one of ${spec.choice.options.join(', ')}`;
  }
  return `"${value}": ${message}`;
}

/** The value at a path such as `.endorsements[1].status` inside one raw tool. */
function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const [, key, index] of path.matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key ?? index ?? ''];
  }
  return value;
}

function previousSequence(file: NamedText): number | undefined {
  const json = parseJson(file.text);
  const sequence = json.ok && isRecord(json.value) ? json.value.sequence : undefined;
  return typeof sequence === 'number' ? sequence : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
