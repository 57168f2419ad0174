import type { z } from 'zod';
import { feedNoteSchema, type FeedNote } from '../notes/schema';
import { isKnownCondition } from './conditions';
import {
  endorsementSchema,
  envelopeSchema,
  factSchema,
  toolShellSchema,
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

function problemsOf(error: z.ZodError, prefix: readonly PropertyKey[]): Problem[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
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

/**
 * Validates a feed document. The envelope is all-or-nothing; each tool, endorsement and fact is
 * judged on its own, so one bad row from a publisher does not hide the rest of their feed.
 * Unknown fields are dropped, not refused, so newer publishers stay readable.
 */
export function parseFeed(input: unknown): ParseResult {
  const envelope = envelopeSchema.safeParse(input);
  if (!envelope.success) return { ok: false, problems: problemsOf(envelope.error, []) };
  if (envelope.data.version > FEED_FORMAT_VERSION) {
    return {
      ok: false,
      problems: [{ path: 'version', message: `feed format version ${envelope.data.version} is newer than this Signpost understands (${FEED_FORMAT_VERSION}); update Signpost` }],
    };
  }

  const quarantined: QuarantinedEntry[] = [];
  const warnings: Problem[] = [];
  const tools: Tool[] = [];
  const seenIds = new Set<string>();

  envelope.data.tools.forEach((rawTool, index) => {
    const toolPath = ['tools', index] as const;
    const shell = toolShellSchema.safeParse(rawTool);
    if (!shell.success) {
      const id = (rawTool as { id?: unknown } | null)?.id;
      quarantined.push({
        path: formatPath(toolPath),
        ...(typeof id === 'string' ? { toolId: id } : {}),
        problems: problemsOf(shell.error, toolPath),
      });
      return;
    }
    const { endorsements, facts, ...tool } = shell.data;
    if (seenIds.has(tool.id)) {
      quarantined.push({ path: formatPath(toolPath), toolId: tool.id, problems: [{ path: formatPath([...toolPath, 'id']), message: `duplicate tool id "${tool.id}"; the first one is kept` }] });
      return;
    }
    seenIds.add(tool.id);
    tool.conditions.forEach((condition, conditionIndex) => {
      if (!isKnownCondition(condition)) {
        warnings.push({ path: formatPath([...toolPath, 'conditions', conditionIndex]), message: `"${condition}" is not in Signpost's condition vocabulary; it is shown as written` });
      }
    });
    tools.push({
      ...tool,
      endorsements: parseEach<Endorsement>(endorsements, endorsementSchema, [...toolPath, 'endorsements'], { toolId: tool.id }, quarantined),
      facts: parseEach<Fact>(facts, factSchema, [...toolPath, 'facts'], { toolId: tool.id }, quarantined),
    });
  });

  const { tools: _rawTools, notes: rawNotes, ...rest } = envelope.data;
  return { ok: true, feed: { ...rest, tools, notes: parseNotes(rawNotes, quarantined) }, quarantined, warnings };
}
