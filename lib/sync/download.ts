import { SyncError, bytesLabel, httpStatusMessage } from './errors';
import { feedUrlProblem } from './feed-url';

// Downloading a feed's bytes, with every rule in one place: the extension's sync, the settings
// page's preview and the publisher CLI all go through here, so they accept and refuse alike.

export const DEFAULT_TIMEOUT_MS = 30_000;
/** Big enough for a national registry of ~100k tools; small enough to refuse a runaway file. */
export const DEFAULT_MAX_BYTES = 64 * 1_048_576;

export interface DownloadOptions {
  fetch: typeof fetch;
  timeoutMs?: number;
  maxBytes?: number;
  /** chrome-extension://<id>: the bundled feed is read from the extension's own files. */
  extensionOrigin?: string;
  /** Conditional request headers (If-None-Match, If-Modified-Since). */
  headers?: Record<string, string>;
}

export type Downloaded = { status: 'not-modified' } | { status: 'ok'; text: string; etag?: string; lastModified?: string };

/** Fetches a feed as UTF-8 text. Every failure is a SyncError with a plain-English message. */
export async function downloadFeed(options: DownloadOptions, url: string): Promise<Downloaded> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const fetched = await downloadStream(options, url, (chunk) => {
    chunks.push(chunk.slice());
    total += chunk.byteLength;
  });
  if (fetched.status === 'not-modified') return fetched;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SyncError('not-json', 'The feed file is not valid UTF-8 text.');
  }
  return { status: 'ok', text, ...(fetched.etag ? { etag: fetched.etag } : {}), ...(fetched.lastModified ? { lastModified: fetched.lastModified } : {}) };
}

export type Streamed = { status: 'not-modified' } | { status: 'ok'; etag?: string; lastModified?: string };

/**
 * Fetches a file and hands its bytes to `onChunk` as they arrive, waiting for each (so a slow
 * consumer slows the read instead of piling chunks up in memory), with the same address rules,
 * redirect refusal, size cap and time limit as downloadFeed (issue #15: large snapshots are stored
 * while they stream in). A chunk is lent: its bytes are overwritten once `onChunk` has returned
 * (or its promise settled), so a consumer that keeps them copies them.
 */
export async function downloadStream(options: DownloadOptions, url: string, onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<Streamed> {
  const urlProblem = feedUrlProblem(url, options.extensionOrigin);
  if (urlProblem) throw new SyncError('insecure-url', urlProblem);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    // Redirects are not followed (threat model T14): a browser reports where one leads only after
    // following it, so an https feed sent on to http:// would already have gone out in the clear.
    const response = await options.fetch(url, { headers: options.headers ?? {}, signal: controller.signal, credentials: 'omit', cache: 'no-store', redirect: 'manual' });
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304)) throw redirected(response);
    // Defence in depth, for a fetch that followed one anyway.
    if (response.url && response.url !== url) {
      const redirectProblem = feedUrlProblem(response.url, options.extensionOrigin);
      if (redirectProblem) throw new SyncError('insecure-url', `The feed redirected to an address Signpost will not use. ${redirectProblem}`);
    }
    if (response.status === 304) return { status: 'not-modified' };
    if (!response.ok) throw new SyncError('http-status', httpStatusMessage(response.status));
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) throw tooLarge(declared, maxBytes);
    await readLimited(response, maxBytes, onChunk);
    return { status: 'ok', etag: response.headers.get('etag') ?? undefined, lastModified: response.headers.get('last-modified') ?? undefined };
  } catch (error) {
    if (error instanceof SyncError) throw error;
    if (controller.signal.aborted) throw new SyncError('timeout', `The feed took longer than ${Math.round(timeoutMs / 1000)} seconds to arrive. Signpost will try again later.`);
    if (error instanceof TypeError && /decode|utf-8|encoded/i.test(error.message)) throw new SyncError('not-json', 'The feed file is not valid UTF-8 text.');
    // The browser reports a refused cross-origin read as a plain network error, so name that cause too.
    throw new SyncError(
      'network',
      "The feed could not be reached (network error). Check the address and the connection; the feed's server must also allow Signpost to read it (see the feed guide). Signpost will try again later.",
    );
  } finally {
    clearTimeout(timer);
  }
}

function redirected(response: Response): SyncError {
  // Node's fetch says where a manual redirect leads; a browser's does not (an opaque redirect).
  const location = response.headers.get('location');
  const where = location ? ` to ${location.slice(0, 200)}` : '';
  return new SyncError('insecure-url', `The feed's address redirects${where}. Signpost does not follow redirects, so that nothing is ever fetched from an address you did not subscribe to: subscribe to the feed's final https:// address (ask its publisher).`);
}

function tooLarge(bytes: number, maxBytes: number): SyncError {
  return new SyncError('too-large', `The feed is larger than Signpost accepts (${bytesLabel(bytes)}; the limit is ${bytesLabel(maxBytes)}).`);
}

/** The most of a body read at a time into the one buffer that is lent to onChunk. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Reads the body while counting, so a huge or endless response is cut off early. A fetched body
 * is read into one buffer, again and again (a "BYOB" reader): a new array for every chunk was 51 MB
 * of garbage per 100k-tool snapshot, outside the JS heap, that V8 let pile up before collecting it.
 */
async function readLimited(response: Response, maxBytes: number, onChunk: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
  if (!response.body) return;
  let total = 0;
  const take = async (chunk: Uint8Array, cancel: () => Promise<void>) => {
    total += chunk.byteLength;
    if (total > maxBytes) {
      await cancel();
      throw tooLarge(total, maxBytes);
    }
    await onChunk(chunk);
  };
  const lending = byobReader(response.body);
  if (lending) {
    let buffer = new ArrayBuffer(READ_BUFFER_BYTES);
    for (;;) {
      const { done, value } = await lending.read(new Uint8Array(buffer));
      if (done || !value) break;
      await take(value, () => lending.cancel());
      buffer = value.buffer;
    }
    return;
  }
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    await take(value, () => reader.cancel());
  }
}

/** A reader into our own buffer, where the body is a byte stream (any fetched one; not a Response made from a plain stream). */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}
