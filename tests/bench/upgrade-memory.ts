// What a database upgrade costs in Chromium when a large feed is stored: an older build of Signpost
// syncs a synthetic registry into a profile, then the current build is put at the same path (same
// extension id, same IndexedDB) and started on that profile, as an update would be. Reports how long
// until a card lookup answers from the upgraded store and the extension process's peak resident
// memory meanwhile. A diagnostic for schema changes, not part of `npm run bench`.
//
//   npm run build && node --import tsx tests/bench/upgrade-memory.ts --old-repo <a checkout of the older release, built> [--size 100000]
// The older release's own publisher writes the feed (its state digest format may differ from today's).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateKeyPair } from '@/lib/feed/keys';
import { MANIFEST_FILE } from '@/lib/publish/publish';
import type { LookupReply } from '@/lib/background/handlers';
import { diskFolder } from '../../scripts/disk-folder';
import { launchWithExtension, type ExtensionSession } from '../e2e/harness/browser';
import { readFeeds, writeSetting } from '../e2e/harness/idb';
import { sendFromExtensionPage } from '../e2e/harness/messages';
import { startNginx } from '../e2e/harness/nginx';
import { DEFAULT_EXTENSION_DIR } from '../e2e/harness/paths';
import { waitFor } from '../e2e/harness/wait';
import { extensionProcessId } from './memory';
import { syntheticAppleId, syntheticFeed } from './synthetic';

const MB = 1_048_576;
const { values } = parseArgs({ options: { 'old-repo': { type: 'string' }, size: { type: 'string', default: '100000' } } });
if (!values['old-repo']) throw new Error('Usage: upgrade-memory.ts --old-repo <a checkout of an older release, built with `npx wxt build`> [--size N]');
const oldRepo = resolve(values['old-repo']);
const { publishFeed } = (await import(join(oldRepo, 'lib/publish/publish.ts'))) as typeof import('@/lib/publish/publish');
const size = Number(values.size);

const extensionDir = mkdtempSync(join(tmpdir(), 'signpost-upgrade-extension-'));
const profileDir = mkdtempSync(join(tmpdir(), 'signpost-upgrade-profile-'));
const root = mkdtempSync(join(tmpdir(), 'signpost-upgrade-feed-'));
const nginx = await startNginx(root);
const putBuild = (dir: string) => {
  rmSync(extensionDir, { recursive: true, force: true });
  cpSync(resolve(dir), extensionDir, { recursive: true });
};
/** Tool 1 is known by an Apple id (tests/bench/synthetic.ts). */
const lookup = async (session: ExtensionSession) => (await sendFromExtensionPage(session, { type: 'lookup', url: `https://apps.apple.com/gb/app/synthetic-tool/id${syntheticAppleId(1)}` })) as LookupReply;

try {
  const key = await generateKeyPair();
  const manifestUrl = nginx.urlOf(MANIFEST_FILE);
  const feed = { ...syntheticFeed(size), version: 2, sequence: 1 };
  const report = await publishFeed('feed.json', JSON.stringify(feed), diskFolder(root), { keys: [{ file: 'bench.jwk', text: JSON.stringify(key.privateJwk) }], urls: [manifestUrl], now: Date.parse(feed.generatedAt) });
  if (report.exitCode !== 0) throw new Error(`publish failed: ${report.lines.join('; ')}`);

  putBuild(join(oldRepo, '.output/chrome-mv3'));
  const old = await launchWithExtension({ extensionDir, profileDir });
  try {
    await waitFor(async () => (await readFeeds(old.serviceWorker)).some((row) => row.lastSuccessAt), { timeoutMs: 30_000, message: 'the older build to sync its bundled feed' });
    await writeSetting(old.serviceWorker, 'subscriptions', [{ url: manifestUrl, addedAt: Date.now(), keys: [key.publicKey] }]);
    const synced = (await sendFromExtensionPage(old, { type: 'sync-now' })) as { url: string; status: string }[];
    if (synced.find((outcome) => outcome.url === manifestUrl)?.status !== 'updated') throw new Error(`the older build's sync: ${JSON.stringify(synced)}`);
    if ((await lookup(old)).matches.length !== 1) throw new Error('the older build does not find tool 1');
    console.log(`older build: ${size} tools stored`);
  } finally {
    await old.close();
  }

  // As an update: the current build under a higher version.
  putBuild(DEFAULT_EXTENSION_DIR);
  const manifestPath = join(extensionDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, version: `${manifest.version.split('.').slice(0, 3).join('.')}.65535` }));
  const current = await launchWithExtension({ extensionDir, profileDir });
  try {
    // Chromium starts the worker script it registered for this unpacked extension, whatever the
    // files now say; a reload registers the new one, as an update from a store does.
    const reloaded = current.context.waitForEvent('serviceworker');
    await current.serviceWorker.evaluate(() => browser.runtime.reload()).catch(() => undefined);
    const worker = await reloaded;
    const started = Date.now();
    const pid = extensionProcessId();
    const status = () => readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status())?.[1] ?? NaN) * 1024;
    const databaseVersion = () => worker.evaluate(async () => (await indexedDB.databases()).find((info) => info.name === 'signpost')?.version);
    const before = await databaseVersion();
    // The first card opens the database, which runs the upgrade first.
    const card = await lookup(current);
    const ms = Date.now() - started;
    console.log(`current build: IndexedDB version ${before} → ${await databaseVersion()}; the first card (${card.matches.length} match) ${ms} ms after the reload`);
    console.log(`extension process: peak resident (VmHWM) ${(field('VmHWM') / MB).toFixed(0)} MB, now ${(field('VmRSS') / MB).toFixed(0)} MB`);
  } finally {
    await current.close();
  }
} finally {
  await nginx.close();
  for (const dir of [extensionDir, profileDir, root]) rmSync(dir, { recursive: true, force: true });
}
