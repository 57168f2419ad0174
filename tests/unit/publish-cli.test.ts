// @vitest-environment node
// End to end through `tsx scripts/registry-cli.ts`, for the exit codes. Each run starts a process
// (about a second), so only a few run, side by side; the lib tests cover the details.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFeedDocument } from '@/lib/feed/signature';
import { validateFeedText } from '@/lib/publish/validate';

const DEFAULT_FEED = 'public/feeds/default.json';

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/registry-cli.ts', ...args], (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr });
    });
  });
}

// Each test starts the CLI several times (a Node process with tsx, 2 to 4 s each on a loaded
// 2-core machine) and they run together: the limit is there to catch a hung process, not to time one.
describe.concurrent('registry CLI', { timeout: 120_000 }, () => {
  it('validate: exit 0 for the guide\'s example feed', async () => {
    const run = await cli('validate', 'docs/examples/example-feed.json');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/3 tools loaded, 6 endorsements \(6 reported only\), 0 entries quarantined, \d+ warnings?\ndocs\/examples\/example-feed\.json: valid\n$/);
  });

  it('validate: exit 1 for a team feed that writes "NICE" and "N1CE"', async () => {
    const run = await cli('validate', 'tests/fixtures/publish/hostile-team-feed.json');
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('tests/fixtures/publish/hostile-team-feed.json:tools[0].endorsements[1]: error: refused: "N1CE" reads like NICE but is not its name');
    expect(run.stdout).toMatch(/not publishable: Signpost would refuse 3 claims \(exit code 1\)\n$/);
  });

  it('validate: exit 2 when entries are quarantined', async () => {
    const run = await cli('validate', 'tests/fixtures/publish/quarantine-feed.json');
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('tests/fixtures/publish/quarantine-feed.json:tools[0].endorsements[1].sourceUrl: quarantined: expected an http(s) URL');
  });

  it('build: writes the guide\'s example CSV as a feed that validates', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'signpost-build-')), 'feed.json');
    const run = await cli('build', '--csv', 'docs/examples/example-tools.csv', '--envelope', 'docs/examples/example-envelope.json', '--out', out, '--generated-at', '2026-11-25T09:00:00Z');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining(`wrote ${out}`) });
    expect((await validateFeedText(out, readFileSync(out, 'utf8'), { now: Date.parse('2026-11-25T10:00:00Z') })).exitCode).toBe(0);
  });

  it('build: exit 1 and nothing written when a row is wrong', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'signpost-build-')), 'feed.json');
    const run = await cli('build', '--csv', 'tests/fixtures/publish/bad-rows.csv', '--envelope', 'tests/fixtures/publish/envelope.json', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('tests/fixtures/publish/bad-rows.csv:row 3, column status: "approved" is not a status; expected one of recommended, conditional,');
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(!existsSync(DEFAULT_FEED))('lookup: reads the bundled feed by default, exit 0', async () => {
    const bundled = (await readFeedDocument(readFileSync(DEFAULT_FEED, 'utf8'))).json as { tools: { name: string; identifiers: { web?: { origin: string; pathPrefix?: string }[] } }[] };
    const listed = bundled.tools.find((tool) => tool.identifiers.web?.length);
    if (!listed) throw new Error('the bundled feed has no tool with a web address');
    const web = listed.identifiers.web![0]!;
    const run = await cli('lookup', `${web.origin}${web.pathPrefix ?? '/'}`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  Verdict: ');
    expect(run.stdout).toContain(`(${DEFAULT_FEED})`);
    expect(run.stdout).toContain("the feed bundled with Signpost, signature checked against Signpost's own key");
  });

  it('lookup: exit 1, in plain words, for a --key with no feed to check', async () => {
    const run = await cli('lookup', 'https://apps.apple.com/gb/app/example/id1000000001', '--key', 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=');
    expect(run).toMatchObject({ code: 1, stdout: "--key checks feeds other than the bundled one, which is always checked against Signpost's own key\n" });
  });

  it('keygen, sign, rotate and verify: a signed header names the feed; after a rotation the old pin reaches the new key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signpost-sign-'));
    const [first, second] = await Promise.all([cli('keygen', '--out', join(dir, 'a.jwk')), cli('keygen', '--out', join(dir, 'b.jwk'))]);
    expect(first.code).toBe(0);
    const publicKey = (run: { stdout: string }) => /public key[^:]*: (ed25519:\S+)/.exec(run.stdout)![1]!;
    expect(await cli('keygen', '--out', join(dir, 'a.jwk'))).toMatchObject({ code: 1, stdout: expect.stringContaining('will not overwrite') });

    const signed = join(dir, 'signed.json');
    const feedUrl = 'https://feeds.example.org/example.json';
    expect(await cli('sign', 'docs/examples/example-feed.json', '--key', join(dir, 'a.jwk'), '--out', signed)).toMatchObject({ code: 1, stdout: expect.stringContaining('give --url') });
    expect(await cli('sign', 'docs/examples/example-feed.json', '--key', join(dir, 'a.jwk'), '--url', feedUrl, '--expires-in', '400', '--out', signed)).toMatchObject({ code: 1, stdout: expect.stringContaining('from 1 to 366') });
    expect(await cli('sign', 'docs/examples/example-feed.json', '--key', join(dir, 'a.jwk'), '--url', feedUrl, '--out', signed)).toMatchObject({ code: 0, stdout: expect.stringContaining(`for ${feedUrl}`) });
    const verified = await cli('verify', signed, '--key', publicKey(first));
    expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining('valid signature by key') });
    expect(verified.stdout).toContain(`published at ${feedUrl}`);
    expect(await cli('verify', signed, '--key', publicKey(second))).toMatchObject({ code: 1, stdout: expect.stringContaining("does not match the publisher's key") });
    expect(await cli('verify', 'docs/examples/example-feed.json', '--key', publicKey(first))).toMatchObject({ code: 1, stdout: expect.stringContaining('not signed') });

    const rotation = join(dir, 'rotation.json');
    const feedId = JSON.parse(readFileSync('docs/examples/example-feed.json', 'utf8')).publisher.id as string;
    expect(await cli('rotate', '--from', join(dir, 'a.jwk'), '--to', join(dir, 'b.jwk'), '--feed-id', feedId, '--out', rotation)).toMatchObject({ code: 0 });
    const resigned = join(dir, 'resigned.json');
    expect(await cli('sign', 'docs/examples/example-feed.json', '--key', join(dir, 'b.jwk'), '--url', feedUrl, '--rotation', rotation, '--out', resigned)).toMatchObject({ code: 0 });
    expect(await cli('verify', resigned, '--key', publicKey(first))).toMatchObject({ code: 0, stdout: expect.stringContaining('reached by key rotation from') });
  });

  it('an unknown command: usage on stderr, exit 1', async () => {
    const run = await cli('publish');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: unknown command "publish"\n\nSignpost registry tools/);
  });
});
