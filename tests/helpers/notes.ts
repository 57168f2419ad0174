// Synthetic peer notes for tests: fictional tools, authors and text; no patient data.
import { productKeys } from '@/lib/lookup/keys';
import type { FeedNote, LocalNote } from '@/lib/notes/schema';
import type { NoteRecord } from '@/lib/storage/db';

export function sampleNote(overrides: Partial<LocalNote> = {}): LocalNote {
  return {
    id: 'note-1',
    toolName: 'Example Tool (test)',
    identifiers: { apple: ['1000000001'] },
    verdict: 'works-well',
    text: 'Patients with asthma found the inhaler reminders easy to set up.',
    conditions: ['asthma'],
    tags: ['easy to set up'],
    author: { name: 'Dr A. Example', role: 'gp', organisation: 'Example Practice (test)' },
    createdAt: '2026-11-01T09:00:00.000Z',
    updatedAt: '2026-11-01T09:00:00.000Z',
    ...overrides,
  };
}

export function sampleFeedNote(overrides: Partial<FeedNote> = {}): FeedNote {
  return sampleNote(overrides) as FeedNote;
}

export function noteRecord(note: LocalNote = sampleNote()): NoteRecord {
  return { id: note.id, toolKeys: productKeys(note.identifiers), note };
}
