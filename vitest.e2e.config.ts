import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { assertExtensionBuilt } from './tests/e2e/harness/browser';

// End-to-end tests load the built extension into real Chromium. Checked here, before anything
// runs, because a globalSetup failure is reported under a misleading "No test files found".
assertExtensionBuilt();

// No WXT plugin and no unit-test setup file: nothing here runs inside a fake browser.
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    environment: 'node',
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One browser at a time: the machines have two cores.
    fileParallelism: false,
  },
});
