import type { SignpostingPort } from '@/lib/monitoring/actions';
import type { ExtensionPageRequest } from '@/lib/messaging/protocol';

// The signposting record as Signpost's pages reach it: by message to the background, its only
// reader and writer (docs/monitoring.md §2).

export function messageSignpostingPort(send: (request: ExtensionPageRequest) => Promise<unknown> = (request) => browser.runtime.sendMessage(request)): SignpostingPort {
  const ask = async <T,>(request: ExtensionPageRequest): Promise<T> => {
    const reply = await send(request);
    if (reply === undefined) throw new Error(`Signpost's background did not answer ${request.type}`);
    return reply as T;
  };
  return {
    record: (recordId, channel, condition) => ask({ type: 'record-signposting', recordId, channel, condition }),
    overview: () => ask({ type: 'signposting-overview' }),
    remove: (ids) => ask({ type: 'delete-signpostings', ids: ids === 'all' ? 'all' : [...ids] }),
    settings: (change) => ask({ type: 'set-signposting-record', ...change }),
    followUps: () => ask({ type: 'follow-ups' }),
    markRead: (id) => ask({ type: 'mark-follow-up-read', id }),
    report: () => ask({ type: 'signposting-report' }),
  };
}
