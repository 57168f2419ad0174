// Reading a feed (or a build input) from a local file or a web address, with the extension's rules:
// https only (plain http on this computer only), the same size limit, and strict UTF-8.
import { DEFAULT_MAX_BYTES, downloadFeed } from '../sync/download';
import { SyncError, bytesLabel, httpStatusMessage } from '../sync/errors';

export type FeedSource = { kind: 'file'; path: string } | { kind: 'url'; url: string };

export interface ReadDeps {
  readFile: (path: string) => Promise<Uint8Array>;
  fetch: typeof fetch;
  maxBytes?: number;
}

export type ReadResult = { ok: true; text: string } | { ok: false; message: string };

/** Anything that starts like a web address is one; everything else is a path on this computer. */
export function feedSource(argument: string): FeedSource {
  return /^[a-z][a-z\d+.-]*:\/\//i.test(argument) ? { kind: 'url', url: argument } : { kind: 'file', path: argument };
}

export function sourceLabel(source: FeedSource): string {
  return source.kind === 'file' ? source.path : source.url;
}

export async function readSource(source: FeedSource, deps: ReadDeps): Promise<ReadResult> {
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  try {
    if (source.kind === 'url') return await fetchText(source.url, deps.fetch, maxBytes);
    const bytes = await deps.readFile(source.path);
    if (bytes.byteLength > maxBytes) return { ok: false, message: tooLarge(bytes.byteLength, maxBytes) };
    return decodeUtf8(bytes);
  } catch (error) {
    return { ok: false, message: readFailure(source, error) };
  }
}

/** The extension decodes the same way: a UTF-8 byte-order mark is dropped, any other bad byte is refused. */
function decodeUtf8(bytes: Uint8Array): ReadResult {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: 'not UTF-8 text (from Excel, save as "CSV UTF-8"; other editors: choose UTF-8 encoding)' };
  }
}

function tooLarge(bytes: number, maxBytes: number): string {
  return `larger than Signpost accepts (${bytesLabel(bytes)}; the limit is ${bytesLabel(maxBytes)})`;
}

/** The same download as the extension's sync: its address rules, redirect check, limit and decoder. */
async function fetchText(url: string, fetchImpl: typeof fetch, maxBytes: number): Promise<ReadResult> {
  try {
    const downloaded = await downloadFeed({ fetch: fetchImpl, maxBytes }, url);
    return downloaded.status === 'ok' ? { ok: true, text: downloaded.text } : { ok: false, message: httpStatusMessage(304) };
  } catch (error) {
    if (error instanceof SyncError) return { ok: false, message: error.message };
    throw error;
  }
}

function readFailure(source: FeedSource, error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'this is a folder, not a file';
  const detail = error instanceof Error ? error.message : String(error);
  return source.kind === 'url' ? `the feed could not be reached (${detail})` : `could not be read (${detail})`;
}
