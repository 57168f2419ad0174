import { FEED_FORMAT } from '../feed/vocabulary';

// Files the user picks to import (settings, notes) are checked the same way first: size, JSON,
// the right kind of Signpost file, not from a newer Signpost. Each answer says what to do.

export interface UserFileKind {
  /** The file's "format" value, e.g. "signpost-settings". */
  format: string;
  /** The newest version this Signpost reads. */
  version: number;
  /** In sentences: "a Signpost settings file". */
  name: string;
  /** Shorter: "settings file". */
  noun: string;
  maxChars: number;
  /** What to say when the user picked a feed instead. */
  ifFeed: string;
  /** Appended to every refusal, e.g. " Nothing was imported." */
  suffix?: string;
}

export function readUserFile(text: string, kind: UserFileKind): { ok: true; json: unknown } | { ok: false; problem: string } {
  const refuse = (problem: string) => ({ ok: false as const, problem: `${problem}${kind.suffix ?? ''}` });
  if (text.length > kind.maxChars) return refuse(`This file is too large to be ${kind.name}.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return refuse(`This file is not ${kind.name}: it is not valid JSON.`);
  }
  const { format, version } = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  if (format === FEED_FORMAT) return refuse(kind.ifFeed);
  if (format !== kind.format) return refuse(`This is not ${kind.name} (it does not say "format": "${kind.format}").`);
  if (typeof version === 'number' && version > kind.version) return refuse(`This ${kind.noun} was made by a newer version of Signpost. Update Signpost, then import it again.`);
  return { ok: true, json };
}
