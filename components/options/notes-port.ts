import { liveQuery } from 'dexie';
import { ownNotes } from '@/lib/notes/store';
import { importFeedFile, loadTeam, publishTeamFeed } from '@/lib/notes/team-feed';
import { importNotes, notesFileName, notesFileText, parseNotesFile } from '@/lib/notes/transfer';
import type { SignpostDatabase } from '@/lib/storage/db';
import type { NotesPort } from './ports';

/** The settings page's notes, straight from the database: nothing here needs the background. */
export function dexieNotesPort(db: SignpostDatabase, now: () => number): NotesPort {
  return {
    watch: (onChange, onError) => {
      const subscription = liveQuery(() => ownNotes(db)).subscribe({ next: onChange, error: onError });
      return () => subscription.unsubscribe();
    },
    team: () => loadTeam(db),
    publish: (noteIds, team) => publishTeamFeed(db, noteIds, team, now()),
    exportFile: async () => ({ ...(await notesFileText(db, now())), fileName: notesFileName(now()) }),
    importFile: async (text) => {
      const parsed = parseNotesFile(text);
      return parsed.ok ? { ok: true, result: await importNotes(db, parsed.notes, parsed.unreadable) } : parsed;
    },
    importFeedFile: (fileName, text) => importFeedFile(db, fileName, text, now()),
  };
}
