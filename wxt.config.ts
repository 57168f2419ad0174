import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { CARD_NOTES_FRAME_MATCHES, CARD_NOTES_PAGE } from './lib/notes/card-notes-address';
import { RELEASE_MODE, releaseKey, releaseSignedFeed, type ReleaseKey } from './scripts/release-signing';

// Permissions are justified one by one in docs/permissions.md. Default host permissions are the
// two app stores only; every other site is reached through an optional permission the user grants
// from settings (tool websites and link badges), or through activeTab when they click the icon.
// Browser prompts for optional permissions cannot be answered in headless tests, so the e2e suite
// also loads a build in which the site permission is already granted. Never shipped.
const E2E_SITES_MODE = 'e2e-sites';

// Browser-specific settings, explained in docs/browsers.md. Signed feeds need WebCrypto Ed25519:
// Chrome and Edge 137, Firefox 129. Firefox's minimum is 140 (the first ESR after 129) because
// 140 is where Firefox reads data_collection_permissions, which addons.mozilla.org asks of every
// new add-on, listed or self-distributed; Firefox for Android reads it from 142.
const MINIMUM_CHROME_VERSION = '137';
const FIREFOX_MIN_VERSION = '140.0';
const FIREFOX_ANDROID_MIN_VERSION = '142.0';
// Firefox MV3 requires an add-on id (storage, IndexedDB and enterprise policies are keyed by it).
// There is no addons.mozilla.org listing yet, so this is a placeholder under a reserved domain
// (.example, RFC 2606) that can never clash with anyone's real id. Choose the permanent id (e.g.
// under a domain the NHS owns) before the first signed release: changing it later makes Firefox
// treat Signpost as a different add-on (fresh storage, notes left behind, policies not applied).
const GECKO_ID = 'signpost@signpost.example';
// NHS IT's managed settings: Chrome and Edge read their schema from the manifest; Firefox reads
// enterprise policies (policies.json "3rdparty") and takes no schema. Added only once the file exists.
const MANAGED_SCHEMA = 'managed_schema.json';
const hasManagedSchema = () => existsSync(fileURLToPath(new URL(`./public/${MANAGED_SCHEMA}`, import.meta.url)));

// A release build (`--mode release`) pins only the release key and re-signs the bundled feed with
// it (scripts/release-signing.ts); it fails before building anything without a usable release key.
let release: ReleaseKey | undefined;
const releaseFor = (mode: string) => (mode === RELEASE_MODE ? (release ??= releaseKey()) : undefined);
const BUNDLED_FEED_FILE = 'feeds/default.json';

export default defineConfig({
  // WXT builds Firefox as MV2 unless told otherwise: MV3 everywhere, one manifest shape to test.
  manifestVersion: 3,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: ({ mode }) => {
    const key = releaseFor(mode);
    return { plugins: [preact()], ...(key ? { define: { __SIGNPOST_RELEASE_FEED_KEY__: JSON.stringify(key.publicKey) } } : {}) };
  },
  hooks: {
    'build:publicAssets': async (wxt, files) => {
      const key = releaseFor(wxt.config.mode);
      if (!key) return;
      const index = files.findIndex((file) => file.relativeDest === BUNDLED_FEED_FILE);
      const file = files[index];
      if (!file || !('absoluteSrc' in file)) throw new Error(`release build: ${BUNDLED_FEED_FILE} is missing from public/`);
      files[index] = { relativeDest: BUNDLED_FEED_FILE, contents: await releaseSignedFeed(readFileSync(file.absoluteSrc, 'utf8'), key, Date.now()) };
    },
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
  zip: {
    // The Firefox sources zip is the project folder minus these (and WXT's own list: node_modules,
    // *.test.ts, .output, dot files). No certificates, keys (keys/ holds the TEST-ONLY feed
    // signing key) or local test and bench output.
    excludeSources: [
      'tests/e2e/fixtures/**',
      'tests/e2e/harness/certs/**',
      'docs/screenshots/**',
      'keys/**',
      '**/*.jwk',
      '**/*.pem',
      '**/*.key',
      'coverage/**',
      'test-results/**',
      'tests/bench/results.json',
      '**/*.log',
    ],
  },
  manifest: ({ mode, browser }) => ({
    name: 'Signpost',
    description: 'What NICE, charities and local NHS networks say about a digital health tool, on the page you are on.',
    permissions: ['storage', 'alarms', 'unlimitedStorage', 'scripting', 'activeTab'],
    host_permissions: ['https://apps.apple.com/*', 'https://play.google.com/*', ...(mode === E2E_SITES_MODE ? ['https://*/*', 'http://*/*'] : [])],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    action: { default_title: 'Signpost' },
    // The card's peer notes page, framed in the card on the two stores only (lib/notes/card-notes-address.ts).
    // Its scripts and styles need not be listed: the framed page loads them itself, as the extension.
    // A dynamic URL (Chrome, Edge) changes every session, so no page can probe for it to learn that
    // Signpost is installed, or frame it on its own.
    web_accessible_resources: [{ resources: [CARD_NOTES_PAGE.slice(1)], matches: CARD_NOTES_FRAME_MATCHES, use_dynamic_url: true }],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // Signpost collects nothing: pages are looked up on the device, and its only requests
            // download the feeds the user or their organisation subscribed to.
            gecko: { id: GECKO_ID, strict_min_version: FIREFOX_MIN_VERSION, data_collection_permissions: { required: ['none'] } },
            gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
          },
        }
      : {}),
    ...(browser === 'chrome' || browser === 'edge'
      ? { minimum_chrome_version: MINIMUM_CHROME_VERSION, ...(hasManagedSchema() ? { storage: { managed_schema: MANAGED_SCHEMA } } : {}) }
      : {}),
  }),
});
