// The signposting record, safety follow-up and practice report in real Chromium (issue 16,
// docs/monitoring.md): a clinician signposts a tool three ways, sees it on My signposting and its
// charts; the ICB withdraws the tool and the follow-up appears with the right counts; a digital
// champion, in another browser profile, imports two colleagues' reports and sees practice totals.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { buildReport } from '@/lib/monitoring/report';
import { entrySchema, localDay } from '@/lib/monitoring/record';
import { endorsement, tool } from '../helpers/feeds';
import { axeViolations } from './harness/axe';
import { launchWithExtension, type ExtensionSession } from './harness/browser';
import { readRows } from './harness/idb';
import { authorityFeed, localAuthority, publishSigned, subscribeAuthorisedFeed, type LocalAuthority } from './harness/local-authority';
import { sendFromExtensionPage } from './harness/messages';
import { REPO_ROOT } from './harness/paths';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';

const ICB = 'Example ICB (test)';
const TOOL_NAME = 'Example Calm Sleep (test)';
const THIS_MONTH = new Date().toLocaleDateString('en-GB', { month: 'long', year: 'numeric' });
const recommended = endorsement({ issuer: ICB, issuerKind: 'local-network', status: 'recommended', guidanceCode: 'ICB-F12', decisionDate: '2026-01', sourceUrl: 'https://icb.example/formulary' });
const calmSleep = (endorsements = [recommended]) =>
  tool({ id: 'calm-sleep', name: TOOL_NAME, identifiers: { apple: ['1000000077'] }, conditions: ['insomnia'], endorsements });

let feeds: FeedServer;
let stores: StoreSession;
let session: ExtensionSession;
let icb: LocalAuthority;
let exportedReport: string;
const SCREENSHOTS = join(REPO_ROOT, 'docs/screenshots');

beforeAll(async () => {
  [feeds, stores] = await Promise.all([startFeedServer(), startStoreSession()]);
  session = stores.session;
  icb = await localAuthority('example-icb', ICB);
  await subscribeAuthorisedFeed(session, feeds, icb, '/icb/feed.json', [calmSleep()]);
});

afterAll(async () => {
  await Promise.allSettled([stores?.close(), feeds?.close()]);
});

async function openPage(path: string, target: ExtensionSession = session): Promise<Page> {
  const page = await target.context.newPage();
  await page.setViewportSize({ width: 1000, height: 900 });
  await page.goto(`chrome-extension://${target.extensionId}/${path}`);
  return page;
}

async function toolDetail(): Promise<Page> {
  const popup = await openPage('popup.html');
  await popup.setViewportSize({ width: 380, height: 600 });
  const box = popup.getByRole('combobox', { name: 'Search your registry' });
  await box.click();
  await box.pressSequentially('calm sleep');
  await popup.getByRole('option').filter({ hasText: TOOL_NAME }).first().click();
  await popup.getByRole('heading', { level: 2, name: TOOL_NAME }).waitFor();
  return popup;
}

const entryRows = async () => (await readRows(session.serviceWorker, 'signpostings')) as Record<string, unknown>[];

describe('the signposting record', () => {
  test('text, QR code and handout are each recorded, with a notice the first time; My signposting shows them, in charts too', async () => {
    const popup = await toolDetail();
    await popup.getByRole('button', { name: 'Copy text' }).click();
    const notice = popup.getByRole('region', { name: 'Signpost keeps a record of what you signpost' });
    await notice.waitFor();
    expect(await axeViolations(popup)).toEqual([]);
    await notice.getByRole('button', { name: 'OK' }).click();
    await popup.getByRole('button', { name: 'Show QR code' }).click();
    await popup.getByRole('img', { name: /^QR code for https:\/\/apps\.apple\.com/ }).waitFor();
    const [handout] = await Promise.all([session.context.waitForEvent('page'), popup.getByRole('button', { name: /Printable handout/ }).click()]);
    await handout.getByRole('heading', { level: 1, name: TOOL_NAME }).waitFor();
    // A headless browser has no print dialog; the page's print is what the button calls.
    await handout.evaluate(() => {
      window.print = () => void window.dispatchEvent(new Event('beforeprint'));
    });
    await handout.getByRole('button', { name: 'Print this handout' }).click();
    await expect.poll(async () => (await entryRows()).map((row) => row.channel).sort(), { timeout: 10_000 }).toEqual(['handout', 'qr', 'text']);
    await Promise.all([popup.close(), handout.close()]);

    const page = await openPage('signposting.html');
    await page.getByRole('heading', { name: 'Every entry (3)' }).waitFor();
    const entries = page.getByRole('table', { name: 'Every signposting on this computer, newest first' });
    expect((await entries.getByRole('row').allTextContents()).slice(1).map((row) => row.replace(/Delete.*$/, ''))).toEqual(
      expect.arrayContaining([`${localDay(Date.now())}Patient text copied${TOOL_NAME}Insomnia${ICB}: recommended for insomnia (ICB-F12)`]),
    );
    expect(await page.getByRole('img', { name: /bar chart/ }).count()).toBe(4);
    const top = page.getByRole('table', { name: 'Top tools' });
    await page.locator('summary', { hasText: 'Top tools' }).click();
    expect(await top.getByRole('row').nth(1).textContent()).toBe(`${TOOL_NAME}3`);
    await page.locator('summary', { hasText: 'Endorsed by NICE, charities or local networks' }).click();
    expect(await page.getByRole('table', { name: 'Endorsed by NICE, charities or local networks' }).getByRole('row').nth(1).textContent()).toBe('Local network3100%');
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('section[aria-labelledby="charts-heading"]').screenshot({ path: join(SCREENSHOTS, 'my-signposting-charts.png') });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export my report' }).click()]);
    exportedReport = await readFile((await download.path())!, 'utf8');
    expect(JSON.parse(exportedReport).rows).toEqual([
      { month: localDay(Date.now()).slice(0, 7), tool: TOOL_NAME, toolKey: 'apple:1000000077', condition: 'insomnia', verdict: 'recommended', endorsedBy: ['local-network'], count: 'fewer than 5' },
    ]);
    await page.close();
  });

  test('nothing about a patient is stored: each row holds only the tool, what was shown, the condition, the channel and the day', async () => {
    const rows = await entryRows();
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(['channel', 'claims', 'condition', 'date', 'id', 'statements', 'tool', 'verdict']);
      expect(entrySchema.safeParse(row).success).toBe(true);
      // The patient text itself (what was copied) is not in the record either.
      expect(JSON.stringify(row)).not.toContain('Get it here');
    }
  });

  test('the ICB withdraws the tool: the popup and the toolbar icon say what changed, who said so and how often it was signposted', async () => {
    const withdrawal = endorsement({ ...recommended, status: 'withdrawn', decisionDate: localDay(Date.now()).slice(0, 7), sourceUrl: 'https://icb.example/formulary/withdrawn' });
    await publishSigned(feeds, '/icb/feed.json', { ...authorityFeed(icb, [calmSleep([recommended, withdrawal])]), sequence: 2 }, icb);
    await sendFromExtensionPage(session, { type: 'sync-now' });
    await expect.poll(() => session.serviceWorker.evaluate(() => browser.action.getBadgeText({})), { timeout: 10_000 }).toBe('!1');
    expect(await session.serviceWorker.evaluate(() => browser.action.getTitle({}))).toContain(`${TOOL_NAME}: ${ICB}: withdrawn or no longer available for insomnia (ICB-F12)`);

    const popup = await openPage('popup.html');
    const followUp = popup.getByRole('region', { name: 'Safety follow-up' });
    await followUp.waitFor();
    const text = await followUp.textContent();
    expect(text).toContain(`${TOOL_NAME}: changed since you signposted it`);
    expect(text).toContain(`Said by ${ICB}, dated ${THIS_MONTH}`);
    expect(text).toContain(`You signposted it 3 times: ${THIS_MONTH} (3).`);
    expect(await axeViolations(popup)).toEqual([]);
    await followUp.getByRole('button', { name: /^Mark as read/ }).click();
    await popup.getByText(`Marked as read: ${TOOL_NAME}.`).waitFor();
    await expect.poll(() => session.serviceWorker.evaluate(() => browser.action.getBadgeText({}))).toBe('');
    await popup.close();
  });
});

describe('practice report', () => {
  test("a digital champion, in another profile, imports two colleagues' reports and sees the practice totals", async () => {
    // A second colleague's file, made by the same code from synthetic entries: 7 signpostings of the tool this month.
    const month = localDay(Date.now());
    const colleague = buildReport(
      Array.from({ length: 7 }, (_, index) =>
        entrySchema.parse({
          id: `00000000-0000-4000-8000-00000000000${index}`,
          date: month,
          channel: 'text',
          tool: { recordId: 'x calm-sleep', name: TOOL_NAME, keys: ['apple:1000000077'] },
          condition: 'insomnia',
          verdict: 'recommended',
          statements: [],
          claims: [{ authority: ICB, kind: 'local-network', status: 'recommended', code: 'ICB-F12', decisionDate: '2026-01' }],
        }),
      ),
      { id: '22222222-2222-4222-8222-222222222222', name: 'Dr Colleague (test)' },
      Date.now(),
    );
    const folder = await mkdtemp(join(tmpdir(), 'signpost-reports-'));
    const files = [join(folder, 'mine.json'), join(folder, 'colleague.json'), join(folder, 'colleague-again.json'), join(folder, 'broken.json')];
    await writeFile(files[0]!, exportedReport);
    await writeFile(files[1]!, JSON.stringify(colleague));
    await writeFile(files[2]!, JSON.stringify(colleague)); // the same file twice: counted once
    await writeFile(files[3]!, JSON.stringify({ ...colleague, rows: [{ ...colleague.rows[0], count: 2 }] }));

    const champion = await launchWithExtension();
    try {
      const page = await openPage('signposting.html', champion);
      await page.getByRole('heading', { name: 'Practice report' }).waitFor();
      await page.getByLabel('Report files').setInputFiles(files);
      const view = page.locator('#practice-view');
      await view.getByRole('heading', { name: /^Practice view: 2 colleagues/ }).waitFor();
      expect(await page.getByRole('status').filter({ hasText: 'reports added' }).textContent()).toContain('3 reports added; 1 refused.broken.json: refused: it is not a valid Signpost report (rows.0.count');
      // 7 from the colleague, and "fewer than 5" (1 to 4) from the first clinician: 8 to 11.
      expect(await view.locator('.total').textContent()).toBe('All signpostings: between 8 and 11');
      await view.locator('summary', { hasText: 'Top tools' }).click();
      expect(await view.getByRole('table', { name: 'Top tools' }).getByRole('row').nth(1).textContent()).toBe(`${TOOL_NAME}between 8 and 11`);
      expect(await view.getByRole('img', { name: /bar chart/ }).count()).toBe(4);
      expect(await axeViolations(page)).toEqual([]);
      const [csv] = await Promise.all([page.waitForEvent('download'), view.getByRole('button', { name: 'Download the practice CSV' }).click()]);
      const lines = (await readFile((await csv.path())!, 'utf8')).split('\r\n');
      expect(lines[0]).toBe('Month,Tool,Condition,Verdict,Endorsed by,Signpostings');
      expect(lines[1]).toBe(`${THIS_MONTH},${TOOL_NAME},Insomnia,Recommended,Local network,between 8 and 11`);
      expect(await view.getByRole('button', { name: 'Print a one-page summary' }).count()).toBe(1);
      await page.emulateMedia({ media: 'print' });
      await page.screenshot({ path: join(SCREENSHOTS, 'practice-summary-print.png'), fullPage: true });
      await page.close();
    } finally {
      await champion.close();
    }
  });
});
