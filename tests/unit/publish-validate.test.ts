import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJson } from '@/lib/publish/report';
import { feedSource, readSource } from '@/lib/publish/source';
import { validateFeedText } from '@/lib/publish/validate';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch, json } from '../helpers/fetch';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const fixture = (name: string) => readFileSync(`tests/fixtures/publish/${name}`, 'utf8');
const validate = (input: unknown, now = NOW) => validateFeedText('feed.json', typeof input === 'string' ? input : JSON.stringify(input), now);

describe('validate: exit codes and summary', () => {
  it('passes the example feed in the publisher guide with exit 0', () => {
    const report = validateFeedText('example-feed.json', readFileSync('docs/examples/example-feed.json', 'utf8'), NOW);
    expect(report.exitCode).toBe(0);
    expect(report.lines).toEqual([
      'example-feed.json: publisher "Example Integrated Care Board (example)" (example-icb, local-network), sequence 2026112501, generated 2026-11-25T09:00:00Z: 3 tools loaded, 5 endorsements, 0 entries quarantined, 0 warnings',
      'example-feed.json: valid',
    ]);
  });

  it('lists each quarantined problem and each warning on its own line, and exits 2', () => {
    const report = validateFeedText('feed.json', fixture('quarantine-feed.json'), NOW);
    expect(report.exitCode).toBe(2);
    expect(report.lines).toEqual([
      expect.stringMatching(/^feed\.json:tools\[0\]\.endorsements\[1\]\.status: quarantined: Invalid option: expected one of "recommended"\|.* \(entry left out: tools\[0\]\.endorsements\[1\] of tool "good-tool"\)$/),
      'feed.json:tools[0].endorsements[1].sourceUrl: quarantined: expected an http(s) URL (entry left out: tools[0].endorsements[1] of tool "good-tool")',
      'feed.json:tools[1].id: quarantined: expected a stable id of lower-case letters, digits, ".", "_" or "-" (entry left out: tools[1] of tool "Bad Tool")',
      `feed.json:tools[0].conditions[1]: warning: "wheeze-club" is not in Signpost's condition vocabulary; it is shown as written`,
      expect.stringMatching(/^feed\.json:expiresAt: warning: the feed expired at 2026-01-01T00:00:00Z/),
      'feed.json: publisher "Test Charity (test)" (test-charity, charity), sequence 4, generated 2026-11-01T00:00:00Z: 1 tool loaded, 1 endorsement, 2 entries quarantined, 2 warnings',
      'feed.json: loads, but 2 entries would be left out (exit code 2)',
    ]);
  });

  it('rejects a bad envelope with exit 1, one line per problem', () => {
    const report = validateFeedText('feed.json', fixture('rejected-feed.json'), NOW);
    expect(report.exitCode).toBe(1);
    expect(report.lines).toEqual([
      expect.stringMatching(/^feed\.json:publisher\.kind: error: Invalid option: expected one of "nice"/),
      'feed.json:sequence: error: Invalid input: expected number, received string',
      'feed.json: rejected: the envelope has 2 problems, so Signpost would use nothing from this feed',
    ]);
  });

  it('names the whole file when the problem has no path', () => {
    expect(validate([]).lines[0]).toMatch(/^feed\.json: error: Invalid input: expected object/);
  });

  it('warns, without failing, when the feed is past its expiry', () => {
    const report = validate(feed({ expiresAt: '2026-11-24T00:00:00Z', tools: [tool({ endorsements: [endorsement()] })] }));
    expect(report.exitCode).toBe(0);
    expect(report.lines[0]).toMatch(/^feed\.json:expiresAt: warning: the feed expired/);
    expect(validate(feed({ expiresAt: '2026-11-26T00:00:00Z' })).lines).toHaveLength(2);
  });
});

describe('validate: text that is not JSON', () => {
  it('gives the line and column, like a compiler', () => {
    const report = validateFeedText('broken.json', fixture('broken.json'), NOW);
    expect(report).toEqual({
      exitCode: 1,
      lines: ['broken.json:4:3: not valid JSON: Expected double-quoted property name', 'broken.json: rejected: not JSON, so Signpost would use nothing from it'],
    });
  });

  it.each([
    ['a cut-off file', '{\n  "tools": [', { line: 2, column: 13 }],
    ['an empty file', '', { line: 1, column: 1 }],
  ])('places %s', (_label, text, place) => {
    expect(parseJson(text)).toMatchObject({ ok: false, ...place });
  });

  it('still explains itself when the engine gives no position', () => {
    const result = parseJson('{"a": tru}');
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/Unexpected token/) });
  });
});

describe('reading a feed: files and web addresses', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  const fileDeps = (content: Uint8Array) => ({ readFile: async () => content, fetch: fakeFetch(() => json({})).fetch });

  it('treats web addresses as URLs and anything else as a path', () => {
    expect(feedSource('https://feeds.example.org/a.json')).toEqual({ kind: 'url', url: 'https://feeds.example.org/a.json' });
    expect(feedSource('feeds/a.json')).toEqual({ kind: 'file', path: 'feeds/a.json' });
  });

  it('drops a UTF-8 byte-order mark, as the extension does', async () => {
    const read = await readSource({ kind: 'file', path: 'a.json' }, fileDeps(bytes('\ufeff{"a":1}')));
    expect(read).toEqual({ ok: true, text: '{"a":1}' });
  });

  it('refuses bytes that are not UTF-8, saying how to save from Excel', async () => {
    const read = await readSource({ kind: 'file', path: 'a.csv' }, fileDeps(new Uint8Array([0x61, 0xa3, 0x62])));
    expect(read).toEqual({ ok: false, message: expect.stringMatching(/not UTF-8 text .*CSV UTF-8/) });
  });

  it('refuses a file over the size limit', async () => {
    const read = await readSource({ kind: 'file', path: 'a.json' }, { ...fileDeps(bytes(' '.repeat(2048))), maxBytes: 1024 });
    expect(read).toEqual({ ok: false, message: 'larger than Signpost accepts (2 KB; the limit is 1 KB)' });
  });

  it('says plainly when a file is missing', async () => {
    const missing = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const read = await readSource({ kind: 'file', path: 'nope.json' }, { readFile: () => Promise.reject(missing), fetch: fakeFetch(() => json({})).fetch });
    expect(read).toEqual({ ok: false, message: 'no such file' });
  });

  it.each([
    ['http://feeds.example.org/feed.json', /must use HTTPS/],
    ['ftp://feeds.example.org/feed.json', /starting with https:\/\//],
  ])('refuses %s without fetching it', async (url, message) => {
    const network = fakeFetch(() => json(feed()));
    expect(await readSource({ kind: 'url', url }, { readFile: () => Promise.reject(new Error('unused')), fetch: network.fetch })).toEqual({ ok: false, message: expect.stringMatching(message) });
    expect(network.calls).toEqual([]);
  });

  it.each(['https://feeds.example.org/feed.json', 'http://localhost:8080/feed.json'])('fetches %s', async (url) => {
    const network = fakeFetch(() => json(feed()));
    const read = await readSource({ kind: 'url', url }, { readFile: () => Promise.reject(new Error('unused')), fetch: network.fetch });
    expect(read).toEqual({ ok: true, text: JSON.stringify(feed()) });
  });

  it('explains an HTTP error as the extension would', async () => {
    const network = fakeFetch(() => new Response('gone', { status: 404 }));
    const read = await readSource({ kind: 'url', url: 'https://feeds.example.org/feed.json' }, { readFile: () => Promise.reject(new Error('unused')), fetch: network.fetch });
    expect(read).toEqual({ ok: false, message: expect.stringMatching(/not found at this address \(HTTP 404\)/) });
  });
});

describe('validate: team feeds', () => {
  it('checks every note for patient data, naming each finding, and counts the notes kept', () => {
    const file = 'tests/fixtures/publish/team-feed-patient-data.json';
    const report = validateFeedText(file, readFileSync(file, 'utf8'), Date.parse('2026-11-25T10:00:00Z'));
    expect(report.exitCode).toBe(2);
    expect(report.lines).toEqual([
      `${file}:notes[1].text: quarantined: The note contains what looks like an NHS number ("943 476 5919", at character 17). Notes are about tools, never patients: remove it and try again. (entry left out: notes[1], note "n-patient")`,
      `${file}:notes[1].text: quarantined: The note contains what looks like a postcode ("SW1A 1AA", at character 33). Notes are about tools, never patients: remove it and try again. (entry left out: notes[1], note "n-patient")`,
      `${file}: publisher "Example team notes (test)" (example-team-notes, peer-team), sequence 1, generated 2026-11-25T09:00:00Z: 0 tools loaded, 0 endorsements, 1 peer note, 1 entry quarantined, 0 warnings`,
      `${file}: loads, but 1 entry would be left out (exit code 2)`,
    ]);
  });
});
