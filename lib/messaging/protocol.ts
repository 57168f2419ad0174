import { z } from '../zod';
import { noteIdSchema, noteSubjectSchema } from '../notes/schema';
import { CHANNELS, conditionIdSchema } from '../monitoring/record';

// Every message the background accepts, validated at the boundary. Anything else is ignored.
// Two groups, by who may send them (lib/background/handlers.ts checks the sender).

const pageUrl = z.string().max(4096);
const lookupRequest = z.object({ type: z.literal('lookup'), url: pageUrl });
const lookupLinksRequest = z.object({ type: z.literal('lookup-links'), urls: z.array(pageUrl).min(1).max(300) });

/**
 * From content scripts, about the web page they run in, and only that: the background answers
 * each for the sending document (sender.url), never for an address the page could choose.
 */
export const pageRequestSchema = z.discriminatedUnion('type', [
  // The page's own card. `url` is what the content script shows it for; answered only when it is the sender's own.
  lookupRequest,
  // Verdicts for the links on the page: capped per page document (lib/background/page-links.ts).
  lookupLinksRequest,
  // The card for a link the page was just answered with a verdict for.
  z.object({ type: z.literal('lookup-link-card'), url: pageUrl }),
  // Hide the page's own card (its listing); `url` as for lookup, so a link's card never hides the page's.
  z.object({ type: z.literal('dismiss'), url: pageUrl }),
]);

/** From Signpost's own pages only (popup, settings, the card's notes frame, tests): notes, sync and feeds. */
export const extensionPageRequestSchema = z.discriminatedUnion('type', [
  // Any address's card or verdicts, as the registry holds them: these pages could read it themselves
  // (the popup does), and the end-to-end tests and the benchmark ask the worker this way.
  lookupRequest,
  lookupLinksRequest,
  z.object({ type: z.literal('sync-now') }),
  // Peer notes: the draft is checked in full (patient data above all) by saveNote, which answers
  // with reasons the editor shows; a failing draft is never stored.
  z.object({ type: z.literal('save-note'), draft: z.unknown() }),
  z.object({ type: z.literal('notes-for'), subject: noteSubjectSchema }),
  z.object({ type: z.literal('delete-note'), id: noteIdSchema, subject: noteSubjectSchema }),
  z.object({ type: z.literal('restore-note'), id: noteIdSchema, subject: noteSubjectSchema }),
  z.object({ type: z.literal('subscribe-feed'), url: z.string().max(2000), keys: z.array(z.string().max(100)).max(8).optional() }),
  z.object({ type: z.literal('sync-feed'), url: z.string().max(2000) }),
  z.object({ type: z.literal('forget-feed'), url: z.string().max(2000) }),
  // The signposting record (docs/monitoring.md): a record id, a channel and a condition id, and
  // no free text; the background looks the tool up and builds the entry itself.
  z.strictObject({ type: z.literal('record-signposting'), recordId: z.string().max(2200), channel: z.enum(CHANNELS), condition: conditionIdSchema.nullable() }),
  z.object({ type: z.literal('signposting-overview') }),
  z.object({ type: z.literal('delete-signpostings'), ids: z.union([z.literal('all'), z.array(z.uuid()).max(10_000)]) }),
  z.object({ type: z.literal('set-signposting-record'), paused: z.boolean().optional(), noticeSeen: z.boolean().optional() }),
  z.object({ type: z.literal('follow-ups') }),
  z.object({ type: z.literal('mark-follow-up-read'), id: z.string().max(3000) }),
  z.object({ type: z.literal('signposting-report') }),
]);

export type PageRequest = z.infer<typeof pageRequestSchema>;
export type ExtensionPageRequest = z.infer<typeof extensionPageRequestSchema>;
export type SignpostRequest = PageRequest | ExtensionPageRequest;
