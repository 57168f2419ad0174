// What every publisher command hands back to the CLI: lines to print and an exit code. Nothing in
// lib/publish prints or exits, so the commands are tested by calling them.

/** 0: all good. 1: rejected, unreadable or bad input. 2: the feed loads but entries are left out. */
export type ExitCode = 0 | 1 | 2;

export interface Report {
  lines: string[];
  exitCode: ExitCode;
}

/** `feed.json:tools[3].status: message`, like a compiler; a problem with the whole file has no path. */
export function located(file: string, path: string, message: string): string {
  return path ? `${file}:${path}: ${message}` : `${file}: ${message}`;
}

export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export type JsonResult = { ok: true; value: unknown } | { ok: false; line?: number; column?: number; reason: string };

/** JSON.parse with the failure placed at a line and column when the engine says where it was. */
export function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /in JSON at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    // Node 22 and later append "(line L column C)" themselves; the offset gives the same place.
    const reason = message.replace(/ in JSON at position \d+( \(line \d+ column \d+\))?/, '');
    if (offset === undefined) return { ok: false, reason };
    const before = text.slice(0, offset).split('\n');
    return { ok: false, line: before.length, column: (before.at(-1)?.length ?? 0) + 1, reason };
  }
}

export function jsonProblemLine(file: string, failure: Extract<JsonResult, { ok: false }>): string {
  const place = failure.line === undefined ? '' : `${failure.line}:${failure.column}`;
  return located(file, place, `not valid JSON: ${failure.reason}`);
}
