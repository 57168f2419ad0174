import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Permissions are justified one by one in docs/permissions.md. Default host permissions are the
// two app stores only; every other site is reached through an optional permission the user grants
// from settings (tool websites and link badges), or through activeTab when they click the icon.
// Browser prompts for optional permissions cannot be answered in headless tests, so the e2e suite
// also loads a build in which the site permission is already granted. Never shipped.
const E2E_SITES_MODE = 'e2e-sites';

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  hooks: {
    // Content scripts only send messages and read one storage key: MV3's promise-based APIs do that
    // natively in Chrome, Edge and Firefox. Without the polyfill's API table (about 10 KB) they stay
    // small; the background and extension pages keep the polyfill.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.every((entrypoint) => entrypoint.type === 'content-script')) return;
      const alias = { 'wxt/browser': '@wxt-dev/browser' };
      const existing = config.resolve?.alias;
      config.resolve = { ...config.resolve, alias: Array.isArray(existing) ? [{ find: 'wxt/browser', replacement: '@wxt-dev/browser' }, ...existing] : { ...existing, ...alias } };
    },
  },
  zip: { excludeSources: ['tests/e2e/fixtures/**', 'tests/e2e/harness/certs/**', 'docs/screenshots/**'] },
  manifest: ({ mode }) => ({
    name: 'Signpost',
    description: 'What NICE, charities and local NHS networks say about a digital health tool, on the page you are on.',
    permissions: ['storage', 'alarms', 'unlimitedStorage', 'scripting', 'activeTab'],
    host_permissions: ['https://apps.apple.com/*', 'https://play.google.com/*', ...(mode === E2E_SITES_MODE ? ['https://*/*', 'http://*/*'] : [])],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    action: { default_title: 'Signpost' },
  }),
});
