// Peer notes that never hold patient data and are never lost (issue 14): every free-text field
// checked, the profile checked as a note's author, a stored note that fails the checks shown and
// exported, export then import lossless for every note saved, and team-feed files capped.
// All data is synthetic: NHS numbers are test numbers that pass Modulus 11.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '@/lib/feed/parse';
import type { NoteDraft } from '@/lib/notes/schema';
import { ownNotes, saveNote, toolNotes } from '@/lib/notes/store';
import { importFeedFile, MAX_FEED_FILE_CHARS, MAX_FEED_FILE_ENTRIES, publishTeamFeed } from '@/lib/notes/team-feed';
import { importNotes, notesFileText, parseNotesFile } from '@/lib/notes/transfer';
import { EMPTY_PROFILE, loadProfile, profileSchema, saveProfile } from '@/lib/settings/profile';
import { testDb } from '../helpers/db';
import { feed } from '../helpers/feeds';
import { noteRecord, sampleFeedNote, sampleNote } from '../helpers/notes';

const NOW = Date.parse('2026-11-25T09:30:00Z');
const SUBJECT = { toolName: 'Example Tool (test)', identifiers: { apple: ['1000000001'], googlePlay: ['org.example.tool'] } };
const TEST_NHS_NUMBER = '943 476 5919';
const team = { id: 'example-practice-notes', name: 'Example Practice peer notes (test)' };
/** What an email client pastes around a copied line: invisible direction marks. */
const PASTED_ORGANISATION = '\u202AExample Practice (test)\u202C\u200E';

const draft = (overrides: Partial<NoteDraft> = {}): NoteDraft => ({
  ...SUBJECT,
  verdict: 'works-well',
  text: 'Older patients managed the set-up on their own.',
  conditions: ['asthma'],
  tags: ['good for older patients'],
  ...overrides,
});

/** The profile as an older Signpost saved it: straight into storage, unchecked. */
async function dbWithStoredProfile(organisation: string) {
  const db = testDb();
  await db.settings.put({ key: 'profile', value: { ...EMPTY_PROFILE, displayName: 'Dr A. Example', role: 'gp', organisation } });
  return db;
}

describe('the silent loss: a direction mark pasted into the organisation', () => {
  it('every note saved afterwards is shown, listed, exported, published and imported, signed cleanly', async () => {
    const db = await dbWithStoredProfile(PASTED_ORGANISATION);
    const saved = await saveNote(db, draft(), NOW);
    expect(saved.ok).toBe(true);
    const id = saved.ok ? saved.id : '';

    const onCard = await toolNotes(db, SUBJECT, NOW);
    expect(onCard.own.map((note) => [note.id, note.author.organisation, note.repair])).toEqual([[id, 'Example Practice (test)', undefined]]);
    expect((await ownNotes(db)).notes.map(({ note }) => note.id)).toEqual([id]);
    expect(await publishTeamFeed(db, [id], team, NOW)).toMatchObject({ ok: true, count: 1 });

    const exported = await notesFileText(db, NOW);
    expect(exported.count).toBe(1);
    const parsed = parseNotesFile(exported.text);
    if (!parsed.ok) throw new Error(parsed.problem);
    const fresh = testDb();
    expect(await importNotes(fresh, parsed.notes)).toEqual({ added: 1, updated: 0, unchanged: 0 });
    expect(await fresh.notes.toArray()).toEqual(await db.notes.toArray());
  });

  it('notes an older version already stored with the mark are shown with a repair prompt, exported and imported; an edit repairs them', async () => {
    const db = await dbWithStoredProfile(PASTED_ORGANISATION);
    const lost = sampleNote({ identifiers: SUBJECT.identifiers, author: { name: 'Dr A. Example', role: 'gp', organisation: PASTED_ORGANISATION } });
    await db.notes.put(noteRecord(lost));

    const [shown] = (await toolNotes(db, SUBJECT, NOW)).own;
    expect(shown?.id).toBe(lost.id);
    expect(shown?.repair).toEqual(["The author's organisation: must not contain characters that reverse or reorder text."]);
    // Never shared until repaired.
    expect(await publishTeamFeed(db, [lost.id], team, NOW)).toMatchObject({ ok: false, problems: [{ noteId: lost.id }] });

    const parsed = parseNotesFile((await notesFileText(db, NOW)).text);
    if (!parsed.ok) throw new Error(parsed.problem);
    const fresh = testDb();
    await importNotes(fresh, parsed.notes);
    expect((await fresh.notes.get(lost.id))?.note).toEqual(lost);
    expect((await toolNotes(fresh, SUBJECT, NOW)).own.map((note) => note.repair?.length)).toEqual([1]);

    expect(await saveNote(db, draft({ id: lost.id }), NOW)).toEqual({ ok: true, id: lost.id });
    expect((await toolNotes(db, SUBJECT, NOW)).own.map((note) => [note.author.organisation, note.repair])).toEqual([['Example Practice (test)', undefined]]);
  });

  it('a stored record that is not a note at all is counted in Settings and exported as it is', async () => {
    const db = await dbWithStoredProfile('Example Practice (test)');
    await db.notes.put({ ...noteRecord(sampleNote({ id: 'bad' })), note: { id: 'bad', verdict: 'great' } as never });
    expect(await ownNotes(db)).toEqual({ notes: [], unreadable: [{ id: 'bad', verdict: 'great' }] });
    const exported = await notesFileText(db, NOW);
    expect(JSON.parse(exported.text).notes).toEqual([{ id: 'bad', verdict: 'great' }]);
    expect(parseNotesFile(exported.text)).toEqual({ ok: true, notes: [], unreadable: 1 });
  });
});

describe('the profile is checked as a note author is', () => {
  it('removes hidden characters from the name and organisation before saving', async () => {
    const db = testDb();
    await saveProfile(db, { ...EMPTY_PROFILE, displayName: 'Dr A.\u200B Example\u200E', organisation: PASTED_ORGANISATION });
    expect(await loadProfile(db)).toMatchObject({ displayName: 'Dr A. Example', organisation: 'Example Practice (test)' });
  });

  it('refuses a patient identifier in the name or organisation', () => {
    const parsed = profileSchema.safeParse({ ...EMPTY_PROFILE, organisation: `Ward 3, pt ${TEST_NHS_NUMBER}` });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({ path: ['organisation'], message: 'Your organisation contains what looks like an NHS number ("943 476 5919", at character 12).' }),
    ]);
  });

  it("keeps a practice's phone number and an organisation with a title in it", () => {
    expect(profileSchema.safeParse({ ...EMPTY_PROFILE, displayName: 'Dr A. Example', organisation: 'Example Surgery (test), 01632 960001 reception' }).success).toBe(true);
  });

  it('a note signed with a stored profile holding patient data is refused, saying where to fix it, and nothing is stored', async () => {
    const db = await dbWithStoredProfile(`Example Practice, DOB 01/02/1960`);
    expect(await saveNote(db, draft(), NOW)).toEqual({
      ok: false,
      problems: [
        {
          path: 'author',
          message:
            'Your organisation contains what looks like a date that could be a date of birth ("01/02/1960", at character 23). Notes are signed with your profile: change it in Signpost settings, under "Your profile", then save the note again.',
        },
      ],
    });
    expect(await db.notes.count()).toBe(0);
  });
});

describe('every free-text field of a note is checked', () => {
  it.each([
    ['the tool name', { toolName: `Example ${TEST_NHS_NUMBER}` }, 'toolName', "The tool's name contains what looks like an NHS number"],
    ['a condition', { conditions: ['asthma', 'SW1A 1AA'] }, 'conditions[1]', 'Condition 2 contains what looks like a postcode'],
    ['a tag', { tags: ['ring 07700 900123'] }, 'tags[0]', 'Tag 1 contains what looks like a phone number'],
  ])('a draft with patient data in %s is refused and nothing is stored', async (_, change, path, message) => {
    const db = await dbWithStoredProfile('Example Practice (test)');
    const saved = await saveNote(db, draft(change), NOW);
    expect(saved).toEqual({ ok: false, problems: [expect.objectContaining({ path, message: expect.stringContaining(message) })] });
    expect(await db.notes.count()).toBe(0);
  });

  it.each([
    ['conditions', { conditions: ['asthma', 'DOB 03031954'] }, 'notes[0].conditions[1]'],
    ['toolName', { toolName: `Tool for NHS9434765919` }, 'notes[0].toolName'],
    ['author name', { author: { name: 'Jo Bloggs, jo.bloggs54@example.com' } }, 'notes[0].author.name'],
    ['author organisation', { author: { name: 'Dr A. Example', organisation: 'Ward 3, MRN 1234567' } }, 'notes[0].author.organisation'],
  ])('a team feed note with patient data in %s is quarantined, and the rest load', (_, change, path) => {
    const result = parseFeed(feed({ notes: [sampleFeedNote(change as never), sampleFeedNote({ id: 'clean' })] }));
    expect(result.ok && result.feed.notes?.map((note) => note.id)).toEqual(['clean']);
    expect(result.ok && result.quarantined.flatMap((entry) => entry.problems.map((problem) => problem.path))).toEqual([path]);
  });

  it("an email at the tool's own domain is the vendor's", async () => {
    const db = await dbWithStoredProfile('Example Practice (test)');
    const saved = await saveNote(db, draft({ text: 'Wrote to sam.t1990@example.org; the vendor answered from jo@tool.example.', identifiers: { web: [{ origin: 'https://www.tool.example' }] } }), NOW);
    expect(saved).toEqual({ ok: false, problems: [expect.objectContaining({ message: expect.stringContaining('"sam.t1990@example.org"') })] });
  });
});

describe('possible names and street addresses', () => {
  it('are shown, and kept only when the author chooses to', async () => {
    const db = await dbWithStoredProfile('Example Practice (test)');
    const text = 'Mrs Patel found the large text easier.';
    const refused = await saveNote(db, draft({ text }), NOW);
    expect(refused).toEqual({
      ok: false,
      problems: [{ path: 'text', message: expect.stringContaining('what may be a person\'s name ("Mrs Patel"'), range: { start: 0, end: 9 }, possible: { found: 'Mrs Patel' } }],
    });
    expect(await db.notes.count()).toBe(0);
    expect(await saveNote(db, draft({ text, keep: ['Mrs Patel'] }), NOW)).toMatchObject({ ok: true });
  });

  it('keeping a name never lets an identifier through', async () => {
    const db = await dbWithStoredProfile('Example Practice (test)');
    const saved = await saveNote(db, draft({ text: `Mrs Patel, ${TEST_NHS_NUMBER}.`, keep: ['Mrs Patel', TEST_NHS_NUMBER] }), NOW);
    expect(saved).toEqual({ ok: false, problems: [expect.objectContaining({ path: 'text', message: expect.stringContaining('an NHS number') })] });
  });
});

describe('team-feed files are capped', () => {
  it(`refuses a file over ${MAX_FEED_FILE_CHARS.toLocaleString('en-GB')} characters before reading it`, async () => {
    const db = testDb();
    const text = JSON.stringify(feed({ publisher: { id: 'big', name: 'Big team (test)', kind: 'peer-team' }, notes: [sampleFeedNote({ text: 'x'.repeat(1_000) })] })).padEnd(MAX_FEED_FILE_CHARS + 1, ' ');
    expect(await importFeedFile(db, 'big.json', text, NOW)).toEqual({ ok: false, problem: 'This file is too large to import (10 MB; a team feed file can be up to 10 MB). Nothing was imported.' });
    expect(await db.feeds.count()).toBe(0);
  });

  it(`refuses a file of more than ${MAX_FEED_FILE_ENTRIES.toLocaleString('en-GB')} entries`, async () => {
    const db = testDb();
    const notes = Array.from({ length: MAX_FEED_FILE_ENTRIES + 1 }, (_, index) => sampleFeedNote({ id: `n${index}` }));
    const text = JSON.stringify(feed({ publisher: { id: 'many', name: 'Many notes (test)', kind: 'peer-team' }, notes }));
    expect(await importFeedFile(db, 'many.json', text, NOW)).toEqual({ ok: false, problem: 'This file has 5,001 entries; a team feed file can have up to 5,000. Nothing was imported.' });
    expect(await db.teamNotes.count()).toBe(0);
  });

  it('refuses a file whose team name holds patient data', async () => {
    const db = testDb();
    const text = JSON.stringify(feed({ publisher: { id: 'named', name: `Notes for ${TEST_NHS_NUMBER}`, kind: 'peer-team' }, notes: [sampleFeedNote()] }));
    expect(await importFeedFile(db, 'named.json', text, NOW)).toEqual({ ok: false, problem: expect.stringMatching(/^The team name contains what looks like an NHS number .* Nothing was imported\.$/) });
  });
});

describe('export then import on a fresh profile (property-based)', { timeout: 120_000 }, () => {
  // Text as clinicians paste it: words, numbers, punctuation, hidden and reordering characters.
  const piece = fc.oneof(
    fc.constantFrom('Works well', 'for COPD', 'v2.1', '12 weeks', 'call 111', 'Mrs', 'Smith', '07700', '900123', '943', '476', '5919', '\u200B', '\u200E', '\u202C', '\u00AD', ' ', ', ', '.', '£4.99', '3 Mar', "'54", 'x@example.com'),
    fc.string({ maxLength: 12 }),
  );
  const text = fc.array(piece, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));

  it('every note saveNote accepts is shown, exported and imported back exactly', async () => {
    let savedCount = 0;
    await fc.assert(
      fc.asyncProperty(text, fc.array(text, { maxLength: 3 }), text, text, fc.boolean(), async (noteText, tags, displayName, organisation, keepPossible) => {
        const db = await dbWithStoredProfile(organisation);
        await db.settings.put({ key: 'profile', value: { ...EMPTY_PROFILE, displayName, organisation } });
        const attempt = draft({ text: noteText, tags });
        let saved = await saveNote(db, attempt, NOW);
        if (!saved.ok && keepPossible && saved.problems.every((problem) => problem.possible)) {
          saved = await saveNote(db, { ...attempt, keep: saved.problems.map((problem) => problem.possible!.found) }, NOW);
        }
        if (!saved.ok) {
          expect(await db.notes.count()).toBe(0);
          return;
        }
        savedCount += 1;
        expect((await toolNotes(db, SUBJECT, NOW)).own.map((note) => [note.id, note.repair])).toEqual([[saved.id, undefined]]);
        const parsed = parseNotesFile((await notesFileText(db, NOW)).text);
        expect(parsed.ok).toBe(true);
        const fresh = testDb();
        if (parsed.ok) await importNotes(fresh, parsed.notes);
        expect(await fresh.notes.toArray()).toEqual(await db.notes.toArray());
      }),
      { numRuns: 150 },
    );
    // Many generated notes are saved (the rest hold patient data or reordering characters): the property is about them.
    expect(savedCount).toBeGreaterThan(30);
  });
});
