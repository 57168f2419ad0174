import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '@/lib/feed/parse';
import type { Feed } from '@/lib/feed/schema';
import { buildFeed, type BuildInput } from '@/lib/publish/build';
import type { NamedText } from '@/lib/publish/csv';

const GENERATED = '2026-11-25T09:00:00Z';
const ENVELOPE: NamedText = { name: 'envelope.json', text: JSON.stringify({ publisher: { id: 'test-pcn', name: 'Test PCN (test)', kind: 'local-network' }, sequence: 3 }) };
const HEADER = 'tool_id,tool_name,apple_ids,web,conditions,issuer,issuer_kind,status,decision_date,source_url,source_type';
const ENDORSED = 'coach,Coach (test),1000000011,https://coach.example.org,asthma,Example Charity (test),charity,listed,2025-06,https://charity.example.org/apps,primary';

function build(csv: string | NamedText[], extra: Partial<BuildInput> = {}) {
  const files = typeof csv === 'string' ? [{ name: 'tools.csv', text: csv }] : csv;
  return buildFeed({ csv: files, json: [], envelope: ENVELOPE, generatedAt: GENERATED, ...extra });
}

function built(csv: string | NamedText[], extra: Partial<BuildInput> = {}): Feed {
  const result = build(csv, extra);
  if (!result.ok) throw new Error(result.lines.join('\n'));
  const parsed = parseFeed(JSON.parse(result.text));
  if (!parsed.ok) throw new Error('built feed does not parse');
  expect(parsed.quarantined).toEqual([]);
  return parsed.feed;
}

function errors(csv: string | NamedText[], extra: Partial<BuildInput> = {}): string[] {
  const result = build(csv, extra);
  expect(result.ok).toBe(false);
  return result.lines;
}

const rows = (...lines: string[]) => [HEADER, ...lines].join('\n');

describe('build: the publisher guide example', () => {
  it('builds docs/examples/example-tools.csv with its envelope into a valid feed', () => {
    const feed = built([{ name: 'example-tools.csv', text: readFileSync('docs/examples/example-tools.csv', 'utf8') }], {
      envelope: { name: 'example-envelope.json', text: readFileSync('docs/examples/example-envelope.json', 'utf8') },
    });
    expect(feed.publisher.id).toBe('example-pcn');
    expect(feed.tools.map((tool) => [tool.id, tool.endorsements.length])).toEqual([
      ['breathe-easy-coach', 2],
      ['steady-heart-rehab', 1],
      ['walk-more', 0],
    ]);
    // The App Store address in the sheet becomes the bare id.
    expect(feed.tools[0]!.identifiers.apple).toEqual(['1000000001']);
    expect(feed.tools[1]!.identifiers.web).toEqual([{ origin: 'https://www.health-services.example.org', pathPrefix: '/apps/steady-heart' }]);
    expect(feed.tools[1]!.endorsements[0]!.decisionDate).toBe('unknown');
  });

  it('writes JSON with a 2-space indent and the envelope it was given', () => {
    const result = build(rows(ENDORSED), { sequence: 9 });
    if (!result.ok) throw new Error(result.lines.join('\n'));
    expect(result.text).toMatch(/^\{\n {2}"format": "signpost-feed",\n {2}"version": 2,\n/);
    expect(JSON.parse(result.text)).toMatchObject({ sequence: 9, generatedAt: GENERATED, publisher: { id: 'test-pcn' } });
    expect(result.lines).toEqual(['built feed: 1 tool, 1 endorsement; publisher "Test PCN (test)" (test-pcn), sequence 9, generated 2026-11-25T09:00:00Z']);
  });

  it("takes the envelope's staleAfterDays, and refuses one over a year", () => {
    const envelope = (staleAfterDays: number) => ({ name: 'envelope.json', text: JSON.stringify({ ...JSON.parse(ENVELOPE.text), staleAfterDays }) });
    expect(built(rows(ENDORSED), { envelope: envelope(30) }).staleAfterDays).toBe(30);
    expect(errors(rows(ENDORSED), { envelope: envelope(400) })[0]).toMatch(/^envelope\.json:staleAfterDays: /);
  });
});

describe('build: CSV as spreadsheets write it', () => {
  it('reads an Excel export: byte-order mark, CRLF, quoted commas, quotes and line breaks, headers as typed', () => {
    const text = readFileSync('tests/fixtures/publish/excel-export.csv', 'utf8');
    expect(text.startsWith('\ufeff') && text.includes('\r\n')).toBe(true);
    const feed = built([{ name: 'excel-export.csv', text }]);
    const [excel, other] = feed.tools;
    expect(excel).toMatchObject({
      id: 'excel-tool',
      name: 'Excel Tool, Deluxe (test)',
      identifiers: { googlePlay: ['org.example.exceltool'], web: [{ origin: 'https://www.nhs-apps.example.org', pathPrefix: '/apps/excel-tool/' }] },
      conditions: ['type-2-diabetes', 'obesity'],
    });
    expect(excel!.endorsements).toEqual([
      expect.objectContaining({ status: 'listed', quote: 'Listed "as is" on the formulary', note: 'First line\nsecond line, with a comma' }),
      expect.objectContaining({ status: 'recommended', decisionDate: 'unknown', sourceType: 'secondary' }),
    ]);
    expect(other).toMatchObject({ id: 'other-tool', identifiers: { web: [{ origin: 'https://other.example.org' }] }, endorsements: [] });
  });

  it('counts rows as a spreadsheet shows them: the header is row 1, a cell with line breaks is one row', () => {
    const csv = ['tool_id,tool_name,note,issuer', 'one,"One\r\n(test)",,', 'two,Two (test),"a\nb\nc",', 'three,Three (test),,', 'three,,,Issuer (test)'].join('\r\n');
    expect(errors(csv)).toContain('tools.csv:row 5, column issuer_kind: empty; required for an endorsement');
  });

  it('points at the row of a CSV syntax error', () => {
    expect(errors(rows(ENDORSED, 'two,"Two (test)" x,,,,,,,,,'))[0]).toMatch(/^tools\.csv:row 3: not valid CSV: /);
  });

  it('skips blank rows and ignores columns whose name starts with #', () => {
    const feed = built(`tool_id,tool_name,# our notes\n\nplain,Plain (test),ask Sam\n,,\n`);
    expect(feed.tools.map((tool) => tool.id)).toEqual(['plain']);
  });
});

describe('build: rows of one tool', () => {
  it('makes one tool from rows in several files, tool fields given once or repeated exactly', () => {
    const tools = { name: 'tools.csv', text: 'tool_id,tool_name,conditions\ncoach,Coach (test),asthma; copd\n' };
    const endorsements = {
      name: 'endorsements.csv',
      text: [
        'tool_id,tool_name,conditions,issuer,issuer_kind,status,decision_date,source_url,source_type',
        'coach,Coach (test),asthma;copd,Example ICB (test),local-network,listed,2026,https://icb.example.org/a,primary',
        'coach,,,Example Charity (test),charity,recommended,2025-01-31,https://charity.example.org/a,secondary',
      ].join('\n'),
    };
    const feed = built([tools, endorsements]);
    expect(feed.tools).toHaveLength(1);
    expect(feed.tools[0]).toMatchObject({ name: 'Coach (test)', conditions: ['asthma', 'copd'] });
    expect(feed.tools[0]!.endorsements.map((e) => e.issuer)).toEqual(['Example ICB (test)', 'Example Charity (test)']);
  });

  it('refuses conflicting tool fields, naming both rows', () => {
    const other = { name: 'more.csv', text: 'tool_id,tool_name\ncoach,Coach Two (test)\n' };
    expect(errors([{ name: 'tools.csv', text: rows(ENDORSED) }, other])).toContain(
      'more.csv:row 2, column tool_name: "Coach Two (test)" differs from "Coach (test)" given for tool "coach" at tools.csv:row 2; give a tool\'s details once, or repeat them exactly',
    );
  });

  it('lists every problem of a tool at once, even when the tool itself is invalid', () => {
    const lines = errors(rows('coach,,,,,Example Charity (test),charity,approved,2025,https://charity.example.org,primary'));
    expect(lines).toEqual([
      'tools.csv:row 2, column tool_name: empty; required for a tool',
      'tools.csv:row 2, column status: "approved" is not a status; expected one of recommended, conditional, research-only, listed, no-recommendation, not-recommended, withdrawn',
      'no feed written: 2 errors',
    ]);
  });
});

describe('build: cell errors name the file, row and column', () => {
  it.each([
    ['an unknown status', 'status', 'approved', 'tools.csv:row 2, column status: "approved" is not a status; expected one of recommended, conditional, research-only, listed, no-recommendation, not-recommended, withdrawn'],
    ['an unknown issuer kind', 'issuer_kind', 'ngo', 'tools.csv:row 2, column issuer_kind: "ngo" is not an issuer kind; expected one of nice, charity, local-network, nhs-programme, regulator, other'],
    ['an empty decision date', 'decision_date', '', 'tools.csv:row 2, column decision_date: empty; write YYYY, YYYY-MM or YYYY-MM-DD, or "unknown" when the source gives no date (left empty, a missing date could go unnoticed)'],
    ['an impossible date', 'decision_date', '2025-13', 'tools.csv:row 2, column decision_date: "2025-13": expected a date as YYYY, YYYY-MM or YYYY-MM-DD'],
    ['a source that is not a web address', 'source_url', 'charity leaflet', 'tools.csv:row 2, column source_url: "charity leaflet": expected an http(s) URL'],
    ['an empty source type', 'source_type', '', 'tools.csv:row 2, column source_type: empty; required for an endorsement'],
    ['a bad App Store id', 'apple_ids', '1000000011;abc', 'tools.csv:row 2, column apple_ids: "abc": expected the numeric App Store id (the digits after "id" in the URL)'],
    ['a Play link in the App Store column', 'apple_ids', 'https://play.google.com/store/apps/details?id=org.example.coach', 'tools.csv:row 2, column apple_ids: "https://play.google.com/store/apps/details?id=org.example.coach" is not the address of an app\'s page on the App Store'],
    ['a web address without its scheme', 'web', 'coach.example.org', 'tools.csv:row 2, column web: "coach.example.org" is not a full web address; write it as https://host or https://host/path'],
    ['a web address with a query', 'web', 'https://coach.example.org/?ref=1', 'tools.csv:row 2, column web: "https://coach.example.org/?ref=1" has a query or fragment (? or #); give only the address and path'],
    ['an invalid tool id', 'tool_id', 'Coach', 'tools.csv:row 2, column tool_id: "Coach": expected a stable id of lower-case letters, digits, ".", "_" or "-"'],
  ])('%s', (_label, column, value, message) => {
    const cells = ENDORSED.split(',');
    cells[HEADER.split(',').indexOf(column)] = value;
    expect(errors(rows(cells.join(',')))).toContain(message);
  });

  it('accepts store page addresses for store ids, and web entries with a path', () => {
    const feed = built(
      'tool_id,tool_name,apple_ids,play_ids,web\n' +
        'coach,Coach (test),https://apps.apple.com/gb/app/coach/id1000000011,https://play.google.com/store/apps/details?id=org.example.coach,https://www.nhs.example.org/apps/coach; https://coach.example.org/\n',
    );
    expect(feed.tools[0]!.identifiers).toEqual({
      apple: ['1000000011'],
      googlePlay: ['org.example.coach'],
      web: [{ origin: 'https://www.nhs.example.org', pathPrefix: '/apps/coach' }, { origin: 'https://coach.example.org' }],
    });
  });

  it('places warnings on the cell and still builds', () => {
    const result = build(rows(ENDORSED.replace(',asthma,', ',astma,')));
    expect(result.ok).toBe(true);
    expect(result.lines[0]).toBe(`tools.csv:row 2, column conditions: warning: "astma" is not in Signpost's condition vocabulary; it is shown as written`);
  });

  it.each([
    ['an unknown column', 'tool_id,tool_name,statuss\n', 'tools.csv:row 1: unknown column "statuss"; expected tool_id, tool_name'],
    ['a repeated column', 'tool_id,Tool Name,tool_name\n', 'tools.csv:row 1: column tool_name appears twice'],
    ['no tool_id column', 'tool_name\nCoach (test)\n', 'tools.csv:row 1: no tool_id column'],
    ['a value in a column without a name', 'tool_id,tool_name\ncoach,Coach (test),stray\n', 'tools.csv:row 2: cell 3 has a value but its column has no name in row 1'],
    ['a row without a tool id', 'tool_id,tool_name\n,Coach (test)\n', 'tools.csv:row 2, column tool_id: empty; every row needs the id of the tool it is about'],
  ])('refuses %s', (_label, csv, message) => {
    expect(errors(csv).some((line) => line.startsWith(message))).toBe(true);
  });
});

describe('build: JSON inputs and the envelope', () => {
  const jsonTools = (tools: unknown): NamedText => ({ name: 'tools.json', text: JSON.stringify(tools) });

  it('adds tools given as JSON (a list, or a feed\'s tools) and places their problems by JSON path', () => {
    const good = { id: 'json-tool', name: 'JSON Tool (test)', facts: [{ topic: 'cost', text: 'Free', sourceType: 'primary' }] };
    const feed = built(rows(ENDORSED), { json: [jsonTools([good])] });
    expect(feed.tools.map((tool) => tool.id)).toEqual(['coach', 'json-tool']);
    expect(feed.tools[1]!.facts).toHaveLength(1);

    const bad = { tools: [good, { id: 'other', name: 'Other (test)', endorsements: [{ issuer: 'X (test)' }] }] };
    expect(errors(rows(ENDORSED), { json: [jsonTools(bad)] })).toContain('tools.json:tools[1].endorsements[0].issuerKind: Invalid option: expected one of "nice"|"charity"|"local-network"|"nhs-programme"|"regulator"|"other"');
  });

  it('refuses a tool id given in two places', () => {
    expect(errors(rows(ENDORSED), { json: [jsonTools([{ id: 'coach', name: 'Coach (test)' }])] })).toContain(
      'tools.json:[0].id: tool "coach" is also given at tools.csv:row 2, column tool_id; give each tool in one place',
    );
  });

  it('takes --sequence over the envelope, and explains a missing sequence', () => {
    expect(built(rows(ENDORSED), { sequence: 12 }).sequence).toBe(12);
    const envelope = { name: 'envelope.json', text: JSON.stringify({ publisher: { id: 'test-pcn', name: 'Test PCN (test)', kind: 'local-network' } }) };
    expect(errors(rows(ENDORSED), { envelope })).toContain('envelope.json:sequence: missing; give "sequence" here or use --sequence N, and raise it on every change');
  });

  it('names envelope problems in the envelope file, misspelt fields included, and still checks the tools', () => {
    const envelope = { name: 'envelope.json', text: JSON.stringify({ publisher: { id: 'test-pcn', name: 'Test PCN (test)', kind: 'pharma' }, sequence: 1, expiresat: '2027' }) };
    const lines = errors(rows(ENDORSED.replace('listed', 'approved')), { envelope, generatedAt: 'yesterday' });
    expect(lines).toEqual([
      expect.stringMatching(/^envelope\.json:expiresat: not an envelope field; expected publisher, sequence, expiresAt/),
      expect.stringMatching(/^envelope\.json:publisher\.kind: Invalid option/),
      expect.stringMatching(/^--generated-at: expected an ISO 8601 date-time/),
      expect.stringMatching(/^tools\.csv:row 2, column status: "approved" is not a status/),
      'no feed written: 4 errors',
    ]);
  });

  it('says where an envelope that is not JSON went wrong', () => {
    expect(errors(rows(ENDORSED), { envelope: { name: 'envelope.json', text: '{ "sequence": 1, }' } })[0]).toMatch(/^envelope\.json:1:18: not valid JSON/);
  });

  it('warns when the sequence is not raised over the feed being replaced', () => {
    const result = build(rows(ENDORSED), { previous: { name: 'feed.json', text: JSON.stringify({ sequence: 3 }) } });
    expect(result.ok && result.lines[0]).toMatch(/^feed\.json: warning: already has sequence 3; raise the sequence/);
    expect(build(rows(ENDORSED), { sequence: 4, previous: { name: 'feed.json', text: JSON.stringify({ sequence: 3 }) } }).lines).toHaveLength(1);
  });
});
