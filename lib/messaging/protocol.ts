import { z } from '../zod';
import { noteIdSchema, noteSubjectSchema } from '../notes/schema';

// Every message the background accepts, validated at the boundary. Anything else is ignored.
export const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('lookup'), url: z.string().max(4096) }),
  z.object({ type: z.literal('dismiss'), keys: z.array(z.string().max(300)).min(1).max(50) }),
  z.object({ type: z.literal('lookup-links'), urls: z.array(z.string().max(4096)).min(1).max(300) }),
  z.object({ type: z.literal('sync-now') }),
  // Peer notes, from the card: the draft is checked in full (patient data above all) by saveNote,
  // which answers with reasons the editor shows; a failing draft is never stored.
  z.object({ type: z.literal('save-note'), draft: z.unknown() }),
  // Read only when the card's details open, so a card's first paint never waits on notes.
  z.object({ type: z.literal('notes-for'), subject: noteSubjectSchema }),
  z.object({ type: z.literal('delete-note'), id: noteIdSchema, subject: noteSubjectSchema }),
  z.object({ type: z.literal('restore-note'), id: noteIdSchema, subject: noteSubjectSchema }),
  // The card's notes code, injected into the sending frame when its details are first opened.
  z.object({ type: z.literal('load-card-notes') }),
  // From the settings page only (the handler checks the sender is an extension page).
  z.object({ type: z.literal('subscribe-feed'), url: z.string().max(2000), keys: z.array(z.string().max(100)).max(8).optional() }),
  z.object({ type: z.literal('sync-feed'), url: z.string().max(2000) }),
  z.object({ type: z.literal('forget-feed'), url: z.string().max(2000) }),
]);

export type SignpostRequest = z.infer<typeof requestSchema>;
