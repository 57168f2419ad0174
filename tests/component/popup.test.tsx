import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARD_REGION_NAME } from '@/components/TrustCard';
import { dexieHiddenCardsPort, type HiddenCardsPort } from '@/components/hidden-cards-port';
import type { PopupDeps } from '@/components/popup/deps';
import { Popup } from '@/components/popup/Popup';
import { localNoteActions } from '@/lib/notes/actions';
import { dexieSearchSource } from '@/lib/search/registry-search';
import { hideCard, loadHiddenCards } from '@/lib/settings/dismissed';
import { EMPTY_PROFILE, loadProfile, saveProfile, type Profile } from '@/lib/settings/profile';
import type { SignpostDatabase } from '@/lib/storage/db';
import { expectNoAxeViolations } from '../helpers/axe';
import { testSignposting } from '../helpers/signposting';
import { openFollowUps, raiseFollowUps, readEntries } from '@/lib/monitoring/store';
import { matchForRecord } from '@/lib/search/registry-search';
import { testDb } from '../helpers/db';
import { BUNDLED_TEST_FEED_URL, storeAsBundled } from '../helpers/trust';
import { endorsement, feed, tool } from '../helpers/feeds';

afterEach(cleanup);

const NOW = Date.parse('2026-11-25T12:00:00Z');
// NICE's decisions reach the popup as the bundled registry relays them: from nice.org.uk.
const NICE_FEED = BUNDLED_TEST_FEED_URL;
const MOOD_BOT_PLAY = 'https://play.google.com/store/apps/details?id=com.example.moodbot';
const nice = (status: 'recommended' | 'conditional' | 'research-only' | 'withdrawn', guidanceCode: string) =>
  endorsement({ issuer: 'NICE', issuerKind: 'nice', status, guidanceCode, decisionDate: '2024-03', sourceUrl: `https://www.nice.org.uk/guidance/${guidanceCode.toLowerCase()}` });

async function registry() {
  const db = testDb();
  await storeAsBundled(
    db,
    feed({
      publisher: { id: 'nice-test', name: 'NICE decisions (test)', kind: 'nice' },
      tools: [
        tool({ id: 'mood-bot', name: 'Mood Bot', identifiers: { googlePlay: ['com.example.moodbot'] }, conditions: ['depression', 'copd'], endorsements: [nice('research-only', 'HTE8')] }),
        tool({ id: 'breathe', name: 'Breathe Well', identifiers: { apple: ['111111111'], googlePlay: ['com.example.breathe'] }, conditions: ['copd'], endorsements: [nice('conditional', 'HTE19')] }),
        tool({
          id: 'lung',
          name: 'Lung Coach',
          identifiers: { web: [{ origin: 'https://lungcoach.example' }] },
          conditions: ['copd', 'asthma'],
          endorsements: [nice('recommended', 'MTG99')],
          facts: [{ topic: 'cost', text: 'Free on the NHS', sourceType: 'vendor-stated', sourceUrl: 'https://lungcoach.example/cost', date: '2025-01' }],
        }),
        tool({ id: 'asthma-pal', name: 'Asthma Pal', identifiers: { apple: ['222222222'] }, conditions: ['asthma'], endorsements: [nice('recommended', 'MTG98')] }),
        tool({ id: 'old-blues', name: 'Old Blues', identifiers: { apple: ['333333333'] }, conditions: ['copd'], endorsements: [nice('withdrawn', 'TA97')] }),
      ],
    }),
  );
  return db;
}

interface Options {
  url?: string;
  title?: string;
  profile?: Partial<Profile>;
  copyText?: PopupDeps['copyText'];
  /** A registry from an earlier render, to see what it stored. */
  db?: SignpostDatabase;
  hiddenCards?: (db: SignpostDatabase) => HiddenCardsPort;
}

async function renderPopup({ url, title, profile = {}, copyText = vi.fn(async () => undefined), db: reused, hiddenCards = dexieHiddenCardsPort }: Options = {}) {
  const db = reused ?? (await registry());
  await saveProfile(db, { ...EMPTY_PROFILE, ...profile });
  const deps: PopupDeps = {
    source: dexieSearchSource(db),
    now: () => NOW,
    currentTab: async () => (url ? { url, title } : null),
    profile: () => loadProfile(db),
    copyText,
    openHandout: vi.fn(),
    openSettings: vi.fn(),
    openSignpostingPage: vi.fn(),
    signposting: testSignposting(db, NOW),
    notes: localNoteActions(db, () => NOW),
    hiddenCards: hiddenCards(db),
  };
  const view = render(<Popup deps={deps} />);
  return { deps, db, container: view.container };
}

const searchBox = () => screen.getByRole('combobox', { name: 'Search your registry' });

async function search(text: string) {
  const box = searchBox();
  box.focus();
  fireEvent.focus(box);
  fireEvent.input(box, { target: { value: text } });
  return screen.findByRole('listbox', { name: 'Search results' });
}


describe('the current tab', () => {
  it('shows the same card as the page overlay, expanded, for a tool page', async () => {
    const { container } = await renderPopup({ url: MOOD_BOT_PLAY });
    const card = await screen.findByRole('region', { name: CARD_REGION_NAME });
    expect(card.querySelector('.headline p')!.textContent).toBe('Mood Bot: Only in research');
    expect(card.querySelector('.statements')!.textContent).toBe('NICE: only in research for depression and COPD (HTE8)');
    expect(within(card).getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded')).toBe('true');
    // Not endorsed, so endorsed tools for the same conditions are offered, as on the page.
    expect(within(card).getByRole('heading', { name: 'Endorsed tools for the same conditions' })).toBeTruthy();
    expect(within(card).queryByRole('button', { name: /Stop showing/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Details and patient text for Mood Bot' })).toBeTruthy();
    await expectNoAxeViolations(container);
  });

  it('offers endorsed alternatives for my conditions first', async () => {
    await renderPopup({ url: MOOD_BOT_PLAY, profile: { myConditions: ['copd'] } });
    const card = await screen.findByRole('region', { name: CARD_REGION_NAME });
    const alternatives = within(card).getByRole('heading', { name: 'Endorsed tools for the same conditions' }).parentElement!;
    expect([...alternatives.querySelectorAll('li')].map((li) => li.textContent!.split(' (opens')[0]!.split(' — ')[0])).toEqual(['Lung Coach', 'Breathe Well']);
  });

  it.each([
    ['no address (a browser page)', undefined],
    ['a store search page', 'https://apps.apple.com/gb/search?term=copd'],
  ])('says plainly what Signpost can do on %s, and puts the cursor in the search box', async (_what, url) => {
    const { container } = await renderPopup({ url });
    expect(await screen.findByText('Signpost cannot check this page.')).toBeTruthy();
    expect(screen.queryByRole('region', { name: CARD_REGION_NAME })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(searchBox()));
    await expectNoAxeViolations(container);
  });

  it('an app the registry does not know: "not in your registry", and a prefilled email to the digital champion', async () => {
    const url = 'https://apps.apple.com/gb/app/new-app/id1000000002';
    const { container } = await renderPopup({ url, title: 'New App on the App Store', profile: { championEmail: 'champion@practice.example' } });
    const card = await screen.findByRole('region', { name: CARD_REGION_NAME });
    expect(card.textContent).toContain('That does not mean it is unsafe or unsuitable');
    const link = screen.getByRole('link', { name: 'Email champion@practice.example to suggest it' });
    const mailto = new URL(link.getAttribute('href')!);
    expect(mailto.protocol).toBe('mailto:');
    expect(mailto.pathname).toBe('champion@practice.example');
    expect(mailto.searchParams.get('subject')).toBe('Signpost suggestion: New App on the App Store');
    expect(mailto.searchParams.get('body')).toContain(`Page: ${url}`);
    expect(screen.getByText(/nothing is sent until you send it/)).toBeTruthy();
    await expectNoAxeViolations(container);
  });

  it('without a champion email, says where to set it, and opens settings', async () => {
    const { deps } = await renderPopup({ url: 'https://apps.apple.com/gb/app/new-app/id1000000002' });
    expect(await screen.findByText('To suggest tools, add your digital champion\'s email in Signpost settings, under “Your profile”.')).toBeTruthy();
    expect(screen.queryByRole('link', { name: /Email/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Open settings' }));
    expect(deps.openSettings).toHaveBeenCalledOnce();
  });

  it('a website the registry does not know is "not in your registry", never a verdict on it', async () => {
    await renderPopup({ url: 'https://news.example/article', profile: { championEmail: 'champion@practice.example' } });
    expect(await screen.findByText(/This page is not in your registry/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: CARD_REGION_NAME })).toBeNull();
    expect(screen.getByRole('link', { name: /Email champion/ })).toBeTruthy();
  });
});

describe('search', () => {
  it('by keyboard: type, arrow down, Enter opens the tool, Escape comes back to the results', async () => {
    const { container } = await renderPopup();
    const list = await search('copd');
    const options = within(list).getAllByRole('option');
    expect(options.map((option) => option.querySelector('.result-name')!.textContent)).toEqual(['Lung Coach', 'Breathe Well', 'Mood Bot', 'Old Blues']);
    expect(options[0]!.textContent).toContain('Recommended · NICE: recommended for COPD and asthma (MTG99)');
    expect(options[0]!.textContent).toContain('Matched condition COPD');
    expect(screen.getByRole('status', { name: '' }).textContent).toBe('4 tools match “copd”. Endorsed tools first.');
    await expectNoAxeViolations(container);

    const box = searchBox();
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    expect(box.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    expect(screen.getByRole('option', { selected: true }).textContent).toContain('Breathe Well');
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    fireEvent.keyDown(box, { key: 'ArrowDown' });
    fireEvent.keyDown(box, { key: 'Enter' });

    const heading = await screen.findByRole('heading', { level: 2, name: 'Breathe Well' });
    await waitFor(() => expect(document.activeElement).toBe(heading));
    fireEvent.keyDown(heading, { key: 'Escape' });

    await screen.findByRole('listbox', { name: 'Search results' });
    expect(document.activeElement).toBe(searchBox());
    expect(searchBox().getAttribute('value') ?? (searchBox() as HTMLInputElement).value).toBe('copd');
  });

  it('by issuer, code and status, saying what matched; Escape in the box clears it', async () => {
    await renderPopup();
    let list = await search('mtg');
    expect(within(list).getAllByRole('option').map((o) => o.querySelector('.result-name')!.textContent)).toEqual(['Asthma Pal', 'Lung Coach']);
    expect(list.textContent).toContain('Matched guidance code NICE MTG98');
    list = await search('withdrawn');
    await waitFor(() => expect(within(screen.getByRole('listbox')).getAllByRole('option').map((o) => o.querySelector('.result-name')!.textContent)).toEqual(['Old Blues']));
    fireEvent.keyDown(searchBox(), { key: 'Escape' });
    expect((searchBox() as HTMLInputElement).value).toBe('');
    await waitFor(() => expect(screen.queryByRole('listbox')).toBeNull());
  });

  it('puts tools endorsed for my conditions first, and says so', async () => {
    await renderPopup({ profile: { myConditions: ['asthma'] } });
    const list = await search('nice');
    const options = within(list).getAllByRole('option');
    expect(options.map((o) => o.querySelector('.result-name')!.textContent)).toEqual(['Asthma Pal', 'Lung Coach', 'Breathe Well', 'Mood Bot', 'Old Blues']);
    expect(options[0]!.textContent).toContain('For your conditions');
    expect(options[2]!.textContent).not.toContain('For your conditions');
    expect(screen.getByText(/5 tools match “nice”\. Endorsed for your conditions first/)).toBeTruthy();
  });

  it('one match is worded in the singular', async () => {
    await renderPopup();
    const list = await search('asthma pal');
    expect(within(list).getAllByRole('option')).toHaveLength(1);
    expect(screen.getByRole('status', { name: '' }).textContent).toBe('1 tool matches “asthma pal”. Endorsed tools first.');
  });

  it('says when nothing matches, without suggesting no tool exists', async () => {
    await renderPopup();
    fireEvent.input(searchBox(), { target: { value: 'zzz' } });
    expect(await screen.findByText('No tools in your registry match “zzz”. That does not mean no suitable tool exists.')).toBeTruthy();
  });
});

describe('tool detail and signposting a patient', () => {
  async function openDetail(name: string, options: Options = {}) {
    const rendered = await renderPopup(options);
    const list = await search(name);
    fireEvent.click(within(list).getAllByRole('option')[0]!);
    await screen.findByRole('heading', { level: 2, name });
    await screen.findByRole('region', { name: CARD_REGION_NAME });
    return rendered;
  }

  it('shows every claim through the card, links, facts with provenance, and freshness', async () => {
    const { container } = await openDetail('Lung Coach');
    const card = screen.getByRole('region', { name: CARD_REGION_NAME });
    expect(card.querySelector('.headline p')!.textContent).toBe('Lung Coach: Recommended');
    expect(card.querySelector('.statements')!.textContent).toBe('NICE: recommended for COPD and asthma (MTG99)');
    expect(card.textContent).toContain("NICE's published decision, compiled from nice.org.uk by Signpost UK seed registry (feed: NICE decisions (test))");
    expect((await screen.findByRole('region', { name: 'Peer notes (0)' })).textContent).toContain('No peer notes yet.');
    expect(card.textContent).toContain('Registry data from 1 November 2026');
    expect(screen.getByRole('link', { name: 'Website (opens in a new tab)' }).getAttribute('href')).toBe('https://lungcoach.example/');
    const facts = screen.getByRole('heading', { name: 'Cost, accessibility and other facts' }).parentElement!;
    expect(facts.textContent).toContain("Cost: Free on the NHS · January 2025 · Vendor-stated: the company's own claim · Source (opens in a new tab) · via NICE decisions (test)");
    await expectNoAxeViolations(container);
  });

  it('copies plain-English text, confirms it in a live region, and renders a QR code for the chosen link', async () => {
    const copyText = vi.fn(async () => undefined);
    const { deps, container } = await openDetail('Breathe Well', { copyText });
    const text = screen.getByRole('textbox', { name: /Text for the patient/ }) as HTMLTextAreaElement;
    expect(text.value).toBe(
      [
        'Breathe Well is an app for COPD.',
        'NICE says it can be used for COPD while more evidence is generated (HTE19, March 2024).',
        'Get it here:',
        'App Store: https://apps.apple.com/gb/app/id111111111',
        'Google Play: https://play.google.com/store/apps/details?id=com.example.breathe',
      ].join('\n'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Copy text' }));
    expect(await screen.findByText('Copied. Paste it into Accurx, a text message or a letter.')).toBeTruthy();
    expect(copyText).toHaveBeenCalledWith(text.value);

    expect(screen.queryByRole('img', { name: /QR code/ })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show QR code' }));
    const qr = screen.getByRole('img', { name: 'QR code for https://apps.apple.com/gb/app/id111111111' });
    expect(qr.tagName.toLowerCase()).toBe('svg');
    expect(qr.querySelectorAll('rect').length).toBeGreaterThan(50);
    fireEvent.click(screen.getByRole('radio', { name: 'Google Play' }));
    expect(screen.getByRole('img', { name: 'QR code for https://play.google.com/store/apps/details?id=com.example.breathe' })).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Printable handout (opens a new tab)' }));
    expect(deps.openHandout).toHaveBeenCalledWith(`${NICE_FEED} breathe`, 'https://play.google.com/store/apps/details?id=com.example.breathe', 'copd');
    await expectNoAxeViolations(container);
  });

  it('records each signposting on this computer (text copied, QR code shown) for the chosen condition, with a plain notice the first time', async () => {
    const { db, container } = await openDetail('Lung Coach');
    fireEvent.change(screen.getByRole('combobox', { name: /Given for/ }), { target: { value: 'asthma' } });
    fireEvent.click(screen.getByRole('button', { name: 'Copy text' }));
    const notice = await screen.findByRole('region', { name: 'Signpost keeps a record of what you signpost' });
    expect(notice.textContent).toContain('Nothing about the patient.');
    await expectNoAxeViolations(container);
    fireEvent.click(within(notice).getByRole('button', { name: 'OK' }));
    expect(screen.queryByRole('region', { name: 'Signpost keeps a record of what you signpost' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Show QR code' }));
    const recorded = async () => (await readEntries(db)).map((entry) => `${entry.channel} ${entry.condition} ${entry.tool.name}`).sort();
    await waitFor(async () => expect(await recorded()).toEqual(['qr asthma Lung Coach', 'text asthma Lung Coach']));
    // Read again after the second record: the notice, once read, stays away.
    expect(screen.queryByRole('region', { name: 'Signpost keeps a record of what you signpost' })).toBeNull();
  });

  it('shows a safety follow-up for a tool the clinician signposted that has since been withdrawn, until marked read', async () => {
    const db = await registry();
    const recordId = `${NICE_FEED} breathe`;
    await testSignposting(db, NOW).record(recordId, 'text', 'copd');
    const updated = feed({
      sequence: 2,
      publisher: { id: 'nice-test', name: 'NICE decisions (test)', kind: 'nice' },
      tools: [tool({ id: 'breathe', name: 'Breathe Well', identifiers: { apple: ['111111111'] }, conditions: ['copd'], endorsements: [nice('conditional', 'HTE19'), { ...nice('withdrawn', 'HTE19'), decisionDate: '2026-10' }] })],
    });
    await storeAsBundled(db, updated);
    await raiseFollowUps(db, (id, context) => matchForRecord(dexieSearchSource(db), id, context), NOW);
    const { container } = await renderPopup({ db });
    const section = await screen.findByRole('region', { name: 'Safety follow-up' });
    expect(section.textContent).toContain('Breathe Well: changed since you signposted it');
    expect(section.textContent).toContain('NICE: withdrawn or no longer available for COPD (HTE19)');
    expect(section.textContent).toContain('Said by NICE, dated October 2026');
    expect(section.textContent).toContain('You signposted it once: November 2026 (1).');
    await expectNoAxeViolations(container);
    fireEvent.click(within(section).getByRole('button', { name: /^Mark as read/ }));
    expect(await screen.findByText('Marked as read: Breathe Well.')).toBeTruthy();
    expect(await openFollowUps(db)).toEqual([]);
  });

  it('when copying is refused, selects the text and says how to copy it', async () => {
    await openDetail('Breathe Well', { copyText: vi.fn(async () => Promise.reject(new DOMException('denied', 'NotAllowedError'))) });
    fireEvent.click(screen.getByRole('button', { name: 'Copy text' }));
    expect(await screen.findByText(/did not allow copying\. The text is selected: press Ctrl\+C/)).toBeTruthy();
    const text = screen.getByRole('textbox', { name: /Text for the patient/ }) as HTMLTextAreaElement;
    expect(document.activeElement).toBe(text);
    expect([text.selectionStart, text.selectionEnd]).toEqual([0, text.value.length]);
  });

  it('writes no patient text for a withdrawn tool, and says why', async () => {
    await openDetail('Old Blues');
    expect(
      screen.getByText(
        'Signpost writes patient text only for a tool with a current positive decision from a body whose word it can check. Old Blues: Withdrawn or no longer available (NICE: withdrawn or no longer available for COPD (TA97)).',
      ),
    ).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('img', { name: /QR code/ })).toBeNull();
  });

  it('adds a peer note from the tool detail; the page card shows it too', async () => {
    const { db } = await openDetail('Breathe Well', { profile: { displayName: 'Nurse C. Example', role: 'nurse' } });
    const notes = await screen.findByRole('region', { name: 'Peer notes (0)' });
    fireEvent.click(within(notes).getByRole('button', { name: 'Add a note' }));
    const form = within(notes).getByRole('form', { name: 'Add a note on Breathe Well' });
    fireEvent.click(within(form).getByRole('radio', { name: 'Works well' }));
    fireEvent.input(within(form).getByRole('textbox', { name: 'Note' }), { target: { value: 'Clear breathing videos.' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save note' }));
    const saved = await screen.findByRole('region', { name: 'Peer notes (1)' });
    expect(saved.textContent).toContain('Works well · Nurse C. Example, Nurse');
    cleanup();

    // The same product on its Play page: the note is found through the shared identifiers.
    await renderPopup({ url: 'https://play.google.com/store/apps/details?id=com.example.breathe', db, profile: { displayName: 'Nurse C. Example', role: 'nurse' } });
    expect((await screen.findByRole('region', { name: 'Peer notes (1)' })).textContent).toContain('Clear breathing videos.');
  });

  it('goes back from the page card\'s tool to its button', async () => {
    await renderPopup({ url: MOOD_BOT_PLAY });
    fireEvent.click(await screen.findByRole('button', { name: 'Details and patient text for Mood Bot' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Back' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Details and patient text for Mood Bot' })));
  });
});

describe('hidden cards', () => {
  const NHS_APP = { key: 'apple:1388411277', name: 'NHS App', at: NOW - 1000 };
  /** Hidden by an earlier Signpost, which kept no name. */
  const UNNAMED = { key: 'play:com.example.breathe', name: null, at: null };

  async function popupWithHidden(cards = [NHS_APP, UNNAMED]) {
    const db = await registry();
    for (const card of [...cards].reverse()) await hideCard(db, card);
    return renderPopup({ db });
  }

  it('are not mentioned while no card is hidden; one hidden meanwhile appears', async () => {
    const { db } = await renderPopup();
    await screen.findByRole('heading', { name: 'Search your registry' });
    expect(screen.queryByRole('heading', { name: 'Hidden cards' })).toBeNull();
    await hideCard(db, NHS_APP);
    expect(await screen.findByRole('heading', { name: 'Hidden cards' })).toBeTruthy();
  });

  it('are listed below search, by product and store, each with a button that names it', async () => {
    const { container } = await popupWithHidden();
    const hidden = await screen.findByRole('region', { name: 'Hidden cards' });
    expect(screen.getByRole('region', { name: /Search/ }).compareDocumentPosition(hidden) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(within(hidden).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['NHS App (App Store)', 'Google Play app com.example.breathe']);
    expect(within(hidden).getAllByRole('button').map((button) => button.textContent)).toEqual([
      'Show Signpost again for NHS App (App Store)',
      'Show Signpost again for Google Play app com.example.breathe',
    ]);
    await expectNoAxeViolations(container);
  });

  it('"Show again" shows the card again, says so, and keeps focus on what happened', async () => {
    const { db, container } = await popupWithHidden();
    fireEvent.click(await screen.findByRole('button', { name: 'Show Signpost again for NHS App (App Store)' }));
    const status = await screen.findByText('Signpost will show its card for NHS App (App Store) again.');
    expect(status.getAttribute('role')).toBe('status');
    await waitFor(() => expect(document.activeElement).toBe(status));
    await waitFor(() => expect(screen.queryByRole('button', { name: /NHS App/ })).toBeNull());
    expect(await loadHiddenCards(db)).toEqual([UNNAMED]);
    // The last one: the section stays while its message does.
    fireEvent.click(screen.getByRole('button', { name: 'Show Signpost again for Google Play app com.example.breathe' }));
    expect(await screen.findByText('Signpost will show its card for Google Play app com.example.breathe again.')).toBeTruthy();
    expect(await screen.findByText('No cards are hidden.')).toBeTruthy();
    expect(await loadHiddenCards(db)).toEqual([]);
    await expectNoAxeViolations(container);
  });

  it('says so when a card could not be shown again, and keeps it listed', async () => {
    const db = await registry();
    await hideCard(db, NHS_APP);
    await renderPopup({ db, hiddenCards: (store) => ({ ...dexieHiddenCardsPort(store), showAgain: async () => Promise.reject(new Error('quota')) }) });
    fireEvent.click(await screen.findByRole('button', { name: 'Show Signpost again for NHS App (App Store)' }));
    expect(await screen.findByText('Signpost could not show NHS App (App Store) again. Try again.')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Show Signpost again for NHS App (App Store)' })).toBeTruthy();
  });
});
