// Debian's nginx serving a folder of feed files, as a publisher's static host or CDN would: ETags
// and Last-Modified from the file, conditional requests, gzip for JSON, CORS for the extension's
// fetches and the cache headers a delta feed's files need. Unlike the Node feed server in
// server.ts, nothing here is written for the tests: what the extension meets is nginx's own HTTP.
// nginx runs as a child process under this user, everything it writes kept in one temporary folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { waitFor } from './wait';

export const NGINX_INSTALL_HINT = 'apt-get install -y nginx-light';

/** The file name of a feed's manifest: revalidated on every use. */
export const MANIFEST_FILE = 'feed.json';

/** One line of nginx's access log. A header the client did not send (or sent empty) is undefined. */
export interface LoggedRequest {
  method: string;
  /** As the client sent it, query included. */
  uri: string;
  status: number;
  /** Everything nginx wrote to the socket for this response, headers included (after gzip). */
  bytesSent: number;
  /** The body as written: gzipped, and with chunked framing when nginx compressed it on the fly. */
  bodyBytesSent: number;
  /** Request headers. */
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  acceptEncoding?: string;
  origin?: string;
  /** Response headers. */
  contentEncoding?: string;
  etag?: string;
}

export interface NginxServer {
  /** "http://127.0.0.1:<port>", no trailing slash. */
  readonly origin: string;
  /** The absolute URL of a path under the served folder: urlOf('patches/7.json'). */
  urlOf(path: string): string;
  /** Every request nginx has finished answering, oldest first. */
  requests(): Promise<LoggedRequest[]>;
  /** Stops nginx (gracefully, then by force after a few seconds) and removes its temporary folder. */
  close(): Promise<void>;
}

const nginxPath = () => process.env.NGINX_PATH ?? '/usr/sbin/nginx';

/**
 * Answered with 204 and left out of the access log. nginx logs a request only after its response
 * has been written, so a client can read a response before its log line exists; its one worker
 * handles connections in turn, so once this answers, every response already received is logged.
 */
const LOG_BARRIER = '/__signpost-harness/log-barrier';

const ATTEMPTS = 3;
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export async function startNginx(root: string): Promise<NginxServer> {
  const binary = nginxPath();
  if (!existsSync(binary)) {
    throw new Error(`nginx is not installed (no ${binary}): the end-to-end tests serve feeds through Debian's nginx. Install it with \`${NGINX_INSTALL_HINT}\` (.ci/run does), or set NGINX_PATH.`);
  }
  const servedRoot = resolve(root);
  if (!existsSync(servedRoot) || !statSync(servedRoot).isDirectory()) throw new Error(`Cannot serve ${servedRoot}: not a folder.`);
  const prefix = await mkdtemp(join(tmpdir(), 'signpost-nginx-'));
  try {
    await mkdir(join(prefix, 'temp'));
    // The port is free when picked but may be taken before nginx binds it: then pick another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(binary, prefix, renderConfig({ prefix, root: servedRoot, port }));
      if ('process' in started) return serverFor(started.process, prefix, port);
      if (!started.error.includes('Address already in use') || attempt === ATTEMPTS) throw new Error(`nginx did not start: ${started.error}`);
    }
  } catch (error) {
    await rm(prefix, { recursive: true, force: true });
    throw error;
  }
}

interface ConfigInput {
  prefix: string;
  root: string;
  port: number;
}

/**
 * Headers every response carries, error pages included, so the extension sees a 404 as a 404 and
 * not as a CORS failure. nginx's add_header is not inherited into a block that has its own, so
 * each location repeats these. Allow-Headers is empty, so not sent, except on a preflight.
 */
const CORS_HEADERS = `
      add_header Access-Control-Allow-Origin "*" always;
      add_header Access-Control-Expose-Headers "ETag" always;
      add_header Access-Control-Allow-Methods $cors_allow_methods always;
      add_header Access-Control-Allow-Headers $cors_allow_headers always;`;

function renderConfig({ prefix, root, port }: ConfigInput): string {
  const at = (name: string) => quoted(join(prefix, name));
  return `# Written by tests/e2e/harness/nginx.ts for one test run.
${process.getuid?.() === 0 ? `# Running as root: without this, workers would switch to "nobody" and could not read a private temporary folder.\nuser ${userInfo().username};` : ''}
worker_processes 1;
pid ${at('nginx.pid')};
error_log ${at('error.log')} notice;
events { worker_connections 256; }
http {
  types { application/json json; }
  default_type application/octet-stream;
  client_body_temp_path ${at('temp/body')};
  proxy_temp_path ${at('temp/proxy')};
  fastcgi_temp_path ${at('temp/fastcgi')};
  uwsgi_temp_path ${at('temp/uwsgi')};
  scgi_temp_path ${at('temp/scgi')};
  log_format signpost escape=json '{"method":"$request_method","uri":"$request_uri","status":$status,"bytesSent":$bytes_sent,"bodyBytesSent":$body_bytes_sent,'
    '"ifNoneMatch":"$http_if_none_match","ifModifiedSince":"$http_if_modified_since","acceptEncoding":"$http_accept_encoding","origin":"$http_origin",'
    '"contentEncoding":"$sent_http_content_encoding","etag":"$sent_http_etag"}';
  access_log ${at('access.log')} signpost;
  sendfile on;
  map $request_method $cors_allow_methods { OPTIONS "GET, HEAD, OPTIONS"; default ""; }
  map $request_method $cors_allow_headers { OPTIONS "If-None-Match, If-Modified-Since"; default ""; }
  server {
    listen 127.0.0.1:${port};
    root ${quoted(root)};
    etag on;
    if_modified_since exact;
    gzip on;
    gzip_types application/json;
    gzip_min_length 256;
    gzip_vary on;
    if ($request_method = OPTIONS) { return 204; }
    ${CORS_HEADERS}
    location = ${LOG_BARRIER} { access_log off; return 204; }
    location ~ (^|/)${MANIFEST_FILE.replace('.', '\\.')}$ {
      add_header Cache-Control "no-cache" always;${CORS_HEADERS}
    }
    # Snapshots and patches are named by sequence and never rewritten.
    location ~ /(snapshots|patches)/ {
      add_header Cache-Control "public, max-age=31536000, immutable" always;${CORS_HEADERS}
    }
  }
}
`;
}

/** A path as an nginx string: nginx would read "$" as a variable, so such a path is refused. */
function quoted(path: string): string {
  if (/["\\$\n\r]/.test(path)) throw new Error(`nginx cannot be given this path safely: ${JSON.stringify(path)}`);
  return `"${path}"`;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

type Launched = { process: ChildProcess } | { error: string };

/** Starts nginx and waits for its pid file, which nginx writes only once its port is bound. */
async function launch(binary: string, prefix: string, config: string): Promise<Launched> {
  const configFile = join(prefix, 'nginx.conf');
  const pidFile = join(prefix, 'nginx.pid');
  await writeFile(configFile, config);
  await rm(pidFile, { force: true });
  // -e: errors before the configuration is read go to the folder too, not to the built-in path.
  const child = spawn(binary, ['-p', prefix, '-c', configFile, '-e', join(prefix, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<string>((done) => {
    child.once('error', (error) => done(error.message));
    child.once('exit', (code, signal) => done(`exit ${code ?? signal}`));
  });
  let outcome: string | undefined;
  void exited.then((reason) => (outcome = reason));
  let timedOut: string | undefined;
  try {
    await waitFor(() => outcome !== undefined || existsSync(pidFile), { timeoutMs: START_TIMEOUT_MS, intervalMs: 10, message: "nginx's pid file" });
  } catch (error) {
    child.kill('SIGKILL');
    timedOut = (error as Error).message;
  }
  const failure = timedOut ?? outcome;
  if (failure === undefined) return { process: child };
  const log = await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
  return { error: `${failure}\n${stderr}${log}`.trim() };
}

function serverFor(child: ChildProcess, prefix: string, port: number): NginxServer {
  const origin = `http://127.0.0.1:${port}`;
  // A test process that ends without close() must not leave nginx behind (SIGTERM stops its worker too).
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  const stopped = new Promise<void>((done) => child.once('exit', () => done()));
  let closing: Promise<void> | undefined;
  return {
    origin,
    urlOf: (path) => new URL(path.replace(/^\/+/, ''), `${origin}/`).href,
    async requests() {
      await logBarrier(port);
      return parseAccessLog(await readFile(join(prefix, 'access.log'), 'utf8'));
    },
    close() {
      closing ??= (async () => {
        process.off('exit', stopOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGQUIT');
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
          await stopped;
          clearTimeout(timer);
        }
        await rm(prefix, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function logBarrier(port: number): Promise<void> {
  return new Promise((done, reject) => {
    const probe = request({ host: '127.0.0.1', port, path: LOG_BARRIER, agent: false }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 204 ? done() : reject(new Error(`nginx log barrier answered ${response.statusCode}`))));
    });
    probe.on('error', reject);
    probe.end();
  });
}

/** nginx logs an absent header as "": read back as undefined. */
const header = z.string().transform((value) => value || undefined);

const logLine = z.object({
  method: z.string(),
  uri: z.string(),
  status: z.number().int(),
  bytesSent: z.number().int(),
  bodyBytesSent: z.number().int(),
  ifNoneMatch: header,
  ifModifiedSince: header,
  acceptEncoding: header,
  origin: header,
  contentEncoding: header,
  etag: header,
});

function parseAccessLog(text: string): LoggedRequest[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => logLine.parse(JSON.parse(line)));
}
