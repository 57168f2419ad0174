// `validate`: the extension's own parser run over a feed, with every problem on its own line.
import { parseFeed, type Problem, type QuarantinedEntry } from '../feed/parse';
import type { Feed } from '../feed/schema';
import { count, jsonProblemLine, located, parseJson, type Report } from './report';

export function validateFeedText(file: string, text: string, now: number): Report {
  const json = parseJson(text);
  if (!json.ok) return { exitCode: 1, lines: [jsonProblemLine(file, json), located(file, '', 'rejected: not JSON, so Signpost would use nothing from it')] };

  const result = parseFeed(json.value);
  if (!result.ok) {
    return {
      exitCode: 1,
      lines: [
        ...result.problems.map((problem) => located(file, problem.path, `error: ${problem.message}`)),
        located(file, '', `rejected: the envelope has ${count(result.problems.length, 'problem')}, so Signpost would use nothing from this feed`),
      ],
    };
  }

  const { feed, quarantined } = result;
  const warnings = [...result.warnings, ...expiryWarnings(feed, now)];
  const endorsements = feed.tools.reduce((sum, tool) => sum + tool.endorsements.length, 0);
  const lines = [
    ...quarantined.flatMap((entry) => quarantineLines(file, entry)),
    ...warnings.map((warning) => located(file, warning.path, `warning: ${warning.message}`)),
    located(
      file,
      '',
      `publisher "${feed.publisher.name}" (${feed.publisher.id}, ${feed.publisher.kind}), sequence ${feed.sequence}, generated ${feed.generatedAt}: ` +
        `${count(feed.tools.length, 'tool')} loaded, ${count(endorsements, 'endorsement')}, ` +
        (feed.notes?.length ? `${count(feed.notes.length, 'peer note')}, ` : '') +
        `${count(quarantined.length, 'entry', 'entries')} quarantined, ${count(warnings.length, 'warning')}`,
    ),
  ];
  if (quarantined.length === 0) return { exitCode: 0, lines: [...lines, located(file, '', 'valid')] };
  return {
    exitCode: 2,
    lines: [...lines, located(file, '', `loads, but ${count(quarantined.length, 'entry', 'entries')} would be left out (exit code 2)`)],
  };
}

function quarantineLines(file: string, entry: QuarantinedEntry): string[] {
  const which = entry.toolId !== undefined ? `${entry.path} of tool "${entry.toolId}"` : entry.noteId !== undefined ? `${entry.path}, note "${entry.noteId}"` : entry.path;
  return entry.problems.map((problem) => located(file, problem.path, `quarantined: ${problem.message} (entry left out: ${which})`));
}

function expiryWarnings(feed: Feed, now: number): Problem[] {
  if (!feed.expiresAt || Date.parse(feed.expiresAt) >= now) return [];
  return [{ path: 'expiresAt', message: `the feed expired at ${feed.expiresAt}; Signpost still shows its data but marks "${feed.publisher.name}" as past its expiry` }];
}
