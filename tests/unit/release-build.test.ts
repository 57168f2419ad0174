// @vitest-environment node
// Threat model T11: the bundled feed's release signing. A release build (`--mode release`) is given
// a private key at build time, refuses the committed TEST key, re-signs the bundled feed with its
// key and pins only that key: the TEST key is nowhere in what ships. Builds Chrome with WXT in a
// child process (about 10 s each); writes .output/chrome-mv3-release only.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_BUNDLED_FEED_KEY } from '@/lib/feed/bundled-key';
import { generateKeyPair, type KeyPair } from '@/lib/feed/keys';
import { BUNDLED_FEED_ID, readFeedDocument } from '@/lib/feed/signature';
import { verifyFeedDocument } from '@/lib/feed/verify';
import { buildExtension, runNode } from '../../scripts/check-builds';
import { RELEASE_KEY_ENV, RELEASE_MODE } from '../../scripts/release-signing';

const keyDir = mkdtempSync(join(tmpdir(), 'signpost-release-'));
let release: KeyPair;
let dir: string;

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

const wxtBuild = (env: NodeJS.ProcessEnv) => runNode(['node_modules/wxt/bin/wxt.mjs', 'build', '-b', 'chrome', '--mode', RELEASE_MODE], env);

describe('release builds (threat model T11)', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    release = await generateKeyPair();
    writeFileSync(join(keyDir, 'release.jwk'), JSON.stringify(release.privateJwk), { mode: 0o600 });
    dir = await buildExtension('chrome', RELEASE_MODE, { [RELEASE_KEY_ENV]: join(keyDir, 'release.jwk') });
  }, 240_000);

  it('ships the bundled feed signed with the release key, the same feed bytes, valid under the release key only', async () => {
    const shipped = await readFeedDocument(readFileSync(join(dir, 'feeds/default.json'), 'utf8'));
    const committed = await readFeedDocument(readFileSync('public/feeds/default.json', 'utf8'));
    expect(shipped.text).toBe(committed.text);
    expect(shipped.signed?.header.value).toMatchObject({ feedId: BUNDLED_FEED_ID, keyIds: [release.keyId], expiresAt: committed.signed?.header.value.expiresAt });
    const now = Date.parse(committed.signed!.header.value.issuedAt);
    expect((await verifyFeedDocument(shipped, { bundled: true, anchors: [release.publicKey], now })).verification).toMatchObject({ status: 'verified', key: release.publicKey });
    await expect(verifyFeedDocument(shipped, { bundled: true, anchors: [TEST_BUNDLED_FEED_KEY], now })).rejects.toMatchObject({ code: 'bad-signature' });
  });

  it('pins the release key in the code that ships, and the TEST key appears in no file of the build', () => {
    const texts = filesUnder(dir).filter((file) => /\.(js|json|html)$/.test(file)).map((file) => readFileSync(file, 'utf8'));
    expect(texts.some((text) => text.includes(release.publicKey))).toBe(true);
    expect(texts.filter((text) => text.includes(TEST_BUNDLED_FEED_KEY))).toEqual([]);
  });

  it('refuses to build with the TEST key, or with no key, before building anything', async () => {
    const withTestKey = await wxtBuild({ [RELEASE_KEY_ENV]: 'keys/TEST-ONLY-bundled-feed-signing-key.jwk' });
    expect(withTestKey.code).not.toBe(0);
    expect(withTestKey.stdout + withTestKey.stderr).toContain('is the committed TEST-ONLY key');
    const withoutKey = await wxtBuild({ [RELEASE_KEY_ENV]: '' });
    expect(withoutKey.code).not.toBe(0);
    expect(withoutKey.stdout + withoutKey.stderr).toContain(`set ${RELEASE_KEY_ENV}`);
  });
});
