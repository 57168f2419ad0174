import type { Page } from 'playwright-core';
import type { ExtensionSession } from './browser';

/**
 * Sends a runtime message as the extension's own pages will, and returns the reply. A service
 * worker cannot message itself, so it is sent from a page of the extension's origin; manifest.json
 * is used because every build has it.
 */
export async function sendFromExtensionPage(session: ExtensionSession, message: unknown): Promise<unknown> {
  const page: Page = await session.context.newPage();
  try {
    await page.goto(`chrome-extension://${session.extensionId}/manifest.json`);
    // Chromium has a native `browser` namespace, so no polyfill is needed in the page.
    return await page.evaluate((request) => browser.runtime.sendMessage(request), message);
  } finally {
    await page.close();
  }
}
