import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import { parseJson } from '@/lib/publish/report';
import { feedSource, readSource } from '@/lib/publish/source';
import { validateFeedText, type ValidateOptions } from '@/lib/publish/validate';
import { endorsement, feed, tool } from '../helpers/feeds';
import { fakeFetch, json } from '../helpers/fetch';
import { niceClaim, publisherKey, signedAsBundled, signedWith, signedWithBundledKeyAs } from '../helpers/publish';

const NOW = Date.parse('2026-11-25T09:00:00Z');
const fixture = (name: string) => readFileSync(`tests/fixtures/publish/${name}`, 'utf8');
const validate = (input: unknown, options: Partial<ValidateOptions> = {}) =>
  validateFeedText('feed.json', typeof input === 'string' ? input : JSON.stringify(input), { now: NOW, ...options });
const UNSIGNED = 'feed.json: not signed, so its claims are reported only';

/** A fictional tool with the given claims, in a feed generated the day before NOW. */
const feedWith = (endorsements: ReturnType<typeof endorsement>[], overrides: Parameters<typeof feed>[0] = {}) =>
  feed({ version: 2, generatedAt: '2026-11-24T09:00:00Z', tools: [tool({ identifiers: { apple: ['1000000001'] }, endorsements })], ...overrides });

describe('validate: exit codes and summary', () => {
  it('passes the example feed in the publisher guide with exit 0, saying what each claim counts for', async () => {
    const report = await validateFeedText('example-feed.json', readFileSync('docs/examples/example-feed.json', 'utf8'), { now: NOW });
    const noAuthority = "reported only: it names no authority in Signpost's trust root (NHS IT's policy can add a local one, with its key), so it will not decide the verdict";
    expect(report.exitCode).toBe(0);
    expect(report.lines).toEqual([
      'example-feed.json: not signed, so its claims are reported only',
      `example-feed.json:tools[0].endorsements[0]: "Example National Guidance Body (example)": ${noAuthority}`,
      `example-feed.json:tools[0].endorsements[1]: "Example National Guidance Body (example)": ${noAuthority}`,
      `example-feed.json:tools[0].endorsements[2]: "Example Integrated Care Board (example)": ${noAuthority}`,
      `example-feed.json:tools[0].endorsements[3]: "Example Respiratory Apps Ltd (example)": reported only: it is vendor-stated (the company's own claim), so it will not decide the verdict`,
      `example-feed.json:tools[1].endorsements[0]: "Example Heart Charity (example)": ${noAuthority}`,
      `example-feed.json:tools[2].endorsements[0]: "Example National Guidance Body (example)": ${noAuthority}`,
      'example-feed.json: publisher "Example Integrated Care Board (example)" (example-icb, local-network), sequence 2026112501, generated 2026-11-25T09:00:00Z: 3 tools loaded, 6 endorsements (6 reported only), 0 entries quarantined, 0 warnings',
      'example-feed.json: valid',
    ]);
  });

  it('lists each quarantined problem and each warning on its own line, and exits 2', async () => {
    const report = await validateFeedText('feed.json', fixture('quarantine-feed.json'), { now: NOW });
    expect(report.exitCode).toBe(2);
    expect(report.lines).toEqual([
      UNSIGNED,
      expect.stringMatching(/^feed\.json:tools\[0\]\.endorsements\[1\]\.status: quarantined: Invalid option: expected one of "recommended"\|.* \(entry left out: tools\[0\]\.endorsements\[1\] of tool "good-tool"\)$/),
      'feed.json:tools[0].endorsements[1].sourceUrl: quarantined: expected an http(s) URL (entry left out: tools[0].endorsements[1] of tool "good-tool")',
      'feed.json:tools[1].id: quarantined: expected a stable id of lower-case letters, digits, ".", "_" or "-" (entry left out: tools[1] of tool "Bad Tool")',
      `feed.json:tools[0].conditions[1]: warning: "wheeze-club" is not in Signpost's condition vocabulary; it is shown as written`,
      expect.stringMatching(/^feed\.json:expiresAt: warning: the feed expired at 2026-01-01T00:00:00Z/),
      expect.stringMatching(/^feed\.json:tools\[0\]\.endorsements\[0\]: "Test Charity \(test\)": reported only: /),
      'feed.json: publisher "Test Charity (test)" (test-charity, charity), sequence 4, generated 2026-11-01T00:00:00Z: 1 tool loaded, 1 endorsement (1 reported only), 2 entries quarantined, 2 warnings',
      'feed.json: loads, but 2 entries would be left out (exit code 2)',
    ]);
  });

  it('rejects a bad envelope with exit 1, one line per problem', async () => {
    const report = await validateFeedText('feed.json', fixture('rejected-feed.json'), { now: NOW });
    expect(report.exitCode).toBe(1);
    expect(report.lines).toEqual([
      expect.stringMatching(/^feed\.json:publisher\.kind: error: Invalid option: expected one of "nice"/),
      'feed.json:sequence: error: Invalid input: expected number, received string',
      'feed.json: rejected: the envelope has 2 problems, so Signpost would use nothing from this feed',
    ]);
  });

  it('names the whole file when the problem has no path', async () => {
    expect((await validate([])).lines[0]).toMatch(/^feed\.json: error: Invalid input: expected object/);
  });

  it('rejects a staleAfterDays Signpost does not accept (more than a year), as the extension refuses the whole feed', async () => {
    const report = await validate(feedWith([], { staleAfterDays: 400 }));
    expect(report.exitCode).toBe(1);
    expect(report.lines[0]).toMatch(/^feed\.json:staleAfterDays: error: /);
  });

  it.each([
    ['null', 'null'],
    ['a list', '[]'],
    ['a string', '"feed"'],
    ['tools of every type', JSON.stringify({ ...feedWith([]), tools: [null, 1, 'x', [], { id: 'a', name: 'A', endorsements: [null, 5, { issuer: 7 }, { issuer: 'N\u200bICE' }] }] })],
    ['endorsements that are not a list', JSON.stringify({ ...feedWith([]), tools: [{ id: 'a', name: 'A', endorsements: { issuer: 'NICE' } }] })],
    ['a damaged signed envelope', JSON.stringify({ format: 'signpost-signed-feed', version: 1, signatures: [], feed: '{' })],
    ['a signed envelope around text that is not JSON', JSON.stringify({ format: 'signpost-signed-feed', version: 1, signatures: [{ keyId: '0123456789abcdef', algorithm: 'Ed25519', value: 'AA==' }], feed: '{' })],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['a __proto__ field', JSON.stringify(feedWith([])).replace('{', '{"__proto__":{"tools":1},')],
  ])('never throws, whatever the file holds: %s', async (_label, text) => {
    const report = await validate(text);
    expect([0, 1, 2]).toContain(report.exitCode);
    expect(report.lines.length).toBeGreaterThan(0);
  });
});

describe('validate: unknown fields', () => {
  it('warns on each field Signpost does not know, so a misspelt expiry is never silently dropped', async () => {
    const raw = { ...feedWith([{ ...niceClaim(), expiry: '2027-01' } as never]), staleAfterDay: 30 };
    const report = await validate(raw);
    expect(report.exitCode).toBe(0);
    expect(report.lines).toContain('feed.json:staleAfterDay: warning: unknown field "staleAfterDay" is ignored; check its spelling against the feed format');
    expect(report.lines).toContain('feed.json:tools[0].endorsements[0].expiry: warning: unknown field "expiry" is ignored; check its spelling against the feed format');
  });
});

describe('validate: what each claim will count for in Signpost', () => {
  const reportedNice = 'warning: "NICE": reported only: NICE is a national authority, and this feed is not verified against a key Signpost\'s trust root names for it, so it will not decide the verdict';

  it('reports a NICE claim in an unsigned feed as reported only, a warning that does not fail the feed', async () => {
    const report = await validate(feedWith([niceClaim()]));
    expect(report.exitCode).toBe(0);
    expect(report.lines).toContain(`feed.json:tools[0].endorsements[0]: ${reportedNice}`);
    expect(report.lines.at(-2)).toMatch(/1 endorsement \(1 reported only\), 0 entries quarantined, 1 warning$/);
  });

  it("says the same of a feed checked against a publisher's own key: the trust root does not name it for NICE", async () => {
    const key = await publisherKey();
    const report = await validate(await signedWith(feedWith([niceClaim()]), key), { keys: [key.publicKey] });
    expect(report.lines[0]).toBe(`feed.json: signature checked against key ${key.keyId}; its claims count only where Signpost's trust root, or NHS IT's policy, names that key`);
    expect(report.lines).toContain(`feed.json:tools[0].endorsements[0]: ${reportedNice}`);
  });

  it('says NICE claims in the bundled feed are relayed, compiled from nice.org.uk, and a secondary one is not', async () => {
    const signed = await signedAsBundled(feedWith([niceClaim(), niceClaim({ guidanceCode: 'HTE98', sourceType: 'secondary', sourceUrl: 'https://news.example/nice-hte98' })]));
    const report = await validate(signed, { keys: BUNDLED_FEED_KEYS, bundled: true });
    expect(report.exitCode).toBe(0);
    expect(report.lines[0]).toMatch(/^feed\.json: the feed bundled with Signpost, signature checked against Signpost's own key [0-9a-f]{16}$/);
    expect(report.lines).toContain(
      'feed.json:tools[0].endorsements[1]: warning: "NICE": reported only: a relayed claim must be a primary source on NICE\'s own site (nice.org.uk), so it will not decide the verdict',
    );
    expect(report.lines).toContain(
      'feed.json:tools[0].endorsements[0]: "NICE": relayed: NICE\'s published decision, compiled from nice.org.uk by Signpost UK seed registry (feed: Example Publisher (test)); it can decide the verdict',
    );
    expect(report.lines.at(-2)).toMatch(/2 endorsements \(1 relayed, 1 reported only\)/);
  });

  it("relays nothing when the bundled feed's key signs a feed at any other address", async () => {
    const report = await validate(await signedWithBundledKeyAs(feedWith([niceClaim()]), 'somewhere-else'), { keys: BUNDLED_FEED_KEYS });
    expect(report.lines).toContain('feed.json:tools[0].endorsements[0]: warning: "NICE": reported only: this key relays NICE only in the feed bundled with Signpost, so it will not decide the verdict');
  });

  it('rejects, exit 1, a feed whose signature does not match the key given, or that is not signed', async () => {
    const [key, other] = await Promise.all([publisherKey(), publisherKey()]);
    const signed = await signedWith(feedWith([niceClaim()]), key);
    expect(await validate(signed, { keys: [other.publicKey] })).toEqual({
      exitCode: 1,
      lines: ["feed.json: rejected: This feed's signature does not match the publisher's key you pinned: it may have been changed by someone else."],
    });
    expect(await validate(feedWith([]), { keys: [key.publicKey] })).toEqual({ exitCode: 1, lines: [expect.stringMatching(/^feed\.json: rejected: This feed must be signed .* but the file is not signed\.$/)] });
    expect(await validate(feedWith([]), { keys: ['ed25519:short'] })).toEqual({ exitCode: 1, lines: ['ed25519:short: not a public key; expected "ed25519:" followed by 44 base64 characters'] });
  });

  it.each([
    ['a digit for a letter', 'N1CE', '"N1CE" reads like NICE but is not its name'],
    ['a Cyrillic letter', 'NIСE', 'the issuer name mixes Latin letters with look-alike letters of another script in "NIСE"'],
    ['a zero-width space', 'NI\u200bCE', 'the issuer name must not contain invisible characters or direction marks (they can make one name read as another)'],
    ['a right-to-left override', '\u202eECIN', 'the issuer name must not contain invisible characters or direction marks (they can make one name read as another)'],
  ])('refuses an issuer name that imitates an authority (%s) as an error: exit 1, not publishable', async (_label, issuer, reason) => {
    const report = await validate(feedWith([niceClaim(), niceClaim({ issuer })]));
    expect(report.exitCode).toBe(1);
    expect(report.lines).toContain(`feed.json:tools[0].endorsements[1]: error: refused: ${reason}; Signpost shows this claim nowhere but as left out`);
    expect(report.lines.filter((line) => line.includes('quarantined:'))).toEqual([]);
    expect(report.lines.slice(-2)).toEqual([
      expect.stringMatching(/ 2 endorsements \(1 reported only, 1 refused\), 0 entries quarantined, 1 warning$/),
      'feed.json: not publishable: Signpost would refuse 1 claim (exit code 1)',
    ]);
  });

  it('refuses, exit 1, every claim in a team feed that names anyone but the team: "NICE" and "N1CE" alike', async () => {
    const file = 'tests/fixtures/publish/hostile-team-feed.json';
    const report = await validateFeedText(file, readFileSync(file, 'utf8'), { now: NOW });
    expect(report).toEqual({
      exitCode: 1,
      lines: [
        `${file}: not signed, so its claims are reported only`,
        `${file}:tools[0].endorsements[0]: error: refused: a team feed or imported file speaks only for itself (Example Practice Team (test)), not for "NICE"; Signpost shows this claim nowhere but as left out`,
        `${file}:tools[0].endorsements[1]: error: refused: "N1CE" reads like NICE but is not its name; Signpost shows this claim nowhere but as left out`,
        `${file}:tools[0].endorsements[2]: error: refused: the issuer name must not contain invisible characters or direction marks (they can make one name read as another); Signpost shows this claim nowhere but as left out`,
        `${file}:tools[0].endorsements[3].expiresAt: warning: valid until October 2026: past its expiry date, so Signpost no longer counts it`,
        `${file}:tools[0].endorsements[3]: "Example Practice Team (test)": reported only: a team feed speaks only for itself, so it will not decide the verdict`,
        `${file}: publisher "Example Practice Team (test)" (example-team, peer-team), sequence 3, generated 2026-11-20T09:00:00Z: 1 tool loaded, 4 endorsements (1 reported only, 3 refused), 0 entries quarantined, 1 warning`,
        `${file}: not publishable: Signpost would refuse 3 claims (exit code 1)`,
      ],
    });
  });

  it('keeps file positions right when entries before a claim are quarantined', async () => {
    const raw = { ...feedWith([]), tools: [{ id: 'BAD' }, tool({ id: 'ok', endorsements: [{ issuer: 'x' } as never, niceClaim({ issuer: 'N1CE' })] })] };
    const report = await validate(raw);
    expect(report.lines).toContain('feed.json:tools[1].endorsements[1]: error: refused: "N1CE" reads like NICE but is not its name; Signpost shows this claim nowhere but as left out');
  });
});

describe('validate: staleness', () => {
  it('warns, without failing, when the feed is past its expiry', async () => {
    const report = await validate(feed({ expiresAt: '2026-11-24T00:00:00Z', generatedAt: '2026-11-20T00:00:00Z', tools: [tool({ endorsements: [endorsement()] })] }));
    expect(report.exitCode).toBe(0);
    expect(report.lines[1]).toMatch(/^feed\.json:expiresAt: warning: the feed expired at 2026-11-24T00:00:00Z; Signpost still shows its data but marks/);
    expect((await validate(feed({ expiresAt: '2026-11-26T00:00:00Z', generatedAt: '2026-11-20T00:00:00Z' }))).lines).toHaveLength(3);
  });

  it('warns when the feed was generated longer ago than its staleAfterDays, or than 90 days without one', async () => {
    expect((await validate(feedWith([], { generatedAt: '2026-10-01T00:00:00Z', staleAfterDays: 30 }))).lines).toContain(
      'feed.json:generatedAt: warning: generated 2026-10-01T00:00:00Z, longer ago than the feed stays current (staleAfterDays: 30); Signpost marks a verdict resting on it as not refreshed',
    );
    expect((await validate(feedWith([], { generatedAt: '2026-08-01T00:00:00Z' }))).lines).toContain(
      'feed.json:generatedAt: warning: generated 2026-08-01T00:00:00Z, longer ago than the feed stays current (90 days, the default when staleAfterDays is not given); Signpost marks a verdict resting on it as not refreshed',
    );
    expect((await validate(feedWith([], { generatedAt: '2026-08-01T00:00:00Z', staleAfterDays: 180 }))).lines.join('\n')).not.toMatch(/generatedAt: warning/);
  });

  it('warns on a claim whose review date or expiry has passed, or whose decision is dated in the future', async () => {
    const report = await validate(feedWith([niceClaim({ reviewDate: '2026-10', expiresAt: '2026-11-01' }), niceClaim({ guidanceCode: 'HTE100', decisionDate: '2027-02' })]));
    expect(report.exitCode).toBe(0);
    expect(report.lines).toEqual(
      expect.arrayContaining([
        'feed.json:tools[0].endorsements[0].reviewDate: warning: the review date October 2026 has passed; a positive verdict resting on it shows as out of date',
        'feed.json:tools[0].endorsements[0].expiresAt: warning: valid until 1 November 2026: past its expiry date, so Signpost no longer counts it',
        'feed.json:tools[0].endorsements[1].decisionDate: warning: decided February 2027: dated in the future, so not in force yet (or mis-dated)',
      ]),
    );
  });
});

describe('validate: text that is not JSON', () => {
  it('gives the line and column, like a compiler', async () => {
    const report = await validateFeedText('broken.json', fixture('broken.json'), { now: NOW });
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
  it('checks every note for patient data, naming each finding, and counts the notes kept', async () => {
    const file = 'tests/fixtures/publish/team-feed-patient-data.json';
    const report = await validateFeedText(file, readFileSync(file, 'utf8'), { now: Date.parse('2026-11-25T10:00:00Z') });
    expect(report.exitCode).toBe(2);
    expect(report.lines).toEqual([
      `${file}: not signed, so its claims are reported only`,
      `${file}:notes[1].text: quarantined: The note contains what looks like an NHS number ("943 476 5919", at character 17). Notes are about tools, never patients: remove it and try again. (entry left out: notes[1], note "n-patient")`,
      `${file}:notes[1].text: quarantined: The note contains what looks like a postcode ("SW1A 1AA", at character 33). Notes are about tools, never patients: remove it and try again. (entry left out: notes[1], note "n-patient")`,
      `${file}: publisher "Example team notes (test)" (example-team-notes, peer-team), sequence 1, generated 2026-11-25T09:00:00Z: 0 tools loaded, 0 endorsements, 1 peer note, 1 entry quarantined, 0 warnings`,
      `${file}: loads, but 1 entry would be left out (exit code 2)`,
    ]);
  });
});
