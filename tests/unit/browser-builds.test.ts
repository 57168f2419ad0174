// @vitest-environment node
// The Firefox and Edge builds (docs/browsers.md): builds both with WXT (child processes, one after
// the other, about 4 s each), checks what differs between browsers in their manifests, and lints the
// Firefox build with web-ext as addons.mozilla.org would. Offline. Writes .output/firefox-mv3 and
// .output/edge-mv3 only; the Chrome build the end-to-end tests load is left alone.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildExtension,
  ED25519_CHROMIUM,
  ED25519_FIREFOX,
  formatLintMessage,
  lintFirefox,
  manifestProblems,
  OPTIONAL_HOST_PERMISSIONS,
  readManifest,
  STORE_HOST_PERMISSIONS,
  type LintReport,
  type Manifest,
} from '../../scripts/check-builds';

let firefox: Manifest;
let edge: Manifest;
let firefoxDir: string;
let edgeDir: string;

describe('Firefox and Edge builds', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    // Sequential: both builds regenerate .wxt/, and the machine has two cores.
    firefoxDir = await buildExtension('firefox');
    edgeDir = await buildExtension('edge');
    firefox = readManifest(firefoxDir);
    edge = readManifest(edgeDir);
  }, 180_000);

  it('Firefox: MV3 with a gecko id, Ed25519-capable minimum version, data consent and an event page', () => {
    expect(manifestProblems('firefox', firefox, { dir: firefoxDir })).toEqual([]);
    expect(firefox.manifest_version).toBe(3);
    expect(firefox.browser_specific_settings?.gecko?.id).toMatch(/^[\w.-]+@[\w.-]+$/);
    expect(Number.parseFloat(firefox.browser_specific_settings?.gecko?.strict_min_version ?? '0')).toBeGreaterThanOrEqual(ED25519_FIREFOX);
    expect(firefox.browser_specific_settings?.gecko?.data_collection_permissions).toEqual({ required: ['none'] });
    expect(firefox.background).toEqual({ scripts: ['background.js'] });
    expect(firefox.storage).toBeUndefined();
  });

  it('Firefox: at install only the two app stores; every other site stays optional', () => {
    expect(firefox.host_permissions).toEqual(STORE_HOST_PERMISSIONS);
    expect(firefox.optional_host_permissions).toEqual(OPTIONAL_HOST_PERMISSIONS);
    expect(JSON.stringify([firefox.permissions, firefox.host_permissions, firefox.content_scripts])).not.toContain('<all_urls>');
    expect(firefox.content_scripts?.flatMap((script) => script.matches)).toEqual(STORE_HOST_PERMISSIONS);
  });

  it('Edge: MV3 service worker, minimum_chrome_version for Ed25519, no Firefox settings', () => {
    expect(manifestProblems('edge', edge, { dir: edgeDir })).toEqual([]);
    expect(Number.parseInt(edge.minimum_chrome_version ?? '0', 10)).toBeGreaterThanOrEqual(ED25519_CHROMIUM);
    expect(edge.background).toEqual({ service_worker: 'background.js' });
    expect(edge.browser_specific_settings).toBeUndefined();
  });

  it('Firefox and Edge ask for exactly the same permissions and expose the same page (the same as Chrome)', () => {
    for (const key of ['permissions', 'host_permissions', 'optional_host_permissions', 'content_scripts', 'web_accessible_resources'] as const) {
      expect(firefox[key], key).toEqual(edge[key]);
    }
    expect(edge.host_permissions).toEqual(STORE_HOST_PERMISSIONS);
  });

  it('web-ext lint on the Firefox build: no errors', async () => {
    const lint: LintReport = await lintFirefox(firefoxDir);
    console.log(
      `web-ext lint .output/firefox-mv3: ${lint.summary.errors} errors, ${lint.summary.warnings} warnings, ${lint.summary.notices} notices` +
        [...lint.warnings, ...lint.notices].map((message) => `\n  ${formatLintMessage(message)}`).join(''),
    );
    expect(lint.errors.map(formatLintMessage)).toEqual([]);
    expect(lint.summary.errors).toBe(0);
    // The manifest itself lints clean; the warnings left are code patterns in dependencies (docs/browsers.md).
    expect([...lint.warnings, ...lint.notices].filter((message) => message.file === 'manifest.json').map(formatLintMessage)).toEqual([]);
  });
});
