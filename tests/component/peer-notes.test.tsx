import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { PeerNotes } from '@/components/notes/PeerNotes';
import { CARD_REGION_NAME, TrustCard } from '@/components/TrustCard';
import { localNoteActions } from '@/lib/notes/actions';
import { saveProfile, EMPTY_PROFILE } from '@/lib/settings/profile';
import { storeFeed } from '@/lib/sync/sync';
import { expectNoAxeViolations } from '../helpers/axe';
import { CARD_NOW, product, reply } from '../helpers/cards';
import { testDb } from '../helpers/db';
import { feed } from '../helpers/feeds';
import { noteRecord, sampleFeedNote, sampleNote } from '../helpers/notes';

afterEach(cleanup);

const TOOL = product('COPD Coach', [{ status: 'listed' }], { conditions: ['copd', 'asthma'] });
const SUBJECT = { toolName: 'COPD Coach', identifiers: TOOL.identifiers };
const TEST_NHS_NUMBER = '943 476 5919';

async function renderCard({ profileName = 'Dr A. Example' } = {}) {
  const db = testDb();
  await saveProfile(db, { ...EMPTY_PROFILE, displayName: profileName, role: 'gp' });
  const actions = localNoteActions(db, () => CARD_NOW);
  const notes = await actions.forTool(SUBJECT);
  const view = render(<TrustCard data={reply([TOOL])} notesSlot={<PeerNotes notes={notes} conditions={TOOL.conditions} actions={actions} limit={3} idPrefix="card-notes" />} initiallyExpanded />);
  return { db, actions, container: view.container, region: screen.getByRole('region', { name: CARD_REGION_NAME }) };
}

const notesRegion = (name: RegExp = /^Peer notes/) => screen.getByRole('region', { name });
const editor = () => screen.getByRole('form', { name: 'Add a note on COPD Coach' });

async function writeNote(text: string) {
  fireEvent.click(screen.getByRole('button', { name: 'Add a note' }));
  const form = editor();
  fireEvent.click(within(form).getByRole('radio', { name: 'Use with care' }));
  fireEvent.input(within(form).getByRole('textbox', { name: 'Note' }), { target: { value: text } });
  return form;
}

describe('writing a peer note on the card', () => {
  it('adds a note with verdict, conditions and tags, signed from the profile, and returns focus', async () => {
    const { db } = await renderCard();
    fireEvent.click(screen.getByRole('button', { name: 'Add a note' }));
    const form = editor();
    // The editor starts at its first question.
    expect(document.activeElement).toBe(within(form).getByRole('radio', { name: 'Works well' }));
    expect(form.textContent).toContain('Signed as Dr A. Example, GP.');
    fireEvent.click(within(form).getByRole('radio', { name: 'Use with care' }));
    fireEvent.input(within(form).getByRole('textbox', { name: 'Note' }), { target: { value: 'Good, but the reminders\nstop after a week.' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'COPD' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'needs smartphone' }));
    fireEvent.input(within(form).getByRole('textbox', { name: 'Other tags, separated by commas' }), { target: { value: 'large text, ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));

    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    const region = notesRegion(/Peer notes \(1\)/);
    expect(within(region).getByRole('status').textContent).toBe('Your note was saved on this computer.');
    expect(region.textContent).toContain('Your notes');
    expect(region.textContent).toContain('Use with care · Dr A. Example, GP · 25 November 2026');
    expect(region.textContent).toContain('For: COPD · Tags: needs smartphone, large text');
    expect(region.querySelector('.note-text')!.textContent).toBe('Good, but the reminders\nstop after a week.');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Add a note' })));
    expect((await db.notes.toArray()).map((record) => record.note.tags)).toEqual([['needs smartphone', 'large text']]);
  });

  it('blocks an NHS number with a message naming it and where, selects it, and stores nothing; fixed, it saves', async () => {
    const { db, container } = await renderCard();
    const text = `Helped ${TEST_NHS_NUMBER} set it up.`;
    const form = await writeNote(text);
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The note was not saved.');
    expect(alert.textContent).toContain(`The note contains what looks like an NHS number ("${TEST_NHS_NUMBER}", at character 8)`);
    const field = within(form).getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement;
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain(alert.id);
    expect(document.activeElement).toBe(field);
    expect(text.slice(field.selectionStart, field.selectionEnd)).toBe(TEST_NHS_NUMBER);
    expect(await db.notes.count()).toBe(0);
    await expectNoAxeViolations(container);

    fireEvent.input(field, { target: { value: 'Helped a patient set it up.' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));
    await waitFor(() => expect(notesRegion(/Peer notes \(1\)/)).toBeTruthy());
    expect(await db.notes.count()).toBe(1);
  });

  it('names a tag holding patient data and takes focus to the tags field', async () => {
    await renderCard();
    const form = await writeNote('Fine.');
    const tags = within(form).getByRole('textbox', { name: 'Other tags, separated by commas' });
    fireEvent.input(tags, { target: { value: 'ok, ring 07700 900123' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));
    expect((await within(form).findByRole('alert')).textContent).toContain('Tag 2 contains what looks like a phone number');
    expect(document.activeElement).toBe(tags);
  });

  it('asks for a verdict in plain English', async () => {
    await renderCard();
    fireEvent.click(screen.getByRole('button', { name: 'Add a note' }));
    fireEvent.input(within(editor()).getByRole('textbox', { name: 'Note' }), { target: { value: 'No verdict given.' } });
    fireEvent.click(within(editor()).getByRole('button', { name: 'Save note' }));
    expect((await within(editor()).findByRole('alert')).textContent).toContain('Choose a verdict: works well, use with care or do not recommend.');
    expect(document.activeElement).toBe(within(editor()).getByRole('radio', { name: 'Works well' }));
  });

  it('Escape closes the editor without saving and leaves the card open', async () => {
    const { db } = await renderCard();
    const form = await writeNote('Draft that is thrown away.');
    fireEvent.keyDown(within(form).getByRole('textbox', { name: 'Note' }), { key: 'Escape' });
    expect(screen.queryByRole('form')).toBeNull();
    expect(screen.getByRole('button', { name: 'Hide details' })).toBeTruthy();
    expect(await db.notes.count()).toBe(0);
  });

  it('edits and deletes an own note, and a delete can be undone from the keyboard', async () => {
    const { db } = await renderCard();
    await db.notes.put(noteRecord(sampleNote({ identifiers: SUBJECT.identifiers, toolName: 'COPD Coach', text: 'First version.' })));
    cleanup();
    const actions = localNoteActions(db, () => CARD_NOW);
    const notes = await actions.forTool(SUBJECT);
    render(<TrustCard data={reply([TOOL])} notesSlot={<PeerNotes notes={notes} conditions={TOOL.conditions} actions={actions} idPrefix="card-notes" />} initiallyExpanded />);

    fireEvent.click(screen.getByRole('button', { name: 'Edit your note of 1 November 2026' }));
    const form = screen.getByRole('form', { name: 'Edit your note on COPD Coach' });
    const field = within(form).getByRole('textbox', { name: 'Note' });
    expect(document.activeElement).toBe(field);
    fireEvent.input(field, { target: { value: 'Second version.' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(notesRegion().textContent).toContain('Second version.'));
    expect(notesRegion().textContent).toContain('(edited 25 November 2026)');

    fireEvent.click(screen.getByRole('button', { name: 'Delete your note of 25 November 2026' }));
    const undo = await screen.findByRole('button', { name: 'Undo' });
    expect(notesRegion().textContent).toContain('Your note was deleted.');
    expect(notesRegion().textContent).not.toContain('Second version.');
    await waitFor(() => expect(document.activeElement).toBe(undo));
    await act(async () => undo.click());
    await waitFor(() => expect(notesRegion().textContent).toContain('Second version.'));
    expect(notesRegion().textContent).toContain('Your note was restored.');
    expect((await db.notes.get('note-1'))?.deletedAt).toBeUndefined();
  });
});

/** A person's own click: happy-dom has no isTrusted, so made-up events are told apart by it. */
function personClicks(element: Element) {
  const event = new MouseEvent('click', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'isTrusted', { value: true });
  element.dispatchEvent(event);
}

describe('possible names and notes needing repair', () => {
  it('a possible name is shown, selected, and kept only with a person\'s click on Save anyway', async () => {
    const { db } = await renderCard();
    const form = await writeNote('Mrs Patel liked the large buttons.');
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The note was not saved yet: check this first.');
    expect(alert.textContent).toContain('what may be a person\'s name ("Mrs Patel", at character 1)');
    const text = within(form).getByRole('textbox', { name: 'Note' }) as HTMLTextAreaElement;
    expect([text.selectionStart, text.selectionEnd]).toEqual([0, 9]);

    const saveAnyway = within(alert).getByRole('button', { name: "Save anyway: not a patient's" });
    // A made-up click (a script's) does nothing: saving would disable the button, then close the form.
    fireEvent.click(saveAnyway);
    await act(async () => {});
    expect([saveAnyway.isConnected, saveAnyway.hasAttribute('disabled')]).toEqual([true, false]);
    expect(await db.notes.count()).toBe(0);
    await act(async () => personClicks(saveAnyway));
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    expect((await db.notes.toArray()).map((record) => record.note.text)).toEqual(['Mrs Patel liked the large buttons.']);
  });

  it('an identifier offers no Save anyway', async () => {
    await renderCard();
    const form = await writeNote(`Mrs Patel, ${TEST_NHS_NUMBER}`);
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The note was not saved.');
    expect(within(alert).queryByRole('button')).toBeNull();
  });

  it('an own note that fails the checks is shown on the card with what to fix, and editing it repairs it', async () => {
    const db = testDb();
    await saveProfile(db, { ...EMPTY_PROFILE, displayName: 'Dr A. Example', role: 'gp' });
    await db.notes.put(noteRecord(sampleNote({ identifiers: SUBJECT.identifiers, toolName: 'COPD Coach', author: { name: 'Dr A. Example', organisation: '\u202AExample Practice\u202C' } })));
    const actions = localNoteActions(db, () => CARD_NOW);
    render(<PeerNotes notes={await actions.forTool(SUBJECT)} conditions={TOOL.conditions} actions={actions} idPrefix="card-notes" />);
    const region = notesRegion(/Peer notes \(1\)/);
    expect(region.textContent).toContain('This note needs fixing before it can be shared.');
    expect(region.textContent).toContain("The author's organisation: must not contain characters that reverse or reorder text.");
    fireEvent.click(within(region).getByRole('button', { name: /^Edit your note of/ }));
    fireEvent.click(within(region).getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(within(region).getByRole('status').textContent).toBe('Your note was updated.'));
    expect(region.textContent).not.toContain('needs fixing');
    await expectNoAxeViolations(region);
  });
});

describe("colleagues' notes", () => {
  async function renderWithTeamNotes(limit?: number) {
    const db = testDb();
    const teamNotes = [
      sampleFeedNote({ id: 't1', identifiers: SUBJECT.identifiers, text: 'Team note one.', conditions: ['copd'], updatedAt: '2026-11-03T00:00:00.000Z' }),
      sampleFeedNote({ id: 't2', identifiers: SUBJECT.identifiers, text: '<img src=x onerror="window.pwned=1">', conditions: ['asthma'], author: { name: 'Nurse B. Example', role: 'nurse' }, updatedAt: '2026-11-02T00:00:00.000Z' }),
      sampleFeedNote({ id: 't3', identifiers: SUBJECT.identifiers, verdict: 'do-not-recommend', text: 'Old team note.', conditions: [], updatedAt: '2024-01-01T00:00:00.000Z', createdAt: '2024-01-01T00:00:00.000Z' }),
      sampleFeedNote({ id: 't4', identifiers: SUBJECT.identifiers, text: 'Oldest team note.', conditions: [], updatedAt: '2023-01-01T00:00:00.000Z', createdAt: '2023-01-01T00:00:00.000Z' }),
    ];
    await storeFeed(db, 'https://intranet.example/team.json', { feed: feed({ publisher: { id: 'team', name: 'Example PCN champions (test)', kind: 'peer-team' }, notes: teamNotes }), quarantined: [] }, { at: CARD_NOW });
    const actions = localNoteActions(db, () => CARD_NOW);
    const view = render(<PeerNotes notes={await actions.forTool(SUBJECT)} conditions={TOOL.conditions} actions={actions} limit={limit} filterable={limit === undefined} idPrefix="test" />);
    return { container: view.container };
  }

  it('are read-only, attributed to author, role and team feed, apart from own notes, and text stays text', async () => {
    const { container } = await renderWithTeamNotes(3);
    const region = notesRegion();
    expect(within(region).getByRole('heading', { name: 'From colleagues' })).toBeTruthy();
    expect(within(region).queryByRole('button', { name: /^Edit/ })).toBeNull();
    expect(region.textContent).toContain('Works well · Nurse B. Example, Nurse · 1 November 2026');
    expect(region.textContent).toContain('Shared by Example PCN champions (test) (a team feed), read-only.');
    expect(region.textContent).toContain('<img src=x onerror="window.pwned=1">');
    expect(region.querySelector('img')).toBeNull();
    // Newest three in the card, and where to see the rest.
    expect(region.querySelectorAll('.note')).toHaveLength(3);
    expect(region.textContent).toContain('1 more in the Signpost toolbar button.');
    expect(region.textContent).toContain('Old note: last updated 1 January 2024.');
    expect(region.textContent).toContain('Colleagues\' experience of the tool: opinions, not endorsements.');
    await expectNoAxeViolations(container);
  });

  it('the popup shows all of them, filterable by condition', async () => {
    await renderWithTeamNotes();
    const region = notesRegion();
    expect(region.querySelectorAll('.note')).toHaveLength(4);
    fireEvent.change(within(region).getByRole('combobox', { name: 'Show notes for' }), { target: { value: 'asthma' } });
    expect([...region.querySelectorAll('.note-text')].map((node) => node.textContent)).toEqual(['<img src=x onerror="window.pwned=1">']);
    expect(region.textContent).toContain('3 more for other conditions.');
  });
});
