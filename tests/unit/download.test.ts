// Reading a fetched body into one lent buffer (download.ts readLimited): what a consumer is handed
// must be exactly the bytes sent, however they arrive, and the size cap must hold on that path too.
import { describe, expect, it } from 'vitest';
import { downloadFeed, downloadStream } from '@/lib/sync/download';
import { fakeFetch } from '../helpers/fetch';

const URL_A = 'https://feeds.example/registry.json';

/** A fetched-style body (a byte stream) that arrives in pieces of `piece` bytes. */
function bytesArriving(bytes: Uint8Array, piece: number): Response {
  let offset = 0;
  const body = new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        // A reader waiting with its own buffer is answered only once that buffer is given back (Streams spec).
        return controller.byobRequest?.respond(0);
      }
      controller.enqueue(bytes.slice(offset, offset + piece));
      offset += piece;
    },
  });
  return new Response(body, { status: 200 });
}

/** 300 KB of text with multi-byte characters, so reads end inside characters. */
const longText = Array.from({ length: 6000 }, (_, n) => `{"n":${n},"name":"Tōol ${n} – “quoted” 🩺"}`).join(',');
const longBytes = new TextEncoder().encode(longText);

describe('a body read into one lent buffer', () => {
  it.each([1000, 70_000, 300_000])('downloadFeed keeps every byte when the body arrives in pieces of %i bytes', async (piece) => {
    const { fetch } = fakeFetch(() => bytesArriving(longBytes, piece));
    expect(longBytes.length).toBeGreaterThan(4 * 64 * 1024);
    expect(await downloadFeed({ fetch }, URL_A)).toMatchObject({ status: 'ok', text: longText });
  });

  it('hands a streaming consumer the bytes in order, whatever it does with each before returning', async () => {
    const { fetch } = fakeFetch(() => bytesArriving(longBytes, 50_000));
    const copies: Uint8Array[] = [];
    await downloadStream({ fetch }, URL_A, async (chunk) => {
      copies.push(chunk.slice());
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(new TextDecoder().decode(Buffer.concat(copies))).toBe(longText);
  });

  it('stops at the size cap on this path too', async () => {
    const { fetch } = fakeFetch(() => bytesArriving(longBytes, 50_000));
    await expect(downloadStream({ fetch, maxBytes: 100_000 }, URL_A, () => undefined)).rejects.toMatchObject({ code: 'too-large' });
  });
});
