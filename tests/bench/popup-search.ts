// Registry search in the real toolbar popup page: from typing a query to the result line, with
// the popup's own 80 ms typing delay included, as a clinician meets it.
import type { BrowserContext } from 'playwright-core';

/** Queries from the most selective (one tool's name) to the broadest (one letter). */
export const SEARCH_QUERIES = ['synthetic tool 00042', 'synthetic tool 00043', 'asthma recommended', 'copd', 'nice', 'c', 'zzz'] as const;

export interface SearchTiming {
  query: string;
  ms: number;
  /** The popup's result line, so a figure is never read without what it found. */
  said: string;
}

export async function timePopupSearch(context: BrowserContext, extensionId: string): Promise<{ openMs: number; queries: SearchTiming[] }> {
  const popup = await context.newPage();
  try {
    let started = Date.now();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    const box = popup.getByRole('combobox', { name: 'Search your registry' });
    await box.waitFor();
    const openMs = Date.now() - started;
    // The popup reads the word index once its card is up; a clinician takes longer than this to start typing.
    await popup.waitForTimeout(1000);
    const queries: SearchTiming[] = [];
    for (const query of SEARCH_QUERIES) {
      await box.fill('');
      await popup.waitForTimeout(200);
      started = Date.now();
      await box.fill(query);
      await popup.waitForFunction(
        () => {
          const said = document.querySelector('.status-line')?.textContent ?? '';
          return said !== '' && !said.startsWith('Searching');
        },
        undefined,
        { polling: 5, timeout: 30_000 },
      );
      queries.push({ query, ms: Date.now() - started, said: (await popup.locator('.status-line').textContent()) ?? '' });
    }
    return { openMs, queries };
  } finally {
    await popup.close();
  }
}
