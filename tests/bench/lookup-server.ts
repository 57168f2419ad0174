// The alternative design, for comparison: a per-URL lookup against a server, as WOT or Exodify
// do. It answers from a precomputed map (the same verdicts Signpost's lib gives for the bundled
// feed), so it costs nothing but the request itself: the comparison favours the server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LookupServer {
  readonly endpoint: string;
  readonly requests: number;
  setDelay(ms: number): void;
  close(): Promise<void>;
}

export async function startLookupServer(headlines: ReadonlyMap<string, string>): Promise<LookupServer> {
  let delayMs = 0;
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('url') ?? '';
    const body = JSON.stringify({ headline: headlines.get(url) ?? 'This app: Not in your registry' });
    const answer = () => {
      // Any origin: the page itself asks, from apps.apple.com or play.google.com.
      response.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*', 'cache-control': 'no-store' });
      response.end(body);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/lookup`,
    get requests() {
      return requests;
    },
    setDelay: (ms) => {
      delayMs = ms;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
