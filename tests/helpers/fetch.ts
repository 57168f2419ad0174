// Fake network for sync tests: each call answers from a script, and every request is recorded.

export type Responder = (request: { url: string; headers: Record<string, string>; signal?: AbortSignal }) => Response | Promise<Response>;

export function fakeFetch(responder: Responder) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const headers = { ...(init?.headers as Record<string, string> | undefined) };
    calls.push({ url, headers });
    return responder({ url, headers, signal: init?.signal ?? undefined });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

export function json(body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });
}

/** A body that sends some bytes and then fails, as a connection reset does. */
export function resetMidBody(firstBytes: string): Response {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(firstBytes));
      controller.error(new TypeError('network error: connection reset'));
    },
  });
  return new Response(stream, { status: 200 });
}

/** Never answers until the caller gives up. */
export function hang(signal?: AbortSignal): Promise<Response> {
  return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
}
