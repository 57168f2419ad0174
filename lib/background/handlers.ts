import { requestSchema } from '../messaging/protocol';
import { lookupUrl, type LookupResult, type RegistrySource } from '../registry/lookup';
import type { SyncOutcome } from '../sync/sync';

export interface BackgroundContext {
  extensionId: string;
  registry: RegistrySource;
  syncAll: () => Promise<SyncOutcome[]>;
  now: () => number;
}

export interface MessageSender {
  id?: string;
}

type Reply = LookupResult | SyncOutcome[];

/**
 * Answers a runtime message, or returns undefined to ignore it: messages from other extensions
 * and anything that fails validation get no answer at all.
 */
export function handleMessage(context: BackgroundContext, message: unknown, sender: MessageSender): Promise<Reply> | undefined {
  if (sender.id !== context.extensionId) return undefined;
  const request = requestSchema.safeParse(message);
  if (!request.success) return undefined;
  switch (request.data.type) {
    case 'lookup':
      return lookupUrl(context.registry, request.data.url, context.now());
    case 'sync-now':
      return context.syncAll();
  }
}
