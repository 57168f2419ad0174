// The nginx harness (issue #15): Debian's nginx serving a folder of feed files the way a static
// host would, checked with plain HTTP clients. Raw node:http requests where the wire matters
// (fetch would decompress gzip and hide Content-Encoding). The files are synthetic.
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NGINX_INSTALL_HINT, startNginx, type LoggedRequest, type NginxServer } from './harness/nginx';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Well over gzip_min_length (256 bytes). */
const manifest = JSON.stringify({
  sequence: 12,
  note: 'Synthetic test manifest, not a real feed.',
  patches: Array.from({ length: 40 }, (_, i) => ({ from: i + 1, path: `patches/${i + 1}.json`, bytes: 500 + i })),
});
/** Under gzip_min_length: sent as it is. */
const small = JSON.stringify({ sequence: 12 });

let folder: string;
let nginx: NginxServer;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'signpost-nginx-folder-'));
  await mkdir(join(folder, 'snapshots'));
  await mkdir(join(folder, 'patches'));
  await mkdir(join(folder, 'another-feed'), { recursive: true });
  await writeFile(join(folder, 'feed.json'), manifest);
  await writeFile(join(folder, 'another-feed', 'feed.json'), manifest);
  await writeFile(join(folder, 'snapshots', '12.json'), manifest);
  await writeFile(join(folder, 'patches', '11.json'), small);
  await writeFile(join(folder, 'small.json'), small);
  nginx = await startNginx(folder);
});

afterAll(async () => {
  await nginx?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came off the wire, still compressed if they were. */
  body: Buffer;
}

function raw(path: string, { method = 'GET', headers = {} }: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sent = request(nginx.urlOf(path), { method, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end();
  });
}

async function lastLogged(): Promise<LoggedRequest | undefined> {
  return (await nginx.requests()).at(-1);
}

describe('conditional requests', () => {
  test('a JSON file comes with a strong ETag and Last-Modified, as application/json', async () => {
    const response = await fetch(nginx.urlOf('small.json'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.headers.get('last-modified')).toBeTruthy();
    expect(await response.text()).toBe(small);
  });

  test('a matching If-None-Match is answered 304 with no body, and the log shows it', async () => {
    const first = await raw('feed.json');
    const etag = first.headers.etag!;
    const again = await raw('feed.json', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    expect(await lastLogged()).toMatchObject({ method: 'GET', uri: '/feed.json', status: 304, bodyBytesSent: 0, ifNoneMatch: etag });
  });

  test('If-Modified-Since must equal Last-Modified exactly (if_modified_since exact)', async () => {
    const lastModified = (await raw('feed.json')).headers['last-modified']!;
    expect((await raw('feed.json', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    const later = new Date(Date.parse(lastModified) + 60_000).toUTCString();
    expect((await raw('feed.json', { headers: { 'if-modified-since': later } })).status).toBe(200);
  });

  test("the ETag is the file's modification time and size, not its content", async () => {
    // What a test publishing sequence after sequence must know: a rewrite of the same length in
    // the same second keeps the ETag, and a client holding the old file is told 304.
    const file = join(folder, 'rewritten.json');
    const when = new Date('2026-12-01T10:00:00Z');
    await writeFile(file, JSON.stringify({ sequence: 1 }));
    await utimes(file, when, when);
    const etag = (await raw('rewritten.json')).headers.etag!;
    await writeFile(file, JSON.stringify({ sequence: 2 }));
    await utimes(file, when, when);
    expect((await raw('rewritten.json', { headers: { 'if-none-match': etag } })).status).toBe(304);

    const later = new Date(when.getTime() + 1000);
    await utimes(file, later, later);
    const changed = await raw('rewritten.json', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.toString()).toBe(JSON.stringify({ sequence: 2 }));
  });
});

describe('gzip', () => {
  test('a large JSON file is sent gzip-encoded with a weak ETag, and the log shows it', async () => {
    const response = await raw('feed.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers['content-encoding']).toBe('gzip');
    expect(response.headers.vary).toBe('Accept-Encoding');
    expect(response.headers.etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect(response.body.length).toBeLessThan(Buffer.byteLength(manifest));
    expect(gunzipSync(response.body).toString()).toBe(manifest);
    const logged = await lastLogged();
    expect(logged).toMatchObject({ uri: '/feed.json', status: 200, acceptEncoding: 'gzip', contentEncoding: 'gzip', etag: response.headers.etag });
    // Chunked framing counts as body bytes in nginx's log: a gzipped response has no Content-Length.
    expect(response.headers['content-length']).toBeUndefined();
    expect(logged!.bodyBytesSent).toBeGreaterThanOrEqual(response.body.length);
    expect(logged!.bodyBytesSent).toBeLessThan(Buffer.byteLength(manifest));
  });

  test('a conditional request with the weak ETag is answered 304, carrying the strong ETag', async () => {
    const gzipped = await raw('feed.json', { headers: { 'accept-encoding': 'gzip' } });
    const weak = gzipped.headers.etag!;
    const response = await raw('feed.json', { headers: { 'accept-encoding': 'gzip', 'if-none-match': weak } });
    expect(response.status).toBe(304);
    expect(response.body.length).toBe(0);
    // nginx compares If-None-Match weakly, and its 304 is not gzipped, so the ETag comes back strong:
    // a client must compare ETags without "W/".
    expect(response.headers.etag).toBe(weak.replace(/^W\//, ''));
    expect(response.headers['content-encoding']).toBeUndefined();
  });

  test('a file under gzip_min_length, or a client that does not accept gzip, gets the plain bytes', async () => {
    const smallResponse = await raw('small.json', { headers: { 'accept-encoding': 'gzip' } });
    expect(smallResponse.headers['content-encoding']).toBeUndefined();
    expect(smallResponse.body.toString()).toBe(small);
    const plain = await raw('feed.json');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-length']).toBe(String(Buffer.byteLength(manifest)));
    expect(await lastLogged()).toMatchObject({ uri: '/feed.json', acceptEncoding: undefined, contentEncoding: undefined });
  });
});

describe('CORS for the extension', () => {
  const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

  test.each([
    ['a file', 'feed.json', 200],
    ['a missing file', 'nothing-here.json', 404],
  ])('%s: any origin may read it and its ETag', async (_what, path, status) => {
    const response = await raw(path, { headers: { origin } });
    expect(response.status).toBe(status);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-expose-headers']).toBe('ETag');
    expect(response.headers['access-control-allow-headers']).toBeUndefined();
    expect(await lastLogged()).toMatchObject({ uri: `/${path}`, status, origin });
  });

  test('a 304 carries the CORS headers too', async () => {
    const etag = (await raw('snapshots/12.json')).headers.etag!;
    const response = await raw('snapshots/12.json', { headers: { origin, 'if-none-match': etag } });
    expect(response.status).toBe(304);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-expose-headers']).toBe('ETag');
  });

  test('a preflight for a conditional request is answered 204', async () => {
    const response = await raw('feed.json', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match,if-modified-since' },
    });
    expect(response.status).toBe(204);
    expect(response.body.length).toBe(0);
    expect(response.headers['access-control-allow-origin']).toBe('*');
    expect(response.headers['access-control-allow-headers']).toBe('If-None-Match, If-Modified-Since');
    expect(response.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    expect(await lastLogged()).toMatchObject({ method: 'OPTIONS', uri: '/feed.json', status: 204 });
  });
});

describe('cache headers', () => {
  test.each([
    ['feed.json', 'no-cache'],
    ['another-feed/feed.json', 'no-cache'],
    ['snapshots/12.json', IMMUTABLE],
    ['patches/11.json', IMMUTABLE],
    ['small.json', undefined],
  ])('%s: Cache-Control %s', async (path, cacheControl) => {
    const response = await raw(path);
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe(cacheControl);
    expect(response.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('the harness', () => {
  test('requests() lists every request just answered, in order', async () => {
    const before = (await nginx.requests()).length;
    await raw('small.json?first');
    await fetch(nginx.urlOf('/small.json?second'));
    const logged = (await nginx.requests()).slice(before);
    expect(logged.map(({ uri, status }) => ({ uri, status }))).toEqual([
      { uri: '/small.json?first', status: 200 },
      { uri: '/small.json?second', status: 200 },
    ]);
  });

  test('close() stops nginx and removes its folder', async () => {
    const ours = async () => (await readdir(tmpdir())).filter((name) => name.startsWith('signpost-nginx-') && !name.startsWith('signpost-nginx-folder-'));
    const before = await ours();
    const other = await startNginx(folder);
    expect((await ours()).length).toBe(before.length + 1);
    expect((await fetch(other.urlOf('small.json'))).status).toBe(200);
    await other.close();
    await expect(fetch(other.urlOf('small.json'))).rejects.toThrow();
    expect(await ours()).toEqual(before);
  });

  test('without nginx it says how to install it', async () => {
    const saved = process.env.NGINX_PATH;
    process.env.NGINX_PATH = join(folder, 'no-nginx-here');
    try {
      await expect(startNginx(folder)).rejects.toThrow(NGINX_INSTALL_HINT);
    } finally {
      if (saved === undefined) delete process.env.NGINX_PATH;
      else process.env.NGINX_PATH = saved;
    }
  });
});
