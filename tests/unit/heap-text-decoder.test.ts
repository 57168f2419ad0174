import { afterEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { HeapTextDecoder } from '@/lib/feed/heap-text-decoder';

type Outcome = { text: string } | { error: string };

/** What the browser's own decoder makes of the whole stream at once. */
function browserDecoded(bytes: Uint8Array): Outcome {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** The same bytes through HeapTextDecoder, cut into pieces at `cuts`. */
function heapDecoded(bytes: Uint8Array, cuts: readonly number[]): Outcome {
  const decoder = new HeapTextDecoder();
  let text = '';
  let from = 0;
  try {
    for (const cut of [...cuts, bytes.length].sort((a, b) => a - b)) {
      text += decoder.decode(bytes.subarray(from, cut));
      from = cut;
    }
    return { text: text + decoder.end() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytesOf = (...values: number[]) => new Uint8Array(values);
/** Every way of cutting `bytes` in two. */
const everyCut = (bytes: Uint8Array) => Array.from({ length: bytes.length + 1 }, (_, at) => [at]);

/** Bytes near UTF-8: valid text (ASCII, two-, three- and four-byte characters, a byte order mark) and stray bytes. */
const nearUtf8 = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 6 }).map(utf8),
      fc.constantFrom('{"id":"a"}', 'é', '’', '😀', '\uFEFF', 'ﬀ').map(utf8),
      fc.uint8Array({ minLength: 1, maxLength: 3 }),
      fc.constantFrom(bytesOf(0xc0, 0xaf), bytesOf(0xe0, 0x80, 0xaf), bytesOf(0xed, 0xa0, 0x80), bytesOf(0xf4, 0x90, 0x80, 0x80), bytesOf(0xf0, 0x9f), bytesOf(0xe2, 0x80), bytesOf(0x80), bytesOf(0xff)),
    ),
    { maxLength: 12 },
  )
  .map((parts) => {
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
    return bytes;
  });

describe('HeapTextDecoder: UTF-8 as the browser decodes it, ASCII made in the JS heap', () => {
  afterEach(() => vi.restoreAllMocks());

  it('decodes any bytes, cut anywhere, as TextDecoder (fatal) does the whole: the same text, or an error', () => {
    fc.assert(
      fc.property(
        nearUtf8.chain((bytes) => fc.tuple(fc.constant(bytes), fc.uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 5 }))),
        ([bytes, cuts]) => {
          expect(heapDecoded(bytes, cuts)).toEqual(browserDecoded(bytes));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('joins a character cut between two pieces, at every cut', () => {
    const bytes = utf8('a é b ’ c 😀 d');
    for (const cuts of everyCut(bytes)) expect(heapDecoded(bytes, cuts)).toEqual({ text: 'a é b ’ c 😀 d' });
  });

  it('drops a byte order mark only at the start of the stream, as TextDecoder does', () => {
    expect(heapDecoded(utf8('\uFEFF{"a":1}'), [])).toEqual({ text: '{"a":1}' });
    // The browser's decoder first meets this one mid-stream, after ASCII decoded here: it must not take it for the start.
    for (const cuts of everyCut(utf8('{"a":"\uFEFF"}'))) expect(heapDecoded(utf8('{"a":"\uFEFF"}'), cuts)).toEqual({ text: '{"a":"\uFEFF"}' });
  });

  it('refuses a character cut off by ASCII, by the end of the stream, or by a piece boundary then ASCII', () => {
    const cutOff = bytesOf(0x61, 0xe2, 0x80, 0x62); // "a", the first two bytes of "’", "b"
    for (const cuts of everyCut(cutOff)) expect(heapDecoded(cutOff, cuts)).toEqual({ error: 'TypeError' });
    const endsInside = bytesOf(0x61, 0xf0, 0x9f, 0x98);
    for (const cuts of everyCut(endsInside)) expect(heapDecoded(endsInside, cuts)).toEqual({ error: 'TypeError' });
  });

  it('refuses what TextDecoder refuses: overlong forms, surrogates, code points above U+10FFFF, stray continuation bytes', () => {
    for (const bad of [bytesOf(0xc0, 0xaf), bytesOf(0xe0, 0x80, 0xaf), bytesOf(0xed, 0xa0, 0x80), bytesOf(0xf4, 0x90, 0x80, 0x80), bytesOf(0x80), bytesOf(0xfe)]) {
      const bytes = new Uint8Array([...utf8('{"x":"'), ...bad, ...utf8('"}')]);
      for (const cuts of everyCut(bytes)) expect(heapDecoded(bytes, cuts)).toEqual({ error: 'TypeError' });
    }
  });

  it('makes ASCII text itself: the browser decoder sees only the first byte of an ASCII stream (a decoder string would outlive its tools, issue #15)', () => {
    const seen: number[] = [];
    const decode = TextDecoder.prototype.decode;
    vi.spyOn(TextDecoder.prototype, 'decode').mockImplementation(function (this: TextDecoder, input?: AllowSharedBufferSource, options?: TextDecodeOptions) {
      seen.push(input ? input.byteLength : 0);
      return decode.call(this, input, options);
    });
    const decoder = new HeapTextDecoder();
    const text = `{"tools":[${Array.from({ length: 2000 }, (_, n) => `{"id":"tool-${n}"}`).join(',')}]}`;
    const bytes = utf8(text);
    let decoded = '';
    for (let at = 0; at < bytes.length; at += 4096) decoded += decoder.decode(bytes.subarray(at, at + 4096));
    decoded += decoder.end();
    expect(decoded).toBe(text);
    expect(seen.reduce((sum, length) => sum + length, 0)).toBe(1);
  });
});
