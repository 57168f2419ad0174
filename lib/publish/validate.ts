// `validate`: the extension's own parser run over a feed, with every problem on its own line.
import { parseFeed, type Problem, type QuarantinedEntry } from '../feed/parse';
import type { Feed } from '../feed/schema';
import { readFeedDocument } from '../feed/signature';
import { SyncError } from '../sync/errors';
import { count, jsonProblemLine, located, parseJson, type Report } from './report';

export function validateFeedText(file: string, text: string, now: number): Report {
  const outer = parseJson(text);
  if (!outer.ok) return { exitCode: 1, lines: [jsonProblemLine(file, outer), located(file, '', 'rejected: not JSON, so Signpost would use nothing from it')] };
  // A signed feed is validated inside its envelope; `verify` checks the signature against a key.
  let json = outer;
  let signedNote: string[] = [];
  try {
    const document = readFeedDocument(text);
    if (document.signed) {
      json = { ok: true, value: document.json };
      signedNote = [located(file, '', `signed with key ${document.signed.signatures.map((signature) => signature.keyId).join(', ')}; run verify with the publisher's public key to check the signature`)];
    }
  } catch (error) {
    if (!(error instanceof SyncError)) throw error;
    return { exitCode: 1, lines: [located(file, '', `rejected: ${error.message.replace(/ The previous copy is kept\.$/, '')}`)] };
  }

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
    ...signedNote,
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
