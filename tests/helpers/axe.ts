import axe from 'axe-core';
import { expect } from 'vitest';

/** WCAG 2.2 AA checks that need no rendering; the e2e run checks contrast in a real browser. */
export async function expectNoAxeViolations(container: Element): Promise<void> {
  const results = await axe.run(container, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    // happy-dom does no layout or painting: contrast cannot be computed here.
    rules: { 'color-contrast': { enabled: false } },
  });
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.html).join(' | ')}`)).toEqual([]);
}
