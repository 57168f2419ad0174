import type { SignpostRequest } from '@/lib/messaging/protocol';

/** Sends a request to the background and fails loudly when nothing answers (e.g. it was ignored as invalid). */
export async function askBackground<T>(request: SignpostRequest): Promise<T> {
  const reply: unknown = await browser.runtime.sendMessage(request);
  if (reply === undefined) throw new Error(`Signpost's background task did not answer "${request.type}"`);
  return reply as T;
}
