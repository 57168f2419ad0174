import axe from 'axe-core';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dexieHiddenCardsPort } from '@/components/hidden-cards-port';
import { CONDITION_GROUPS } from '@/components/options/condition-groups';
import { dexieNotesPort } from '@/components/options/notes-port';
import { OptionsPage } from '@/components/options/OptionsPage';
import type { FeedsPort, OptionsPorts, ProfilePort } from '@/components/options/ports';
import type { SiteAccessPort } from '@/components/options/SiteAccess';
import { CONDITIONS } from '@/lib/feed/conditions';
import type { FeedPublisher } from '@/lib/feed/schema';
import type { FeedListEntry, FeedPreview, SyncFeedReply } from '@/lib/settings/feeds';
import { ROLE_LABELS } from '@/lib/notes/vocabulary';
import { hideCard, loadHiddenCards } from '@/lib/settings/dismissed';
import { NO_POLICY, policySchema, type PolicyState } from '@/lib/settings/policy';
import { EMPTY_PROFILE, type Profile } from '@/lib/settings/profile';
import type { FeedRecord } from '@/lib/storage/db';
import { testDb } from '../helpers/db';
import { feed } from '../helpers/feeds';
import { noteRecord, sampleFeedNote, sampleNote } from '../helpers/notes';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;
const BUNDLED = 'chrome-extension://signpost-id/feeds/default.json';
const URL_A = 'https://network.example/signpost/feed.json';
const URL_NEW = 'https://charity.example/feed.json';

function entry(url: string, publisher: FeedPublisher, record: Partial<FeedRecord>): FeedListEntry {
  return {
    url,
    bundled: url === BUNDLED,
    record: { url, publisher, sequence: 1, generatedAt: '2026-11-20T09:00:00Z', lastAttemptAt: NOW - 3 * HOUR, lastSuccessAt: NOW - 3 * HOUR, quarantined: [], ...record },
  };
}

const bundledEntry = entry(BUNDLED, { id: 'signpost-uk', name: 'Signpost UK registry (test)', kind: 'nhs-programme' }, { counts: { tools: 57, endorsements: 80, quarantined: 0 } });

const networkEntry = entry(
  URL_A,
  { id: 'example-network', name: 'Example Network (test)', kind: 'local-network' },
  {
    generatedAt: '2026-10-01T09:00:00Z',
    expiresAt: '2026-11-01T00:00:00Z',
    lastAttemptAt: NOW - 2 * 86_400_000,
    lastSuccessAt: NOW - 5 * 86_400_000,
    lastError: { code: 'network', message: 'The feed could not be reached (network error).', at: NOW - 2 * 86_400_000 },
    counts: { tools: 3, endorsements: 1, quarantined: 2 },
    quarantined: [{ path: 'tools[3]', toolId: 'bad-tool', problems: [{ path: 'tools[3].name', message: '<img src=x onerror=alert(1)> is too long' }] }],
  },
);

const preview: FeedPreview = {
  url: URL_NEW,
  publisher: { id: 'example-charity', name: 'Example Charity (test)', kind: 'charity' },
  generatedAt: '2026-11-24T09:00:00Z',
  counts: { tools: 12, endorsements: 30, quarantined: 1 },
  signature: { status: 'unsigned' },
  warnings: ['1 entry is invalid and will be left out; the rest of the feed is used.'],
};

const profile: Profile = { displayName: 'Dr Alex Example', role: 'gp', organisation: 'Example Surgery (test)', championEmail: '', myConditions: ['asthma'], oldNoteMonths: 12 };

function fakeFeeds(entries: FeedListEntry[]) {
  let listener: ((next: FeedListEntry[]) => void) | undefined;
  const port = {
    watch: vi.fn((onChange: (next: FeedListEntry[]) => void) => {
      listener = onChange;
      onChange(entries);
      return () => undefined;
    }),
    preview: vi.fn<FeedsPort['preview']>(async () => ({ ok: true, preview })),
    subscribe: vi.fn<FeedsPort['subscribe']>(async (url) => ({ ok: true, url, outcome: { url, status: 'updated', counts: preview.counts } })),
    sync: vi.fn<FeedsPort['sync']>(async (url) => ({ url, status: 'unchanged' })),
    forget: vi.fn<FeedsPort['forget']>(async () => ({ ok: true })),
    hasHostAccess: vi.fn<FeedsPort['hasHostAccess']>(async () => false),
    requestHostAccess: vi.fn<FeedsPort['requestHostAccess']>(async () => false),
  } satisfies FeedsPort;
  return { port, push: (next: FeedListEntry[]) => act(() => listener?.(next)) };
}

function renderPage({ entries = [bundledEntry, networkEntry], stored = profile, db = testDb(), policy = { policy: NO_POLICY } as PolicyState } = {}) {
  const feeds = fakeFeeds(entries);
  const profilePort = { load: vi.fn(async () => stored), save: vi.fn<ProfilePort['save']>(async () => undefined) } satisfies ProfilePort;
  const siteAccess = {
    hasPermission: vi.fn(async () => false),
    requestPermission: vi.fn(async () => false),
    removePermission: vi.fn(async () => undefined),
    linkBadges: vi.fn(async () => false),
    setLinkBadges: vi.fn(async () => undefined),
  } satisfies SiteAccessPort;
  const ports = {
    policy: async () => policy,
    feeds: feeds.port,
    notes: dexieNotesPort(db, () => NOW),
    profile: profilePort,
    siteAccess,
    hiddenCards: dexieHiddenCardsPort(db),
    download: vi.fn<OptionsPorts['download']>(),
    now: () => NOW,
  } satisfies OptionsPorts;
  const view = render(<OptionsPage ports={ports} />);
  return { ...view, ports, feeds, db };
}

const section = (name: string | RegExp) => screen.getByRole('region', { name });
const feedItem = (name: string) => screen.getByRole('heading', { name, level: 3 }).closest('li')!;

/**
 * axe-core on the rendered DOM. happy-dom does no layout, so the rules that need it are off here
 * and run in real Chromium by the end-to-end test instead: color-contrast (computed colours over
 * rendered backgrounds) and target-size.
 */
async function expectAccessible(element: Element) {
  const results = await axe.run(element, { rules: { 'color-contrast': { enabled: false }, 'target-size': { enabled: false } } });
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

afterEach(cleanup);

describe('page layout', () => {
  it('has a heading, an in-page nav to the six sections, and the sections in order', async () => {
    renderPage();
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Signpost settings');
    const nav = screen.getByRole('navigation', { name: 'Settings sections' });
    const links = within(nav).getAllByRole('link');
    expect(links.map((link) => [link.textContent, link.getAttribute('href')])).toEqual([
      ['Feeds', '#feeds'],
      ['Other websites', '#other-websites'],
      ['Hidden cards', '#hidden-cards'],
      ['Your profile', '#profile'],
      ['Peer notes', '#notes'],
      ['Export and import', '#transfer'],
    ]);
    await screen.findByRole('heading', { name: 'Your profile' });
    for (const link of links) expect(document.querySelector(link.getAttribute('href')!)).not.toBeNull();
    expect(screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent)).toEqual(['Feeds', 'Other websites', 'Hidden cards', 'Your profile', 'Peer notes', 'Export and import']);
  });

  it('passes axe-core as a whole', async () => {
    const { container } = renderPage();
    await screen.findByRole('heading', { name: 'Your profile' });
    await expectAccessible(container);
  });
});

describe('hidden cards', () => {
  it('says when no card is hidden', async () => {
    renderPage();
    expect(await within(section('Hidden cards')).findByText('No cards are hidden.')).toBeTruthy();
  });

  it('lists each hidden card by product and store, and shows one again with a message', async () => {
    const db = testDb();
    await hideCard(db, { key: 'site:coach.example/', name: 'Example Coach', at: NOW - 2 * HOUR });
    await hideCard(db, { key: 'apple:1388411277', name: 'NHS App', at: NOW - HOUR });
    renderPage({ db });
    const hidden = section('Hidden cards');
    await within(hidden).findByRole('button', { name: 'Show Signpost again for NHS App (App Store)' });
    expect(within(hidden).getAllByRole('listitem').map((item) => item.firstChild?.textContent)).toEqual(['NHS App (App Store)', 'Example Coach (coach.example)']);
    await expectAccessible(hidden);
    fireEvent.click(within(hidden).getByRole('button', { name: 'Show Signpost again for Example Coach (coach.example)' }));
    const status = await within(hidden).findByText('Signpost will show its card for Example Coach (coach.example) again.');
    expect(status.getAttribute('role')).toBe('status');
    await waitFor(() => expect(document.activeElement).toBe(status));
    await waitFor(() => expect(within(hidden).getAllByRole('listitem')).toHaveLength(1));
    expect((await loadHiddenCards(db)).map((card) => card.key)).toEqual(['apple:1388411277']);
    await expectAccessible(hidden);
  });
});

describe('feed list', () => {
  it('shows each feed with publisher, kind, data date, last check and counts', async () => {
    renderPage();
    const bundled = feedItem('Signpost UK registry (test)');
    expect(bundled.textContent).toContain('Bundled with Signpost');
    expect(bundled.textContent).toContain('NHS programme');
    expect(bundled.textContent).toContain('Data from20 November 2026');
    expect(bundled.textContent).toContain('Last checked3 hours ago');
    expect(bundled.textContent).toContain('57 tools, 80 endorsements');
    expect(bundled.textContent).not.toContain(BUNDLED);

    const network = feedItem('Example Network (test)');
    expect(network.textContent).toContain('Local NHS network');
    expect(network.textContent).toContain(URL_A);
    expect(network.textContent).toContain('3 tools, 1 endorsement');
  });

  it('the bundled feed cannot be removed; others can', () => {
    renderPage();
    expect(within(feedItem('Signpost UK registry (test)')).queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(within(feedItem('Example Network (test)')).getByRole('button', { name: 'Remove Example Network (test)' })).toBeTruthy();
  });

  it('shows the last error in plain English, that the last good copy is in use, and that the feed is past its expiry', () => {
    renderPage();
    const network = feedItem('Example Network (test)');
    expect(network.textContent).toContain('Problem at the last check: The feed could not be reached (network error).');
    expect(network.textContent).toContain('The copy downloaded 5 days ago is still in use.');
    expect(network.textContent).toContain('Past its expiry date (1 November 2026)');
  });

  it('lists quarantined entries in a disclosure, as text', () => {
    renderPage();
    const network = feedItem('Example Network (test)');
    const details = network.querySelector('details')!;
    expect(details.querySelector('summary')!.textContent).toBe('2 entries left out as invalid');
    const [listed] = within(details).getAllByRole('listitem');
    expect(listed!.textContent).toBe('tools[3] (tool "bad-tool")name: <img src=x onerror=alert(1)> is too long');
    expect(details.textContent).toContain('Showing the first 1.');
    expect(details.querySelector('img')).toBeNull();
  });

  it('a feed not downloaded yet says so, named by its host', () => {
    renderPage({ entries: [bundledEntry, { url: URL_NEW, bundled: false }] });
    expect(feedItem('Feed from charity.example').textContent).toContain('Not checked yet.');
  });

  it('follows the stored list as it changes', async () => {
    const { feeds } = renderPage();
    feeds.push([bundledEntry]);
    expect(screen.queryByRole('heading', { name: 'Example Network (test)' })).toBeNull();
  });

  it('passes axe-core', async () => {
    renderPage();
    await expectAccessible(section('Feeds'));
  });
});

describe('checking feeds', () => {
  it('"Check all feeds now" shows progress while it runs, then each outcome', async () => {
    const { feeds } = renderPage();
    const answers = new Map<string, (reply: SyncFeedReply) => void>();
    feeds.port.sync.mockImplementation((url) => new Promise((resolve) => answers.set(url, resolve)));
    const button = screen.getByRole('button', { name: 'Check all feeds now' });
    const status = within(section('Feeds')).getAllByRole('status')[0]!;

    fireEvent.click(button);

    expect(status.textContent).toBe('Checking 2 feeds…');
    expect(button.getAttribute('aria-busy')).toBe('true');
    expect(button.getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByRole('progressbar', { name: 'Feeds checked' }).getAttribute('value')).toBe('0');
    fireEvent.click(button);
    expect(feeds.port.sync).toHaveBeenCalledTimes(2);

    await act(async () => answers.get(BUNDLED)!({ url: BUNDLED, status: 'updated', counts: { tools: 58, endorsements: 81, quarantined: 0 } }));
    await waitFor(() => expect(status.textContent).toBe('Checking feeds: 1 of 2 done…'));
    expect(screen.getByRole('progressbar').getAttribute('value')).toBe('1');

    await act(async () => answers.get(URL_A)!({ url: URL_A, status: 'failed', error: { code: 'http-status', message: 'Not found' } }));
    await waitFor(() => expect(status.textContent).toBe('Checked 2 feeds: 1 updated, 1 could not be downloaded.'));
    expect(button.getAttribute('aria-busy')).toBe('false');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(feedItem('Signpost UK registry (test)').textContent).toContain('Just checked: updated (58 tools, 81 endorsements).');
    expect(feedItem('Example Network (test)').textContent).toContain('Just checked: could not be downloaded; the last good copy is kept.');
  });

  it('"Check now" checks one feed and says how it went', async () => {
    const { feeds } = renderPage();
    fireEvent.click(within(feedItem('Signpost UK registry (test)')).getByRole('button', { name: 'Check now for Signpost UK registry (test)' }));
    await waitFor(() => expect(within(section('Feeds')).getAllByRole('status')[0]!.textContent).toBe('Signpost UK registry (test): no changes.'));
    expect(feeds.port.sync).toHaveBeenCalledWith(BUNDLED);
  });

  it('offers to allow downloads from a host that failed with a network error, then checks again', async () => {
    const { feeds } = renderPage();
    feeds.port.requestHostAccess.mockResolvedValue(true);
    const network = feedItem('Example Network (test)');
    const allow = await within(network).findByRole('button', { name: 'Allow downloads from network.example' });
    expect(network.textContent).toContain('Signpost needs permission to download from network.example. It will only download the feed from there.');
    fireEvent.click(allow);
    await waitFor(() => expect(feeds.port.sync).toHaveBeenCalledWith(URL_A));
    expect(feeds.port.requestHostAccess).toHaveBeenCalledWith(URL_A);
  });
});

describe('removing a feed', () => {
  it('asks first, then removes it through the background and says so', async () => {
    const { feeds } = renderPage();
    const network = feedItem('Example Network (test)');
    fireEvent.click(within(network).getByRole('button', { name: 'Remove Example Network (test)' }));
    const confirm = within(network).getByRole('group', { name: 'Remove Example Network (test)?' });
    expect(confirm.textContent).toContain('Its 3 tools will be deleted from this computer.');
    const yes = within(confirm).getByRole('button', { name: 'Yes, remove it' });
    await waitFor(() => expect(document.activeElement).toBe(yes));
    await expectAccessible(network);

    fireEvent.click(yes);

    await waitFor(() => expect(within(section('Feeds')).getAllByRole('status')[0]!.textContent).toBe('Example Network (test) was removed, with its tools.'));
    expect(feeds.port.forget).toHaveBeenCalledWith(URL_A);
  });

  it('"Keep it" changes nothing and returns focus to Remove', async () => {
    const { feeds } = renderPage();
    const network = feedItem('Example Network (test)');
    fireEvent.click(within(network).getByRole('button', { name: 'Remove Example Network (test)' }));
    fireEvent.click(within(network).getByRole('button', { name: 'Keep it' }));
    await waitFor(() => expect(document.activeElement).toBe(within(network).getByRole('button', { name: 'Remove Example Network (test)' })));
    expect(feeds.port.forget).not.toHaveBeenCalled();
  });
});

describe('adding a feed', () => {
  const addressField = () => screen.getByRole('textbox', { name: 'Feed address' });
  const submit = (value: string) => {
    fireEvent.input(addressField(), { target: { value } });
    fireEvent.click(screen.getByRole('button', { name: 'Check feed' }));
  };

  it.each([
    ['http://network.example/feed.json', 'Feeds must use HTTPS (http:// is only allowed on this computer, for testing).'],
    ['not a web address', 'This is not a web address.'],
    [URL_A, 'You already subscribe to this feed.'],
  ])('refuses %s before downloading anything, with the error tied to the field', async (value, message) => {
    const { feeds } = renderPage();
    submit(value);
    const field = addressField();
    await waitFor(() => expect(document.activeElement).toBe(field));
    expect(field.getAttribute('aria-invalid')).toBe('true');
    const error = document.getElementById(field.getAttribute('aria-describedby')!.split(' ')[1]!)!;
    expect(error.textContent).toBe(`Error: ${message}`);
    expect(document.activeElement).toBe(field);
    expect(feeds.port.preview).not.toHaveBeenCalled();
    await expectAccessible(section('Feeds'));
  });

  it('previews publisher, kind and counts, then subscribes', async () => {
    const { feeds } = renderPage();
    submit(URL_NEW);
    const heading = await screen.findByRole('heading', { name: 'Check before subscribing' });
    const box = heading.parentElement!;
    await waitFor(() => expect(document.activeElement).toBe(box));
    expect(box.textContent).toContain('PublisherExample Charity (test)');
    expect(box.textContent).toContain('KindCharity');
    expect(box.textContent).toContain('Data from24 November 2026');
    expect(box.textContent).toContain('12 tools, 30 endorsements');
    expect(box.textContent).toContain('Left out as invalid1 entry');
    expect(box.textContent).toContain('1 entry is invalid and will be left out');
    expect(feeds.port.subscribe).not.toHaveBeenCalled();
    await expectAccessible(section('Feeds'));

    fireEvent.click(within(box).getByRole('button', { name: 'Subscribe' }));

    await waitFor(() =>
      expect(within(section('Feeds')).getAllByRole('status')[0]!.textContent).toBe('Subscribed to Example Charity (test): updated (12 tools, 30 endorsements).'),
    );
    expect(feeds.port.subscribe).toHaveBeenCalledWith(URL_NEW, []);
    expect((addressField() as HTMLInputElement).value).toBe('');
    expect(screen.queryByRole('heading', { name: 'Check before subscribing' })).toBeNull();
  });

  it("pins the publisher's key: checks the feed with it, shows the signature, and subscribes with it; refuses what is not a key", async () => {
    const { feeds } = renderPage();
    const key = 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=';
    feeds.port.preview.mockResolvedValueOnce({ ok: true, preview: { ...preview, signature: { status: 'verified', keyId: '99a56a445e214bab', key } } });
    fireEvent.input(addressField(), { target: { value: URL_NEW } });
    const keyField = screen.getByRole('textbox', { name: "Publisher's signing key (optional)" });
    fireEvent.input(keyField, { target: { value: 'ed25519:nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Check feed' }));
    await waitFor(() => expect(keyField.getAttribute('aria-invalid')).toBe('true'));
    expect(feeds.port.preview).not.toHaveBeenCalled();

    fireEvent.input(keyField, { target: { value: key } });
    fireEvent.click(screen.getByRole('button', { name: 'Check feed' }));
    const box = await screen.findByRole('heading', { name: 'Check before subscribing' });
    expect(feeds.port.preview).toHaveBeenCalledWith(URL_NEW, [key]);
    expect(box.parentElement!.textContent).toContain("Signaturesigned by the publisher's key (99a56a445e214bab), checked");
    fireEvent.click(within(box.parentElement!).getByRole('button', { name: 'Subscribe' }));
    await waitFor(() => expect(feeds.port.subscribe).toHaveBeenCalledWith(URL_NEW, [key]));
  });

  it('Cancel leaves everything as it was and returns to the address', async () => {
    const { feeds } = renderPage();
    submit(URL_NEW);
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(document.activeElement).toBe(addressField()));
    expect(feeds.port.subscribe).not.toHaveBeenCalled();
  });

  it('a feed that cannot be downloaded is explained, and nothing is added', async () => {
    const { feeds } = renderPage();
    feeds.port.preview.mockResolvedValue({ ok: false, error: { code: 'http-status', message: 'The feed was not found at this address (HTTP 404).' } });
    submit(URL_NEW);
    const heading = await screen.findByRole('heading', { name: 'This feed could not be added' });
    expect(heading.parentElement!.textContent).toContain('The feed was not found at this address (HTTP 404).Nothing has been added to your feeds.');
    await waitFor(() => expect(document.activeElement).toBe(heading.parentElement));
    expect(within(heading.parentElement!).queryByRole('button', { name: /Allow downloads/ })).toBeNull();
    expect(feeds.port.subscribe).not.toHaveBeenCalled();
  });

  it('after a network error, asks for permission to download from that host; refused, it says so', async () => {
    const { feeds } = renderPage();
    feeds.port.preview.mockResolvedValue({ ok: false, error: { code: 'network', message: 'The feed could not be downloaded (network error).' } });
    submit(URL_NEW);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow downloads from charity.example' }));
    expect(await screen.findByText(/Permission was not given/)).toBeTruthy();
    expect(feeds.port.preview).toHaveBeenCalledTimes(1);
  });

  it('with that permission granted, checks the feed again', async () => {
    const { feeds } = renderPage();
    feeds.port.preview.mockResolvedValueOnce({ ok: false, error: { code: 'network', message: 'network error' } });
    feeds.port.requestHostAccess.mockResolvedValue(true);
    submit(URL_NEW);
    fireEvent.click(await screen.findByRole('button', { name: 'Allow downloads from charity.example' }));
    expect(await screen.findByRole('heading', { name: 'Check before subscribing' })).toBeTruthy();
    expect(feeds.port.preview).toHaveBeenCalledTimes(2);
  });
});

describe('profile', () => {
  const profileSection = async () => {
    await screen.findByRole('heading', { name: 'Your profile' });
    return section('Your profile');
  };

  it('labels every control and shows what is stored', async () => {
    renderPage();
    const form = await profileSection();
    expect((within(form).getByLabelText('Your name') as HTMLInputElement).value).toBe('Dr Alex Example');
    expect((within(form).getByLabelText('Your role') as HTMLSelectElement).value).toBe('gp');
    expect((within(form).getByLabelText('Organisation') as HTMLInputElement).value).toBe('Example Surgery (test)');
    expect(within(form).getByLabelText("Your digital champion's email").getAttribute('type')).toBe('email');
    const roles = within(within(form).getByLabelText('Your role')).getAllByRole('option').map((option) => option.textContent);
    expect(roles).toEqual(['Not given', ...Object.values(ROLE_LABELS)]);
    expect((within(form).getByRole('checkbox', { name: 'Asthma' }) as HTMLInputElement).checked).toBe(true);
    expect(within(form).getByRole('group', { name: /My conditions/ })).toBeTruthy();
  });

  it('offers every condition in the vocabulary exactly once, in labelled groups', async () => {
    renderPage();
    const form = await profileSection();
    expect(CONDITION_GROUPS.flatMap((group) => group.ids).sort()).toEqual(Object.keys(CONDITIONS).sort());
    for (const group of CONDITION_GROUPS) {
      const fieldset = within(form).getByRole('group', { name: group.title });
      expect(within(fieldset).getAllByRole('checkbox')).toHaveLength(group.ids.length);
    }
  });

  it('an invalid email is refused with an error tied to the field, and nothing is saved', async () => {
    const { ports } = renderPage();
    const form = await profileSection();
    const email = within(form).getByLabelText("Your digital champion's email");
    fireEvent.input(email, { target: { value: 'champion at practice' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(email.getAttribute('aria-invalid')).toBe('true');
    const describedBy = email.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)!.textContent);
    expect(describedBy).toContain('Error: Enter an email address in the right format, like name@example.nhs.uk.');
    expect(document.activeElement).toBe(email);
    expect(ports.profile.save).not.toHaveBeenCalled();
    await expectAccessible(form);
  });

  it('saves through the profile port and confirms in a live region', async () => {
    const { ports } = renderPage({ stored: EMPTY_PROFILE });
    const form = await profileSection();
    fireEvent.input(within(form).getByLabelText('Your name'), { target: { value: '  Sam Example ' } });
    fireEvent.change(within(form).getByLabelText('Your role'), { target: { value: 'pharmacist' } });
    fireEvent.input(within(form).getByLabelText("Your digital champion's email"), { target: { value: 'champion@example.nhs.uk' } });
    fireEvent.click(within(form).getByRole('checkbox', { name: 'COPD' }));
    fireEvent.click(within(form).getByRole('checkbox', { name: 'Insomnia' }));
    fireEvent.change(within(form).getByRole('combobox', { name: 'Mark peer notes as old after' }), { target: { value: '6' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(within(form).getByRole('status').textContent).toBe('Your profile has been saved.'));
    expect(ports.profile.save).toHaveBeenCalledWith({
      displayName: 'Sam Example',
      role: 'pharmacist',
      organisation: '',
      championEmail: 'champion@example.nhs.uk',
      myConditions: ['copd', 'insomnia'],
      oldNoteMonths: 6,
    });
  });

  it('removes hidden characters pasted with the organisation, and says so', async () => {
    const { ports } = renderPage({ stored: EMPTY_PROFILE });
    const form = await profileSection();
    fireEvent.input(within(form).getByLabelText('Organisation'), { target: { value: '\u202AExample Surgery (test)\u202C' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save profile' }));
    await waitFor(() => expect(within(form).getByRole('status').textContent).toBe('Your profile has been saved. Hidden characters pasted with your name or organisation were removed.'));
    expect(ports.profile.save).toHaveBeenCalledWith(expect.objectContaining({ organisation: 'Example Surgery (test)' }));
  });

  it('refuses patient data in the organisation, naming it and where, and saves nothing', async () => {
    const { ports } = renderPage();
    const form = await profileSection();
    const organisation = within(form).getByLabelText('Organisation');
    fireEvent.input(organisation, { target: { value: 'Ward 3, NHS 943 476 5919' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save profile' }));
    expect(organisation.getAttribute('aria-invalid')).toBe('true');
    const describedBy = organisation.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)!.textContent);
    expect(describedBy).toContain(
      'Error: Your organisation contains what looks like an NHS number ("943 476 5919", at character 13). Your name and organisation sign your notes, and notes never hold patient data: remove it.',
    );
    expect(document.activeElement).toBe(organisation);
    expect(ports.profile.save).not.toHaveBeenCalled();
  });

  it('passes axe-core', async () => {
    renderPage();
    await expectAccessible(await profileSection());
  });
});

describe('export and import', () => {
  const transfer = async () => {
    await screen.findByRole('heading', { name: 'Export and import' });
    return section('Export and import');
  };
  const chooseFile = async (text: string) => {
    const input = within(await transfer()).getByLabelText('Settings file');
    const file = new File([text], 'settings.json', { type: 'application/json' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    fireEvent.change(input);
    return input;
  };
  const settingsFile = (body: object) => JSON.stringify({ format: 'signpost-settings', version: 1, ...body });

  it('exports feeds (not the bundled one), profile and link badges as a download', async () => {
    const { ports } = renderPage();
    fireEvent.click(within(await transfer()).getByRole('button', { name: 'Download settings file' }));
    await waitFor(() => expect(ports.download).toHaveBeenCalled());
    const [name, text] = ports.download.mock.calls[0]!;
    expect(name).toBe('signpost-settings-2026-11-25.json');
    expect(JSON.parse(text)).toMatchObject({ format: 'signpost-settings', version: 2, subscriptions: [{ url: URL_A }], profile, linkBadges: false });
  });

  it('shows exactly what an import will change before applying it; merge is the default', async () => {
    const { ports, feeds } = renderPage();
    await chooseFile(settingsFile({ subscriptions: [URL_NEW], profile: { ...profile, role: 'nurse' }, linkBadges: true }));
    const heading = await screen.findByRole('heading', { name: 'What this import will change' });
    const plan = heading.parentElement!;
    await waitFor(() => expect(document.activeElement).toBe(plan));
    expect((within(plan).getByRole('radio', { name: /Add them to your feeds/ }) as HTMLInputElement).checked).toBe(true);
    expect(plan.textContent).toContain(`Feeds to add:${URL_NEW}: no key pinned, so unsigned copies are accepted`);
    expect(plan.textContent).not.toContain('Feeds to remove');
    const row = within(within(plan).getByRole('table', { name: 'Profile changes' })).getByRole('row', { name: /Role/ });
    expect(row.textContent).toBe('RoleGPNurse');
    expect(plan.textContent).toContain('Link badges will be turned on');
    await expectAccessible(plan);

    fireEvent.click(within(plan).getByRole('radio', { name: /Replace your feeds/ }));
    expect(plan.textContent).toContain(`Feeds to remove, with their tools:${URL_A}`);
    fireEvent.click(within(plan).getByRole('radio', { name: /Add them to your feeds/ }));
    fireEvent.click(within(plan).getByRole('button', { name: 'Apply these changes' }));

    await waitFor(() =>
      expect(within(section('Export and import')).getAllByRole('status')[1]!.textContent).toBe(
        'Settings imported: 1 feed added, profile updated, link badges turned on.',
      ),
    );
    expect(feeds.port.subscribe).toHaveBeenCalledWith(URL_NEW, undefined);
    expect(feeds.port.forget).not.toHaveBeenCalled();
    expect(ports.profile.save).toHaveBeenCalledWith({ ...profile, role: 'nurse' });
    expect(ports.siteAccess.setLinkBadges).toHaveBeenCalledWith(true);
    expect((screen.getByLabelText('Your role') as HTMLSelectElement).value).toBe('nurse');
  });

  it('replace removes the feeds not in the file', async () => {
    const { feeds } = renderPage();
    await chooseFile(settingsFile({ subscriptions: [URL_NEW] }));
    const plan = (await screen.findByRole('heading', { name: 'What this import will change' })).parentElement!;
    fireEvent.click(within(plan).getByRole('radio', { name: /Replace your feeds/ }));
    fireEvent.click(within(plan).getByRole('button', { name: 'Apply these changes' }));
    await waitFor(() => expect(feeds.port.forget).toHaveBeenCalledWith(URL_A));
    expect(feeds.port.subscribe).toHaveBeenCalledWith(URL_NEW, undefined);
  });

  it('shows, and subscribes with, the keys a settings file pins (version 2)', async () => {
    const { feeds } = renderPage();
    const key = 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=';
    await chooseFile(JSON.stringify({ format: 'signpost-settings', version: 2, subscriptions: [{ url: URL_NEW, keys: [key] }] }));
    const plan = (await screen.findByRole('heading', { name: 'What this import will change' })).parentElement!;
    await waitFor(() => expect(plan.textContent).toContain(`Feeds to add:${URL_NEW}: checked with key 99a56a445e214bab`));
    fireEvent.click(within(plan).getByRole('button', { name: 'Apply these changes' }));
    await waitFor(() => expect(feeds.port.subscribe).toHaveBeenCalledWith(URL_NEW, [key]));
  });

  it('rejects a file that is not a settings file, with the reason tied to the field', async () => {
    const { feeds, ports } = renderPage();
    const input = await chooseFile('{"format":"signpost-feed","version":1}');
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toBe(
      'Error: This is a Signpost feed, not a settings file. To use a feed, add its web address under Feeds.',
    );
    expect(screen.queryByRole('heading', { name: 'What this import will change' })).toBeNull();
    expect(feeds.port.subscribe).not.toHaveBeenCalled();
    expect(ports.profile.save).not.toHaveBeenCalled();
    await expectAccessible(section('Export and import'));
  });

  it('says when a file would change nothing, and will not apply it', async () => {
    renderPage();
    await chooseFile(settingsFile({ subscriptions: [URL_A], profile }));
    const plan = (await screen.findByRole('heading', { name: 'What this import will change' })).parentElement!;
    expect(plan.textContent).toContain('Nothing would change: your settings already match this file.');
    expect(within(plan).getByRole('button', { name: 'Apply these changes' }).getAttribute('aria-disabled')).toBe('true');
  });
});

describe('peer notes in settings', () => {
  const TEST_NHS_NUMBER = '943 476 5919';

  async function renderWithNotes() {
    const db = testDb();
    await db.notes.bulkPut([
      noteRecord(sampleNote({ id: 'n1', toolName: 'Breathe Well (test)', text: 'Reminders work well.' })),
      noteRecord(sampleNote({ id: 'n2', toolName: 'Mood Bot (test)', verdict: 'use-with-care', text: 'Long sign-up.', updatedAt: '2026-11-02T09:00:00.000Z' })),
    ]);
    const rendered = renderPage({ db });
    const notes = await screen.findByRole('region', { name: 'Peer notes' });
    await within(notes).findByRole('group', { name: 'Choose the notes to share with colleagues' });
    return { ...rendered, notes };
  }

  it('lists my notes and publishes the chosen ones as a team feed file', async () => {
    const { notes, ports } = await renderWithNotes();
    expect(within(notes).getByRole('heading', { name: 'Your notes (2)' })).toBeTruthy();
    fireEvent.click(within(notes).getByRole('checkbox', { name: /^Mood Bot \(test\).*Use with care/ }));
    fireEvent.input(within(notes).getByRole('textbox', { name: 'Team name' }), { target: { value: 'Riverside PCN champions (test)' } });
    fireEvent.click(within(notes).getByRole('button', { name: 'Create team feed file' }));
    await waitFor(() => expect(ports.download).toHaveBeenCalledOnce());
    const [fileName, text] = vi.mocked(ports.download).mock.calls[0]!;
    expect(fileName).toBe('riverside-pcn-champions-test.json');
    const published = JSON.parse(text);
    expect(published).toMatchObject({ format: 'signpost-feed', publisher: { id: 'riverside-pcn-champions-test', kind: 'peer-team' }, sequence: 1, tools: [] });
    expect(published.notes.map((note: { id: string }) => note.id)).toEqual(['n2']);
    expect(within(notes).getAllByRole('status')[0]!.textContent).toContain('1 note, version 1');
  });

  it('refuses to publish when a note fails the checks, naming the note and why', async () => {
    const db = testDb();
    await db.notes.put(noteRecord(sampleNote({ author: { name: '' } })));
    const { ports } = renderPage({ db });
    const notes = await screen.findByRole('region', { name: 'Peer notes' });
    fireEvent.click(await within(notes).findByRole('checkbox', { name: /^Example Tool \(test\)/ }));
    fireEvent.input(within(notes).getByRole('textbox', { name: 'Team name' }), { target: { value: 'Team (test)' } });
    fireEvent.click(within(notes).getByRole('button', { name: 'Create team feed file' }));
    const alert = await within(notes).findByRole('alert');
    expect(alert.textContent).toContain('Nothing was shared.');
    expect(alert.textContent).toContain('Example Tool (test): Add your name under "Your profile" first');
    expect(ports.download).not.toHaveBeenCalled();
  });

  it('downloads my notes and imports them back; a file with patient data imports nothing', async () => {
    const { notes, ports, db } = await renderWithNotes();
    fireEvent.click(within(notes).getByRole('button', { name: 'Download my notes' }));
    await waitFor(() => expect(ports.download).toHaveBeenCalledOnce());
    const [, text] = vi.mocked(ports.download).mock.calls[0]!;
    await db.notes.clear();

    const input = within(notes).getByLabelText('Import a notes file') as HTMLInputElement;
    const choose = (content: string) => fireEvent.change(input, { target: { files: [new File([content], 'notes.json', { type: 'application/json' })] } });
    choose(text);
    await waitFor(() => expect(within(notes).getByText('Notes imported: 2 notes added.')).toBeTruthy());
    expect(await db.notes.count()).toBe(2);

    const withPatientData = JSON.parse(text);
    withPatientData.notes[0].text = `Patient ${TEST_NHS_NUMBER}`;
    await db.notes.clear();
    choose(JSON.stringify(withPatientData));
    await waitFor(() => expect(input.getAttribute('aria-invalid')).toBe('true'));
    expect(within(notes).getByText(/This notes file cannot be imported, so nothing was .*NHS number/)).toBeTruthy();
    expect(await db.notes.count()).toBe(0);
  });

  it('lists a note that needs repair with what to fix, tied to its checkbox', async () => {
    const db = testDb();
    await db.notes.put(noteRecord(sampleNote({ id: 'n1', toolName: 'Breathe Well (test)', author: { name: 'Dr A. Example', organisation: '\u202BExample Practice' } })));
    renderPage({ db });
    const notes = await screen.findByRole('region', { name: 'Peer notes' });
    const choice = await within(notes).findByRole('checkbox', { name: /^Breathe Well \(test\)/ });
    const prompt = document.getElementById(choice.getAttribute('aria-describedby')!)!;
    expect(prompt.textContent).toContain('This note needs fixing before it can be shared.');
    expect(prompt.textContent).toContain('Edit it from the trust card or the toolbar button to fix:');
    await expectAccessible(notes);
  });

  it('imports a team feed file', async () => {
    const { notes, db } = await renderWithNotes();
    const file = JSON.stringify(feed({ publisher: { id: 'team', name: 'Team notes (test)', kind: 'peer-team' }, notes: [sampleFeedNote({ id: 'shared' })] }));
    fireEvent.change(within(notes).getByLabelText('Team feed file'), { target: { files: [new File([file], 'team.json')] } });
    await waitFor(() => expect(within(notes).getByText(/Imported “Team notes \(test\)”: 1 note\./)).toBeTruthy());
    expect(await db.teamNotes.count()).toBe(1);
  });

  it('passes axe-core', async () => {
    const { notes } = await renderWithNotes();
    await expectAccessible(notes);
  });
});

describe("the organisation's policy", () => {
  const managedUrl = 'https://icb.example.nhs.uk/signpost/feed.json';
  const policy = policySchema.parse({ feeds: [{ url: managedUrl }], locked: ['feeds', 'championEmail', 'linkBadges'], championEmail: 'champion@example.nhs.uk', linkBadges: true });

  it('says what it manages; managed feeds cannot be removed, no feed can be added, and locked fields are read-only', async () => {
    const managedEntry: FeedListEntry = { ...networkEntry, url: managedUrl, managed: true };
    renderPage({ entries: [bundledEntry, managedEntry], policy: { policy, status: { ok: true, at: NOW } } });
    const notice = await screen.findByRole('note', { name: 'Managed by your organisation' });
    expect(notice.textContent).toBe("Your organisation manages part of Signpost on this computer: 1 feed, which feeds you use, your digital champion's email, link badges. Those settings are marked below.");
    const feeds = section('Feeds');
    expect(within(feeds).queryByRole('button', { name: /^Remove/ })).toBeNull();
    expect(within(feeds).getByText('Set by your organisation')).toBeTruthy();
    expect(within(feeds).queryByRole('textbox', { name: 'Feed address' })).toBeNull();
    expect(feeds.textContent).toContain('Your organisation manages which feeds Signpost uses on this computer.');
    const email = (await screen.findByRole('textbox', { name: "Your digital champion's email" })) as HTMLInputElement;
    expect(email.readOnly).toBe(true);
    expect(screen.getByRole('checkbox', { name: 'Show badges beside links to known tools' }).hasAttribute('disabled')).toBe(true);
  });

  it('says plainly when the policy could not be used, and what to tell IT', async () => {
    renderPage({ policy: { policy: NO_POLICY, status: { ok: false, at: NOW, problems: ['feeds[0].url: expected an https:// feed address'] } } });
    const notice = await screen.findByRole('note', { name: 'Managed by your organisation' });
    expect(notice.textContent).toContain("Your organisation's policy for Signpost has a problem, so Signpost is still using the last valid one.");
    expect(notice.textContent).toContain('feeds[0].url: expected an https:// feed address');
  });
});
