import { describe, expect, it } from 'vitest';
import { parseFeed } from '@/lib/feed/parse';
import { endorsement, feed, tool } from '../helpers/feeds';

function parsed(input: unknown) {
  const result = parseFeed(input);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.problems)}`);
  return result;
}

describe('parseFeed: envelope', () => {
  it('accepts a complete feed and keeps every field', () => {
    const input = feed({
      expiresAt: '2027-01-01T00:00:00Z',
      tools: [
        tool({
          identifiers: { apple: ['123456789'], googlePlay: ['org.example.coach'], web: [{ origin: 'https://coach.example', pathPrefix: '/app' }] },
          endorsements: [endorsement({ guidanceCode: 'HTE99', quote: 'Can be used.', reviewDate: '2028-01', conditions: ['asthma'] })],
          facts: [{ topic: 'cost', text: 'Free to NHS patients', sourceType: 'vendor-stated' }],
        }),
      ],
    });
    const result = parsed(input);
    expect(result.feed).toEqual({ ...input, notes: [] });
    expect(result.quarantined).toEqual([]);
  });

  it.each([
    ['a wrong format name', { format: 'other-feed' }, 'format'],
    ['a missing publisher', { publisher: undefined }, 'publisher'],
    ['an unknown publisher kind', { publisher: { id: 'x', name: 'X', kind: 'pharma' } }, 'publisher.kind'],
    ['a negative sequence', { sequence: -1 }, 'sequence'],
    ['a fractional sequence', { sequence: 1.5 }, 'sequence'],
    ['a date without time', { generatedAt: '2026-11-01' }, 'generatedAt'],
    ['tools that are not a list', { tools: {} }, 'tools'],
    ['a staleness period of no days', { staleAfterDays: 0 }, 'staleAfterDays'],
    ['a staleness period over a year', { staleAfterDays: 366 }, 'staleAfterDays'],
    ['a fractional staleness period', { staleAfterDays: 2.5 }, 'staleAfterDays'],
    ['a publisher name with an invisible character', { publisher: { id: 'x', name: 'N\u200BICE', kind: 'nice' } }, 'publisher.name'],
  ])('rejects the whole feed for %s, naming the path', (_label, change, path) => {
    const result = parseFeed({ ...feed({ tools: [tool()] }), ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain(path);
  });

  it('rejects a feed from a newer format version with a plain reason', () => {
    const result = parseFeed(feed({ version: 3 }));
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'version', message: expect.stringMatching(/newer than this Signpost/) }] });
  });

  it.each([null, 'text', 42, []])('rejects %j', (input) => {
    expect(parseFeed(input).ok).toBe(false);
  });

  it('tolerates unknown fields from newer publishers at every level, dropping each with a warning that names it', () => {
    const input = {
      ...feed({ tools: [tool({ endorsements: [endorsement()] })] }),
      signatureHint: 'x',
      notes: [],
    };
    (input.tools[0] as unknown as Record<string, unknown>).rating = 5;
    (input.tools[0]!.endorsements[0] as unknown as Record<string, unknown>).future = true;
    const result = parsed(input);
    expect(result.feed.tools).toHaveLength(1);
    expect(result.feed.tools[0]!.endorsements).toHaveLength(1);
    expect(result.feed.tools[0]).not.toHaveProperty('rating');
    expect(result.warnings.map((warning) => warning.path)).toEqual(['signatureHint', 'tools[0].rating', 'tools[0].endorsements[0].future']);
    expect(result.warnings[0]!.message).toBe('unknown field "signatureHint" is ignored; check its spelling against the feed format');
  });

  it('warns about a misspelt field wherever it is, so an expiry or a path never vanishes without a word', () => {
    const input = feed({
      publisher: { id: 'p', name: 'P', kind: 'other', homepage: 'https://p.example' } as never,
      tools: [
        tool({
          identifiers: { apple: ['123456789'], windowsStore: ['x'], web: [{ origin: 'https://coach.example', path: '/app' }] } as never,
          endorsements: [endorsement({ expiresOn: '2026-01', population: { description: 'adults', minimumAge: 18 } } as never)],
          facts: [{ topic: 'cost', text: 'Free', sourceType: 'primary', when: '2025' } as never],
        }),
      ],
    });
    const result = parsed(input);
    expect(result.warnings.map((warning) => warning.path)).toEqual([
      'publisher.homepage',
      'tools[0].identifiers.windowsStore',
      'tools[0].identifiers.web[0].path',
      'tools[0].endorsements[0].expiresOn',
      'tools[0].endorsements[0].population.minimumAge',
      'tools[0].facts[0].when',
    ]);
    // The claim is kept, without the expiry it meant to have: the warning is how the publisher learns.
    expect(result.feed.tools[0]!.endorsements[0]).not.toHaveProperty('expiresAt');
    expect(result.feed.tools[0]!.endorsements[0]!.population).toEqual({ description: 'adults' });
  });
});

describe('parseFeed: format 2 (claim scope, validity and supersession)', () => {
  const scoped = endorsement({
    issuer: 'NICE',
    issuerKind: 'nice',
    status: 'conditional',
    guidanceCode: 'HTE19',
    platforms: ['ios', 'android'],
    population: { minAge: 18, description: 'adults with COPD who cannot have face-to-face pulmonary rehabilitation' },
    setting: 'only within NHS Talking Therapies, once DTAC is in place',
    versions: { ios: '3.2 to 3.x', android: '3.1 or later' },
    expiresAt: '2027-03',
    supersedes: ['MTG68'],
    verify: 'check the tool is still offered before relying on this',
  });

  it('keeps every format 2 field of a claim, and the publisher\'s staleness period, exactly as written', () => {
    const input = feed({ version: 2, staleAfterDays: 180, tools: [tool({ endorsements: [scoped] })] });
    const result = parsed(input);
    expect(result.feed).toEqual({ ...input, notes: [] });
    expect(result.quarantined).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  it('reads a format 1 feed as format 2, every format 2 field absent', () => {
    const result = parsed(feed({ version: 1, tools: [tool({ endorsements: [endorsement()] })] }));
    const [claim] = result.feed.tools[0]!.endorsements;
    for (const field of ['platforms', 'population', 'setting', 'versions', 'expiresAt', 'supersedes', 'verify']) expect(claim).not.toHaveProperty(field);
    expect(result.feed).not.toHaveProperty('staleAfterDays');
  });

  it.each([
    ['a platform outside the vocabulary', { platforms: ['windows'] }, 'platforms[0]'],
    ['an empty platform list', { platforms: [] }, 'platforms'],
    ['an age range that ends before it starts', { population: { minAge: 18, maxAge: 5 } }, 'population'],
    ['a population that says nothing', { population: {} }, 'population'],
    ['a negative age', { population: { minAge: -1 } }, 'population.minAge'],
    ['a fractional age', { population: { maxAge: 17.5 } }, 'population.maxAge'],
    ['an empty setting', { setting: ' ' }, 'setting'],
    ['a version range that is not text', { versions: { ios: 3 } }, 'versions.ios'],
    ['an expiry that is not a date', { expiresAt: 'soon' }, 'expiresAt'],
    ['an expiry of "unknown"', { expiresAt: 'unknown' }, 'expiresAt'],
    ['a superseded code that is empty', { supersedes: [''] }, 'supersedes[0]'],
    ['a verify note that is empty', { verify: '' }, 'verify'],
  ])('quarantines a claim with %s, naming the path, and keeps the tool', (_label, change, path) => {
    const result = parsed(feed({ version: 2, tools: [tool({ endorsements: [endorsement({ ...change } as never), endorsement({ issuer: 'Kept' })] })] }));
    expect(result.feed.tools[0]!.endorsements.map((claim) => claim.issuer)).toEqual(['Kept']);
    expect(result.quarantined).toHaveLength(1);
    expect(result.quarantined[0]!.problems.map((problem) => problem.path)).toContain(`tools[0].endorsements[0].${path}`);
  });
});

describe('parseFeed: quarantine', () => {
  it('quarantines an invalid tool with its path and reason, and loads the rest', () => {
    const result = parsed(feed({ tools: [tool({ id: 'good' }), { ...tool({ id: 'bad' }), name: '' }, tool({ id: 'also-good' })] }));
    expect(result.feed.tools.map((t) => t.id)).toEqual(['good', 'also-good']);
    expect(result.quarantined).toEqual([{ path: 'tools[1]', toolId: 'bad', problems: [{ path: 'tools[1].name', message: expect.any(String) }] }]);
  });

  it('quarantines one invalid endorsement and keeps the tool and its other endorsements', () => {
    const result = parsed(
      feed({
        tools: [tool({ endorsements: [endorsement({ issuer: 'Kept' }), endorsement({ status: 'approved' as never }), endorsement({ sourceUrl: 'javascript:alert(1)' })] })],
      }),
    );
    expect(result.feed.tools[0]!.endorsements.map((e) => e.issuer)).toEqual(['Kept']);
    expect(result.quarantined.map((q) => q.problems[0]!.path)).toEqual(['tools[0].endorsements[1].status', 'tools[0].endorsements[2].sourceUrl']);
    expect(result.quarantined.every((q) => q.toolId === 'example-tool')).toBe(true);
  });

  it('requires a decision date or an explicit "unknown"', () => {
    const { decisionDate: _omit, ...undated } = endorsement();
    const result = parsed(feed({ tools: [tool({ endorsements: [undated as never, endorsement({ decisionDate: 'unknown' })] })] }));
    expect(result.feed.tools[0]!.endorsements).toHaveLength(1);
    expect(result.quarantined[0]!.problems[0]!.path).toBe('tools[0].endorsements[0].decisionDate');
  });

  it.each([
    ['an Apple id that is not digits', { apple: ['id123456'] }],
    ['a Play package that is not a package name', { googlePlay: ['not a package'] }],
    ['a web origin with a path', { web: [{ origin: 'https://example.org/path' }] }],
    ['a web origin that is not http(s)', { web: [{ origin: 'ftp://example.org' }] }],
    ['a path prefix with a query', { web: [{ origin: 'https://example.org', pathPrefix: '/a?b' }] }],
  ])('quarantines a tool with %s', (_label, identifiers) => {
    const result = parsed(feed({ tools: [tool({ identifiers: identifiers as never })] }));
    expect(result.feed.tools).toEqual([]);
    expect(result.quarantined).toHaveLength(1);
  });

  it('keeps the first of two tools with the same id', () => {
    const result = parsed(feed({ tools: [tool({ name: 'First' }), tool({ name: 'Second' })] }));
    expect(result.feed.tools.map((t) => t.name)).toEqual(['First']);
    expect(result.quarantined[0]!.problems[0]!.message).toMatch(/duplicate tool id/);
  });

  it('warns about, but keeps, a condition outside the vocabulary', () => {
    const result = parsed(feed({ tools: [tool({ conditions: ['asthma', 'future-condition'] })] }));
    expect(result.feed.tools[0]!.conditions).toEqual(['asthma', 'future-condition']);
    expect(result.warnings).toEqual([{ path: 'tools[0].conditions[1]', message: expect.stringMatching(/not in Signpost's condition vocabulary/) }]);
  });
});

describe('parseFeed: text that could mislead', () => {
  it('quarantines an issuer that reorders itself to read as another ("\\u202EECIN" shows as "NICE")', () => {
    const result = parsed(feed({ tools: [tool({ endorsements: [endorsement({ issuer: '\u202EECIN' }), endorsement()] })] }));
    expect(result.feed.tools[0]!.endorsements).toHaveLength(1);
    expect(result.quarantined[0]!.problems).toEqual([
      { path: 'tools[0].endorsements[0].issuer', message: 'must not contain characters that reverse or reorder text' },
      { path: 'tools[0].endorsements[0].issuer', message: expect.stringMatching(/^must not contain invisible characters or direction marks/) },
    ]);
  });

  it('quarantines a tool whose name is only invisible characters', () => {
    const result = parsed(feed({ tools: [tool({ id: 'blank', name: '\u200B\u200D' }), tool()] }));
    expect(result.feed.tools.map((entry) => entry.id)).toEqual(['example-tool']);
    expect(result.quarantined[0]).toMatchObject({
      toolId: 'blank',
      problems: [
        { path: 'tools[0].name', message: 'must contain visible text' },
        { path: 'tools[0].name', message: expect.stringMatching(/^must not contain invisible characters/) },
      ],
    });
  });

  it.each([
    ['a zero-width space', 'NI\u200BCE'],
    ['a soft hyphen', 'NI\u00ADCE'],
    ['a word joiner', 'NI\u2060CE'],
    ['a byte order mark inside it', 'NHS\uFEFFEngland'],
  ])('quarantines an issuer with %s, whose reason says why', (_label, issuer) => {
    const result = parsed(feed({ tools: [tool({ endorsements: [endorsement({ issuer }), endorsement()] })] }));
    expect(result.feed.tools[0]!.endorsements).toHaveLength(1);
    expect(result.quarantined[0]!.problems).toEqual([{ path: 'tools[0].endorsements[0].issuer', message: expect.stringMatching(/^must not contain invisible characters or direction marks/) }]);
  });

  it.each([
    ['an issuer', (name: string) => tool({ endorsements: [endorsement({ issuer: name })] }), 'endorsements[0].issuer'],
    ['a tool name', (name: string) => tool({ name }), 'name'],
    ['a tool publisher', (name: string) => tool({ publisher: name }), 'publisher'],
  ])('quarantines %s mixing Latin with Cyrillic or Greek look-alikes in one word', (_label, make, path) => {
    for (const name of ['NI\u0421E', 'P\u0430ypal Health', '\u039d\u0399CE']) {
      const result = parsed(feed({ tools: [make(name)] }));
      expect(result.quarantined[0]!.problems).toEqual([{ path: `tools[0].${path}`, message: expect.stringMatching(/^mixes Latin letters with look-alike letters of another script/) }]);
    }
  });

  it('accepts names written wholly in one script, or in several scripts word by word', () => {
    const names = ['Café Santé', 'Здоровье', 'Υγεία', 'NHS Здоровье 漢字'];
    const result = parsed(feed({ tools: names.map((name, index) => tool({ id: `t${index}`, name, endorsements: [endorsement({ issuer: name })] })) }));
    expect(result.quarantined).toEqual([]);
    expect(result.feed.tools.map((entry) => [entry.name, entry.endorsements[0]!.issuer])).toEqual(names.map((name) => [name, name]));
  });
});
