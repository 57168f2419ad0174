// Checks the Chrome, Edge and Firefox builds and store zips for what differs between browsers
// (docs/browsers.md): the manifests' browser-specific keys and permissions, `web-ext lint` on the
// Firefox build, and that no zip carries a key or certificate. Used by
// tests/unit/browser-builds.test.ts and from the command line:
//
//   npm run check:builds               builds Firefox and Edge, checks both manifests, lints Firefox
//   tsx scripts/check-builds.ts --zips checks the zips in .output/ (npm run zip:all ends with this)
//
// Everything runs offline: WXT and web-ext are started as child processes from node_modules.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export type TargetBrowser = 'chrome' | 'edge' | 'firefox';

/** Install-time host permissions, the same in every browser: the two app stores, nothing more. */
export const STORE_HOST_PERMISSIONS = ['https://apps.apple.com/*', 'https://play.google.com/*'];
/** Asked for only when the user turns on "Other websites". */
export const OPTIONAL_HOST_PERMISSIONS = ['https://*/*', 'http://*/*'];
/** WebCrypto Ed25519, for signed feeds: Firefox 129, Chrome and Edge 137. */
export const ED25519_FIREFOX = 129;
export const ED25519_CHROMIUM = 137;
export const MANAGED_SCHEMA_FILE = 'managed_schema.json';
/** The one file a web page may load: the card's peer-notes page, framed in the card on the two stores. */
export const CARD_NOTES_PAGE_FILE = 'card-notes.html';

export const outputDir = (browser: TargetBrowser, mode?: string) => join(REPO_ROOT, '.output', `${browser}-mv3${mode ? `-${mode}` : ''}`);

export interface Manifest {
  manifest_version: number;
  permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  optional_permissions?: string[];
  content_scripts?: { matches: string[] }[];
  background?: { service_worker?: string; scripts?: string[] };
  minimum_chrome_version?: string;
  storage?: { managed_schema?: string };
  web_accessible_resources?: { resources?: string[]; matches?: string[]; extension_ids?: string[]; use_dynamic_url?: boolean }[];
  browser_specific_settings?: {
    gecko?: { id?: string; strict_min_version?: string; data_collection_permissions?: { required?: string[] } };
    gecko_android?: { strict_min_version?: string };
  };
  [key: string]: unknown;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment for child tools: without the test runner's NODE_ENV=test, which would make Vite build for development. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_UPDATE_NOTIFIER: '1', CI: process.env.CI ?? '1', ...extra };
  delete env.NODE_ENV;
  for (const key of Object.keys(env)) if (key.startsWith('VITEST')) delete env[key];
  return env;
}

export function runNode(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `wxt build -b <browser>` (into .output/<browser>-mv3); throws with WXT's output when it fails. */
export async function buildExtension(browser: TargetBrowser, mode?: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const result = await runNode([join(REPO_ROOT, 'node_modules/wxt/bin/wxt.mjs'), 'build', '-b', browser, ...(mode ? ['--mode', mode] : [])], env);
  const dir = outputDir(browser, mode);
  if (result.code !== 0 || !existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`wxt build -b ${browser} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return dir;
}

export const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
const BROAD_PATTERN = /^(<all_urls>|\*:\/\/\*\/\*|https?:\/\/\*\/\*)$/;

/** What is wrong with a built manifest for this browser; empty when nothing is. */
export function manifestProblems(browser: TargetBrowser, manifest: Manifest, { dir, managedSchemaInSource }: { dir?: string; managedSchemaInSource?: boolean } = {}): string[] {
  const problems: string[] = [];
  if (manifest.manifest_version !== 3) problems.push(`manifest_version is ${manifest.manifest_version}, not 3`);
  if (!sameSet(manifest.host_permissions, STORE_HOST_PERMISSIONS)) {
    problems.push(`host_permissions are ${JSON.stringify(manifest.host_permissions)}, not the two app stores`);
  }
  const installTime = [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? []), ...(manifest.content_scripts ?? []).flatMap((script) => script.matches)];
  for (const pattern of installTime.filter((entry) => BROAD_PATTERN.test(entry))) problems.push(`install-time access to every site: ${pattern}`);
  if (!sameSet(manifest.optional_host_permissions, OPTIONAL_HOST_PERMISSIONS)) {
    problems.push(`optional_host_permissions are ${JSON.stringify(manifest.optional_host_permissions)}`);
  }
  // Whatever is web-accessible, a page can load or frame; to other pages, it tells that Signpost is installed.
  const [exposed, ...more] = manifest.web_accessible_resources ?? [];
  if (
    more.length > 0 ||
    !sameSet(exposed?.resources, [CARD_NOTES_PAGE_FILE]) ||
    !sameSet(exposed?.matches, STORE_HOST_PERMISSIONS) ||
    exposed?.extension_ids !== undefined ||
    exposed?.use_dynamic_url !== true
  ) {
    problems.push(`web_accessible_resources are ${JSON.stringify(manifest.web_accessible_resources)}, not ${CARD_NOTES_PAGE_FILE} alone, to the two app stores, by a dynamic URL`);
  }
  if (dir && !existsSync(join(dir, CARD_NOTES_PAGE_FILE))) problems.push(`${CARD_NOTES_PAGE_FILE} is web-accessible but not in the build`);

  if (browser === 'firefox') {
    const gecko = manifest.browser_specific_settings?.gecko;
    if (!gecko?.id) problems.push('no browser_specific_settings.gecko.id (Firefox MV3 requires one)');
    const min = Number.parseFloat(gecko?.strict_min_version ?? '');
    if (!(min >= ED25519_FIREFOX)) problems.push(`gecko.strict_min_version ${gecko?.strict_min_version} is below ${ED25519_FIREFOX} (WebCrypto Ed25519)`);
    if (!gecko?.data_collection_permissions?.required?.length) problems.push('no gecko.data_collection_permissions (addons.mozilla.org requires it)');
    if (!manifest.background?.scripts?.length || manifest.background.service_worker) {
      problems.push(`background is ${JSON.stringify(manifest.background)}: Firefox MV3 needs background.scripts (an event page)`);
    }
    if (manifest.storage) problems.push('storage.managed_schema in the Firefox manifest: Firefox takes enterprise policies instead');
    if (manifest.minimum_chrome_version) problems.push('minimum_chrome_version in the Firefox manifest');
  } else {
    if (!(Number.parseInt(manifest.minimum_chrome_version ?? '', 10) >= ED25519_CHROMIUM)) {
      problems.push(`minimum_chrome_version is ${manifest.minimum_chrome_version}, not at least ${ED25519_CHROMIUM} (WebCrypto Ed25519)`);
    }
    if (!manifest.background?.service_worker) problems.push(`background is ${JSON.stringify(manifest.background)}, not a service worker`);
    if (manifest.browser_specific_settings) problems.push(`browser_specific_settings in the ${browser} manifest`);
    const schema = manifest.storage?.managed_schema;
    const expected = managedSchemaInSource ?? existsSync(join(REPO_ROOT, 'public', MANAGED_SCHEMA_FILE));
    if (expected && schema !== MANAGED_SCHEMA_FILE) problems.push(`public/${MANAGED_SCHEMA_FILE} exists but storage.managed_schema is ${JSON.stringify(schema)}`);
    if (!expected && schema) problems.push(`storage.managed_schema is ${schema} but public/${MANAGED_SCHEMA_FILE} does not exist`);
    if (schema && dir && !existsSync(join(dir, schema))) problems.push(`storage.managed_schema names ${schema}, which is not in the build`);
  }
  return problems;
}

export interface LintMessage {
  code: string;
  message: string;
  description?: string | string[];
  file?: string;
  line?: number;
  column?: number;
}
export interface LintReport {
  summary: { errors: number; warnings: number; notices: number };
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

/**
 * `web-ext lint` (addons-linter) on a Firefox build, as addons.mozilla.org would run it (no
 * --self-hosted: see docs/browsers.md). Offline: the linter reads only the build; the update check
 * web-ext makes from the command line is turned off (NO_UPDATE_NOTIFIER).
 */
export async function lintFirefox(dir: string = outputDir('firefox')): Promise<LintReport> {
  const result = await runNode([join(REPO_ROOT, 'node_modules/web-ext/bin/web-ext.js'), 'lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery']);
  const start = result.stdout.indexOf('{');
  try {
    return JSON.parse(result.stdout.slice(start)) as LintReport;
  } catch {
    throw new Error(`web-ext lint gave no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

export const formatLintMessage = (message: LintMessage) =>
  `${message.code} ${message.file ?? ''}${message.line ? `:${message.line}:${message.column ?? 0}` : ''}: ${message.message}`;

interface ZipEntry {
  name: string;
  read(): Buffer;
}

/** The entries of a zip file, from its central directory (stored or deflated, as WXT writes them). */
export function readZip(path: string): ZipEntry[] {
  const zip = readFileSync(path);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${path} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${path}: bad central directory`);
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({
      name,
      read: () => {
        const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
        const data = zip.subarray(dataStart, dataStart + compressedSize);
        if (method === 0) return Buffer.from(data);
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${path}: ${name} uses compression method ${method}`);
      },
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Paths that must never ship: signing keys, certificates, the e2e fixtures and local output. */
const FORBIDDEN_PATHS = [
  /(^|\/)keys\//,
  /(^|\/)certs?\//,
  /\.(pem|key|jwk|p12|pfx|crt|cer|der|p8)$/i,
  /TEST-ONLY/i,
  /(^|\/)\.env/,
  /(^|\/)(node_modules|\.output|\.wxt|coverage|test-results)\//,
  /(^|\/)tests\/e2e\/fixtures\//,
];
/** Contents that must never ship: PEM blocks and private JWKs (an Ed25519 or EC "d", an RSA "p"). */
const FORBIDDEN_CONTENT = [/-----BEGIN [A-Z ]*(PRIVATE KEY|CERTIFICATE)-----/, /"kty"\s*:\s*"(OKP|EC|RSA)"[^}]*"(d|p)"\s*:/, /"(d|p)"\s*:\s*"[^"]+"[^}]*"kty"\s*:/];
const TEXT_FILE = /\.(js|mjs|cjs|ts|tsx|json|html|css|md|txt|csv|svg|jwk|pem|key|yml|yaml|env)$/i;

/** What a store zip must not contain; empty when it is clean. */
export function zipProblems(path: string): string[] {
  const problems: string[] = [];
  for (const entry of readZip(path)) {
    if (FORBIDDEN_PATHS.some((pattern) => pattern.test(entry.name))) problems.push(`${entry.name}: a file that must not ship`);
    else if (TEXT_FILE.test(entry.name)) {
      const text = entry.read().toString('utf8');
      if (FORBIDDEN_CONTENT.some((pattern) => pattern.test(text))) problems.push(`${entry.name}: contains a private key or certificate`);
    }
  }
  return problems;
}

export const zipsIn = (dir: string = join(REPO_ROOT, '.output')) =>
  existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.zip')).map((name) => join(dir, name)) : [];

async function main(argv: string[]): Promise<number> {
  let failed = false;
  const report = (title: string, problems: string[]) => {
    console.log(`${problems.length === 0 ? 'ok  ' : 'FAIL'} ${title}`);
    for (const problem of problems) console.log(`       ${problem}`);
    failed ||= problems.length > 0;
  };
  if (argv.includes('--zips')) {
    const zips = zipsIn();
    if (zips.length === 0) report('zips in .output/', ['none found: run npm run zip:all']);
    for (const zip of zips) report(`${zip.slice(REPO_ROOT.length)} (${readZip(zip).length} files)`, zipProblems(zip));
    return failed ? 1 : 0;
  }
  for (const browser of ['firefox', 'edge'] as const) {
    const dir = await buildExtension(browser);
    report(`${dir.slice(REPO_ROOT.length)}/manifest.json`, manifestProblems(browser, readManifest(dir), { dir }));
  }
  const lint = await lintFirefox();
  report(`web-ext lint .output/firefox-mv3: ${lint.summary.errors} errors, ${lint.summary.warnings} warnings, ${lint.summary.notices} notices`, lint.errors.map(formatLintMessage));
  for (const warning of lint.warnings) console.log(`       warning ${formatLintMessage(warning)}`);
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
