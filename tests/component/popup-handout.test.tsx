import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HandoutPage } from '@/components/popup/Handout';
import { dexieSearchSource } from '@/lib/search/registry-search';
import { handoutQuery } from '@/lib/signposting/handout';
import { testDb, withFeeds } from '../helpers/db';
import { BUNDLED_TEST_FEED_URL, storeAsBundled } from '../helpers/trust';
import { endorsement, feed, tool } from '../helpers/feeds';
import { expectNoAxeViolations } from '../helpers/axe';
import { testSignposting } from '../helpers/signposting';
import { readEntries } from '@/lib/monitoring/store';

afterEach(cleanup);

const NICE_FEED = BUNDLED_TEST_FEED_URL;
const ICB_FEED = 'https://icb.example/feed.json';
const PLAY = 'https://play.google.com/store/apps/details?id=com.example.sleep';

async function renderHandout(search: string) {
  const db = testDb();
  // NICE's decisions as the bundled registry relays them, from nice.org.uk.
  await storeAsBundled(
    db,
    feed({
      publisher: { id: 'nice-test', name: 'NICE decisions (test)', kind: 'nice' },
      tools: [
        tool({
          id: 'sleep',
          name: 'Sleep Well',
          identifiers: { apple: ['123456789'], googlePlay: ['com.example.sleep'] },
          conditions: ['insomnia'],
          endorsements: [endorsement({ issuer: 'NICE', issuerKind: 'nice', status: 'recommended', guidanceCode: 'MTG70', decisionDate: '2022-05', sourceUrl: 'https://www.nice.org.uk/guidance/mtg70' })],
        }),
        tool({ id: 'old', name: 'Old Blues', identifiers: { apple: ['333333333'] }, endorsements: [endorsement({ issuer: 'NICE', issuerKind: 'nice', status: 'withdrawn', sourceUrl: 'https://www.nice.org.uk/guidance/ta97' })] }),
      ],
    }),
  );
  // An unsigned feed knows the same app and adds a website of its own: a lower-trust feed adds no links.
  await withFeeds(db, {
    [ICB_FEED]: feed({ tools: [tool({ id: 'sw', name: 'SleepWell', identifiers: { apple: ['123456789'], web: [{ origin: 'https://sleepwell-offers.example' }] }, conditions: ['insomnia'] })] }),
  });
  const print = vi.fn();
  const now = Date.parse('2026-11-25T12:00:00Z');
  const view = render(<HandoutPage deps={{ source: dexieSearchSource(db), now: () => now, signposting: testSignposting(db, now) }} search={search} print={print} />);
  return { print, container: view.container, db };
}

describe('printable handout page', () => {
  it('shows the tool, what it is for, both links (and none a lower-trust feed adds), the chosen QR link, who endorses it for what, with dates and sources, and when it was checked', async () => {
    const { print, container } = await renderHandout(handoutQuery(`${NICE_FEED} sleep`, PLAY));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sleep Well' })).toBeTruthy();
    const main = screen.getByRole('main');
    expect(main.textContent).toContain('Sleep Well is an app for insomnia.');
    expect(main.textContent).toContain('NICE recommends it for insomnia (MTG70, May 2022).');
    expect(main.textContent).not.toContain('sleepwell-offers');
    expect(main.textContent).toContain(`Google Play: ${PLAY}`);
    expect(main.textContent).toContain('App Store: https://apps.apple.com/gb/app/id123456789');
    expect(screen.getByRole('img', { name: `QR code for ${PLAY}` })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Who endorses it' }).parentElement!.textContent).toContain('NICE: Recommended · MTG70 · May 2022For: insomniaSource: https://www.nice.org.uk/guidance/mtg70');
    expect(main.textContent).toContain('Signpost checked this on 20 November 2026 from NICE decisions (test), Example Publisher (test).');
    await waitFor(() => expect(document.title).toBe('Sleep Well: patient handout (Signpost)'));
    fireEvent.click(screen.getByRole('button', { name: 'Print this handout' }));
    expect(print).toHaveBeenCalledOnce();
    await expectNoAxeViolations(container);
  });

  it('records each print, from the button or the browser\'s own print command, once each, for the condition it was given for', async () => {
    const { print, db } = await renderHandout(handoutQuery(`${NICE_FEED} sleep`, PLAY, 'insomnia'));
    await screen.findByRole('heading', { level: 1, name: 'Sleep Well' });
    // The button's print fires beforeprint too: still one entry.
    print.mockImplementation(() => window.dispatchEvent(new Event('beforeprint')));
    fireEvent.click(screen.getByRole('button', { name: 'Print this handout' }));
    await waitFor(async () => expect(await readEntries(db)).toHaveLength(1));
    window.dispatchEvent(new Event('beforeprint'));
    await waitFor(async () => expect(await readEntries(db)).toHaveLength(2));
    expect((await readEntries(db)).map((entry) => [entry.channel, entry.condition, entry.tool.name])).toEqual([
      ['handout', 'insomnia', 'Sleep Well'],
      ['handout', 'insomnia', 'Sleep Well'],
    ]);
  });

  it('makes no handout for a withdrawn tool, and says why', async () => {
    await renderHandout(handoutQuery(`${NICE_FEED} old`, null));
    expect(await screen.findByText(/Signpost writes patient text only for a tool with a current positive decision .* Old Blues: Withdrawn or no longer available/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Print this handout' })).toBeNull();
  });

  it('says so when the tool has left the registry', async () => {
    await renderHandout(handoutQuery(`${NICE_FEED} gone`, null));
    expect(await screen.findByText(/no longer in your registry/)).toBeTruthy();
  });
});
