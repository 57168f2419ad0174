// The publisher's command line: `npm run registry -- <command>`. Only arguments, files and printing
// live here; the commands themselves are in lib/publish and use the extension's own lib code.
import 'fake-indexeddb/auto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { text as readText } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildFeed } from '../lib/publish/build';
import { checkTextReport } from '../lib/publish/check-text';
import { DEFAULT_VALIDITY_DAYS, keygen, rotateKeys, signFeed, verifyFeed, type NamedKey, type SignOptions } from '../lib/publish/signing';
import { DEFAULT_KEEP_DAYS, MANIFEST_FILE, publishFeed } from '../lib/publish/publish';
import { diskFolder } from './disk-folder';
import type { NamedText } from '../lib/publish/csv';
import { lookupReport } from '../lib/publish/lookup';
import type { ExitCode, Report } from '../lib/publish/report';
import { feedSource, readSource, sourceLabel, type ReadDeps } from '../lib/publish/source';
import { KEY_NOT_FOR_BUNDLED, judgingOf } from '../lib/publish/trust';
import { validateFeedText } from '../lib/publish/validate';
import { SignpostDatabase } from '../lib/storage/db';

const USAGE = `Signpost registry tools for feed publishers (see docs/feed-format.md)

Usage: npm run registry -- <command> [options]

  validate FILE|URL [--key PUBLIC-KEY ...]
      Check a feed as Signpost would load and judge it. Prints one line per problem as
      FILE:PATH: message, and for every claim what it will count for in Signpost (issuer, relayed,
      or reported only). --key checks the signature first (the bundled feed is always checked
      against Signpost's own key, and only it relays national bodies). Exit 0: valid. Exit 1: rejected (not JSON, the envelope is
      invalid, the signature does not check out) or not publishable (a claim Signpost refuses,
      such as an issuer name that imitates NICE). Exit 2: loads, but some entries are quarantined.

  build [--csv FILE ...] [--json FILE ...] --envelope FILE --out FILE
        [--sequence N] [--generated-at ISO-DATE-TIME]
      Build a feed from spreadsheet rows (CSV) and/or tools as JSON: at least one input. Writes
      nothing, and exits 1, if any problem would leave an entry out.

  lookup URL [--feed FILE|URL ...] [--key PUBLIC-KEY ...]
      Show what Signpost says about a page, from the given feeds (default: the bundled feed,
      public/feeds/default.json, checked against Signpost's own key): the verdict, who says it
      and for what, why it may be out of date, each claim with how far it counts and its scope,
      and whether patient text would be offered. --key checks the signature of the feeds given
      with --feed; without it they are read unverified, so their claims are reported only.

  keygen --out FILE
      Make a signing key pair. Writes the private key (a JWK) to FILE, readable by you only, and
      prints the public key ("ed25519:…") for subscribers to pin. Keep the private key secret.

  sign FEED --key PRIVATE-KEY-FILE --url URL --out FILE [--url URL ...] [--feed-id ID]
       [--expires-in DAYS] [--rotation FILE ...]
      Sign a feed file's exact bytes (Ed25519) under a header naming it: the feed id (default: the
      publisher id), every address it is published at (a copy served anywhere else is refused),
      its sequence, and how long it stays valid (default ${DEFAULT_VALIDITY_DAYS} days, at most 366: sign it again
      before then). Give --key again to sign with several keys, and every rotation statement you
      ever made with --rotation. Writes the signed feed, the file to publish.

  publish FEED --key PRIVATE-KEY-FILE --url URL --out DIR [--keep-days N] [--feed-id ID]
          [--expires-in DAYS] [--rotation FILE ...]
      Publish a feed as a folder for any static host or CDN: DIR/${MANIFEST_FILE} (the signed manifest,
      at the address subscribers use: give it as --url), DIR/snapshots/SEQUENCE.json (the feed)
      and DIR/patches/FROM-TO.json from every snapshot of the last N days (default ${DEFAULT_KEEP_DAYS}) still in
      DIR, so subscribers a few days behind download only what changed. Upload ${MANIFEST_FILE} last.

  rotate --from OLD-PRIVATE-KEY-FILE --to NEW-PRIVATE-KEY-FILE --feed-id ID --out FILE [--to ...]
      Change signing keys: a rotation statement signed by the old key and every new one. Pass it
      to every later sign with --rotation; subscribers pinning the old key then accept the new one
      and refuse the old one from then on.

  verify FILE|URL --key PUBLIC-KEY [--key PUBLIC-KEY ...]
      Exit 0 only when the feed is signed through one of the given keys (following its rotation
      statements), is not expired and, for an address, names that address; prints its header.
      Otherwise says why not, exit 1.

  check-text TEXT
      Check a peer note's text for patient data (NHS numbers, dates of birth, postcodes, phone
      numbers, email addresses, hospital numbers). Prints each finding (kind and position) and
      exits 1, or prints nothing and exits 0. Give - as TEXT to read the text from standard input.

  help
      Show this text.
`;

const DEFAULT_FEED = fileURLToPath(new URL('../public/feeds/default.json', import.meta.url));

const readDeps: ReadDeps = { readFile: (path) => readFile(path), fetch: globalThis.fetch };

/** A mistake in the command line itself: answered with the usage text, on stderr. */
class UsageError extends Error {}

type Parsed = { values: Record<string, string | string[] | undefined>; positionals: string[] };

/** The options `sign` and `publish` share: keys, addresses, feed id, validity and rotation statements. */
const SIGNING_OPTIONS: NonNullable<ParseArgsConfig['options']> = {
  key: { type: 'string', multiple: true },
  url: { type: 'string', multiple: true },
  'feed-id': { type: 'string' },
  'expires-in': { type: 'string' },
  rotation: { type: 'string', multiple: true },
  out: { type: 'string' },
};

const COMMANDS: Record<string, { options: NonNullable<ParseArgsConfig['options']>; run: (args: Parsed) => Promise<Report> }> = {
  validate: { options: { key: { type: 'string', multiple: true } }, run: validate },
  build: {
    options: {
      csv: { type: 'string', multiple: true },
      json: { type: 'string', multiple: true },
      envelope: { type: 'string' },
      out: { type: 'string' },
      sequence: { type: 'string' },
      'generated-at': { type: 'string' },
    },
    run: build,
  },
  lookup: { options: { feed: { type: 'string', multiple: true }, key: { type: 'string', multiple: true } }, run: lookup },
  'check-text': { options: {}, run: checkText },
  keygen: { options: { out: { type: 'string' } }, run: keygenCommand },
  sign: { options: SIGNING_OPTIONS, run: signCommand },
  publish: { options: { ...SIGNING_OPTIONS, 'keep-days': { type: 'string' } }, run: publishCommand },
  rotate: { options: { from: { type: 'string', multiple: true }, to: { type: 'string', multiple: true }, 'feed-id': { type: 'string' }, out: { type: 'string' } }, run: rotateCommand },
  verify: { options: { key: { type: 'string', multiple: true } }, run: verifyCommand },
};

async function validate({ values, positionals }: Parsed): Promise<Report> {
  const [target, ...extra] = positionals;
  if (!target || extra.length) throw new UsageError('validate takes one feed: a file or an https:// address');
  const source = feedSource(target);
  const keys = list(values.key);
  const judging = judgingOf(source, keys, DEFAULT_FEED);
  if (judging.bundled && keys.length) return { exitCode: 1, lines: [KEY_NOT_FOR_BUNDLED] };
  const read = await readSource(source, readDeps);
  if (!read.ok) return { exitCode: 1, lines: [`${sourceLabel(source)}: ${read.message}`] };
  return validateFeedText(sourceLabel(source), read.text, { now: Date.now(), ...judging });
}

async function build({ values, positionals }: Parsed): Promise<Report> {
  const csv = list(values.csv);
  const json = list(values.json);
  const [envelope, out, sequence, generatedAt] = [values.envelope, values.out, values.sequence, values['generated-at']].map(single);
  if (positionals.length || !envelope || !out || csv.length + json.length === 0) {
    throw new UsageError('build needs --envelope FILE, --out FILE and at least one --csv or --json input');
  }
  if (sequence !== undefined && !/^\d+$/.test(sequence)) throw new UsageError(`--sequence must be a whole number, not "${sequence}"`);

  const inputs = await readAll([...csv, ...json, envelope]);
  if (!inputs.ok) return { exitCode: 1, lines: inputs.lines };
  const { texts } = inputs;
  const result = buildFeed({
    csv: texts.slice(0, csv.length),
    json: texts.slice(csv.length, csv.length + json.length),
    envelope: texts.at(-1)!,
    ...(sequence === undefined ? {} : { sequence: Number(sequence) }),
    generatedAt: generatedAt ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    ...(existsSync(out) ? { previous: { name: out, text: await readFile(out, 'utf8') } } : {}),
  });
  if (!result.ok) return { exitCode: 1, lines: result.lines };
  await writeFile(out, result.text);
  return { exitCode: 0, lines: [...result.lines, `wrote ${out}`] };
}

async function readAll(paths: string[]): Promise<{ ok: true; texts: NamedText[] } | { ok: false; lines: string[] }> {
  const texts: NamedText[] = [];
  const lines: string[] = [];
  for (const path of paths) {
    const read = await readSource({ kind: 'file', path }, readDeps);
    if (read.ok) texts.push({ name: path, text: read.text });
    else lines.push(`${path}: ${read.message}`);
  }
  return lines.length ? { ok: false, lines } : { ok: true, texts };
}

async function lookup({ values, positionals }: Parsed): Promise<Report> {
  const [url, ...extra] = positionals;
  if (!url || extra.length) throw new UsageError('lookup takes one page address, e.g. lookup https://apps.apple.com/gb/app/example/id123456789');
  const feeds = list(values.feed);
  const defaultFeed = relative(process.cwd(), DEFAULT_FEED);
  if (feeds.length === 0 && !existsSync(DEFAULT_FEED)) {
    return { exitCode: 1, lines: [`The bundled feed ${defaultFeed} is not there yet: run npm run feed:default, or give --feed FILE|URL.`] };
  }
  const db = new SignpostDatabase('signpost-registry-cli');
  try {
    const sources = (feeds.length ? [...new Set(feeds)] : [defaultFeed]).map(feedSource);
    return await lookupReport({ ...readDeps, db, now: Date.now(), bundledFeedPath: DEFAULT_FEED }, url, sources, list(values.key));
  } finally {
    db.close();
  }
}

async function checkText({ positionals }: Parsed): Promise<Report> {
  const [text, ...extra] = positionals;
  if (text === undefined || extra.length) throw new UsageError('check-text takes one text, quoted, or - to read it from standard input');
  return checkTextReport(text === '-' ? await readText(process.stdin) : text);
}

async function keygenCommand({ values, positionals }: Parsed): Promise<Report> {
  const out = single(values.out);
  if (!out || positionals.length) throw new UsageError('keygen needs --out FILE for the private key');
  if (existsSync(out)) return { exitCode: 1, lines: [`${out} already exists: Signpost will not overwrite a key file`] };
  const { privateJwkText, report } = await keygen(out);
  // Readable by its owner only: it is a secret.
  await writeFile(out, privateJwkText, { mode: 0o600, flag: 'wx' });
  return report;
}

function days(name: string, value: string | undefined): number | undefined {
  if (value !== undefined && !/^\d+$/.test(value)) throw new UsageError(`${name} must be a whole number of days, not "${value}"`);
  return value === undefined ? undefined : Number(value);
}

/** A signing command's feed, output and SignOptions, its key and rotation files read; or why not. */
async function signingInput(command: string, outWhat: string, { values, positionals }: Parsed): Promise<{ ok: true; feed: string; feedText: string; out: string; options: SignOptions } | { ok: false; report: Report }> {
  const [feed, ...extra] = positionals;
  const [keys, rotations, out] = [list(values.key), list(values.rotation), single(values.out)];
  if (!feed || extra.length || keys.length === 0 || !out) throw new UsageError(`${command} takes one feed file, --key PRIVATE-KEY-FILE, --url URL and --out ${outWhat}`);
  const validityDays = days('--expires-in', single(values['expires-in']));
  const inputs = await readAll([feed, ...keys, ...rotations]);
  if (!inputs.ok) return { ok: false, report: { exitCode: 1, lines: inputs.lines } };
  const [feedText, ...rest] = inputs.texts;
  const feedId = single(values['feed-id']);
  return {
    ok: true,
    feed,
    feedText: feedText!.text,
    out,
    options: {
      keys: named(rest.slice(0, keys.length)),
      rotations: named(rest.slice(keys.length)),
      urls: list(values.url),
      now: Date.now(),
      ...(feedId ? { feedId } : {}),
      ...(validityDays === undefined ? {} : { validityDays }),
    },
  };
}

async function signCommand(args: Parsed): Promise<Report> {
  const input = await signingInput('sign', 'FILE', args);
  if (!input.ok) return input.report;
  const signed = await signFeed(input.feed, input.feedText, input.options);
  if (!signed.ok) return signed.report;
  await writeFile(input.out, signed.text);
  return { exitCode: 0, lines: [...signed.report.lines, `wrote ${input.out}`] };
}

async function publishCommand(args: Parsed): Promise<Report> {
  const keepDays = days('--keep-days', single(args.values['keep-days']));
  const input = await signingInput('publish', 'DIR', args);
  if (!input.ok) return input.report;
  return publishFeed(input.feed, input.feedText, diskFolder(input.out), { ...input.options, ...(keepDays === undefined ? {} : { keepDays }) });
}

async function rotateCommand({ values, positionals }: Parsed): Promise<Report> {
  const [from, to, feedId, out] = [list(values.from), list(values.to), single(values['feed-id']), single(values.out)];
  if (positionals.length || from.length === 0 || to.length === 0 || !feedId || !out) throw new UsageError('rotate needs --from OLD-KEY-FILE, --to NEW-KEY-FILE, --feed-id ID and --out FILE');
  const inputs = await readAll([...from, ...to]);
  if (!inputs.ok) return { exitCode: 1, lines: inputs.lines };
  const texts = named(inputs.texts);
  const rotated = await rotateKeys(feedId, texts.slice(0, from.length), texts.slice(from.length), Date.now());
  if (!rotated.ok) return rotated.report;
  await writeFile(out, rotated.text);
  return { exitCode: 0, lines: [...rotated.report.lines, `wrote ${out}`] };
}

const named = (texts: NamedText[]): NamedKey[] => texts.map(({ name, text }) => ({ file: name, text }));

async function verifyCommand({ values, positionals }: Parsed): Promise<Report> {
  const [target, ...extra] = positionals;
  if (!target || extra.length) throw new UsageError('verify takes one signed feed (a file or an https:// address) and --key PUBLIC-KEY (repeat for several)');
  const source = feedSource(target);
  const read = await readSource(source, readDeps);
  if (!read.ok) return { exitCode: 1, lines: [`${sourceLabel(source)}: ${read.message}`] };
  return verifyFeed(sourceLabel(source), read.text, { keys: list(values.key), bundled: false, ...(source.kind === 'url' ? { url: source.url } : {}) }, Date.now());
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

async function main(argv: string[]): Promise<ExitCode> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return 0;
  }
  try {
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}"`);
    let parsed: Parsed;
    try {
      // Every option is declared as a string, so no value is a boolean.
      parsed = parseArgs({ args, options: command.options, allowPositionals: true }) as Parsed;
    } catch (error) {
      // parseArgs explains an unknown or incomplete option in its own words.
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const report = await command.run(parsed);
    if (report.lines.length) console.log(report.lines.join('\n'));
    return report.exitCode;
  } catch (error) {
    if (error instanceof UsageError) console.error(`error: ${error.message}\n\n${USAGE}`);
    // Whatever a file or a server holds, the answer is a plain message, never a stack trace.
    else console.error(`error: the command could not finish: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
