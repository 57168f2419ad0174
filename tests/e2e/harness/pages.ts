import type { Page } from 'playwright-core';
import type { ExtensionSession } from './browser';

/** Opens Signpost's settings page in a new tab, once it has read the profile (its last section to load). */
export async function openSettings(session: ExtensionSession, viewport?: { width: number; height: number }): Promise<Page> {
  const page = await session.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`chrome-extension://${session.extensionId}/options.html`);
  await page.getByRole('heading', { name: 'Your profile' }).waitFor();
  return page;
}
