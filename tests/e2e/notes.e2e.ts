// Peer notes end to end in real Chromium: a champion writes a note on a store page (patient data
// refused first), sees it after a reload, publishes a team feed from settings; a colleague with a
// fresh profile subscribes to it, served from this computer, and sees the champion's note. Notes
// also survive closing and reopening the browser on the same profile.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { ExtensionSession } from './harness/browser';
import { countRows } from './harness/idb';
import { sendFromExtensionPage } from './harness/messages';
import { startFeedServer, type FeedServer } from './harness/server';
import { startStoreSession, type StoreSession } from './harness/session';
import { openSettings } from './harness/pages';

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

const card = (page: Page) => page.getByRole('region', { name: 'Signpost trust check' });
const notes = (page: Page) => card(page).getByRole('region', { name: /^Peer notes/ });

async function openCard(session: ExtensionSession, url: string): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await card(page).getByRole('button', { name: 'Details' }).click();
  await notes(page).waitFor();
  return page;
}

describe('peer notes', () => {
  test('a champion writes a note on the card: patient data is refused and never stored; the note is there after a reload', async () => {
    const settings = await openSettings(champion.session);
    await settings.getByLabel('Your name').fill('Dr E. Example');
    await settings.getByLabel('Your role').selectOption({ label: 'GP' });
    await settings.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => settings.getByText('Your profile has been saved.').count()).toBe(1);
    await settings.close();

    const page = await openCard(champion.session, NHS_APP_APPLE);
    expect(await notes(page).textContent()).toContain('No peer notes yet.');
    await notes(page).getByRole('button', { name: 'Add a note' }).click();
    const editor = card(page).getByRole('form', { name: 'Add a note on NHS App' });
    await editor.getByRole('radio', { name: 'Use with care' }).check();
    const field = editor.getByRole('textbox', { name: 'Note' });
    await field.fill(`Set up for ${TEST_NHS_NUMBER} today.`);
    await editor.getByRole('button', { name: 'Save note' }).click();
    await expect.poll(() => editor.getByRole('alert').textContent()).toContain(`what looks like an NHS number ("${TEST_NHS_NUMBER}", at character 12)`);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await countRows(champion.session.serviceWorker, 'notes')).toBe(0);

    // Keyboard only from here: retype, tick a tag, save.
    await field.fill(NOTE_TEXT);
    await editor.getByRole('checkbox', { name: 'good for older patients' }).press('Space');
    await editor.getByRole('button', { name: 'Save note' }).press('Enter');
    await expect.poll(() => notes(page).getByRole('status').textContent()).toBe('Your note was saved on this computer.');
    expect(await countRows(champion.session.serviceWorker, 'notes')).toBe(1);

    await page.reload({ waitUntil: 'domcontentloaded' });
    await card(page).getByRole('button', { name: 'Details' }).click();
    const region = notes(page);
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
    const page = await openCard(colleague.session, NHS_APP_PLAY);
    const region = notes(page);
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
        const page = await openCard(second.session, NHS_APP_PLAY);
        await expect.poll(() => notes(page).textContent()).toContain('Kept across a restart.');
      } finally {
        await second.close();
      }
    } finally {
      await rm(profileDir, { recursive: true, force: true });
    }
  });
});
