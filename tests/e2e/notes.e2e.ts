// Peer notes end to end in real Chromium: a champion writes a note on a store page (patient data
// refused first), sees it after a reload, publishes a team feed from settings; a colleague with a
// fresh profile subscribes to it, served from this computer, and sees the champion's note. Notes
// also survive closing and reopening the browser on the same profile.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Frame, Locator, Page } from 'playwright-core';
import type { ExtensionSession } from './harness/browser';
import { countRows } from './harness/idb';
import { sendFromExtensionPage } from './harness/messages';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';
import { openSettings } from './harness/pages';
import { pageCard } from './harness/page-card';
import { waitFor } from './harness/wait';

const NHS_APP_APPLE = 'https://apps.apple.com/gb/app/nhs-app/id1388411277';
const NHS_APP_PLAY = 'https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline&hl=en_GB';
/** A well-known test NHS number: it passes the Modulus 11 check. */
const TEST_NHS_NUMBER = '943 476 5919';
const NOTE_TEXT = 'Patients over 70 managed the log-in with a family member; allow 10 minutes.';
const TEAM = 'Example PCN digital champions (test)';

let feeds: FeedServer;
let champion: StoreSession;
let colleague: StoreSession | undefined;
let teamFeedUrl = '';

beforeAll(async () => {
  [feeds, champion] = await Promise.all([startFeedServer(), startStoreSession()]);
});

afterAll(async () => {
  await Promise.allSettled([champion?.close(), colleague?.close(), feeds?.close()]);
});

const card = (page: Page) => pageCard(page);

/**
 * The card's peer notes: an extension page (entrypoints/card-notes/) framed inside the card once
 * its details are open. A cross-origin frame, so Playwright's locators and trusted input work in it.
 */
const notesFrame = (page: Page): Promise<Frame> =>
  waitFor(() => page.frames().find((frame) => frame.url().includes('/card-notes.html#')), { message: "the card's notes frame" });
const notesIn = (frame: Frame) => frame.getByRole('region', { name: /^Peer notes/ });

/** Opens the card's details and returns its notes frame, once the notes in it are shown. */
async function openNotes(page: Page): Promise<Frame> {
  await card(page).openDetails();
  const frame = await notesFrame(page);
  await notesIn(frame).waitFor();
  return frame;
}

async function openCard(session: ExtensionSession, url: string): Promise<{ page: Page; frame: Frame }> {
  const page = await session.context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { page, frame: await openNotes(page) };
}

/** Presses Tab (page.keyboard, trusted) until keyboard focus is on `target`, in the notes frame. */
async function tabTo(page: Page, target: Locator, maxPresses = 50): Promise<void> {
  const focused = () => target.evaluate((element) => element.ownerDocument.hasFocus() && element.ownerDocument.activeElement === element);
  for (let presses = 0; presses < maxPresses; presses++) {
    if (await focused()) return;
    await page.keyboard.press('Tab');
  }
  if (!(await focused())) throw new Error(`${maxPresses} presses of Tab did not bring keyboard focus to ${target}`);
}

describe('peer notes', () => {
  test('a champion writes a note on the card: patient data is refused and never stored; the note is there after a reload', async () => {
    const settings = await openSettings(champion.session);
    await settings.getByLabel('Your name').fill('Dr E. Example');
    await settings.getByLabel('Your role').selectOption({ label: 'GP' });
    await settings.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => settings.getByText('Your profile has been saved.').count()).toBe(1);
    await settings.close();

    const { page, frame } = await openCard(champion.session, NHS_APP_APPLE);
    expect(await notesIn(frame).textContent()).toContain('No peer notes yet.');
    await notesIn(frame).getByRole('button', { name: 'Add a note' }).click();
    const editor = frame.getByRole('form', { name: 'Add a note on NHS App' });
    const verdict = editor.getByRole('radio', { name: 'Use with care' });
    await verdict.check();
    expect(await verdict.isChecked()).toBe(true);
    const field = editor.getByRole('textbox', { name: 'Note' });
    await field.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(`Set up for ${TEST_NHS_NUMBER} today.`);
    const save = editor.getByRole('button', { name: 'Save note' });
    await save.click();
    await expect.poll(() => editor.getByRole('alert').textContent()).toContain(`what looks like an NHS number ("${TEST_NHS_NUMBER}", at character 12)`);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await countRows(champion.session.serviceWorker, 'notes')).toBe(0);

    // Keyboard only from here: retype, Tab to a tag and tick it, Tab to save and press it.
    await tabTo(page, field);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(NOTE_TEXT);
    expect(await field.inputValue()).toBe(NOTE_TEXT);
    const tag = editor.getByRole('checkbox', { name: 'good for older patients' });
    await tabTo(page, tag);
    await page.keyboard.press('Space');
    expect(await tag.isChecked()).toBe(true);
    await tabTo(page, save);
    await page.keyboard.press('Enter');
    await expect.poll(() => notesIn(frame).getByRole('status').textContent()).toBe('Your note was saved on this computer.');
    expect(await countRows(champion.session.serviceWorker, 'notes')).toBe(1);

    await page.reload({ waitUntil: 'domcontentloaded' });
    const region = notesIn(await openNotes(page));
    await expect.poll(() => region.textContent()).toContain(NOTE_TEXT);
    expect(await region.textContent()).toContain('Use with care · Dr E. Example, GP');
    expect(await region.textContent()).toContain('Tags: good for older patients');
    await page.close();
  });

  test('the champion publishes the note as a team feed file from settings', async () => {
    const settings = await openSettings(champion.session);
    const section = settings.getByRole('region', { name: 'Peer notes' });
    await section.getByRole('checkbox', { name: /^NHS App/ }).check();
    await section.getByLabel('Team name').fill(TEAM);
    const [download] = await Promise.all([settings.waitForEvent('download'), section.getByRole('button', { name: 'Create team feed file' }).click()]);
    expect(download.suggestedFilename()).toBe('example-pcn-digital-champions-test.json');
    const published = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(published).toMatchObject({ format: 'signpost-feed', publisher: { name: TEAM, kind: 'peer-team' }, sequence: 1, tools: [] });
    expect(published.notes).toEqual([expect.objectContaining({ text: NOTE_TEXT, verdict: 'use-with-care', author: { name: 'Dr E. Example', role: 'gp' } })]);
    teamFeedUrl = feeds.publish('/team/notes.json', published);
    await settings.close();
  });

  test('a colleague with a fresh profile subscribes to the team feed and sees the note, attributed and read-only', async () => {
    expect(teamFeedUrl).not.toBe('');
    colleague = await startStoreSession();
    const settings = await openSettings(colleague.session);
    await settings.getByLabel('Feed address').fill(teamFeedUrl);
    await settings.getByRole('button', { name: 'Check feed' }).click();
    const preview = settings.locator('.preview');
    await expect.poll(() => preview.textContent()).toContain(TEAM);
    await preview.getByRole('button', { name: 'Subscribe' }).click();
    await expect.poll(() => countRows(colleague!.session.serviceWorker, 'teamNotes'), { timeout: 15_000 }).toBe(1);
    await settings.close();

    // The champion wrote on the App Store page; the colleague meets the same product on Google Play.
    const { page, frame } = await openCard(colleague.session, NHS_APP_PLAY);
    const region = notesIn(frame);
    await expect.poll(() => region.textContent()).toContain(NOTE_TEXT);
    expect(await region.getByRole('heading', { name: 'From colleagues' }).count()).toBe(1);
    expect(await region.getByRole('heading', { name: 'Your notes' }).count()).toBe(0);
    expect(await region.textContent()).toContain(`Shared by ${TEAM} (a team feed), read-only.`);
    expect(await region.getByRole('button', { name: /^Edit/ }).count()).toBe(0);
    expect(await countRows(colleague.session.serviceWorker, 'notes')).toBe(0);
    await page.close();
  });

  test('notes survive a browser restart', async () => {
    const profileDir = await mkdtemp(join(tmpdir(), 'signpost-e2e-restart-'));
    try {
      const first = await startStoreSession({ profileDir });
      const saved = await sendFromExtensionPage(first.session, {
        type: 'save-note',
        draft: { toolName: 'NHS App', identifiers: { apple: ['1388411277'] }, verdict: 'works-well', text: 'Kept across a restart.' },
      });
      expect(saved).toMatchObject({ ok: true });
      await first.close();

      const second = await startStoreSession({ profileDir });
      try {
        expect(await countRows(second.session.serviceWorker, 'notes')).toBe(1);
        const { frame } = await openCard(second.session, NHS_APP_PLAY);
        await expect.poll(() => notesIn(frame).textContent()).toContain('Kept across a restart.');
      } finally {
        await second.close();
      }
    } finally {
      await rm(profileDir, { recursive: true, force: true });
    }
  });
});
