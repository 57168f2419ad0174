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
  ])('rejects the whole feed for %s, naming the path', (_label, change, path) => {
    const result = parseFeed({ ...feed({ tools: [tool()] }), ...change });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain(path);
  });

  it('rejects a feed from a newer format version with a plain reason', () => {
    const result = parseFeed(feed({ version: 2 }));
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'version', message: expect.stringMatching(/newer than this Signpost/) }] });
  });

  it.each([null, 'text', 42, []])('rejects %j', (input) => {
    expect(parseFeed(input).ok).toBe(false);
  });

  it('tolerates unknown fields from newer publishers at every level', () => {
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
    expect(result.quarantined[0]!.problems).toEqual([{ path: 'tools[0].endorsements[0].issuer', message: 'must not contain characters that reverse or reorder text' }]);
  });

  it('quarantines a tool whose name is only invisible characters', () => {
    const result = parsed(feed({ tools: [tool({ id: 'blank', name: '\u200B\u200D' }), tool()] }));
    expect(result.feed.tools.map((entry) => entry.id)).toEqual(['example-tool']);
    expect(result.quarantined[0]).toMatchObject({ toolId: 'blank', problems: [{ path: 'tools[0].name', message: 'must contain visible text' }] });
  });
});
