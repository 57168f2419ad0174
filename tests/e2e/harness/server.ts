// Local stand-ins for the web: an HTTPS server that answers for the real store and tool host names
// (Chromium is pointed at it with --host-resolver-rules), and a plain-HTTP feed server on 127.0.0.1.
// Both record every request, so tests can prove what the extension did and did not fetch.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join } from 'node:path';
import { CERTS_DIR, FIXTURES_DIR } from './paths';

export const SITE_HOSTS = ['apps.apple.com', 'itunes.apple.com', 'play.google.com', 'www.nhs.uk', 'www.sleepio.com', 'forum.example.test'] as const;

export const FIXTURE = {
  appleApp: 'apple-app.html',
  appleDeveloper: 'apple-developer.html',
  toolSite: 'tool-site.html',
  links: 'links.html',
  googlePlay: 'google-play/us_whereami.html',
} as const;

export interface RecordedRequest {
  method: string;
  host: string;
  /** Absolute URL as the browser asked for it. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Set once the response has been sent. */
  status?: number;
}

export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void;
/** A file under tests/e2e/fixtures (or an absolute path), or a handler. */
export type Route = string | RouteHandler;

export interface TestServer {
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** Adds or replaces a route; the key is host + pathname (the site server) or the pathname (the feed server). */
  route(key: string, route: Route): void;
  close(): Promise<void>;
}

export interface SiteServer extends TestServer {
  /** The value for Chromium's --host-resolver-rules: every site host to this server. */
  readonly hostRules: string;
}

export interface FeedServer extends TestServer {
  readonly origin: string;
  /** Serves `body` as JSON at `path` with a content-derived ETag, answering 304 to a matching If-None-Match. */
  publish(path: string, body: unknown): string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

const fileCache = new Map<string, Buffer>();

function serveFile(file: string): RouteHandler {
  const path = isAbsolute(file) ? file : join(FIXTURES_DIR, file);
  return (_request, response) => {
    let body = fileCache.get(path);
    if (!body) {
      body = readFileSync(path);
      fileCache.set(path, body);
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream', 'content-length': body.length });
    response.end(body);
  };
}

const asHandler = (route: Route): RouteHandler => (typeof route === 'string' ? serveFile(route) : route);

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('Not found (no route in the e2e test server)');
}

/** Chromium asks every host for /favicon.ico on its own account: filter these out before blaming the extension. */
export const isFaviconRequest = (request: RecordedRequest): boolean => new URL(request.url).pathname === '/favicon.ico';

const DEFAULT_SITE_ROUTES: readonly [(url: URL) => boolean, Route][] = [
  [
    (url) => url.pathname === '/favicon.ico',
    (_request, response) => {
      response.writeHead(204);
      response.end();
    },
  ],
  [(url) => url.hostname === 'apps.apple.com' && /^\/(?:[a-z]{2}\/)?app\//.test(url.pathname), FIXTURE.appleApp],
  [(url) => url.hostname === 'apps.apple.com' && /^\/(?:[a-z]{2}\/)?developer\//.test(url.pathname), FIXTURE.appleDeveloper],
  // The old iTunes links still in circulation redirect to apps.apple.com, as the real host does.
  [
    (url) => url.hostname === 'itunes.apple.com',
    (_request, response, url) => {
      response.writeHead(301, { location: `https://apps.apple.com${url.pathname}${url.search}` });
      response.end();
    },
  ],
  [(url) => url.hostname === 'play.google.com' && url.pathname === '/store/apps/details', FIXTURE.googlePlay],
  [(url) => url.hostname === 'www.nhs.uk' || url.hostname === 'www.sleepio.com', FIXTURE.toolSite],
  [(url) => url.hostname === 'forum.example.test' && url.pathname === '/', FIXTURE.links],
];

interface ServerCore {
  server: Server;
  requests: RecordedRequest[];
  routes: Map<string, RouteHandler>;
}

function startRecording(
  server: Server,
  scheme: 'http' | 'https',
  resolve: (url: URL, routes: Map<string, RouteHandler>) => RouteHandler | undefined,
): ServerCore {
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, RouteHandler>();
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const host = (request.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(request.url ?? '/', `${scheme}://${request.headers.host ?? host}`);
    const record: RecordedRequest = { method: request.method ?? 'GET', host, url: url.href, headers: request.headers };
    requests.push(record);
    response.on('finish', () => {
      record.status = response.statusCode;
    });
    const handler = resolve(url, routes);
    if (handler) handler(request, response, url);
    else notFound(response);
  });
  return { server, requests, routes };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return (server.address() as AddressInfo).port;
}

function testServer({ server, requests, routes }: ServerCore, port: number): TestServer {
  return {
    port,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    route: (key, route) => {
      routes.set(key, asHandler(route));
    },
    close: async () => {
      // Chromium keeps connections alive; without this, close() waits for them to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export async function startSiteServer(routes: Record<string, Route> = {}): Promise<SiteServer> {
  const server = createHttpsServer({
    key: readFileSync(join(CERTS_DIR, 'TEST-ONLY-DO-NOT-TRUST.key.pem')),
    cert: readFileSync(join(CERTS_DIR, 'TEST-ONLY-DO-NOT-TRUST.cert.pem')),
  });
  const core = startRecording(server, 'https', (url, table) => {
    const exact = table.get(url.hostname + url.pathname);
    if (exact) return exact;
    const fallback = DEFAULT_SITE_ROUTES.find(([matches]) => matches(url));
    return fallback && asHandler(fallback[1]);
  });
  const port = await listen(server);
  const site = testServer(core, port);
  for (const [key, route] of Object.entries(routes)) site.route(key, route);
  return { ...site, hostRules: SITE_HOSTS.map((host) => `MAP ${host} 127.0.0.1:${port}`).join(', ') };
}

// The extension holds no host permission for feed hosts, so its fetches are CORS requests: a feed
// host must allow any origin, expose ETag, and answer the preflight that If-None-Match triggers.
const CORS_HEADERS = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'ETag' };

export async function startFeedServer(): Promise<FeedServer> {
  const server = createHttpServer();
  const core = startRecording(server, 'http', (url, table) => table.get(url.pathname));
  const port = await listen(server);
  const feeds = testServer(core, port);
  const origin = `http://127.0.0.1:${port}`;
  return {
    ...feeds,
    origin,
    publish: (path, body) => {
      const bytes = Buffer.from(JSON.stringify(body));
      const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 16)}"`;
      feeds.route(path, (request, response) => {
        if (request.method === 'OPTIONS') {
          response.writeHead(204, { ...CORS_HEADERS, 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'If-None-Match, If-Modified-Since' });
          response.end();
          return;
        }
        const candidates = (request.headers['if-none-match'] ?? '').split(',').map((tag) => tag.trim());
        if (candidates.includes(etag) || candidates.includes('*')) {
          response.writeHead(304, { ...CORS_HEADERS, etag });
          response.end();
          return;
        }
        response.writeHead(200, { ...CORS_HEADERS, 'content-type': 'application/json', 'content-length': bytes.length, etag });
        response.end(bytes);
      });
      return origin + path;
    },
  };
}
