import type { z } from 'zod';
import { feedNoteSchema, type FeedNote } from '../notes/schema';
import { isKnownCondition } from './conditions';
import {
  MAX_TOOLS_PER_FEED,
  endorsementSchema,
  envelopeSchema,
  factSchema,
  feedPublisherSchema,
  identifiersSchema,
  populationSchema,
  toolShellSchema,
  webIdentifierSchema,
  type Endorsement,
  type Fact,
  type Feed,
  type Tool,
} from './schema';
import { FEED_FORMAT_VERSION } from './vocabulary';

/** One problem, located like a compiler error: `tools[3].endorsements[1].status`. */
export interface Problem {
  path: string;
  message: string;
}

/** An entry left out of a feed, kept so the publisher and the settings page can see why. */
export interface QuarantinedEntry {
  path: string;
  toolId?: string;
  noteId?: string;
  problems: Problem[];
}

export type ParseResult =
  | { ok: true; feed: Feed; quarantined: QuarantinedEntry[]; warnings: Problem[] }
  | { ok: false; problems: Problem[] };

export function formatPath(segments: readonly PropertyKey[]): string {
  let path = '';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path ? `.${String(segment)}` : String(segment);
  }
  return path;
}

/**
 * A quarantine report is stored with the feed's status and read by the worker and Settings, so it
 * is bounded however hostile the entry (threat model T12): a few problems per entry, each short.
 */
export const MAX_PROBLEMS_PER_ENTRY = 5;
const MAX_PROBLEM_CHARS = 200;
const clip = (text: string) => (text.length > MAX_PROBLEM_CHARS ? `${text.slice(0, MAX_PROBLEM_CHARS - 1)}…` : text);

function problemsOf(error: z.ZodError, prefix: readonly PropertyKey[]): Problem[] {
  const problems = error.issues.slice(0, MAX_PROBLEMS_PER_ENTRY).map((issue) => ({
    path: clip(formatPath([...prefix, ...issue.path])),
    message: clip(issue.message),
  }));
  const more = error.issues.length - problems.length;
  return more > 0 ? [...problems, { path: clip(formatPath(prefix)), message: `and ${more} more problem${more === 1 ? '' : 's'} in this entry` }] : problems;
}

function parseEach<T>(
  items: readonly unknown[],
  schema: z.ZodType<T>,
  prefix: readonly PropertyKey[],
  owner: Pick<QuarantinedEntry, 'toolId' | 'noteId'>,
  quarantined: QuarantinedEntry[],
): T[] {
  const accepted: T[] = [];
  items.forEach((item, index) => {
    const result = schema.safeParse(item);
    if (result.success) accepted.push(result.data);
    else quarantined.push({ path: formatPath([...prefix, index]), ...owner, problems: problemsOf(result.error, [...prefix, index]) });
  });
  return accepted;
}

/** Notes one by one; a note with a bad field, patient data or a repeated id is left out alone. */
function parseNotes(items: readonly unknown[], quarantined: QuarantinedEntry[]): FeedNote[] {
  const notes: FeedNote[] = [];
  const seenIds = new Set<string>();
  items.forEach((item, index) => {
    const path = formatPath(['notes', index]);
    const rawId = (item as { id?: unknown } | null)?.id;
    const owner = typeof rawId === 'string' ? { noteId: rawId } : {};
    const result = feedNoteSchema.safeParse(item);
    if (!result.success) quarantined.push({ path, ...owner, problems: problemsOf(result.error, ['notes', index]) });
    else if (seenIds.has(result.data.id)) quarantined.push({ path, ...owner, problems: [{ path: `${path}.id`, message: `duplicate note id "${result.data.id}"; the first one is kept` }] });
    else {
      seenIds.add(result.data.id);
      notes.push(result.data);
    }
  });
  return notes;
}

// The fields each part of a feed may have. A field outside these is dropped, and said so: an
// expiry written under a misspelt name must never vanish without a word (docs/trust-model.md §3).
const KNOWN_FIELDS = {
  envelope: new Set(Object.keys(envelopeSchema.shape)),
  publisher: new Set(Object.keys(feedPublisherSchema.shape)),
  tool: new Set(Object.keys(toolShellSchema.shape)),
  identifiers: new Set(Object.keys(identifiersSchema.shape)),
  web: new Set(Object.keys(webIdentifierSchema.shape)),
  endorsement: new Set(Object.keys(endorsementSchema.shape)),
  population: new Set(Object.keys(populationSchema.shape)),
  fact: new Set(Object.keys(factSchema.shape)),
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_UNKNOWN_FIELD_WARNINGS = 200;

function warnUnknownFields(value: unknown, known: ReadonlySet<string>, path: readonly PropertyKey[], warnings: Problem[]): void {
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (known.has(key) || warnings.length >= MAX_UNKNOWN_FIELD_WARNINGS) continue;
    warnings.push({ path: clip(formatPath([...path, key])), message: clip(`unknown field "${key}" is ignored; check its spelling against the feed format`) });
  }
}

/** Warnings for every field Signpost does not know, anywhere in an entry it kept. */
function warnUnknownToolFields(rawTool: Record<string, unknown>, toolPath: readonly PropertyKey[], warnings: Problem[]): void {
  warnUnknownFields(rawTool, KNOWN_FIELDS.tool, toolPath, warnings);
  const identifiers = rawTool.identifiers;
  warnUnknownFields(identifiers, KNOWN_FIELDS.identifiers, [...toolPath, 'identifiers'], warnings);
  if (isPlainObject(identifiers) && Array.isArray(identifiers.web)) {
    identifiers.web.forEach((web, index) => warnUnknownFields(web, KNOWN_FIELDS.web, [...toolPath, 'identifiers', 'web', index], warnings));
  }
  const lists = [
    ['endorsements', KNOWN_FIELDS.endorsement],
    ['facts', KNOWN_FIELDS.fact],
  ] as const;
  for (const [list, known] of lists) {
    const items = rawTool[list];
    if (!Array.isArray(items)) continue;
    items.forEach((item, index) => {
      warnUnknownFields(item, known, [...toolPath, list, index], warnings);
      if (list === 'endorsements' && isPlainObject(item)) warnUnknownFields(item.population, KNOWN_FIELDS.population, [...toolPath, list, index, 'population'], warnings);
    });
  }
}

function versionProblem(version: number): Problem | null {
  return version > FEED_FORMAT_VERSION ? { path: 'version', message: `feed format version ${version} is newer than this Signpost understands (${FEED_FORMAT_VERSION}); update Signpost` } : null;
}

/**
 * A feed's tools judged one at a time, in order: each is accepted or quarantined on its own, and a
 * repeated id is left out. Shared by parseFeed and the streaming reader of large snapshots, so a
 * tool is judged the same whichever way it arrives.
 */
export class ToolEntries {
  readonly quarantined: QuarantinedEntry[] = [];
  readonly warnings: Problem[] = [];
  private readonly seenIds = new Set<string>();
  private count = 0;

  /** The tool, validated, or null when it was quarantined. */
  add(rawTool: unknown): Tool | null {
    const toolPath = ['tools', this.count++] as const;
    const shell = toolShellSchema.safeParse(rawTool);
    if (!shell.success) {
      const id = (rawTool as { id?: unknown } | null)?.id;
      this.quarantined.push({ path: formatPath(toolPath), ...(typeof id === 'string' ? { toolId: id } : {}), problems: problemsOf(shell.error, toolPath) });
      return null;
    }
    const { endorsements, facts, ...tool } = shell.data;
    if (this.seenIds.has(tool.id)) {
      this.quarantined.push({ path: formatPath(toolPath), toolId: tool.id, problems: [{ path: formatPath([...toolPath, 'id']), message: `duplicate tool id "${tool.id}"; the first one is kept` }] });
      return null;
    }
    this.seenIds.add(tool.id);
    warnUnknownToolFields(rawTool as Record<string, unknown>, toolPath, this.warnings);
    tool.conditions.forEach((condition, conditionIndex) => {
      if (!isKnownCondition(condition) && this.warnings.length < MAX_UNKNOWN_FIELD_WARNINGS) {
        this.warnings.push({ path: formatPath([...toolPath, 'conditions', conditionIndex]), message: `"${condition}" is not in Signpost's condition vocabulary; it is shown as written` });
      }
    });
    return {
      ...tool,
      endorsements: parseEach<Endorsement>(endorsements, endorsementSchema, [...toolPath, 'endorsements'], { toolId: tool.id }, this.quarantined),
      facts: parseEach<Fact>(facts, factSchema, [...toolPath, 'facts'], { toolId: tool.id }, this.quarantined),
    };
  }

  get size(): number {
    return this.count;
  }
}

/**
 * The envelope of a feed whose tools were judged one by one as they streamed in (ToolEntries):
 * checked whole, as parseFeed checks it, with the tools left out of it.
 */
export function parseStreamedEnvelope(fields: Record<string, unknown>, entries: ToolEntries): { ok: true; envelope: Omit<Feed, 'tools'>; notes: FeedNote[] } | { ok: false; problems: Problem[] } {
  const envelope = envelopeSchema.safeParse({ ...fields, tools: [] });
  if (!envelope.success) return { ok: false, problems: problemsOf(envelope.error, []) };
  const tooNew = versionProblem(envelope.data.version);
  if (tooNew) return { ok: false, problems: [tooNew] };
  if (entries.size > MAX_TOOLS_PER_FEED) return { ok: false, problems: [{ path: 'tools', message: `more than ${MAX_TOOLS_PER_FEED} tools` }] };
  const { tools: _none, notes: rawNotes, ...rest } = envelope.data;
  return { ok: true, envelope: rest, notes: parseNotes(rawNotes, entries.quarantined) };
}

/**
 * Validates a feed document. The envelope is all-or-nothing; each tool, endorsement and fact is
 * judged on its own, so one bad row from a publisher does not hide the rest of their feed.
 * Unknown fields are dropped, not refused, so newer publishers stay readable; each one is a warning.
 */
export function parseFeed(input: unknown): ParseResult {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) return { ok: false, problems: problemsOf(envelope.error, []) };
  const tooNew = versionProblem(envelope.data.version);
  if (tooNew) return { ok: false, problems: [tooNew] };

  const entries = new ToolEntries();
  warnUnknownFields(input, KNOWN_FIELDS.envelope, [], entries.warnings);
  warnUnknownFields((input as { publisher?: unknown }).publisher, KNOWN_FIELDS.publisher, ['publisher'], entries.warnings);
  const tools: Tool[] = [];
  envelope.data.tools.forEach((rawTool) => {
    const tool = entries.add(rawTool);
    if (tool) tools.push(tool);
  });
  const { quarantined, warnings } = entries;
  const { tools: _rawTools, notes: rawNotes, ...rest } = envelope.data;
  return { ok: true, feed: { ...rest, tools, notes: parseNotes(rawNotes, quarantined) }, quarantined, warnings };
}
