// Property-based tests (fast-check) for Signpost's boundaries: the feed parser, the URL recogniser,
// the runtime-message validator and the patient-data detector. Each property runs hundreds to
// thousands of generated inputs and checks "no crash, no unexpected acceptance": whatever comes
// in, nothing throws, and everything let through satisfies the invariants the card and the
// popup rely on (links are http(s), ids and vocabularies are closed, notes hold no patient data).
//
// Generators here are independent of the code under test: the Modulus 11 check digit, the URL
// shapes and the expected fate of every mutated feed entry are worked out in this file.
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { handleMessage, type BackgroundContext, type MessageSender } from '@/lib/background/handlers';
import { pageLinks, type PageDocument } from '@/lib/background/page-links';
import { parseFeed } from '@/lib/feed/parse';
import { readFeedDocument } from '@/lib/feed/signature';
import { verifyFeedDocument } from '@/lib/feed/verify';
import { validateFeedText } from '@/lib/publish/validate';
import { SyncError } from '@/lib/sync/errors';
import { endorsementSchema, envelopeSchema, factSchema, toolIdSchema } from '@/lib/feed/schema';
import { ENDORSEMENT_STATUSES, FACT_TOPICS, ISSUER_KINDS, PLATFORMS, PUBLISHER_KINDS, SOURCE_TYPES } from '@/lib/feed/vocabulary';
import { listingKey } from '@/lib/lookup/keys';
import { buildReport } from '@/lib/monitoring/report';
import { recogniseUrl } from '@/lib/lookup/recognise';
import { extensionPageRequestSchema, pageRequestSchema } from '@/lib/messaging/protocol';
import { findPatientData, IDENTIFIER_KINDS, POSSIBLE_KINDS, someoneElsesByWords, type PatientDataKind } from '@/lib/notes/patient-data';
import { feedNoteSchema } from '@/lib/notes/schema';
import { NOTE_VERDICTS, ROLES } from '@/lib/notes/vocabulary';
import { NO_NOTES } from '@/lib/notes/view';
import type { HiddenCard } from '@/lib/settings/dismissed';
import { SHIPPED_TRUST_ROOT } from '@/lib/trust/trust-root';

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/** Runs per property; FUZZ_SCALE=10 npx vitest run tests/unit/property.test.ts searches ten times deeper. */
const runs = (count: number) => Math.max(1, Math.round(count * Number(process.env.FUZZ_SCALE ?? 1)));

/** Object.prototype's own keys before any property ran: a parser must never add to them. */
const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_KEYS);
});

/** fc.anything() with every kind of value switched on. */
const anyValue = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/**
 * Whether a link, as a browser would read it from an href, is http(s). Checked twice: with the
 * WHATWG parser (what the browser does), and textually (leading C0 controls and spaces dropped,
 * tabs and newlines removed, as the URL parser does), so neither check alone decides.
 */
function isWebLink(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, '').toLowerCase();
  return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && /^https?:/.test(text);
}

const TOOL_ID = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const NOTE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const APPLE_ID = /^\d{5,12}$/;
const PLAY_PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;

const oneOf = <T>(values: readonly T[], value: unknown): boolean => (values as readonly unknown[]).includes(value);

/** Independent Modulus 11 (NHS number) check digit for nine digits: 0-9, or 10 meaning "no valid number". */
function mod11CheckDigit(nine: readonly number[]): number {
  let sum = 0;
  nine.forEach((digit, index) => {
    sum += digit * (10 - index);
  });
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

// ---------------------------------------------------------------------------------------------
// Feed generators: valid entries, and mutations whose effect on validity is known in advance
// ---------------------------------------------------------------------------------------------

/**
 * Characters for generated free text: letters (some non-Latin), spaces and HTML-ish punctuation,
 * never a digit or "@", so no generated text can hold patient data by accident.
 */
const TEXT_CHAR = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ éüßøłж漢字—’\'"<>&/;:=()!?.,-_'.split(''), '😀');
/** Markup and prototype keys: valid text (and valid names), which must only ever be shown as text. */
const HOSTILE_NAMES = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  '"><svg onload=window.__xss=1>',
  'javascript:window.__xss=1',
  '{{constructor.constructor("return 1")()}}',
  '__proto__',
];
// An invisible character is allowed in free text, never in a name (see `name` below).
const HOSTILE_TEXT = fc.constantFrom(...HOSTILE_NAMES, 'evil\u200Bname');

const fitsIn = (max: number) => (value: string) => value.trim().length > 0 && value.trim().length <= max;

/** A valid short text of at most `max` UTF-16 units after trimming. */
const text = (max: number) =>
  fc.oneof({ weight: 5, arbitrary: fc.string({ unit: TEXT_CHAR, minLength: 1, maxLength: Math.min(max, 40) }) }, { weight: 1, arbitrary: HOSTILE_TEXT }).filter(fitsIn(max));

// Names (issuer, publisher, tool) are read as identities, so they must show what they say: no
// invisible characters, and no word mixing Latin letters with Cyrillic or Greek look-alikes
// (docs/trust-model.md, "Names"). A valid name is built of words each in one script, apart.
const NAME_SCRIPTS = ['abcdefghijklmnopqrstuvwxyzABCXYZéüßøł', 'жабвгдЖБ', 'αβγδΩΣ', '漢字'];
const NAME_SEPARATOR = fc.constantFrom(...' —’\'"<>&/;:=()!?.,-_'.split(''), '😀');
const nameWord = fc.oneof(...NAME_SCRIPTS.map((letters) => fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 12 })));
/** A valid name of at most `max` UTF-16 units after trimming. */
const name = (max: number) =>
  fc
    .oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(nameWord, fc.array(fc.tuple(fc.string({ unit: NAME_SEPARATOR, minLength: 1, maxLength: 2 }), nameWord), { maxLength: 3 }))
          .map(([first, rest]) => first + rest.map(([separator, word]) => separator + word).join('')),
      },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NAMES) },
    )
    .filter(fitsIn(max));

const year = fc.integer({ min: 1000, max: 9999 }).map(String);
const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
const partialDate = fc.oneof(year, fc.tuple(year, two(1, 12)).map(([y, m]) => `${y}-${m}`), fc.tuple(year, two(1, 12), two(1, 31)).map(([y, m, d]) => `${y}-${m}-${d}`));
const dateOrUnknown = fc.oneof(partialDate, fc.constant('unknown'));
const timestamp = fc
  .tuple(fc.integer({ min: 2000, max: 2099 }), two(1, 12), two(1, 28), two(0, 23), two(0, 59), fc.constantFrom('Z', '+01:00', '-05:30', '.123Z'))
  .map(([y, mo, d, h, mi, zone]) => `${y}-${mo}-${d}T${h}:${mi}:00${zone}`);

const goodUrl = fc.oneof(
  fc.constantFrom('https://charity.example/apps', 'http://localhost:8080/feed', 'HTTPS://WWW.NICE.ORG.UK/guidance/hte8', ' https://lead.example/space'),
  fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }).filter((url) => url.length <= 2000 && isWebLink(url)),
);
const goodOrigin = fc.constantFrom('https://www.sleepio.com', 'http://localhost:3000', 'https://nhs.uk/', 'https://xn--bcher-kva.example');

const appleId = fc.stringMatching(/^\d{5,12}$/);
const playPackage = fc
  .array(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,8}$/), { minLength: 2, maxLength: 4 })
  .map((parts) => parts.join('.'))
  .filter((id) => id.length <= 150);
const identifiers = fc.record(
  {
    apple: fc.array(appleId, { maxLength: 3 }),
    googlePlay: fc.array(playPackage, { maxLength: 3 }),
    web: fc.array(fc.record({ origin: goodOrigin, pathPrefix: fc.constantFrom('/', '/nhs-app', '/a/b-c') }, { requiredKeys: ['origin'] }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
/** A note must name its tool by at least one identifier. */
const noteIdentifiers = fc.oneof(
  appleId.map((id) => ({ apple: [id] })),
  playPackage.map((id) => ({ googlePlay: [id] })),
  goodOrigin.map((origin) => ({ web: [{ origin }] })),
);

// Values that are surely invalid for a field of each kind.
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));
/** For fields that must be objects: anything but one. */
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.string({ maxLength: 10 }));
const badText = (max: number) =>
  fc.oneof(
    fc.constant(''),
    fc.constantFrom(' ', '\t\n ', '\u00A0', '\u3000\u2028'),
    // Invisible only, or reordering what follows ("\u202EECIN" would show as "NICE").
    fc.constantFrom('\u200B', '\u200B\u200D\uFEFF', '\u202EECIN', 'NICE\u2066x\u2069', 'a\u202Db'),
    fc.integer({ min: 1, max: 40 }).map((extra) => 'x'.repeat(max + extra)),
    notAString,
  );
/** Names that would read as another: invisible characters, or Latin mixed with look-alike letters in one word. */
const badName = (max: number) =>
  fc.oneof(
    badText(max),
    fc.constantFrom(
      'NI\u200BCE',
      'NI\u00ADCE',
      '\u2060NICE',
      'NHS\u200DEngland',
      'NI\uFEFFCE',
      '\u200ENICE',
      'evil\u200Bname',
      'NI\u0421E',
      'P\u0430ypal',
      '\u039d\u0399CE',
      'Example ICBж',
    ),
  );
const badEnum = (vocabulary: readonly string[]) =>
  fc.oneof(
    fc.string({ maxLength: 20 }).filter((value) => !vocabulary.includes(value)),
    fc.constantFrom(...vocabulary).map((value) => value.toUpperCase()),
    fc.constantFrom(...vocabulary).map((value) => ` ${value}`),
    fc.constantFrom('__proto__', 'constructor', 'toString'),
    notAString,
  );
/** Links that must never reach a card: other schemes, relative or malformed, or too long. */
const BAD_URLS = [
  'javascript:window.__xss=1',
  'JavaScript:alert(1)',
  ' javascript:alert(1)',
  '\u0001javascript:alert(1)',
  'java\nscript:alert(1)',
  'java\tscript:alert(1)',
  'javascript://https://example.com/%0aalert(1)',
  'data:text/html,<script>alert(1)</script>',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
  'ftp://files.example/x',
  'chrome://settings',
  'chrome-extension://abcdefghijklmnopabcdefghijklmnop/options.html',
  'blob:https://example.com/0b1c2d3e',
  'about:blank',
  'mailto:someone@example.com',
  '//evil.example/x',
  '/relative/path',
  'https//missing-colon.example',
  'https://',
  'http://[::1',
  '',
];
const badUrl = fc.oneof(
  fc.constantFrom(...BAD_URLS),
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9+.-]{0,10}$/), fc.string({ maxLength: 30 }))
    .filter(([scheme]) => scheme !== 'http' && scheme !== 'https')
    .map(([scheme, rest]) => `${scheme}:${rest}`),
  fc.integer({ min: 1, max: 500 }).map((extra) => `https://long.example/${'a'.repeat(2000 + extra)}`),
  notAString,
);
const badPartialDate = fc.oneof(fc.constantFrom('22', '2022-1', '2022-13', '2022-00', '2022-05-32', '2022-05-00', '2022/05/01', '05/2022', '2022-05-01T00:00:00Z', ''), notAString);
const badTimestamp = fc.oneof(fc.constantFrom('2026-11-01', '2026-11-01T09:00:00', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', 'yesterday', ''), notAString);
const badToolId = fc.oneof(
  fc.constantFrom('', 'Upper', '-lead', '.lead', '_lead', 'a b', '../etc', 'tool/1', 'é', 'a'.repeat(101), 'tool\n'),
  notAString,
);
const badNoteId = fc.oneof(fc.constantFrom('', '-lead', '.lead', 'a b', '../etc', 'a'.repeat(101), 'note#1'), notAString);
const badTextArray = (itemMax: number, maxItems: number) =>
  fc.oneof(
    fc.constant('asthma'),
    notAString.filter((value) => !Array.isArray(value)),
    fc.constant(['ok', '']),
    fc.constant(['ok', 'x'.repeat(itemMax + 1)]),
    fc.constant(['ok', 3]),
    fc.constant(Array.from({ length: maxItems + 1 }, (_, index) => `item ${String.fromCharCode(97 + (index % 26))}`)),
  );
const badIdentifiers = fc.oneof(
  fc.constantFrom(
    'apple:1388411277',
    { apple: ['1234'] },
    { apple: ['1234567890123'] },
    { apple: ['id1388411277'] },
    { apple: [1388411277] },
    { apple: '1388411277' },
    { googlePlay: ['nodots'] },
    { googlePlay: ['1com.example'] },
    { googlePlay: ['com.example.'] },
    { googlePlay: ['com.exa-mple'] },
    { googlePlay: ['<script>.x'] },
    { web: [{ origin: 'javascript:alert(1)' }] },
    { web: [{ origin: 'https://site.example/path' }] },
    { web: [{ origin: 'https://user@site.example' }] },
    { web: [{ origin: 'https://site.example/?q=1' }] },
    { web: [{ origin: 'https://site.example', pathPrefix: 'no-slash' }] },
    { web: [{ origin: 'https://site.example', pathPrefix: '/a?b' }] },
    { web: ['https://site.example'] },
  ),
  fc.constant({ apple: Array.from({ length: 21 }, (_, index) => String(10000 + index)) }),
  notAnObject,
);
/** A valid NHS number (spaced), an email or a postcode: each makes a note invalid. */
const patientDataText = fc.constantFrom('Set up for 943 476 5919 today', 'email me at someone@example.com', 'lives near SW1A 1AA', 'born 01/02/1960');
const badNoteIdentifiers = fc.oneof(fc.constant({}), fc.constant({ apple: [] }), badIdentifiers);

interface FieldRules {
  required: readonly string[];
  /** Surely invalid values, per field. */
  invalid: Record<string, fc.Arbitrary<unknown>>;
}

const ENDORSEMENT_RULES: FieldRules = {
  required: ['issuer', 'issuerKind', 'status', 'decisionDate', 'sourceUrl', 'sourceType'],
  invalid: {
    issuer: badName(200),
    issuerKind: badEnum(ISSUER_KINDS),
    status: badEnum(ENDORSEMENT_STATUSES),
    guidanceCode: badText(40),
    decisionDate: fc.oneof(badPartialDate, fc.constant('Unknown')),
    dateNote: badText(500),
    reviewDate: fc.oneof(badPartialDate, fc.constant('unknown')),
    sourceUrl: badUrl,
    sourceType: badEnum(SOURCE_TYPES),
    quote: badText(600),
    conditions: badTextArray(80, 30),
    note: badText(1000),
    // Format v2: scope, validity and supersession.
    platforms: fc.oneof(fc.constant([]), fc.constant(['ios', 'android', 'web', 'ios']), fc.constant('ios'), fc.constant(['windows']), fc.constant(['iOS']), notAString),
    population: fc.oneof(
      notAnObject,
      fc.constantFrom({}, { minAge: 18, maxAge: 5 }, { minAge: -1 }, { maxAge: 121 }, { minAge: 1.5 }, { minAge: '18' }, { description: '' }, { description: '\u200B' }),
    ),
    setting: badText(300),
    versions: fc.oneof(notAnObject, fc.constantFrom({ ios: '' }, { android: 'x'.repeat(61) }, { web: 3 })),
    expiresAt: fc.oneof(badPartialDate, fc.constant('unknown')),
    supersedes: badTextArray(40, 20),
    verify: badText(500),
  },
};

const FACT_RULES: FieldRules = {
  required: ['topic', 'text', 'sourceType'],
  invalid: { topic: badEnum(FACT_TOPICS), text: badText(500), sourceUrl: badUrl, sourceType: badEnum(SOURCE_TYPES), date: badPartialDate },
};

const TOOL_RULES: FieldRules = {
  required: ['id', 'name'],
  invalid: {
    id: badToolId,
    name: badName(200),
    publisher: badName(200).filter((value) => value !== null),
    description: badText(1000),
    identifiers: badIdentifiers,
    conditions: badTextArray(80, 50),
    endorsements: fc.oneof(fc.constant('none'), fc.constant({ 0: {} }), fc.constant(Array.from({ length: 501 }, () => ({})))),
    facts: fc.oneof(fc.constant(42), fc.constant(Array.from({ length: 101 }, () => null))),
  },
};

const NOTE_RULES: FieldRules = {
  required: ['id', 'toolName', 'identifiers', 'verdict', 'text', 'author', 'createdAt', 'updatedAt'],
  invalid: {
    id: badNoteId,
    toolName: badText(200),
    identifiers: badNoteIdentifiers,
    verdict: badEnum(NOTE_VERDICTS),
    text: fc.oneof(badText(2000), patientDataText),
    conditions: badTextArray(80, 20),
    tags: fc.oneof(
      badTextArray(40, 10),
      patientDataText.map((found) => ['ok', found.slice(0, 40)]).filter(([, tag]) => findPatientData(tag!).length > 0),
    ),
    author: fc.oneof(
      notAnObject,
      fc.constant({}),
      fc.constant({ name: '' }),
      fc.constant({ name: '   ' }),
      fc.constant({ name: 'x'.repeat(101) }),
      badEnum(ROLES).map((role) => ({ name: 'Dr A. Example', role })),
      badText(200).map((organisation) => ({ name: 'Dr A. Example', organisation })),
    ),
    createdAt: badTimestamp,
    updatedAt: badTimestamp,
  },
};

/**
 * What is done to one entry, as data (so fast-check prints it in a counterexample). `fate` says
 * whether the entry must be quarantined ('invalid'), must be accepted ('valid'), or may be either.
 */
type Mutation =
  | { op: 'none'; fate: 'valid' }
  | { op: 'set'; field: string; value: unknown; fate: 'invalid' | 'valid' | 'unknown' }
  | { op: 'delete'; field: string; fate: 'invalid' }
  | { op: 'replace'; value: unknown; fate: 'unknown' }
  | { op: 'duplicate-id'; fate: 'valid' };

/** Fields no part of a feed has: kept out of the parsed data, and each one warned about. */
const UNKNOWN_FIELDS = ['x-extra', 'onerror', 'innerHTML', 'href', '$schema', 'expiresOn'];

function mutation(rules: FieldRules, { duplicates = false } = {}): fc.Arbitrary<Mutation> {
  const fields = Object.keys(rules.invalid);
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Mutation>({ op: 'none', fate: 'valid' }) },
    {
      weight: 6,
      arbitrary: fc.constantFrom(...fields).chain((field) => rules.invalid[field]!.map((value): Mutation => ({ op: 'set', field, value, fate: 'invalid' }))),
    },
    { weight: 1, arbitrary: fc.constantFrom(...rules.required).map((field): Mutation => ({ op: 'delete', field, fate: 'invalid' })) },
    // Unknown fields (a misspelt "expiresOn" among them) are dropped with a warning, never refused, so newer publishers stay readable.
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...UNKNOWN_FIELDS), fc.jsonValue({ maxDepth: 2 }))
        .map(([field, value]): Mutation => ({ op: 'set', field, value, fate: 'valid' })),
    },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...fields), anyValue).map(([field, value]): Mutation => ({ op: 'set', field, value, fate: 'unknown' })) },
    { weight: 1, arbitrary: anyValue.map((value): Mutation => ({ op: 'replace', value, fate: 'unknown' })) },
    { weight: duplicates ? 1 : 0, arbitrary: fc.constant<Mutation>({ op: 'duplicate-id', fate: 'valid' }) },
  );
}

function applyMutation(entry: Record<string, unknown>, change: Mutation, firstId: string): unknown {
  switch (change.op) {
    case 'none':
      return entry;
    case 'set':
      // defineProperty, so a field named like "__proto__" would be an own property, as JSON.parse makes it.
      return Object.defineProperty({ ...entry }, change.field, { value: change.value, enumerable: true, writable: true, configurable: true });
    case 'delete': {
      const { [change.field]: _dropped, ...rest } = entry;
      return rest;
    }
    case 'replace':
      return change.value;
    case 'duplicate-id':
      return { ...entry, id: firstId };
  }
}

interface Generated<T> {
  base: T;
  change: Mutation;
}

const endorsementArb = fc.record({
  base: fc.record(
    {
      issuer: name(200),
      issuerKind: fc.constantFrom(...ISSUER_KINDS),
      status: fc.constantFrom(...ENDORSEMENT_STATUSES),
      guidanceCode: text(40),
      decisionDate: dateOrUnknown,
      dateNote: text(500),
      reviewDate: partialDate,
      sourceUrl: goodUrl,
      sourceType: fc.constantFrom(...SOURCE_TYPES),
      quote: text(600),
      conditions: fc.array(text(80), { maxLength: 3 }),
      note: text(1000),
      platforms: fc.uniqueArray(fc.constantFrom(...PLATFORMS), { minLength: 1, maxLength: PLATFORMS.length }),
      population: fc
        .record({ minAge: fc.integer({ min: 0, max: 120 }), maxAge: fc.integer({ min: 0, max: 120 }), description: text(300) }, { requiredKeys: [] })
        .filter((population) => Object.keys(population).length > 0 && (population.minAge ?? 0) <= (population.maxAge ?? 120)),
      setting: text(300),
      versions: fc.record({ ios: text(60), android: text(60), web: text(60) }, { requiredKeys: [] }),
      expiresAt: partialDate,
      supersedes: fc.array(text(40), { maxLength: 3 }),
      verify: text(500),
    },
    { requiredKeys: ENDORSEMENT_RULES.required as ('issuer' | 'issuerKind' | 'status' | 'decisionDate' | 'sourceUrl' | 'sourceType')[] },
  ),
  change: mutation(ENDORSEMENT_RULES),
});

const factArb = fc.record({
  base: fc.record(
    { topic: fc.constantFrom(...FACT_TOPICS), text: text(500), sourceUrl: goodUrl, sourceType: fc.constantFrom(...SOURCE_TYPES), date: dateOrUnknown },
    { requiredKeys: ['topic', 'text', 'sourceType'] },
  ),
  change: mutation(FACT_RULES),
});

const toolArb = fc.record({
  base: fc.record(
    {
      name: name(200),
      publisher: fc.oneof(name(200), fc.constant(null)),
      description: text(1000),
      identifiers,
      conditions: fc.array(fc.oneof(fc.constantFrom('asthma', 'copd', 'insomnia'), text(80)), { maxLength: 3 }),
    },
    { requiredKeys: ['name'] },
  ),
  change: mutation(TOOL_RULES, { duplicates: true }),
  endorsements: fc.array(endorsementArb, { maxLength: 4 }),
  facts: fc.array(factArb, { maxLength: 3 }),
});

const noteArb = fc.record({
  base: fc.record(
    {
      id: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/),
      toolName: text(200),
      identifiers: noteIdentifiers,
      verdict: fc.constantFrom(...NOTE_VERDICTS),
      text: text(2000),
      conditions: fc.array(text(80), { maxLength: 3 }),
      tags: fc.array(text(40), { maxLength: 3 }),
      author: fc.record(
        { name: text(100), role: fc.constantFrom(...ROLES), organisation: text(200) },
        { requiredKeys: ['name'] },
      ),
      createdAt: timestamp,
      updatedAt: timestamp,
    },
    { requiredKeys: ['id', 'toolName', 'identifiers', 'verdict', 'text', 'author', 'createdAt', 'updatedAt'] },
  ),
  change: mutation(NOTE_RULES, { duplicates: true }),
});

/** The envelope's other valid fields: format 1 is still read as format 2. */
const envelopeArb = fc.record({ version: fc.constantFrom(1, 2), staleAfterDays: fc.integer({ min: 1, max: 365 }), expiresAt: timestamp }, { requiredKeys: ['version'] });

const publisherArb = fc.record(
  { id: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/), name: name(200), kind: fc.constantFrom(...PUBLISHER_KINDS), url: goodUrl },
  { requiredKeys: ['id', 'name', 'kind'] },
);

type Fate = 'valid' | 'invalid' | 'unknown';

/**
 * Fates for a list with unique ids: the first entry with an id wins, later ones are quarantined.
 * An entry that may or may not be accepted makes later entries with its id uncertain too.
 */
function fatesWithIds(entries: readonly { raw: unknown; fate: Fate }[]): Fate[] {
  const sure = new Set<string>();
  const maybe = new Set<string>();
  return entries.map(({ raw, fate }) => {
    const id = (raw as { id?: unknown } | null | undefined)?.id;
    if (fate === 'invalid') return 'invalid';
    if (typeof id !== 'string') return fate;
    if (sure.has(id)) return 'invalid';
    if (fate === 'valid' && !maybe.has(id)) {
      sure.add(id);
      return 'valid';
    }
    maybe.add(id);
    return 'unknown';
  });
}

const touches = (change: Mutation, field: string) => change.op === 'replace' || ((change.op === 'set' || change.op === 'delete') && change.field === field);

/** An unknown field added to an entry: `entry` is the entry's path, `tool` the index of its tool. */
interface AddedField {
  entry: string;
  tool: number;
  field: string;
}

const addedField = (change: Mutation, entry: string, tool: number): AddedField[] =>
  change.op === 'set' && UNKNOWN_FIELDS.includes(change.field) ? [{ entry, tool, field: change.field }] : [];

interface BuiltFeed {
  raw: Record<string, unknown>;
  toolFates: Fate[];
  endorsementFates: Fate[][];
  factFates: Fate[][];
  /** Unknown fields added to tools, endorsements and facts (notes are not warned about). */
  addedFields: AddedField[];
  noteFates: Fate[];
}

function buildFeed(
  publisher: Record<string, unknown>,
  tools: readonly (Generated<Record<string, unknown>> & { endorsements: Generated<Record<string, unknown>>[]; facts: Generated<Record<string, unknown>>[] })[],
  notes: readonly Generated<Record<string, unknown>>[],
  envelope: Record<string, unknown> = { version: 1 },
): BuiltFeed {
  const toolEntries = tools.map((generated, index) => {
    const endorsements = generated.endorsements.map(({ base, change }) => ({ raw: applyMutation(base, change, ''), fate: change.fate }));
    const facts = generated.facts.map(({ base, change }) => ({ raw: applyMutation(base, change, ''), fate: change.fate }));
    const shell = { id: `tool-${index}`, ...generated.base, endorsements: endorsements.map((entry) => entry.raw), facts: facts.map((entry) => entry.raw) };
    return { raw: applyMutation(shell, generated.change, 'tool-0'), fate: generated.change.fate as Fate, endorsements, facts };
  });
  const noteEntries = notes.map(({ base, change }) => ({ raw: applyMutation(base, change, String(notes[0]?.base.id)), fate: change.fate as Fate }));
  return {
    raw: {
      format: 'signpost-feed',
      ...envelope,
      publisher,
      sequence: 7,
      generatedAt: '2026-11-01T00:00:00Z',
      tools: toolEntries.map((entry) => entry.raw),
      notes: noteEntries.map((entry) => entry.raw),
    },
    toolFates: fatesWithIds(toolEntries),
    // A tool-level change to a list (or to the whole tool) means the generated items are not what was sent.
    endorsementFates: toolEntries.map((entry, index) => entry.endorsements.map((item) => (touches(tools[index]!.change, 'endorsements') ? 'unknown' : item.fate))),
    factFates: toolEntries.map((entry, index) => entry.facts.map((item) => (touches(tools[index]!.change, 'facts') ? 'unknown' : item.fate))),
    addedFields: tools.flatMap((generated, index) => [
      ...addedField(generated.change, `tools[${index}]`, index),
      ...(['endorsements', 'facts'] as const).flatMap((list) =>
        touches(generated.change, list) ? [] : generated[list].flatMap(({ change }, item) => addedField(change, `tools[${index}].${list}[${item}]`, index)),
      ),
    ]),
    noteFates: fatesWithIds(noteEntries),
  };
}

// Independent of lib/trust/names.ts: what a name read as an identity must never hold once accepted.
const INVISIBLE_OR_REORDERING = /[\u00AD\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
const LATIN_LETTER = /\p{Script=Latin}/u;
const LOOK_ALIKE_LETTER = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
function readsAsItself(value: string): boolean {
  return !INVISIBLE_OR_REORDERING.test(value) && value.split(/[^\p{L}\p{M}]+/u).every((word) => !(LATIN_LETTER.test(word) && LOOK_ALIKE_LETTER.test(word)));
}

type Parsed = Extract<ReturnType<typeof parseFeed>, { ok: true }>;

/** Every invariant an accepted feed must satisfy, whatever it was made from. */
function checkAcceptedFeed(result: Parsed): void {
  const { feed } = result;
  expect(TOOL_ID.test(feed.publisher.id)).toBe(true);
  expect(oneOf(PUBLISHER_KINDS, feed.publisher.kind)).toBe(true);
  if (feed.publisher.url !== undefined) expect(isWebLink(feed.publisher.url)).toBe(true);
  expect(readsAsItself(feed.publisher.name)).toBe(true);
  for (const tool of feed.tools) {
    expect(readsAsItself(tool.name)).toBe(true);
    if (typeof tool.publisher === 'string') expect(readsAsItself(tool.publisher)).toBe(true);
    expect(TOOL_ID.test(tool.id)).toBe(true);
    expect(toolIdSchema.safeParse(tool.id).success).toBe(true);
    expect(tool.name.trim()).toBe(tool.name);
    expect(tool.name.length).toBeGreaterThan(0);
    for (const id of tool.identifiers.apple ?? []) expect(APPLE_ID.test(id)).toBe(true);
    for (const id of tool.identifiers.googlePlay ?? []) expect(PLAY_PACKAGE.test(id)).toBe(true);
    for (const web of tool.identifiers.web ?? []) expect(isWebLink(web.origin)).toBe(true);
    for (const endorsement of tool.endorsements) {
      expect(isWebLink(endorsement.sourceUrl)).toBe(true);
      expect(oneOf(ENDORSEMENT_STATUSES, endorsement.status)).toBe(true);
      expect(oneOf(ISSUER_KINDS, endorsement.issuerKind)).toBe(true);
      expect(oneOf(SOURCE_TYPES, endorsement.sourceType)).toBe(true);
      expect(readsAsItself(endorsement.issuer)).toBe(true);
      for (const platform of endorsement.platforms ?? []) expect(oneOf(PLATFORMS, platform)).toBe(true);
      const { minAge = 0, maxAge = 120 } = endorsement.population ?? {};
      expect(minAge).toBeLessThanOrEqual(maxAge);
      // Accepted data is a fixed point: parsing it again accepts it unchanged.
      expect(endorsementSchema.parse(endorsement)).toEqual(endorsement);
    }
    for (const fact of tool.facts) {
      if (fact.sourceUrl !== undefined) expect(isWebLink(fact.sourceUrl)).toBe(true);
      expect(oneOf(FACT_TOPICS, fact.topic)).toBe(true);
      expect(oneOf(SOURCE_TYPES, fact.sourceType)).toBe(true);
      expect(factSchema.parse(fact)).toEqual(fact);
    }
  }
  const noteIds = new Set<string>();
  for (const note of feed.notes ?? []) {
    expect(findPatientData(note.text)).toEqual([]);
    for (const tag of note.tags) expect(findPatientData(tag)).toEqual([]);
    expect(NOTE_ID.test(note.id)).toBe(true);
    expect(noteIds.has(note.id)).toBe(false);
    noteIds.add(note.id);
    expect(oneOf(NOTE_VERDICTS, note.verdict)).toBe(true);
    if (note.author.role !== undefined) expect(oneOf(ROLES, note.author.role)).toBe(true);
    expect(note.author.name.trim().length).toBeGreaterThan(0);
    const { apple = [], googlePlay = [], web = [] } = note.identifiers;
    expect(apple.length + googlePlay.length + web.length).toBeGreaterThan(0);
    for (const origin of web) expect(isWebLink(origin.origin)).toBe(true);
    expect(feedNoteSchema.parse(note)).toEqual(note);
  }
  // Quarantine paths are unique: an entry is left out once.
  const paths = result.quarantined.map((entry) => entry.path);
  expect(new Set(paths).size).toBe(paths.length);
}

/**
 * Quarantined + accepted = input, per list. Accepted tools are matched back to their input index
 * through the tool-level quarantine paths.
 */
function checkCounts(input: Record<string, unknown>, result: Parsed): { toolIndex: (number | undefined)[] } {
  const rawTools = input.tools as unknown[];
  const rawNotes = (input.notes as unknown[] | undefined) ?? [];
  const paths = new Set(result.quarantined.map((entry) => entry.path));
  // Indices, not forEach/filter: those skip the holes of a sparse array, and holes count too.
  const indices = (list: readonly unknown[]) => Array.from({ length: list.length }, (_, index) => index);
  const toolQuarantined = indices(rawTools).map((index) => paths.has(`tools[${index}]`));
  expect(result.feed.tools.length + toolQuarantined.filter(Boolean).length).toBe(rawTools.length);
  const noteQuarantined = indices(rawNotes).filter((index) => paths.has(`notes[${index}]`)).length;
  expect((result.feed.notes ?? []).length + noteQuarantined).toBe(rawNotes.length);

  // Which accepted tool each input tool became (undefined: quarantined).
  let next = 0;
  const toolIndex = toolQuarantined.map((quarantined) => (quarantined ? undefined : next++));
  indices(rawTools).forEach((index) => {
    const accepted = toolIndex[index];
    if (accepted === undefined) return;
    const tool = result.feed.tools[accepted]!;
    for (const list of ['endorsements', 'facts'] as const) {
      const items = ((rawTools[index] as Record<string, unknown>)[list] as unknown[] | undefined) ?? [];
      const left = indices(items).filter((item) => paths.has(`tools[${index}].${list}[${item}]`)).length;
      expect(tool[list].length + left).toBe(items.length);
    }
  });
  // Nothing else is quarantined: every path names a tool, one of its items, or a note.
  for (const path of paths) expect(path).toMatch(/^(tools\[\d+\](\.(endorsements|facts)\[\d+\])?|notes\[\d+\])$/);
  return { toolIndex };
}

/** Accepted exactly when expected: 'valid' entries are kept, 'invalid' ones quarantined. */
function checkFates(built: BuiltFeed, result: Parsed, toolIndex: readonly (number | undefined)[]): void {
  const paths = new Set(result.quarantined.map((entry) => entry.path));
  built.toolFates.forEach((fate, index) => {
    if (fate === 'valid') expect(paths.has(`tools[${index}]`), `tools[${index}] should be accepted`).toBe(false);
    if (fate === 'invalid') expect(paths.has(`tools[${index}]`), `tools[${index}] should be quarantined`).toBe(true);
    if (toolIndex[index] === undefined) return;
    for (const [list, fates] of [
      ['endorsements', built.endorsementFates[index]!],
      ['facts', built.factFates[index]!],
    ] as const) {
      fates.forEach((itemFate, item) => {
        const path = `tools[${index}].${list}[${item}]`;
        if (itemFate === 'valid') expect(paths.has(path), `${path} should be accepted`).toBe(false);
        if (itemFate === 'invalid') expect(paths.has(path), `${path} should be quarantined`).toBe(true);
      });
    }
  });
  built.noteFates.forEach((fate, index) => {
    if (fate === 'valid') expect(paths.has(`notes[${index}]`), `notes[${index}] should be accepted`).toBe(false);
    if (fate === 'invalid') expect(paths.has(`notes[${index}]`), `notes[${index}] should be quarantined`).toBe(true);
  });
  // Every unknown field of an entry that was kept is warned about, so none vanishes without a word.
  const warned = new Set(result.warnings.map((warning) => warning.path));
  for (const { entry, tool, field } of built.addedFields) {
    if (toolIndex[tool] === undefined || paths.has(entry)) continue;
    expect(warned.has(`${entry}.${field}`), `${entry}.${field} should be warned about`).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------
// Feed parser
// ---------------------------------------------------------------------------------------------

// Threat model T13: values that are not what a field expects, where they used to make a check throw.
const oddText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('not a web address', 'https://', 'http://[::1', '//example.org', 'https://exa mple.org', 'javascript:alert(1)', '\u202Ehttps://nice.org.uk', 'https://xn--nce-qla.example/', '\uD800', ''),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.nat({ max: 70_000 }).map((length) => 'x'.repeat(length)),
);
const oddValue = fc.oneof(oddText, anyValue);
/** The same, limited to what JSON can carry: for files, which are text. */
const oddJson = fc.oneof(oddText, fc.jsonValue());

const ONE_TOOL = (overrides: Record<string, unknown>) => ({
  format: 'signpost-feed',
  version: 2,
  publisher: { id: 'p', name: 'P', kind: 'other' },
  sequence: 1,
  generatedAt: '2026-11-01T00:00:00Z',
  tools: [
    { id: 'good', name: 'Good tool', conditions: ['asthma'] },
    { id: 'odd', name: 'Odd tool', conditions: ['asthma'], ...overrides },
  ],
});

describe('hostile values in every URL and text field (property-based, threat model T13)', { timeout: 120_000 }, () => {
  it('the parser never throws, and a bad value costs only its own entry', () => {
    const placements = fc.constantFrom(
      (value: unknown) => ({ identifiers: { web: [{ origin: value }] } }),
      (value: unknown) => ({ identifiers: { web: [{ origin: 'https://example.org', pathPrefix: value }] } }),
      (value: unknown) => ({ identifiers: { apple: [value], googlePlay: [value] } }),
      (value: unknown) => ({ endorsements: [{ issuer: 'X', issuerKind: 'charity', status: 'listed', decisionDate: '2025', sourceType: 'primary', sourceUrl: value }] }),
      (value: unknown) => ({ facts: [{ topic: 'cost', text: 'x', sourceType: 'primary', sourceUrl: value }] }),
      (value: unknown) => ({ name: value, publisher: value, description: value }),
      (value: unknown) => ({ conditions: [value] }),
    );
    fc.assert(
      fc.property(placements, oddValue, (place, value) => {
        const result = parseFeed(ONE_TOOL(place(value)));
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.feed.tools.map((tool) => tool.id)).toContain('good');
        for (const entry of result.quarantined) {
          expect(entry.problems.length).toBeGreaterThan(0);
          expect(entry.problems.length).toBeLessThanOrEqual(6);
          for (const problem of entry.problems) expect(problem.message.length + problem.path.length).toBeLessThanOrEqual(400);
        }
      }),
      { numRuns: runs(1500) },
    );
  });

  it('reading a signed file never throws anything but a SyncError with a message, whatever its parts hold', async () => {
    const part = fc.oneof(oddJson, fc.base64String({ maxLength: 200 }));
    await fc.assert(
      fc.asyncProperty(fc.record({ header: part, payload: part, signatures: fc.oneof(fc.jsonValue(), fc.array(fc.record({ keyId: part, algorithm: part, value: part }), { maxLength: 3 })), rotations: fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue(), { maxLength: 3 })) }, { requiredKeys: [] }), async (parts) => {
        const text = JSON.stringify({ format: 'signpost-signed-feed', version: 2, ...parts });
        try {
          const document = await readFeedDocument(text);
          await verifyFeedDocument(document, { url: 'https://feeds.example/f.json', bundled: false, anchors: ['ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w='], now: Date.parse('2026-11-25T00:00:00Z') });
        } catch (error) {
          expect(error).toBeInstanceOf(SyncError);
          expect((error as SyncError).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs(500) },
    );
  });

  it("the CLI's validate never throws on any text, and always answers with an exit code and lines", async () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.json(),
      fc.tuple(fc.constantFrom<(value: unknown) => Record<string, unknown>>((value) => ({ identifiers: { web: [{ origin: value }] } }), (value) => ({ name: value })), oddJson).map(([place, value]) => JSON.stringify(ONE_TOOL(place(value)))),
    );
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const report = await validateFeedText('feed.json', input, { now: Date.parse('2026-11-25T00:00:00Z') });
        expect([0, 1, 2]).toContain(report.exitCode);
        expect(report.lines.length).toBeGreaterThan(0);
      }),
      { numRuns: runs(400) },
    );
  });
});

describe('parseFeed (property-based)', { timeout: 60_000 }, () => {
  it('never throws on any JSON value, and refuses anything whose envelope is not valid', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.json().map((json) => JSON.parse(json) as unknown)), (input) => {
        const result = parseFeed(input);
        const envelope = envelopeSchema.safeParse(input);
        if (!envelope.success) expect(result.ok).toBe(false);
        if (result.ok) expect(envelope.success).toBe(true);
        else expect(result.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('never throws on any value at all (Maps, typed arrays, sparse arrays, null prototypes)', () => {
    fc.assert(
      fc.property(anyValue, (input) => {
        const result = parseFeed(input);
        if (!envelopeSchema.safeParse(input).success) expect(result.ok).toBe(false);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('inside a valid envelope, arbitrary tools and notes are each accepted or quarantined, and the counts add up', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(anyValue, fc.jsonValue()), { maxLength: 6 }), fc.array(fc.oneof(anyValue, fc.jsonValue()), { maxLength: 4 }), (tools, notes) => {
        const input = { format: 'signpost-feed', version: 1, publisher: { id: 'p', name: 'P', kind: 'other' }, sequence: 0, generatedAt: '2026-11-01T00:00:00Z', tools, notes };
        const result = parseFeed(input);
        expect(result.ok).toBe(true);
        if (!result.ok) return;
        checkAcceptedFeed(result);
        checkCounts(input, result);
      }),
      { numRuns: runs(2000) },
    );
  });

  it('generated feeds with mutated tools, endorsements, facts and notes: no crash, exactly the broken entries quarantined, every accepted entry safe', () => {
    fc.assert(
      fc.property(publisherArb, fc.array(toolArb, { maxLength: 5 }), fc.array(noteArb, { maxLength: 5 }), envelopeArb, (publisher, tools, notes, envelope) => {
        const built = buildFeed(publisher, tools, notes, envelope);
        const result = parseFeed(built.raw);
        expect(result.ok, result.ok ? '' : JSON.stringify(result.problems)).toBe(true);
        if (!result.ok) return;
        checkAcceptedFeed(result);
        const { toolIndex } = checkCounts(built.raw, result);
        checkFates(built, result, toolIndex);
      }),
      { numRuns: runs(1500) },
    );
  });

  it('a broken envelope refuses the whole feed, whatever it holds', () => {
    const badEnvelope = fc.oneof(
      fc.constantFrom<[string, unknown]>(
        ['format', 'signpost-feed-v2'],
        ['format', undefined],
        // Newer than this Signpost reads (format 2, which also reads format 1).
        ['version', 3],
        ['version', 0],
        ['version', 1.5],
        ['version', '1'],
        ['sequence', -1],
        ['sequence', Number.MAX_SAFE_INTEGER + 2],
        ['sequence', Number.NaN],
        ['generatedAt', '2026-11-01'],
        ['expiresAt', 'soon'],
        ['staleAfterDays', 0],
        ['staleAfterDays', 366],
        ['staleAfterDays', 2.5],
        ['staleAfterDays', '30'],
        ['tools', {}],
        ['tools', undefined],
        ['notes', 'none'],
        ['publisher', null],
        ['publisher', { id: 'p', name: 'P', kind: 'vendor' }],
        ['publisher', { id: 'P!', name: 'P', kind: 'other' }],
        ['publisher', { id: 'p', name: '', kind: 'other' }],
        ['publisher', { id: 'p', name: 'P', kind: 'other', url: 'javascript:alert(1)' }],
        ['publisher', { id: 'p', name: 'P', kind: 'other', url: 'data:text/html,x' }],
      ),
      badUrl.map((url): [string, unknown] => ['publisher', { id: 'p', name: 'P', kind: 'other', url }]),
      badName(200).map((publisherName): [string, unknown] => ['publisher', { id: 'p', name: publisherName, kind: 'other' }]),
    );
    fc.assert(
      fc.property(badEnvelope, fc.array(toolArb, { maxLength: 2 }), ([field, value], tools) => {
        const { raw } = buildFeed({ id: 'p', name: 'P', kind: 'other' }, tools, []);
        const result = parseFeed({ ...raw, [field]: value });
        expect(result.ok).toBe(false);
      }),
      { numRuns: runs(500) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// URL recogniser
// ---------------------------------------------------------------------------------------------

const APPLE_HOSTS = ['apps.apple.com', 'itunes.apple.com'] as const;
const PLAY_HOST = 'play.google.com';
const STORE_HOSTS = [...APPLE_HOSTS, PLAY_HOST] as const;

/** The store's invariants for any recognised identity. */
function checkIdentity(input: string, identity: ReturnType<typeof recogniseUrl>): void {
  if (!identity || identity.kind === 'web') return;
  const url = new URL(input);
  expect(['https:', 'http:']).toContain(url.protocol);
  if (identity.kind === 'apple') {
    expect(APPLE_HOSTS as readonly string[]).toContain(url.hostname);
    expect(identity.id).toMatch(/^\d{5,12}$/);
  } else {
    expect(url.hostname).toBe(PLAY_HOST);
    expect(identity.id).toMatch(PLAY_PACKAGE);
    expect(identity.id.length).toBeLessThanOrEqual(150);
  }
}

/** Hosts that look like a store's and are not: suffixes, prefixes, homoglyphs (Cyrillic), punycode. */
const lookalikeHost = fc.oneof(
  fc
    .tuple(fc.constantFrom(...STORE_HOSTS), fc.constantFrom('.evil.example', '.example', '.com', '-evil.example', 'x', '.', '.co.uk', '.apple.com', '%2eevil.example'))
    .map(([host, suffix]) => host + suffix),
  fc.tuple(fc.constantFrom('evil.', 'evil-', 'www.', 'apps.', 'a', 'xn--', 'm.', 'itunes-'), fc.constantFrom(...STORE_HOSTS)).map(([prefix, host]) => prefix + host),
  // One letter swapped for a Cyrillic look-alike: IDNA keeps it, so the host becomes xn--….
  fc
    .tuple(fc.constantFrom(...STORE_HOSTS), fc.nat(), fc.constantFrom<[string, string]>(['a', 'а'], ['e', 'е'], ['o', 'о'], ['p', 'р'], ['c', 'с'], ['s', 'ѕ'], ['l', 'ӏ'], ['i', 'і']))
    .map(([host, at, [latin, cyrillic]]) => {
      const positions = [...host].flatMap((char, index) => (char === latin ? [index] : []));
      if (!positions.length) return `${host}.evil.example`;
      const index = positions[at % positions.length]!;
      return host.slice(0, index) + cyrillic + host.slice(index + 1);
    }),
  fc.constantFrom('xn--pps-5cd.apple.com', 'xn--ply-7cd.google.com', 'apps-apple.com', 'appsapple.com', 'play-google.com', 'playgoogle.com', 'apple.com', 'google.com', '17.253.144.10', '[::1]', 'localhost'),
);

const storefront = fc.constantFrom('', 'gb/', 'us/', 'GB/', 'zh-hant/', 'fr/');
const slug = fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z0-9-]{1,20}$/).map((value) => `${value}/`), fc.constantFrom('nhs-app/', 'caf%C3%A9/', 'café/'));
const appleDigits = fc.stringMatching(/^\d{5,12}$/);
const applePath = fc.tuple(storefront, slug, appleDigits, fc.constantFrom('', '/')).map(([front, name, digits, end]) => `/${front}app/${name}id${digits}${end}`);
const playQuery = fc.tuple(fc.constantFrom('', 'hl=en_GB&', 'gl=GB&hl=en&'), playPackage, fc.constantFrom('', '&hl=en_GB', '#details-reviews')).map(([pre, id, post]) => `?${pre}id=${id}${post}`);
const storePath = fc.oneof(applePath.map((path) => ({ path, shape: 'apple' as const })), playQuery.map((query) => ({ path: `/store/apps/details${query}`, shape: 'play' as const })));

/** Ways to hide a look-alike behind something that reads like a store at a glance. */
const trickUrl = fc.oneof(
  fc.tuple(fc.constantFrom('https://', 'http://'), lookalikeHost, storePath).map(([scheme, host, { path }]) => scheme + host + path),
  fc.tuple(fc.constantFrom(...STORE_HOSTS), fc.constantFrom('', ':443', ':x'), storePath).map(([host, port, { path }]) => `https://${host}${port}@evil.example${path}`),
  fc
    .tuple(fc.constantFrom('\\@', '#@', '?@', '/', '/?next=https://', '%40', '\\'), fc.constantFrom(...STORE_HOSTS), storePath)
    .map(([glue, host, { path }]) => `https://evil.example${glue}${host}${path}`),
  fc.tuple(fc.constantFrom(...STORE_HOSTS), storePath).map(([host, { path }]) => `https://evil.example/redirect?to=https://${host}${encodeURIComponent(path)}`),
);

describe('recogniseUrl (property-based)', { timeout: 60_000 }, () => {
  it('never throws on arbitrary strings (any unicode) and keeps the store invariants', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (input) => {
        checkIdentity(input, recogniseUrl(input));
      }),
      { numRuns: runs(3000) },
    );
  });

  it('never throws on generated web URLs, and only the store hosts give a store identity', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true, validSchemes: ['http', 'https', 'ftp', 'ws', 'file'] }), (input) => {
        const identity = recogniseUrl(input);
        checkIdentity(input, identity);
        if (!input.toLowerCase().startsWith('http')) expect(identity).toBeNull();
      }),
      { numRuns: runs(2000) },
    );
  });

  it('store URLs built from parts are recognised exactly when scheme, host and path are right', () => {
    const scheme = fc.constantFrom('https', 'http', 'HTTPS', 'Http', 'ftp', 'javascript', 'data', 'file', 'chrome-extension', 'itms-apps', 'market', 'ws', 'blob:https');
    const host = fc.oneof(
      fc.constantFrom(...STORE_HOSTS).map((value) => ({ value, store: value })),
      fc.constantFrom(...STORE_HOSTS).map((value) => ({ value: value.toUpperCase(), store: value })),
      // User-info before the real host: the browser still goes to the store.
      fc.constantFrom(...STORE_HOSTS).map((value) => ({ value: `evil.example@${value}`, store: value })),
      lookalikeHost.map((value) => ({ value, store: undefined })),
    );
    const path = fc.oneof(
      storePath,
      fc.constantFrom('/gb/developer/nhs/id1388411276', '/app/id1234', '/app/id1234567890123', '/app/idabc12345', '/store/apps/details?id=nodots', '/store/apps/details?id=', '/store/apps/dev?id=com.x.y', '/').map((value) => ({ path: value, shape: 'none' as const })),
    );
    fc.assert(
      fc.property(scheme, host, path, (protocol, { value, store }, { path: rest, shape }) => {
        const input = `${protocol}://${value}${rest}`;
        const identity = recogniseUrl(input);
        checkIdentity(input, identity);
        const web = protocol.toLowerCase() === 'https' || protocol.toLowerCase() === 'http';
        if (!web) return void expect(identity).toBeNull();
        const apple = store !== undefined && (APPLE_HOSTS as readonly string[]).includes(store);
        const play = store === PLAY_HOST;
        if (apple && shape === 'apple') expect(identity).toEqual({ kind: 'apple', id: /id(\d+)\/?$/.exec(rest)![1] });
        else if (play && shape === 'play') expect(identity).toEqual({ kind: 'google-play', id: /[?&]id=([^&#]+)/.exec(rest)![1] });
        else if (apple || play) expect(identity).toBeNull();
        else expect(identity?.kind === 'apple' || identity?.kind === 'google-play').toBe(false);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('look-alike hosts, user-info tricks, backslashes and redirects never give a store identity', () => {
    fc.assert(
      fc.property(trickUrl, (input) => {
        const identity = recogniseUrl(input);
        expect(identity?.kind === 'apple' || identity?.kind === 'google-play', `${input} -> ${JSON.stringify(identity)}`).toBe(false);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('non-http(s) schemes give null, whatever follows', () => {
    const otherScheme = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9+.-]{0,12}$/).filter((value) => !['http', 'https'].includes(value.toLowerCase()));
    const rest = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.tuple(fc.constantFrom(...STORE_HOSTS), storePath).map(([host, { path }]) => `//${host}${path}`),
      storePath.map(({ path }) => `https://apps.apple.com${path}`),
    );
    fc.assert(
      fc.property(otherScheme, rest, (scheme, tail) => {
        expect(recogniseUrl(`${scheme}:${tail}`)).toBeNull();
      }),
      { numRuns: runs(3000) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Runtime messages
// ---------------------------------------------------------------------------------------------

const EXTENSION_ID = 'signpost-id';
const EXTENSION_ORIGIN = `chrome-extension://${EXTENSION_ID}`;
const FEED_CHANGES = ['subscribe-feed', 'sync-feed', 'forget-feed'];
/** From content scripts, each about the sending page only. */
const PAGE_MESSAGES = ['lookup', 'lookup-links', 'lookup-link-card', 'dismiss'];
/** From extension pages: their own, and any card or verdict (unbound: they could read the registry themselves). */
const SIGNPOSTING_MESSAGES = ['record-signposting', 'signposting-overview', 'delete-signpostings', 'set-signposting-record', 'follow-ups', 'mark-follow-up-read', 'signposting-report'];
const EXTENSION_PAGE_MESSAGES = ['lookup', 'lookup-links', 'sync-now', 'save-note', 'notes-for', 'delete-note', 'restore-note', ...FEED_CHANGES, ...SIGNPOSTING_MESSAGES];
const MESSAGE_TYPES = [...new Set([...PAGE_MESSAGES, ...EXTENSION_PAGE_MESSAGES]), 'load-card-notes'];

function mockContext() {
  const mocks = {
    syncAll: vi.fn(async () => []),
    recordsWithKeys: vi.fn(async () => []),
    recordsEndorsedFor: vi.fn(async () => []),
    feedSummaries: vi.fn(async () => []),
    trustRoot: vi.fn(async () => SHIPPED_TRUST_ROOT),
    hiddenListings: vi.fn(async () => new Set<string>()),
    hideCard: vi.fn(async () => undefined),
    showVerdictOnToolbar: vi.fn(),
    subscribe: vi.fn(async (url: string) => ({ ok: true as const, url, outcome: { url, status: 'unchanged' as const } })),
    sync: vi.fn(async (url: string) => ({ url, status: 'unchanged' as const })),
    forget: vi.fn(async () => ({ ok: true as const })),
    forTool: vi.fn(async () => NO_NOTES),
    save: vi.fn(async () => ({ ok: false as const, problems: [] })),
    remove: vi.fn(async () => NO_NOTES),
    restore: vi.fn(async () => NO_NOTES),
    record: vi.fn(async () => ({ recorded: false as const, reason: 'paused' as const })),
    overview: vi.fn(async () => ({ entries: [], paused: false, noticeSeen: false, followUps: [] })),
    followUps: vi.fn(async () => []),
    report: vi.fn(async () => buildReport([], { id: '11111111-1111-4111-8111-111111111111' }, 0)),
    now: vi.fn(() => 0),
  };
  const context: BackgroundContext = {
    extensionId: EXTENSION_ID,
    extensionOrigin: EXTENSION_ORIGIN,
    now: mocks.now,
    syncAll: mocks.syncAll,
    registry: { recordsWithKeys: mocks.recordsWithKeys, recordsEndorsedFor: mocks.recordsEndorsedFor, feedSummaries: mocks.feedSummaries, trustRoot: mocks.trustRoot },
    hiddenListings: mocks.hiddenListings,
    hideCard: mocks.hideCard,
    pageLinks: pageLinks(),
    showVerdictOnToolbar: mocks.showVerdictOnToolbar,
    feeds: { subscribe: mocks.subscribe, sync: mocks.sync, forget: mocks.forget },
    notes: { forTool: mocks.forTool, save: mocks.save, remove: mocks.remove, restore: mocks.restore },
    signposting: { record: mocks.record, overview: mocks.overview, remove: mocks.overview, settings: mocks.overview, followUps: mocks.followUps, markRead: mocks.followUps, report: mocks.report },
  };
  const callCount = () => Object.values(mocks).reduce((sum, mock) => sum + mock.mock.calls.length, 0);
  return { context, mocks, callCount };
}

const NOTE_SUBJECT = { toolName: 'Example Tool (test)', identifiers: { apple: ['123456789'] } };

/** Messages of every known type, well formed, so that the sender rules (not validation) decide most of them. */
const wellFormedMessageArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: fc.constantFrom('lookup', 'lookup-link-card', 'dismiss'), url: fc.webUrl({ withFragments: true, withQueryParameters: true }) }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('lookup-links'), urls: fc.array(fc.webUrl(), { minLength: 1, maxLength: 4 }) }) },
  fc.record({ type: fc.constantFrom('sync-now', 'load-card-notes') }),
  fc.record({ type: fc.constant('save-note'), draft: anyValue }),
  fc.record({ type: fc.constant('notes-for'), subject: fc.constant(NOTE_SUBJECT) }),
  fc.record({ type: fc.constantFrom('delete-note', 'restore-note'), id: fc.constant('note-1'), subject: fc.constant(NOTE_SUBJECT) }),
  fc.record({ type: fc.constantFrom(...FEED_CHANGES), url: fc.webUrl() }),
  fc.record({ type: fc.constant('record-signposting'), recordId: fc.string({ maxLength: 40 }), channel: fc.constantFrom('text', 'qr', 'handout', 'email'), condition: fc.constantFrom(null, 'insomnia', 'the patient') }),
  fc.record({ type: fc.constantFrom('signposting-overview', 'follow-ups', 'signposting-report') }),
  fc.record({ type: fc.constant('delete-signpostings'), ids: fc.oneof(fc.constant('all' as const), fc.array(fc.uuid(), { maxLength: 3 })) }),
  fc.record({ type: fc.constant('set-signposting-record'), paused: fc.boolean() }),
  fc.record({ type: fc.constant('mark-follow-up-read'), id: fc.string({ maxLength: 20 }) }),
);

const messageArb = fc.oneof(
  { weight: 6, arbitrary: wellFormedMessageArb },
  { weight: 2, arbitrary: anyValue },
  { weight: 1, arbitrary: fc.jsonValue() },
  {
    weight: 6,
    arbitrary: fc.record(
      {
        type: fc.oneof(fc.constantFrom(...MESSAGE_TYPES), fc.constantFrom('Lookup', 'lookup ', 'delete-everything', '__proto__', 'constructor'), anyValue),
        url: fc.oneof(fc.webUrl(), fc.string(), fc.constant('x'.repeat(4097)), fc.constant(`https://feeds.example/${'x'.repeat(2000)}`), anyValue),
        urls: fc.oneof(fc.array(fc.oneof(fc.webUrl(), fc.string()), { maxLength: 4 }), fc.constant([]), anyValue),
        keys: fc.oneof(fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }), fc.constant([]), anyValue),
        id: fc.oneof(fc.constantFrom('note-1', '../../etc', '', 'a'.repeat(101)), fc.string(), anyValue),
        subject: fc.oneof(
          fc.constant(NOTE_SUBJECT),
          fc.constant({ ...NOTE_SUBJECT, identifiers: {} }),
          anyValue,
        ),
        draft: anyValue,
      },
      { requiredKeys: [] },
    ),
  },
);

const senderArb: fc.Arbitrary<MessageSender> = fc.record(
  {
    id: fc.oneof(fc.constant(EXTENSION_ID), fc.constant(EXTENSION_ID), fc.constantFrom('other-extension', '', `${EXTENSION_ID} `, EXTENSION_ID.toUpperCase()), fc.string()),
    url: fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(`${EXTENSION_ORIGIN}/options.html`, `${EXTENSION_ORIGIN}/popup.html?tab=1`, `${EXTENSION_ORIGIN}/`) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(EXTENSION_ORIGIN, `${EXTENSION_ORIGIN}.evil.example/x`, `${EXTENSION_ORIGIN}@evil.example/`, 'chrome-extension://other-extension/options.html', `https://evil.example/${EXTENSION_ORIGIN}/`),
      },
      { weight: 2, arbitrary: fc.constantFrom('https://apps.apple.com/gb/app/id1000000001', 'https://play.google.com/store/apps/details?id=org.example.app', 'https://apps.apple.com/gb/app/id1#reviews') },
      { weight: 3, arbitrary: fc.webUrl({ withFragments: true, withQueryParameters: true }) },
      { weight: 1, arbitrary: fc.string() },
    ),
    tab: fc.record({ id: fc.nat() }, { requiredKeys: [] }),
    frameId: fc.nat(),
    documentId: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

/**
 * A message and its sender; often a content script of this extension in a tab asking about its
 * own address (with or without another #fragment): the one case in which its lookup or dismissal
 * is answered.
 */
const exchangeArb = fc.tuple(messageArb, senderArb, fc.constantFrom('as generated', 'own address', 'own address, another fragment'), fc.string({ maxLength: 6 })).map(([message, sender, address, fragment]) => {
  if (address === 'as generated' || typeof message !== 'object' || message === null || Array.isArray(message) || sender.url === undefined) return { message, sender };
  const url = address === 'own address' ? sender.url : `${sender.url.split('#')[0]}#${fragment}`;
  return { message: { ...message, url }, sender: { ...sender, id: EXTENSION_ID, tab: { id: sender.tab?.id ?? 1 } } };
});

const isExtensionPage = (sender: MessageSender) => sender.url?.startsWith(`${EXTENSION_ORIGIN}/`) === true;
const withoutFragment = (url: string) => url.split('#')[0];

describe('runtime messages (property-based)', { timeout: 60_000 }, () => {
  it('the message schemas never throw, and what they accept is one of the known requests within its limits', () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        for (const [schema, types] of [
          [pageRequestSchema, PAGE_MESSAGES],
          [extensionPageRequestSchema, EXTENSION_PAGE_MESSAGES],
        ] as const) {
          const result = schema.safeParse(message);
          if (!result.success) continue;
          expect(types).toContain(result.data.type);
          const data = result.data as Record<string, unknown>;
          if (typeof data.url === 'string') expect(data.url.length).toBeLessThanOrEqual(FEED_CHANGES.includes(result.data.type) ? 2000 : 4096);
          if (result.data.type === 'lookup-links') expect(result.data.urls.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs(3000) },
    );
  });

  it('handleMessage never throws, answers extension pages only for their own messages and content scripts only about their own page, and calls nothing for what it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(exchangeArb, async ({ message, sender }) => {
        const { context, mocks, callCount } = mockContext();
        let reply: ReturnType<typeof handleMessage>;
        expect(() => {
          reply = handleMessage(context, message, sender);
        }).not.toThrow();

        // The rules, worked out here: which sender may send which message, and when.
        const fromUs = sender.id === EXTENSION_ID;
        const extensionPage = fromUs && isExtensionPage(sender);
        const webPage = fromUs && !extensionPage && sender.tab?.id !== undefined && sender.url !== undefined && URL.canParse(sender.url);
        const extensionRequest = extensionPageRequestSchema.safeParse(message);
        const pageRequest = pageRequestSchema.safeParse(message);
        const ownAddress = pageRequest.success && 'url' in pageRequest.data && sender.url !== undefined && withoutFragment(pageRequest.data.url) === withoutFragment(sender.url);
        const shouldAnswer =
          (extensionPage && extensionRequest.success) ||
          (webPage &&
            pageRequest.success &&
            // Nothing was reported to this page yet, so no link has a card to give.
            (pageRequest.data.type === 'lookup-links' || ((pageRequest.data.type === 'lookup' || pageRequest.data.type === 'dismiss') && ownAddress)));
        expect(reply! !== undefined).toBe(shouldAnswer);

        if (reply! === undefined) {
          // Refused outright: nothing was asked of the registry, the notes, the feeds or sync.
          expect(callCount()).toBe(0);
          return;
        }
        expect(typeof reply!.then).toBe('function');
        // With well-behaved dependencies, the answer itself never fails.
        const answer = await reply!;
        expect(answer).not.toBeUndefined();
        if (!webPage) return;
        // A content script's answers are about its own page: the registry was read for the sender's
        // address (or the links it reported), the toolbar set only for its tab's page, and only
        // its own listing hidden.
        const own = recogniseUrl(sender.url!);
        if (pageRequest.success && pageRequest.data.type !== 'lookup-links') expect((answer as { identity?: unknown }).identity ?? own).toEqual(own);
        for (const [tabId] of mocks.showVerdictOnToolbar.mock.calls) expect(tabId).toBe(sender.tab!.id);
        if ((sender.frameId ?? 0) !== 0) expect(mocks.showVerdictOnToolbar).not.toHaveBeenCalled();
        for (const [card] of mocks.hideCard.mock.calls as unknown as [HiddenCard][]) expect(card.key).toBe(own && listingKey(own));
      }),
      { numRuns: runs(2000) },
    );
  });

  it('a page document is answered for at most the cap of distinct links, and given a card only for a link it was answered with a verdict, since it became current and while its tab is open', () => {
    const CAP = 3;
    const LINKS = Array.from({ length: 6 }, (_, index) => `https://apps.apple.com/app/id${1000000000 + index}`);
    const pageArb = fc.record({ tabId: fc.constantFrom(1, 2), frameId: fc.constantFrom(0, 1), documentKey: fc.constantFrom('a', 'b') });
    const operationArb = fc.oneof(
      fc.record({ kind: fc.constant('admit' as const), page: pageArb, urls: fc.subarray(LINKS), withVerdict: fc.subarray(LINKS) }),
      fc.record({ kind: fc.constant('card' as const), page: pageArb, url: fc.constantFrom(...LINKS) }),
      fc.record({ kind: fc.constant('close tab' as const), tabId: fc.constantFrom(1, 2) }),
    );
    fc.assert(
      fc.property(fc.array(operationArb, { maxLength: 40 }), (operations) => {
        const links = pageLinks(CAP);
        // Per tab and frame: the current document, the links it was answered for, those with a verdict.
        const model = new Map<string, { documentKey: string; answered: Set<string>; withVerdict: Set<string> }>();
        const current = (page: PageDocument) => {
          const entry = model.get(`${page.tabId}/${page.frameId}`);
          return entry?.documentKey === page.documentKey ? entry : undefined;
        };
        for (const operation of operations) {
          if (operation.kind === 'close tab') {
            links.forgetTab(operation.tabId);
            for (const key of model.keys()) if (key.startsWith(`${operation.tabId}/`)) model.delete(key);
          } else if (operation.kind === 'card') {
            expect(links.hasVerdict(operation.page, operation.url)).toBe(current(operation.page)?.withVerdict.has(operation.url) === true);
          } else {
            const entry = current(operation.page) ?? { documentKey: operation.page.documentKey, answered: new Set<string>(), withVerdict: new Set<string>() };
            model.set(`${operation.page.tabId}/${operation.page.frameId}`, entry);
            const admitted = links.admit(operation.page, operation.urls);
            // Every link answered before is answered again; new ones only up to the cap.
            for (const url of operation.urls) if (entry.answered.has(url)) expect(admitted.urls).toContain(url);
            for (const url of admitted.urls) {
              expect(operation.urls).toContain(url);
              entry.answered.add(url);
            }
            expect(entry.answered.size).toBeLessThanOrEqual(CAP);
            const found = admitted.urls.filter((url) => operation.withVerdict.includes(url));
            admitted.recordVerdicts(found);
            found.forEach((url) => entry.withVerdict.add(url));
          }
        }
      }),
      { numRuns: runs(1000) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Patient-data detector
// ---------------------------------------------------------------------------------------------

const KINDS: PatientDataKind[] = [...IDENTIFIER_KINDS, ...POSSIBLE_KINDS];

function checkFindings(input: string): ReturnType<typeof findPatientData> {
  const findings = findPatientData(input);
  let end = 0;
  for (const finding of findings) {
    expect(KINDS).toContain(finding.kind);
    expect(finding.start).toBeGreaterThanOrEqual(end);
    expect(finding.end).toBeGreaterThan(finding.start);
    expect(finding.end).toBeLessThanOrEqual(input.length);
    expect(finding.text).toBe(input.slice(finding.start, finding.end));
    end = finding.end;
  }
  return findings;
}

const word = fc.stringMatching(/^[A-Za-z]{1,12}$/);
const words = fc.array(word, { maxLength: 6 }).map((list) => list.join(' '));
const nineDigits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 });
type NhsFormat = 'plain' | 'spaces' | 'dashes';
const formatNumber = (digits: string, format: NhsFormat): string =>
  format === 'plain' ? digits : [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)].join(format === 'spaces' ? ' ' : '-');
/** Words, then the number, then words; separated by one or more spaces (or nothing at the edges). */
const embed = (before: string, number: string, after: string, gap: string) => [before, number, after].filter(Boolean).join(gap);

describe('findPatientData (property-based)', { timeout: 60_000 }, () => {
  it('never throws on any unicode text; findings are sorted, apart, within bounds and quote the text exactly', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.string({ maxLength: 300 })), (input) => {
        checkFindings(input);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('findings stay well formed on digit-heavy text (numbers, dates, postcodes, emails, keywords)', () => {
    const token = fc.oneof(
      fc.stringMatching(/^[0-9]{1,12}$/),
      fc.constantFrom(' ', '  ', '-', '/', '.', ':', '@', '+44', '(0)', 'MRN', 'hospital no', 'SW1A', '1AA', 'Feb', 'of', '1st', 'x.co.uk', 'GIR 0AA', '\n'),
      fc.stringMatching(/^[A-Za-z]{1,4}$/),
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 20 }).map((parts) => parts.join('')), (input) => {
        checkFindings(input);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('a valid NHS number among words is always found, plain, 3-3-4 with spaces or with dashes', () => {
    fc.assert(
      fc.property(nineDigits, fc.constantFrom<NhsFormat>('plain', 'spaces', 'dashes'), words, words, fc.constantFrom(' ', '  '), (nine, format, before, after, gap) => {
        const check = mod11CheckDigit(nine);
        // A number right after "ISBN", "VAT", "NCT"… is someone else's (patient-data.test.ts).
        fc.pre(check !== 10 && !someoneElsesByWords(before));
        const number = formatNumber(nine.join('') + String(check), format);
        const input = embed(before, number, after, gap);
        const findings = checkFindings(input);
        const start = before ? before.length + gap.length : 0;
        expect(findings).toContainEqual({ kind: 'nhs-number', start, end: start + number.length, text: number });
      }),
      { numRuns: runs(3000) },
    );
  });

  it('ten digits with a wrong check digit among words are never reported as an NHS number', () => {
    fc.assert(
      fc.property(nineDigits, fc.integer({ min: 0, max: 9 }), fc.constantFrom<NhsFormat>('plain', 'spaces', 'dashes'), words, words, (nine, last, format, before, after) => {
        const check = mod11CheckDigit(nine);
        // With check digit 10 no tenth digit makes a valid number; otherwise skip the right one.
        fc.pre(check === 10 || last !== check);
        const input = embed(before, formatNumber(nine.join('') + String(last), format), after, ' ');
        expect(checkFindings(input).some((finding) => finding.kind === 'nhs-number')).toBe(false);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('the independent Modulus 11 agrees with the known test number 943 476 5919', () => {
    expect(mod11CheckDigit([9, 4, 3, 4, 7, 6, 5, 9, 1])).toBe(9);
  });
});
