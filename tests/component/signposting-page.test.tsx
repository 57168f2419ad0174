import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignpostingPage } from '@/components/signposting/SignpostingPage';
import { readEntries } from '@/lib/monitoring/store';
import { expectNoAxeViolations } from '../helpers/axe';
import { testDb } from '../helpers/db';
import { feed, tool } from '../helpers/feeds';
import { testSignposting } from '../helpers/signposting';
import { BUNDLED_TEST_FEED_URL, relayedNice, storeAsBundled } from '../helpers/trust';

afterEach(cleanup);

const NOW = Date.parse('2026-11-25T12:00:00Z');
const SLEEP_ID = `${BUNDLED_TEST_FEED_URL} sleep`;

async function renderPage() {
  const db = testDb();
  await storeAsBundled(db, feed({ tools: [tool({ id: 'sleep', name: 'Example Sleep Coach (test)', identifiers: { apple: ['1000000010'] }, conditions: ['insomnia'], endorsements: [relayedNice({ status: 'recommended', guidanceCode: 'MTG70' })] })] }));
  const port = testSignposting(db, NOW);
  for (const channel of ['text', 'qr', 'handout'] as const) await port.record(SLEEP_ID, channel, null);
  const files = { download: vi.fn(), print: vi.fn() };
  const view = render(<SignpostingPage deps={{ port, ...files }} />);
  await screen.findByRole('heading', { name: 'Every entry (3)' });
  return { db, files, container: view.container };
}

describe('My signposting', () => {
  it('lists every entry, charts them with a table for each chart, and downloads them as CSV', async () => {
    const { files, container } = await renderPage();
    const table = screen.getByRole('table', { name: 'Every signposting on this computer, newest first' });
    expect(within(table).getAllByRole('row')).toHaveLength(4);
    expect(table.textContent).toContain('Handout printed');
    expect(screen.getByRole('table', { name: 'Top tools' }).textContent).toContain('Example Sleep Coach (test)3');
    await waitFor(() => expect(screen.getAllByRole('img', { name: /bar chart/ })).toHaveLength(4));
    fireEvent.click(screen.getByRole('button', { name: 'Download as CSV' }));
    expect(files.download).toHaveBeenCalledWith('my-signposting.csv', expect.stringContaining('Example Sleep Coach (test)'), 'text/csv');
    await expectNoAxeViolations(container);
  });

  it('deletes one entry, or all after asking; pauses the record', async () => {
    const { db } = await renderPage();
    fireEvent.click(screen.getAllByRole('button', { name: /^Delete the entry for Example Sleep Coach/ })[0]!);
    await screen.findByRole('heading', { name: 'Every entry (2)' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete all entries…' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, delete all' }));
    await screen.findByRole('heading', { name: 'Every entry (0)' });
    expect(await readEntries(db)).toEqual([]);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Keep a record of what I signpost' }));
    expect(await screen.findByText(/Paused: Signpost records nothing/)).toBeTruthy();
    expect(await testSignposting(db, NOW).record(SLEEP_ID, 'text', null)).toEqual({ recorded: false, reason: 'paused' });
  });
});
