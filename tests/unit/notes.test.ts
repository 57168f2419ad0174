import { describe, expect, it } from 'vitest';
import { parseFeed } from '@/lib/feed/parse';
import type { NoteDraft } from '@/lib/notes/schema';
import { deleteNote, purgeDeleted, restoreNote, saveNote, toolNotes, UNDO_WINDOW_MS } from '@/lib/notes/store';
import { importFeedFile, loadTeam, publishTeamFeed } from '@/lib/notes/team-feed';
import { importNotes, notesFileText, parseNotesFile } from '@/lib/notes/transfer';
import { feedList, feedManager } from '@/lib/settings/feeds';
import { saveProfile, EMPTY_PROFILE } from '@/lib/settings/profile';
import { storeFeed, syncFeed } from '@/lib/sync/sync';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch, json } from '../helpers/fetch';
import { noteRecord, sampleFeedNote, sampleNote } from '../helpers/notes';

const NOW = Date.parse('2026-11-25T09:30:00Z');
const DAY = 24 * 60 * 60 * 1000;
const SUBJECT = { toolName: 'Example Tool (test)', identifiers: { apple: ['1000000001'], googlePlay: ['org.example.tool'] } };
/** A well-known test NHS number: it passes the Modulus 11 check. */
const TEST_NHS_NUMBER = '943 476 5919';

const draft = (overrides: Partial<NoteDraft> = {}): NoteDraft => ({
  ...SUBJECT,
  verdict: 'works-well',
  text: 'Older patients managed the set-up on their own.',
  conditions: ['asthma'],
  tags: ['good for older patients'],
  ...overrides,
});

async function dbWithProfile() {
  const db = testDb();
  await saveProfile(db, { ...EMPTY_PROFILE, displayName: 'Dr A. Example', role: 'gp', organisation: 'Example Practice (test)' });
  return db;
}

describe('saving notes', () => {
  it('saves a note signed from the profile, and shows it on the tool by any of its identifiers', async () => {
    const db = await dbWithProfile();
    const saved = await saveNote(db, draft(), NOW);
    expect(saved).toEqual({ ok: true, id: expect.any(String) });

    const byPlay = await toolNotes(db, { toolName: 'Example', identifiers: { googlePlay: ['org.example.tool'] } }, NOW);
    expect(byPlay.own).toEqual([
      expect.objectContaining({
        verdict: 'works-well',
        text: 'Older patients managed the set-up on their own.',
        author: { name: 'Dr A. Example', role: 'gp', organisation: 'Example Practice (test)' },
        createdAt: '2026-11-25T09:30:00.000Z',
        old: false,
        via: null,
      }),
    ]);
    expect(byPlay.signedAs).toBe('Dr A. Example, GP');
  });

  it.each([
    ['an NHS number', { text: `Set up for ${TEST_NHS_NUMBER} today.` }, 'text', /NHS number/],
    ['a date of birth', { text: 'Patient born 03/04/1951 liked it.' }, 'text', /date/],
    ['a postcode', { text: 'Lives at SW1A 1AA, found it hard.' }, 'text', /postcode/],
    ['a phone number', { text: 'Call back on 07700 900123.' }, 'text', /phone number/],
    ['an email address', { text: 'Daughter (carer.example@example.com) helped.' }, 'text', /email/],
    ['patient data in a tag', { tags: ['ok', `nhs ${TEST_NHS_NUMBER}`] }, 'tags[1]', /NHS number/],
  ])('refuses %s, says what and where, and stores nothing at all', async (_name, overrides, path, message) => {
    const db = await dbWithProfile();
    const result = await saveNote(db, draft(overrides), NOW);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message), range: expect.any(Object) })]);
    expect(await db.notes.count()).toBe(0);
  });

  it('points at the exact characters found, so the editor can select them', async () => {
    const db = await dbWithProfile();
    const text = `Set up for ${TEST_NHS_NUMBER} today.`;
    const result = await saveNote(db, draft({ text }), NOW);
    expect(result).toMatchObject({ ok: false, problems: [{ range: { start: 11, end: 23 } }] });
    expect(text.slice(11, 23)).toBe(TEST_NHS_NUMBER);
    expect(result.ok || result.problems[0]!.message).toContain('character 12');
  });

  it('does not flag a 10-digit number that fails the NHS number check', async () => {
    const db = await dbWithProfile();
    expect(await saveNote(db, draft({ text: 'Order ref 943 476 5918 for the leaflets.' }), NOW)).toMatchObject({ ok: true });
  });

  it('refuses an empty note or a missing verdict in plain English', async () => {
    const db = await dbWithProfile();
    const result = await saveNote(db, { ...draft({ text: '   ' }), verdict: undefined }, NOW);
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { path: 'verdict', message: 'Choose a verdict: works well, use with care or do not recommend.' },
        { path: 'text', message: 'Write the note (up to 2,000 characters).' },
      ]),
    });
  });

  it('edits keep the note id and its created date; a deleted note cannot be edited', async () => {
    const db = await dbWithProfile();
    const saved = await saveNote(db, draft(), NOW);
    if (!saved.ok) throw new Error('not saved');
    expect(await saveNote(db, draft({ id: saved.id, verdict: 'use-with-care', text: 'Fine, but the reminders stop after a week.' }), NOW + DAY)).toEqual({ ok: true, id: saved.id });
    const [note] = (await toolNotes(db, SUBJECT, NOW + DAY)).own;
    expect(note).toMatchObject({ id: saved.id, verdict: 'use-with-care', createdAt: '2026-11-25T09:30:00.000Z', updatedAt: '2026-11-26T09:30:00.000Z' });

    await deleteNote(db, saved.id, NOW + DAY);
    expect(await saveNote(db, draft({ id: saved.id }), NOW + DAY)).toMatchObject({ ok: false, problems: [{ path: 'id' }] });
  });

  it('marks notes older than the chosen age as old', async () => {
    const db = await dbWithProfile();
    await db.notes.put(noteRecord(sampleNote({ id: 'recent', identifiers: SUBJECT.identifiers, updatedAt: '2026-10-01T00:00:00.000Z' })));
    await db.notes.put(noteRecord(sampleNote({ id: 'aged', identifiers: SUBJECT.identifiers, updatedAt: '2025-06-01T00:00:00.000Z' })));
    const notes = await toolNotes(db, SUBJECT, NOW);
    expect(notes.own.map((note) => [note.id, note.old])).toEqual([['recent', false], ['aged', true]]);
    await saveProfile(db, { ...EMPTY_PROFILE, oldNoteMonths: 1 });
    expect((await toolNotes(db, SUBJECT, NOW)).own.map((note) => note.old)).toEqual([true, true]);
  });

  it('keeps a damaged stored note but never shows it', async () => {
    const db = await dbWithProfile();
    await db.notes.put(noteRecord(sampleNote({ identifiers: SUBJECT.identifiers })));
    await db.notes.put({ ...noteRecord(sampleNote({ id: 'bad', identifiers: SUBJECT.identifiers })), note: { ...sampleNote(), verdict: 'great' as never } });
    expect((await toolNotes(db, SUBJECT, NOW)).own.map((note) => note.id)).toEqual(['note-1']);
    expect(await db.notes.get('bad')).toBeDefined();
  });
});

describe('deleting notes', () => {
  it('can be undone within the window, not after; then the note is gone for good', async () => {
    const db = await dbWithProfile();
    const saved = await saveNote(db, draft(), NOW);
    if (!saved.ok) throw new Error('not saved');
    expect(await deleteNote(db, saved.id, NOW)).toBe(true);
    expect((await toolNotes(db, SUBJECT, NOW)).own).toEqual([]);
    expect(await restoreNote(db, saved.id, NOW + 5_000)).toBe(true);
    expect((await toolNotes(db, SUBJECT, NOW)).own).toHaveLength(1);

    await deleteNote(db, saved.id, NOW);
    expect(await restoreNote(db, saved.id, NOW + UNDO_WINDOW_MS + 1)).toBe(false);
    await purgeDeleted(db, NOW + UNDO_WINDOW_MS + 1);
    expect(await db.notes.count()).toBe(0);
  });
});

describe('export and import of my notes', () => {
  it('round-trips every note losslessly into a fresh profile', async () => {
    const db = await dbWithProfile();
    await saveNote(db, draft(), NOW);
    await saveNote(db, draft({ verdict: 'do-not-recommend', text: 'Adverts for paid add-ons on every screen.', conditions: [], tags: [], identifiers: { web: [{ origin: 'https://tool.example', pathPrefix: '/app' }] } }), NOW + 1000);
    const exported = await notesFileText(db, NOW);
    expect(exported.count).toBe(2);

    const parsed = parseNotesFile(exported.text);
    if (!parsed.ok) throw new Error(parsed.problem);
    const fresh = testDb();
    expect(await importNotes(fresh, parsed.notes)).toEqual({ added: 2, updated: 0, unchanged: 0 });
    expect(await fresh.notes.toArray()).toEqual(expect.arrayContaining(await db.notes.toArray()));
    expect(await fresh.notes.count()).toBe(2);
    expect(await importNotes(fresh, parsed.notes)).toEqual({ added: 0, updated: 0, unchanged: 2 });
  });

  it('a newer edit in the file replaces an older one here, never the other way round', async () => {
    const db = testDb();
    await db.notes.put(noteRecord(sampleNote({ text: 'Current text.', updatedAt: '2026-11-20T00:00:00.000Z' })));
    expect(await importNotes(db, [sampleNote({ text: 'Older text.', updatedAt: '2026-11-01T00:00:00.000Z' })])).toEqual({ added: 0, updated: 0, unchanged: 1 });
    expect(await importNotes(db, [sampleNote({ text: 'Newer text.', updatedAt: '2026-11-24T00:00:00.000Z' })])).toEqual({ added: 0, updated: 1, unchanged: 0 });
    expect((await db.notes.get('note-1'))?.note.text).toBe('Newer text.');
  });

  it.each([
    ['not JSON', '{"format": "signpost-notes", "notes": [', /not valid JSON/],
    ['a settings file', JSON.stringify({ format: 'signpost-settings', version: 1 }), /not a Signpost notes file/],
    ['a feed', JSON.stringify(feed()), /Import a team feed file/],
    ['a newer version', JSON.stringify({ format: 'signpost-notes', version: 9, notes: [] }), /newer version/],
    ['one note with patient data', JSON.stringify({ format: 'signpost-notes', version: 1, notes: [sampleNote(), sampleNote({ id: 'n2', text: `NHS ${TEST_NHS_NUMBER}` })] }), /notes\[1\]\.text: .*NHS number/],
  ])('refuses %s whole, importing nothing', async (_name, text, problem) => {
    const parsed = parseNotesFile(text);
    expect(parsed).toEqual({ ok: false, problem: expect.stringMatching(problem) });
  });
});

describe('team feeds', () => {
  const team = { id: 'example-practice-notes', name: 'Example Practice peer notes (test)' };

  async function dbWithTwoNotes() {
    const db = await dbWithProfile();
    const first = await saveNote(db, draft(), NOW);
    const second = await saveNote(db, draft({ verdict: 'use-with-care', text: 'Needs a smartphone with a recent system.' }), NOW + 1000);
    if (!first.ok || !second.ok) throw new Error('not saved');
    return { db, ids: [first.id, second.id] };
  }

  it('publishes the chosen notes as a feed Signpost accepts whole, with the sequence going up each time', async () => {
    const { db, ids } = await dbWithTwoNotes();
    const published = await publishTeamFeed(db, [ids[0]!], team, NOW);
    if (!published.ok) throw new Error(JSON.stringify(published));
    expect(published).toMatchObject({ fileName: 'example-practice-notes.json', sequence: 1, count: 1 });
    const result = parseFeed(JSON.parse(published.text));
    expect(result).toMatchObject({ ok: true, quarantined: [], feed: { publisher: { ...team, kind: 'peer-team' }, sequence: 1, tools: [] } });
    expect(result.ok && result.feed.notes).toEqual([expect.objectContaining({ id: ids[0], author: { name: 'Dr A. Example', role: 'gp', organisation: 'Example Practice (test)' } })]);
    expect(await publishTeamFeed(db, ids, team, NOW)).toMatchObject({ ok: true, sequence: 2, count: 2 });
  });

  it('re-checks every note for patient data before publishing, and writes nothing if one fails', async () => {
    const { db, ids } = await dbWithTwoNotes();
    // As if saved by an older version whose check missed it.
    const record = (await db.notes.get(ids[1]!))!;
    await db.notes.put({ ...record, note: { ...record.note, text: `Helped patient ${TEST_NHS_NUMBER}.` } });
    // It is still offered (own notes are never hidden), and publishing refuses it with what was found.
    expect(await publishTeamFeed(db, ids, team, NOW)).toEqual({
      ok: false,
      problems: [{ noteId: ids[1], toolName: SUBJECT.toolName, message: expect.stringMatching(/^The note contains what looks like an NHS number/) }],
    });
    expect(await loadTeam(db)).toBeNull();
  });

  it('needs the author name, a valid team id and at least one note', async () => {
    const db = testDb();
    const saved = await saveNote(db, draft(), NOW);
    if (!saved.ok) throw new Error('not saved');
    expect(await publishTeamFeed(db, [saved.id], team, NOW)).toEqual({
      ok: false,
      problems: [{ noteId: saved.id, toolName: SUBJECT.toolName, message: expect.stringContaining('Add your name') }],
    });
    expect(await publishTeamFeed(db, [saved.id], { ...team, id: 'Has Spaces' }, NOW)).toMatchObject({ ok: false, teamProblem: expect.stringContaining('The team id') });
    expect(await publishTeamFeed(db, [], team, NOW)).toMatchObject({ ok: false, teamProblem: 'Choose at least one note to share.' });
  });

  it('a subscribed team feed shows its notes attributed and apart from my own; a sync never touches my notes', async () => {
    const { db: champion, ids } = await dbWithTwoNotes();
    const published = await publishTeamFeed(champion, ids, team, NOW);
    if (!published.ok) throw new Error('not published');

    const colleague = testDb();
    await saveProfile(colleague, { ...EMPTY_PROFILE, displayName: 'Nurse B. Example', role: 'nurse' });
    const mine = await saveNote(colleague, draft({ text: 'My own view: fine.' }), NOW);
    const url = 'https://intranet.example.nhs.uk/team.json';
    const network = fakeFetch(() => json(JSON.parse(published.text)));
    expect(await syncFeed({ db: colleague, fetch: network.fetch, now: () => NOW }, url)).toMatchObject({ status: 'updated', counts: { notes: 2 } });

    const notes = await toolNotes(colleague, SUBJECT, NOW);
    expect(notes.own.map((note) => note.text)).toEqual(['My own view: fine.']);
    expect(notes.team).toHaveLength(2);
    expect(notes.team[0]).toMatchObject({ via: { publisher: team.name, feedUrl: url }, author: { name: 'Dr A. Example', role: 'gp' } });

    // The team drops a note: the next version replaces the feed's notes; the colleague's own stays.
    const next = await publishTeamFeed(champion, [ids[0]!], team, NOW + DAY);
    if (!next.ok) throw new Error('not published');
    const update = fakeFetch(() => json(JSON.parse(next.text)));
    await syncFeed({ db: colleague, fetch: update.fetch, now: () => NOW + DAY }, url);
    const after = await toolNotes(colleague, SUBJECT, NOW + DAY);
    expect(after.team.map((note) => note.id)).toEqual([ids[0]]);
    expect(mine.ok && (await colleague.notes.get(mine.id))?.note.text).toBe('My own view: fine.');
  });

  it('quarantines a bad note in a feed alone, including one holding patient data', async () => {
    const good = sampleFeedNote({ id: 'good' });
    const result = parseFeed({
      ...feed({ publisher: { id: 'team', name: 'Team (test)', kind: 'peer-team' } }),
      notes: [good, { ...good, id: 'nhs', text: `Seen with ${TEST_NHS_NUMBER}` }, { ...good, id: 'no-tool', identifiers: {} }, { ...good, id: 'bad-verdict', verdict: 'amazing' }, good],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.feed.notes?.map((note) => note.id)).toEqual(['good']);
    expect(result.quarantined.map((entry) => [entry.path, entry.noteId, entry.problems[0]?.path])).toEqual([
      ['notes[1]', 'nhs', 'notes[1].text'],
      ['notes[2]', 'no-tool', 'notes[2].identifiers'],
      ['notes[3]', 'bad-verdict', 'notes[3].verdict'],
      ['notes[4]', 'good', 'notes[4].id'],
    ]);
  });

  it('imports a team feed file directly, refuses an older one and a damaged one, keeping what was there', async () => {
    const { db: champion, ids } = await dbWithTwoNotes();
    const first = await publishTeamFeed(champion, ids, team, NOW);
    const second = await publishTeamFeed(champion, [ids[0]!], team, NOW + DAY);
    if (!first.ok || !second.ok) throw new Error('not published');

    const colleague = testDb();
    expect(await importFeedFile(colleague, 'team.json', second.text, NOW)).toEqual({ ok: true, url: 'imported:example-practice-notes', publisher: team.name, notes: 1, tools: 0 });
    expect(await importFeedFile(colleague, 'team.json', first.text, NOW)).toEqual({ ok: false, problem: expect.stringContaining('older than the copy') });
    expect(await importFeedFile(colleague, 'team.json', second.text.slice(0, 200), NOW)).toEqual({ ok: false, problem: expect.stringContaining('Nothing was imported') });
    expect((await toolNotes(colleague, SUBJECT, NOW)).team.map((note) => note.id)).toEqual([ids[0]]);
    expect(await colleague.feeds.get('imported:example-practice-notes')).toMatchObject({ importedFrom: { fileName: 'team.json', at: NOW } });
  });

  it('an imported feed is listed with the feeds and can be removed, with its notes only', async () => {
    const db = testDb();
    const mine = await saveNote(db, draft(), NOW);
    const file = JSON.stringify(feed({ publisher: { id: 'team', name: 'Team (test)', kind: 'peer-team' }, notes: [sampleFeedNote({ identifiers: SUBJECT.identifiers })] }));
    await importFeedFile(db, 'team.json', file, NOW);
    const bundled = 'chrome-extension://id/feeds/default.json';
    expect((await feedList(db, bundled)).map((entry) => [entry.url, entry.record?.importedFrom?.fileName])).toEqual([[bundled, undefined], ['imported:team', 'team.json']]);

    const manager = feedManager({ db, fetch: fakeFetch(() => json({})).fetch, now: () => NOW, bundledFeedUrl: bundled, releaseHostPermission: async () => undefined });
    expect(await manager.forget('imported:team')).toEqual({ ok: true });
    expect(await db.teamNotes.count()).toBe(0);
    expect(await db.feeds.get('imported:team')).toBeUndefined();
    expect(mine.ok && (await db.notes.get(mine.id))).toBeTruthy();
  });

  it("team notes of a registry feed's tool match the registry's product through any shared identifier", async () => {
    const db = testDb();
    await storeFeed(db, 'https://registry.example/feed.json', { feed: feed({ tools: [tool({ identifiers: SUBJECT.identifiers, endorsements: [endorsement()] })] }), quarantined: [] }, { at: NOW });
    await storeFeed(db, 'imported:team', { feed: feed({ publisher: { id: 'team', name: 'Team (test)', kind: 'peer-team' }, notes: [sampleFeedNote({ identifiers: { googlePlay: ['org.example.tool'] } })] }), quarantined: [] }, { at: NOW });
    expect((await toolNotes(db, SUBJECT, NOW)).team).toHaveLength(1);
  });
});
