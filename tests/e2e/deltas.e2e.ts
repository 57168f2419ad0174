// Feed deltas end to end (issue #15): `registry publish`'s folder served by Debian's nginx (ETags,
// 304s, gzip), synced by the extension's worker in Chromium. A one-tool change arrives in the
// manifest alone; an unchanged feed costs one 304; a missing patch falls back to the snapshot;
// the card shows the change. Feeds are synthetic.
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateKeyPair, type KeyPair } from '@/lib/feed/keys';
import type { Feed, Tool } from '@/lib/feed/schema';
import { MANIFEST_FILE, publishFeed } from '@/lib/publish/publish';
import { diskFolder } from '../../scripts/disk-folder';
import { endorsement, feed, tool } from '../helpers/feeds';
import { readFeeds } from './harness/idb';
import { startNginx, type NginxServer } from './harness/nginx';
import { openSettings } from './harness/pages';
import { pageCard } from './harness/page-card';
import { startStoreSession, type StoreSession } from './harness/session';
import { subscribeThroughSettings } from './harness/local-authority';

const PUBLISHER = 'Example Delta ICB (test)';
const NHS_APP_APPLE = 'https://apps.apple.com/gb/app/nhs-app/id1388411277';

let root: string;
let nginx: NginxServer;
let stores: StoreSession;
let key: KeyPair;
let manifestUrl = '';
let clock = Date.now() - 60_000;

const filler = Array.from({ length: 200 }, (_, n) => tool({ id: `filler-${n}`, name: `Filler tool ${n} (test)`, identifiers: { googlePlay: [`org.example.filler${n}`] } }));
const nhsApp = (status: 'listed' | 'not-recommended'): Tool =>
  tool({ id: 'nhs-app', name: 'NHS App', identifiers: { apple: ['1388411277'] }, endorsements: [endorsement({ issuer: PUBLISHER, issuerKind: 'local-network', status, decisionDate: '2026-10' })] });
const version = (sequence: number, tools: Tool[]): Feed =>
  feed({ version: 2, sequence, generatedAt: new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z'), publisher: { id: 'example-delta-icb', name: PUBLISHER, kind: 'local-network' }, tools });

// nginx's ETag is the file's size and modification time: move the time on, as a real upload would.
const folder = () =>
  diskFolder(root, async (path) => {
    clock += 2000;
    await utimes(path, new Date(clock), new Date(clock));
  });

async function publish(value: Feed): Promise<void> {
  const report = await publishFeed('feed.json', `${JSON.stringify(value, null, 2)}\n`, folder(), { keys: [{ file: 'key.jwk', text: JSON.stringify(key.privateJwk) }], urls: [manifestUrl], now: clock });
  expect(report.exitCode, report.lines.join('\n')).toBe(0);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'signpost-delta-feed-'));
  [nginx, stores, key] = await Promise.all([startNginx(root), startStoreSession(), generateKeyPair()]);
  manifestUrl = nginx.urlOf(MANIFEST_FILE);
});

afterAll(async () => {
  await Promise.allSettled([stores?.close(), nginx?.close()]);
  await rm(root, { recursive: true, force: true });
});

async function checkNow(): Promise<string> {
  const settings = await openSettings(stores.session);
  const item = settings.getByRole('region', { name: 'Feeds' }).getByRole('listitem').filter({ has: settings.getByRole('heading', { name: PUBLISHER, level: 3 }) });
  await item.getByRole('button', { name: `Check now for ${PUBLISHER}` }).click();
  await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Just checked:');
  const text = (await item.textContent()) ?? '';
  await settings.close();
  return text;
}

const requestsSince = async (count: number) => (await nginx.requests()).slice(count).filter((entry) => entry.method === 'GET');

describe('feed deltas through nginx, in the extension', () => {
  test('first sync takes the manifest and the gzipped snapshot; a one-tool change then arrives in the manifest alone; unchanged is one 304', async () => {
    await publish(version(1, [nhsApp('listed'), ...filler]));
    await subscribeThroughSettings(stores.session, manifestUrl, key.publicKey);
    const first = (await nginx.requests()).filter((entry) => entry.method === 'GET');
    // Settings' preview, then the worker's sync: each reads the manifest and the snapshot it names.
    expect(first.map((entry) => [entry.uri, entry.status])).toEqual([
      [`/${MANIFEST_FILE}`, 200],
      ['/snapshots/1.json', 200],
      [`/${MANIFEST_FILE}`, 200],
      ['/snapshots/1.json', 200],
    ]);
    expect(first[3]?.contentEncoding).toBe('gzip');

    await publish(version(2, [nhsApp('not-recommended'), ...filler]));
    let seen = (await nginx.requests()).length;
    expect(await checkNow()).toContain('Just checked: updated');
    expect((await requestsSince(seen)).map((entry) => [entry.uri, entry.status])).toEqual([[`/${MANIFEST_FILE}`, 200]]);
    expect((await readFeeds(stores.session.serviceWorker)).find((row) => row.url === manifestUrl)).toMatchObject({ sequence: 2, counts: { tools: 201 } });

    const page = await stores.session.context.newPage();
    await page.goto(NHS_APP_APPLE, { waitUntil: 'domcontentloaded' });
    await pageCard(page).openDetails();
    expect(await pageCard(page).detailsText()).toContain(`${PUBLISHER} (Local network): Not recommended`);
    await page.close();

    seen = (await nginx.requests()).length;
    expect(await checkNow()).toContain('Just checked: no changes');
    expect((await requestsSince(seen)).map((entry) => [entry.uri, entry.status])).toEqual([[`/${MANIFEST_FILE}`, 304]]);
  });

  test('a patch too big for the manifest that is missing from the host: the worker falls back to the snapshot once', async () => {
    await publish(version(3, [nhsApp('listed'), ...filler.map((entry) => ({ ...entry, description: 'Changed in bulk (test).' }))]));
    await rm(join(root, 'patches', '2-3.json'));
    const seen = (await nginx.requests()).length;
    expect(await checkNow()).toContain('Just checked: updated');
    expect((await requestsSince(seen)).map((entry) => [entry.uri, entry.status])).toEqual([
      [`/${MANIFEST_FILE}`, 200],
      ['/patches/2-3.json', 404],
      ['/snapshots/3.json', 200],
    ]);
    const row = (await readFeeds(stores.session.serviceWorker)).find((entry) => entry.url === manifestUrl);
    expect(row).toMatchObject({ sequence: 3 });
    expect(row?.lastError).toBeUndefined();
  });
});
