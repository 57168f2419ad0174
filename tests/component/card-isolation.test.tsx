// What a web page can reach of Signpost's card (docs/permissions.md, "What a web page can reach";
// hazards H22 and H23): the card in a closed shadow root, acting only on a person's own input;
// peer notes only in Signpost's own framed page, and only on the two stores. Real Chromium, where
// a page's script is the attacker, is covered by the end-to-end hostile-page suite.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createCardOverlay } from '@/components/card-overlay';
import { watchLinks } from '@/components/link-watcher';
import { CardNotesPage, topicFromHash } from '@/components/notes/CardNotesPage';
import type { PageCard } from '@/components/page-card';
import { CARD_REGION_NAME, TrustCard } from '@/components/TrustCard';
import type { LinkVerdict } from '@/lib/background/handlers';
import { localNoteActions } from '@/lib/notes/actions';
import { cardNotesHash, type CardNotesTopic } from '@/lib/notes/card-notes-address';
import { noteSubjectOf } from '@/lib/registry/present';
import { CARD_NOW, product, reply } from '../helpers/cards';
import { testDb } from '../helpers/db';
import { captureShadowRoots, type ShadowRoots } from '../helpers/shadow-roots';

const STORE_PAGE = 'https://apps.apple.com/gb/app/example-coach/id123456789';
const TOOL_WEBSITE = 'https://www.example-coach.test/';
const TOOL = product('Example Coach', [{ status: 'recommended', issuer: 'NICE', issuerKind: 'nice' }], { conditions: ['copd', 'asthma'] });
const TOPIC: CardNotesTopic = { subject: noteSubjectOf(TOOL), conditions: TOOL.conditions };

/**
 * Marks an event as a person's own input. happy-dom has no `isTrusted`, so every event here is
 * made up unless a test says otherwise; in a browser only its own input sets it, and a page's
 * script cannot (it is unforgeable there).
 */
function byPerson<E extends Event>(event: E): E {
  Object.defineProperty(event, 'isTrusted', { value: true });
  return event;
}
const personClick = () => byPerson(new MouseEvent('click', { bubbles: true }));
const escape = () => new KeyboardEvent('keydown', { key: 'Escape', bubbles: true });

/** Loads the test's document at `url`, as if the content script ran on that page. */
const visit = (url: string) => (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);

afterEach(() => {
  cleanup();
  document.querySelector('signpost-trust-card')?.remove();
  document.body.innerHTML = '';
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  fakeBrowser.reset();
});

describe('the card on a web page', () => {
  let shadowRoots: ShadowRoots;
  const onDismiss = vi.fn();
  const card = () => shadowRoots.of('signpost-trust-card')!;
  const button = (name: string) =>
    [...card().querySelectorAll('button')].find((candidate) => (candidate.getAttribute('aria-label') ?? candidate.textContent) === name) ?? null;
  const show = (url: string) => {
    visit(url);
    shadowRoots = captureShadowRoots();
    createCardOverlay().show(reply([TOOL]), url, onDismiss);
  };

  beforeEach(() => onDismiss.mockClear());

  it('is in a closed shadow root: the page finds the host, never what is in it', () => {
    show(STORE_PAGE);
    const host = document.querySelector('signpost-trust-card')!;
    expect(shadowRoots.modes()).toEqual(['closed']);
    expect(host.shadowRoot).toBeNull();
    // Assistive technology still finds the card, by its name.
    expect(card().querySelector('[role="region"]')!.getAttribute('aria-label')).toBe(CARD_REGION_NAME);
    expect(card().querySelector('.headline')!.textContent).toContain('Example Coach');
  });

  it("ignores a page's made-up clicks and keys: it cannot open the card, close it or hide the tool", async () => {
    show(STORE_PAGE);
    await act(() => void button('Details')!.click());
    expect(button('Details')!.getAttribute('aria-expanded')).toBe('false');
    await act(() => void button('Stop showing Signpost for Example Coach')!.click());
    expect(onDismiss).not.toHaveBeenCalled();

    // A person opens the details; the page's Escape does not close them, a person's does.
    await act(() => void button('Details')!.dispatchEvent(personClick()));
    const hide = button('Hide details')!;
    expect(hide.getAttribute('aria-expanded')).toBe('true');
    await act(() => void hide.dispatchEvent(escape()));
    expect(button('Hide details')).not.toBeNull();
    await act(() => void hide.dispatchEvent(byPerson(escape())));
    expect(button('Details')!.getAttribute('aria-expanded')).toBe('false');

    await act(() => void button('Stop showing Signpost for Example Coach')!.dispatchEvent(personClick()));
    expect(onDismiss).toHaveBeenCalledOnce();
  });

  it("frames Signpost's notes page only once details open, naming the tool in its address; no note, editor or message in the page", async () => {
    const sendMessage = vi.spyOn(fakeBrowser.runtime, 'sendMessage');
    show(STORE_PAGE);
    expect(card().querySelector('iframe')).toBeNull();

    await act(() => void button('Details')!.dispatchEvent(personClick()));
    const frames = card().querySelectorAll('iframe');
    expect(frames).toHaveLength(1);
    const frame = frames[0]!;
    expect(frame.title).toBe('Peer notes for Example Coach');
    const [page, hash] = frame.src.split('#');
    expect(page).toBe(browser.runtime.getURL('/card-notes.html'));
    expect(topicFromHash(`#${hash}`)).toEqual(TOPIC);
    // The card itself holds nothing of the notes: no list, no editor, no profile; and asks for none.
    expect(card().querySelector('.peer-notes, form, textarea, input, select')).toBeNull();
    expect(card().textContent).not.toMatch(/Peer notes \(|Your notes|Add a note/);
    expect(sendMessage).not.toHaveBeenCalled();
  });

  it("on a tool's own website, where the notes page is not reachable, says to open Signpost from the toolbar", async () => {
    show(TOOL_WEBSITE);
    await act(() => void button('Details')!.dispatchEvent(personClick()));
    expect(card().querySelector('iframe')).toBeNull();
    expect(card().querySelector('.notes-elsewhere')!.textContent).toBe(
      'Peer notes on Example Coach are not shown on this website: open Signpost from the toolbar to see and write them.',
    );
  });
});

describe('the same card in the popup, an extension page', () => {
  // Component tests and the popup's own page use made-up events; only the card on a web page ignores them.
  it.each([
    ['do nothing on a web page', true],
    ['work in the popup', false],
  ])('made-up clicks and keys %s', (_where, trustedEventsOnly) => {
    const acts = !trustedEventsOnly;
    const onDismiss = vi.fn();
    render(<TrustCard data={reply([TOOL])} onDismiss={onDismiss} trustedEventsOnly={trustedEventsOnly} initiallyExpanded />);
    fireEvent.keyDown(screen.getByRole('button', { name: 'Hide details' }), { key: 'Escape' });
    expect(screen.queryByRole('button', { name: 'Details' }) !== null).toBe(acts);
    fireEvent.click(screen.getByRole('button', { name: acts ? 'Details' : 'Hide details' }));
    expect(screen.getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Stop showing Signpost for Example Coach' }));
    expect(onDismiss.mock.calls.length).toBe(acts ? 1 : 0);
  });
});

describe('link badges open cards', () => {
  const SLEEPIO: LinkVerdict = { url: 'https://www.sleepio.com/', name: 'Sleepio', state: 'recommended', stale: false };

  it("only on a person's hover or focus, never on a page's made-up events", async () => {
    visit('https://forum.example.test/thread/1');
    document.body.innerHTML = '<p><a href="https://www.sleepio.com/">Sleepio</a></p>';
    const link = document.querySelector('a')!;
    vi.stubGlobal('requestIdleCallback', (callback: () => void) => setTimeout(callback, 0));
    // The background: a verdict for the link, so it gets a badge.
    const asked = vi.fn();
    fakeBrowser.runtime.onMessage.addListener((message: unknown, _sender: unknown, sendResponse: (reply: unknown) => void) => {
      asked(message);
      sendResponse([SLEEPIO]);
      return true;
    });
    const pageCard: PageCard = { showFor: vi.fn(async () => undefined), hide: vi.fn(), isInUse: () => false };
    const invalidated: (() => void)[] = [];
    const ctx = {
      addEventListener: (target: EventTarget, type: string, handler: EventListener, options?: AddEventListenerOptions) => target.addEventListener(type, handler, options),
      onInvalidated: (callback: () => void) => void invalidated.push(callback),
    } as unknown as ContentScriptContext;
    watchLinks(ctx, pageCard);
    await vi.waitFor(() => expect(asked).toHaveBeenCalled());
    // The badge's verdict arrives with the reply: until then no hover could open anything.
    await new Promise((resolve) => setTimeout(resolve, 0));

    vi.useFakeTimers();
    try {
      link.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
      link.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
      expect(pageCard.showFor).not.toHaveBeenCalled();
      link.dispatchEvent(byPerson(new MouseEvent('mouseover', { bubbles: true })));
      expect(pageCard.showFor).toHaveBeenCalledTimes(1);
      expect(vi.mocked(pageCard.showFor).mock.calls[0]![0]).toBe(SLEEPIO.url);

      // Nor can the page close the card a person opened.
      link.dispatchEvent(new MouseEvent('mouseout', { bubbles: true }));
      link.dispatchEvent(new FocusEvent('focusout', { bubbles: true }));
      vi.advanceTimersByTime(5_000);
      expect(pageCard.hide).not.toHaveBeenCalled();
      link.dispatchEvent(byPerson(new MouseEvent('mouseout', { bubbles: true })));
      vi.advanceTimersByTime(5_000);
      expect(pageCard.hide).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
      for (const callback of invalidated) callback();
    }
  });
});

describe('the notes page framed in the card', () => {
  it('reads the tool from its address, and refuses an address that names none validly', () => {
    expect(topicFromHash(cardNotesHash(TOPIC))).toEqual(TOPIC);
    expect(topicFromHash('')).toBeNull();
    expect(topicFromHash('#%E0%A4%A')).toBeNull();
    expect(topicFromHash('#not json')).toBeNull();
    expect(topicFromHash(cardNotesHash({ ...TOPIC, subject: { toolName: 'Example Coach', identifiers: {} } }))).toBeNull();
    expect(topicFromHash(cardNotesHash({ ...TOPIC, subject: { ...TOPIC.subject, toolName: 'x'.repeat(201) } }))).toBeNull();
    expect(topicFromHash(cardNotesHash({ ...TOPIC, conditions: Array.from({ length: 51 }, (_, index) => `condition-${index}`) }))).toBeNull();
  });

  it("shows the tool's notes, with the editor, in Signpost's own document", async () => {
    const db = testDb();
    const actions = localNoteActions(db, () => CARD_NOW);
    expect(await actions.save({ ...TOPIC.subject, verdict: 'works-well', text: 'Worked well for breathlessness diaries.', conditions: ['copd'] })).toMatchObject({ ok: true });
    render(<CardNotesPage topic={TOPIC} actions={actions} />);
    const notes = await screen.findByRole('region', { name: /^Peer notes \(1\)/ });
    expect(notes.textContent).toContain('Worked well for breathlessness diaries.');
    expect(screen.getByRole('button', { name: 'Add a note' })).not.toBeNull();
  });

  it('shows nothing but a pointer to the toolbar when its address names no tool', () => {
    const actions = { ...localNoteActions(testDb(), () => CARD_NOW), forTool: vi.fn() };
    render(<CardNotesPage topic={null} actions={actions} />);
    expect(document.body.textContent).toBe('Peer notes could not be shown here. Open Signpost from the toolbar to see them.');
    expect(actions.forTool).not.toHaveBeenCalled();
  });
});
