import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FeedTextError, ToolStream } from '@/lib/feed/tool-stream';

/** Feeds `text` to a ToolStream cut at `cuts`; returns every tool handed out and the rest, parsed. */
function read(text: string, cuts: readonly number[] = []): { tools: unknown[]; rest: unknown } {
  const stream = new ToolStream();
  const tools: unknown[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    tools.push(...stream.write(text.slice(from, cut)));
    from = cut;
  }
  tools.push(...stream.write(text.slice(from)));
  return { tools, rest: stream.end() };
}

/** Every way of cutting `text` in two. */
const everyCut = (text: string) => Array.from({ length: text.length + 1 }, (_, at) => [at]);

describe('ToolStream: a feed read tool by tool', () => {
  it('hands out each tool and keeps the rest with "tools": [] in it, wherever the text is cut', () => {
    const text = '{ "format" : "signpost-feed", "tools" : [ {"id":"a","name":"A, [b]"} , 7,"x\\"]" ,{"id":"c","n":[1,{"x":"}"}]}] , "notes":[{"id":"n"}] }';
    for (const cuts of everyCut(text)) {
      expect(read(text, cuts)).toEqual({ tools: [{ id: 'a', name: 'A, [b]' }, 7, 'x"]', { id: 'c', n: [1, { x: '}' }] }], rest: { format: 'signpost-feed', tools: [], notes: [{ id: 'n' }] } });
    }
  });

  it('reads only the top-level "tools" key: the same key deeper, or as a value, is envelope', () => {
    const text = '{"publisher":{"tools":[1,2]},"format":"tools","tools":[3],"x":["tools",[4]]}';
    for (const cuts of everyCut(text)) {
      expect(read(text, cuts)).toEqual({ tools: [3], rest: { publisher: { tools: [1, 2] }, format: 'tools', tools: [], x: ['tools', [4]] } });
    }
  });

  it('leaves a key it cannot be sure of in the envelope, where JSON.parse reads it', () => {
    // "t\u006fols" is "tools" to JSON.parse: the caller finds the tools in the envelope and refuses the feed.
    expect(read('{"t\\u006fols":[{"id":"a"}]}')).toEqual({ tools: [], rest: { tools: [{ id: 'a' }] } });
    expect(read('{"tools ":[1],"tool":[2],"toolss":[3]}')).toEqual({ tools: [], rest: { 'tools ': [1], tool: [2], toolss: [3] } });
  });

  it('keeps "__proto__" in a tool an ordinary key, as JSON.parse does', () => {
    const { tools } = read('{"tools":[{"__proto__":{"polluted":true},"id":"a"}]}');
    expect(Object.getPrototypeOf(tools[0])).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const notJson = [
    ['cut off inside a tool', '{"tools":[{"id":"a"'],
    ['cut off between tools', '{"tools":[{"id":"a"},'],
    ['cut off after the tools', '{"tools":[]'],
    ['cut off inside a string', '{"tools":[], "format":"sig'],
    ['an empty element', '{"tools":[1,,2]}'],
    ['a leading comma', '{"tools":[,1]}'],
    ['a trailing comma', '{"tools":[1,]}'],
    ['a broken tool', '{"tools":[{"id":}]}'],
    ['mismatched brackets in a tool', '{"tools":[{"id":"a"]]}'],
    ['two documents', '{"tools":[]}{"tools":[]}'],
    ['text after the document', '{"tools":[]} x'],
    ['nothing at all', ''],
    ['a bare word for a tool', '{"tools":[tool]}'],
    // JSON.parse would keep only the second list; reading both would store tools no JSON tool shows.
    ['two "tools" lists', '{"tools":[{"id":"a"}],"format":"signpost-feed","tools":[{"id":"b"}]}'],
  ] as const;
  it.each(notJson)('throws FeedTextError for %s', (_name, text) => {
    for (const cuts of everyCut(text)) expect(() => read(text, cuts)).toThrow(FeedTextError);
  });

  it('agrees with JSON.parse on any document, cut anywhere', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const doc = fc.record({ before: fc.dictionary(fc.string(), value, { maxKeys: 3 }), tools: fc.array(value, { maxLength: 6 }), after: fc.dictionary(fc.string(), value, { maxKeys: 3 }) });
    fc.assert(
      fc.property(doc, fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom(0, 2), ({ before, tools, after }, cuts, indent) => {
        const { tools: _before, ...head } = before;
        const { tools: _after, ...tail } = after;
        const text = JSON.stringify({ ...head, tools, ...tail }, null, indent);
        const normal = JSON.parse(text) as Record<string, unknown>;
        const result = read(text, cuts.map((cut) => cut % (text.length + 1)));
        expect(result.tools).toEqual(normal.tools);
        expect(result.rest).toEqual({ ...normal, tools: [] });
      }),
      { numRuns: 500 },
    );
  });
});
