/**
 * UTF-8 in pieces to text, exactly as `new TextDecoder('utf-8', { fatal: true })` decodes it with
 * `{ stream: true }` (a leading byte order mark dropped, any invalid or cut-off sequence an error),
 * but with runs of ASCII made into strings here, in JavaScript; only the bytes around a non-ASCII
 * character go through the browser's decoder.
 *
 * Design note (issue #15): Chromium hands every string its decoder returns to V8 as an external
 * string (the text stays in Blink's memory, outside the JS heap). A streamed 100,000-tool snapshot
 * decoded 51 MB of them, and measured, they piled up between full collections
 * (sync-memory-profile's "buffers": 48 to 56 MB at the end of the stream, 24 to 35 MB with this
 * decoder; peak resident 333 to 337 MB, 321 to 333 MB with it). Strings made here are ordinary
 * young strings, collected by a scavenge once the tools cut from them are parsed.
 */
export class HeapTextDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /**
   * The browser's decoder must see the next byte: it has not seen the stream's first byte yet (a
   * byte order mark is dropped only there), or the last piece ended inside a non-ASCII run, whose
   * last sequence it may hold unfinished.
   */
  private decoderNext = true;

  /** The text of the next piece; throws a TypeError, as TextDecoder does, at invalid UTF-8. */
  decode(bytes: Uint8Array): string {
    let text = '';
    let start = 0;
    while (start < bytes.length) {
      if (this.decoderNext || bytes[start]! >= 0x80) {
        let end = start;
        while (end < bytes.length && bytes[end]! >= 0x80) end++;
        // The ASCII byte after the run goes through the decoder too: it ends any sequence left open.
        const through = Math.min(end + 1, bytes.length);
        text += this.decoder.decode(bytes.subarray(start, through), { stream: true });
        this.decoderNext = end === bytes.length;
        start = through;
        continue;
      }
      let end = start;
      while (end < bytes.length && bytes[end]! < 0x80) end++;
      text += asciiText(bytes, start, end);
      start = end;
    }
    return text;
  }

  /** The end of the stream: throws if it ends inside a sequence. */
  end(): string {
    this.decoderNext = true;
    return this.decoder.decode();
  }
}

/** How many bytes String.fromCharCode takes as arguments at a time (engines limit a call's arguments). */
const ARGUMENTS_AT_A_TIME = 8192;

function asciiText(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let from = start; from < end; from += ARGUMENTS_AT_A_TIME) {
    text += String.fromCharCode.apply(null, bytes.subarray(from, Math.min(from + ARGUMENTS_AT_A_TIME, end)) as unknown as number[]);
  }
  return text;
}
