// A feed snapshot read as it downloads (issue #15), in little memory: the text is scanned for the
// edges of the top-level "tools" array's elements, each element is read with the browser's own
// JSON.parse as soon as it is complete, and everything else (the envelope, with "tools": [] left
// in it) is kept as text and read once at the end.
// Design note: a token-by-token streaming parser (@streamparser/json) built every string, number and
// object of 100,000 tools out of many small pieces, one TextDecoder call per string; in the
// extension that garbage, not the data kept, was most of the sync's peak memory (sync-memory-profile).
// Every byte still goes through JSON.parse (each element, or the envelope), so a file this scanner
// misreads fails to parse rather than passing: the scanner only decides where pieces start and end.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const isWhitespace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/** The top-level key whose array is streamed element by element. */
const TOOLS_KEY = 'tools';
/** The depth of the tools array's elements: inside the top-level object (1), inside the array (2). */
const ELEMENT_DEPTH = 2;

export class FeedTextError extends Error {}

/**
 * Feed text in, whole tools out. `write` takes the text in pieces of any size (split anywhere) and
 * returns the tools completed in it, as parsed values not yet validated; `end` returns the rest
 * of the document, parsed. Both throw FeedTextError when the text is not JSON.
 */
export class ToolStream {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Inside the tools array: between its elements, or (inElement) inside one. */
  private inTools = false;
  private inElement = false;
  /** What the last thing read in the tools array was: its opening, an element or a comma (`[,1]`, `[1,,2]` and `[1,]` are not JSON). */
  private last: 'opening' | 'element' | 'comma' = 'opening';
  private readonly envelope: string[] = [];
  private element: string[] = [];
  /** The start of the top-level string being read (a key, perhaps): at most one character more than "tools". */
  private key: string | null = null;
  /** The last top-level token was a string, and this its raw text (cut as `key` is). */
  private lastString: string | null = null;
  /** The last top-level tokens were the key "tools" and its colon. */
  private toolsNext = false;
  /** A top-level "tools" list has been read. */
  private toolsRead = false;

  write(text: string): unknown[] {
    const tools: unknown[] = [];
    /** Where the current piece (of the envelope, or of an element) starts in `text`. */
    let start = 0;
    let keyStart = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) {
          this.inString = false;
          if (this.key !== null) this.lastString = keyOf(this.key + text.slice(keyStart, Math.min(i, keyStart + KEY_LIMIT)));
          this.key = null;
        }
        continue;
      }
      if (this.inTools && !this.inElement) {
        if (isWhitespace(code)) continue;
        if (code === COMMA) {
          if (this.last !== 'element') throw new FeedTextError('a comma where a tool should be');
          this.last = 'comma';
          continue;
        }
        if (code === CLOSE_BRACKET) {
          if (this.last === 'comma') throw new FeedTextError('a comma before the end of the tools array');
          this.inTools = false;
          this.depth--;
          start = i;
          continue;
        }
        this.inElement = true;
        start = i;
      } else if (this.inElement && this.depth === ELEMENT_DEPTH && (code === COMMA || code === CLOSE_BRACKET)) {
        this.element.push(text.slice(start, i));
        tools.push(parsed(this.element.join(''), 'a tool'));
        this.element = [];
        this.inElement = false;
        this.last = 'element';
        i--; // read again, between elements
        continue;
      }
      const atTop = !this.inTools && this.depth === 1;
      switch (code) {
        case QUOTE:
          this.inString = true;
          if (atTop) {
            this.key = '';
            keyStart = i + 1;
          }
          break;
        case OPEN_BRACKET:
          if (atTop && this.toolsNext) {
            // JSON.parse keeps the last of two same-named keys; reading both lists would store tools
            // that a publisher's or reviewer's JSON tools never show (a parser differential).
            if (this.toolsRead) throw new FeedTextError('a second "tools" list');
            this.toolsRead = true;
            this.envelope.push(text.slice(start, i + 1));
            this.inTools = true;
            this.last = 'opening';
          }
          this.depth++;
          break;
        case OPEN_BRACE:
          this.depth++;
          break;
        case CLOSE_BRACE:
        case CLOSE_BRACKET:
          this.depth--;
          break;
      }
      if (atTop && !isWhitespace(code)) {
        this.toolsNext = code === COLON && this.lastString === TOOLS_KEY;
        this.lastString = null;
      }
    }
    if (this.inElement) this.element.push(text.slice(start));
    else if (!this.inTools) this.envelope.push(text.slice(start));
    if (this.key !== null) this.key = keyOf(this.key + text.slice(keyStart, keyStart + KEY_LIMIT));
    return tools;
  }

  /** The document without its tools (`write` handed them out), parsed; throws unless the text was one whole JSON document. */
  end(): unknown {
    if (this.inTools || this.inString) throw new FeedTextError('the text ends inside the tools array');
    return parsed(this.envelope.join(''), 'the feed');
  }
}

/** Enough of a key to tell whether it is "tools". */
const KEY_LIMIT = TOOLS_KEY.length + 1;
const keyOf = (text: string) => text.slice(0, KEY_LIMIT);

function parsed(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FeedTextError(`${what} is not valid JSON`);
  }
}
