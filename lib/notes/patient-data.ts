// Patient identifiers in a peer note's free text. Notes are about tools, never patients, so a note
// that looks like it names one is refused before it is saved, published or read from a feed.
// Pure and dependency-free. Every regex is linear (no unbounded nested quantifiers), so a
// 2,000-character note checks in well under a millisecond. Design note: docs/patient-data.md.
//
// Identifiers (refused): nhs-number, date-of-birth, postcode, phone, email, hospital-number.
// Possible (shown; the author may save anyway with a deliberate click): name, street-address.
// Hidden characters (Unicode format characters: zero-width spaces and joiners, soft hyphens,
// direction marks…) are removed before matching, keeping a map back to the original offsets.
// Context decides: a date after `now` is no date of birth, a number after "ISBN" or "helpline"
// is not a patient's, an email at the tool's own domain is the vendor's.
//
// When findings overlap the more specific one is kept, in this order:
// nhs-number > email > hospital-number > phone > postcode > date-of-birth > street-address > name.

export const IDENTIFIER_KINDS = ['nhs-number', 'date-of-birth', 'postcode', 'phone', 'email', 'hospital-number'] as const;
export const POSSIBLE_KINDS = ['name', 'street-address'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];
export type PossibleKind = (typeof POSSIBLE_KINDS)[number];
export type PatientDataKind = IdentifierKind | PossibleKind;

/** start and end are UTF-16 offsets into the checked text, end exclusive; text is text.slice(start, end). */
export interface PatientDataFinding {
  kind: PatientDataKind;
  start: number;
  end: number;
  text: string;
}

export interface PatientDataContext {
  /** When the text was written (ms): a date after it is not a date of birth. Defaults to the clock. */
  now?: number;
  /** The tool's own domains ("sleepio.com"): an email there is the vendor's, not a patient's. */
  vendorDomains?: readonly string[];
  /** Only identifiers: for names of things and people by design (tool name, author, profile). */
  identifiersOnly?: boolean;
}

export const PATIENT_DATA_LABELS: Record<PatientDataKind, string> = {
  'nhs-number': 'an NHS number',
  'date-of-birth': 'a date that could be a date of birth',
  postcode: 'a postcode',
  phone: 'a phone number',
  email: 'an email address',
  'hospital-number': 'a hospital or clinic number',
  name: "a person's name",
  'street-address': 'a street address',
};

const POSSIBLE: ReadonlySet<PatientDataKind> = new Set(POSSIBLE_KINDS);
/** Names and addresses are shown but may be kept by the author; identifiers never. */
export const isPossibleOnly = (kind: PatientDataKind): kind is PossibleKind => POSSIBLE.has(kind);

/** Exactly 10 digits whose last is the Modulus 11 check digit of the first nine (weights 10 to 2). */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += +digits[i]! * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check < 10 && check === +digits[9]!;
}

// Format characters (Cf) and the invisible fillers and joiners outside Cf.
const HIDDEN = /[\p{Cf}\u034F\u115F\u1160\u17B4\u17B5\u180B-\u180E\u3164\uFFA0]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');

export const countHidden = (text: string): number => text.match(HIDDEN_ALL)?.length ?? 0;

/** Hidden characters written out as escapes ("943\\u200B476"), for a report that must show them. */
export const spellOutHidden = (text: string): string =>
  text.replace(HIDDEN_ALL, (char) => `\\u${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

/** The text without hidden characters: what a reader sees. */
export const withoutHiddenCharacters = (text: string): string => text.replace(HIDDEN_ALL, '');

/** '"943 476 5919", at character 12' (1-based), and how many hidden characters the finding holds. */
export function describeWhere(finding: PatientDataFinding): string {
  const hidden = countHidden(finding.text);
  return `"${withoutHiddenCharacters(finding.text)}", at character ${finding.start + 1}${hidden ? `, with ${hidden === 1 ? 'a hidden character' : `${hidden} hidden characters`} inside` : ''}`;
}

export function describeFinding(finding: PatientDataFinding, field: string): string {
  const subject = `${field.charAt(0).toUpperCase()}${field.slice(1)}`;
  if (isPossibleOnly(finding.kind)) {
    return `${subject} contains what may be ${PATIENT_DATA_LABELS[finding.kind]} (${describeWhere(finding)}). If it is a patient's, remove it; if not (a colleague, a tool, a company), you may save anyway.`;
  }
  return `${subject} contains what looks like ${PATIENT_DATA_LABELS[finding.kind]} (${describeWhere(finding)}). Notes are about tools, never patients: remove it and try again.`;
}

interface Scan {
  /** The text as matched: hidden characters removed, look-alikes made plain. */
  text: string;
  now: number;
  vendorDomains: readonly string[];
  /** Ranges of web addresses in `text`: nothing inside one is a patient's. */
  urls: [number, number][];
}

type Check = (m: RegExpExecArray, scan: Scan) => boolean;

// ---- context ---------------------------------------------------------------------------------

// Words after which a number is someone else's (a book's, a trial's, a company's, a helpline's),
// and words after which it is a patient's. The nearer one decides.
const NOT_A_PATIENTS =
  'isbn(?:-1[03])?|issn|nct|isrctn|eudract|vat|company|companies|charity|registered|registration|reg|pmid|pmcid|doi|snomed|ods|dm\\+d|helpline|helplines|freephone|support|customer|licence|license|invoice|order|serial|model|version|build|barcode|gtin|ean|upc|app id|store id|batch|lot|sku|product|part|catalogue';
const A_PATIENTS = 'nhs|patient|patients|pt|pts|mrn|hospital|hosp|dob|born|d\\.o\\.b|his|her|their|mr|mrs|ms|miss|mx';
const OWNER_WORDS = new RegExp(`(?<![a-z\\d])(?:(${NOT_A_PATIENTS})|(${A_PATIENTS}))(?![a-z])`, 'gi');
// Trial and registration numbers written as one word.
const REGISTRY_PREFIX = /^(?:nct|isrctn|eudract|pmc)/i;
// A phone number after these belongs to an organisation.
const ORGANISATION = '(?<![a-z])(?:practice|surgery|reception|switchboard|office|helpline|freephone|support|enquiries|customer services?|charity|pharmacy|team|department|desk|111)(?![a-z])';
const ORGANISATION_PHONE = new RegExp(ORGANISATION, 'gi');
const ORGANISATION_AFTER = new RegExp(`^[^\\n]{0,30}?${ORGANISATION}`, 'i');

/** A landline said to be a practice's, a team's or a helpline's, before or just after it. */
const organisationsPhone = (m: RegExpExecArray, scan: Scan, landline: boolean) =>
  nearestWord(scan, m.index, ORGANISATION_PHONE) !== 0 || (landline && ORGANISATION_AFTER.test(scan.text.slice(m.index + m[0].length)));
// Events whose dates are not births; the nearer birth word wins.
const EVENT_OR_BIRTH = new RegExp(
  '(?<![a-z])(?:(published|publication|updated?|reviewed|reviews?|released?|launched|launch|version|guidance|decision|accessed|checked|expires|expiry|expired|effective|approved|evaluated|contract|deadline|meeting|webinar|training|since|renewal|audit|go-live|started|start|began|begin|pilot|session|briefing|course|tested|installed)|(dob|d\\.o\\.b|born|birth|birthday|birthdate|aged?|baby|newborn|infant|neonate))(?![a-z])',
  'gi',
);

/** The last match of `words` in the 40 characters before `start`, on the same line: which group matched. */
function nearestWord(scan: Scan, start: number, words: RegExp): 1 | 2 | 0 {
  const before = scan.text.slice(Math.max(0, start - 40), start);
  const line = before.slice(before.lastIndexOf('\n') + 1);
  let last: 1 | 2 | 0 = 0;
  words.lastIndex = 0;
  for (let m; (m = words.exec(line)); ) last = m[1] !== undefined ? 1 : 2;
  return last;
}

/** True when the words just before a number say it is a book's, a trial's, a company's or a helpline's. */
export const someoneElsesByWords = (before: string): boolean =>
  nearestWord({ text: before, now: 0, vendorDomains: [], urls: [] }, before.length, OWNER_WORDS) === 1;

/** True when the number at m belongs to a book, a trial, a company or a helpline, by the words before it. */
const someoneElses = (m: RegExpExecArray, scan: Scan) => REGISTRY_PREFIX.test(m[0]) || nearestWord(scan, m.index, OWNER_WORDS) === 1;

const insideUrl = (scan: Scan, start: number) => scan.urls.some(([from, to]) => start >= from && start < to);

// ---- dates -----------------------------------------------------------------------------------

const MONTH = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const monthNumber = (name: string): number => 'janfebmaraprmayjunjulaugsepoctnovdec'.indexOf(name.slice(0, 3).toLowerCase()) / 3 + 1;
const ORDINAL_UNITS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth'];
const ORDINAL_TEENS = ['tenth', 'eleventh', 'twelfth', 'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth'];
const ORDINAL_WORD = `(?:twenty|thirty)[ -]?(?:${ORDINAL_UNITS.join('|')})|${[...ORDINAL_TEENS, 'twentieth', 'thirtieth', ...ORDINAL_UNITS].join('|')}`;
/** "3", "3rd", "the third", "thirty-first" as a day number, or NaN. */
function dayNumber(day: string): number {
  const word = day.toLowerCase().replace(/^the\s+/, '').replace(/(?<=\d)(?:st|nd|rd|th)$/, '');
  if (/^\d+$/.test(word)) return +word;
  const [, tens, unit] = /^(?:(twenty|thirty)[ -]?)?(.*)$/.exec(word)!;
  const base = tens === 'twenty' ? 20 : tens === 'thirty' ? 30 : 0;
  const units = ORDINAL_UNITS.indexOf(unit!);
  if (units >= 0) return base + units + 1;
  const teens = ORDINAL_TEENS.indexOf(unit!);
  if (!base && teens >= 0) return teens + 10;
  return unit === 'twentieth' ? 20 : unit === 'thirtieth' ? 30 : NaN;
}
const DAY = `(\\d\\d?(?:st|nd|rd|th)?|(?:the )?(?:${ORDINAL_WORD}))`;
const YEAR = `['\u2019]?((?:19|20)?\\d\\d)(?![\\da-z])`;

/** A two-digit year is the latest year with those digits not after now. */
function fullYear(year: string, now: number): number {
  if (year.length === 4) return +year;
  const thisYear = new Date(now).getUTCFullYear();
  const candidate = Math.floor(thisYear / 100) * 100 + +year;
  return candidate > thisYear ? candidate - 100 : candidate;
}

/** The day exists (29 February only in a leap year) and is not after now. */
function isPastDate(year: number, month: number, day: number, now: number): boolean {
  if (!(year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1)) return false;
  const date = Date.UTC(year, month - 1, day);
  return new Date(date).getUTCDate() === day && date <= now;
}

const RECENT_MS = 2 * 365.25 * 24 * 60 * 60 * 1000;
// "from 1 April 2024 to 31 March 2025", "between 2019-01-01 and 2024-12-31".
const RANGE_START_BEFORE = /(?<![a-z])(?:from|between)\s+(?:the\s+)?$/i;
const RANGE_START_AFTER = /^\s*(?:to|until|till|and|-)\s/i;
const RANGE_END_BEFORE = /(?<![a-z])(?:from|between)\s+\S+(?:\s+\S+){0,3}\s+(?:to|until|till|and|-)\s+$/i;

function inDateRange(scan: Scan, m: RegExpExecArray): boolean {
  const before = scan.text.slice(Math.max(0, m.index - 40), m.index);
  return (RANGE_START_BEFORE.test(before) && RANGE_START_AFTER.test(scan.text.slice(m.index + m[0].length, m.index + m[0].length + 8))) || RANGE_END_BEFORE.test(before);
}

/**
 * A date of birth is a past date. A birth word ("DOB", "born", "baby") nearby makes it one; an
 * event word ("published", "started", "meeting") or a range of dates makes it an event; with
 * neither, a date in the last two years is taken as an event (a pilot, a meeting, an update) and
 * an older one as a possible birth date.
 */
function birthDate(scan: Scan, m: RegExpExecArray, year: number, month: number, day: number): boolean {
  if (!isPastDate(year, month, day, scan.now)) return false;
  const word = nearestWord(scan, m.index, EVENT_OR_BIRTH);
  if (word !== 0) return word === 2;
  return !inDateRange(scan, m) && Date.UTC(year, month - 1, day) < scan.now - RECENT_MS;
}

const BIRTH_WORD = '(?:dob|d\\.o\\.b\\.?|date of birth|born(?: on| in)?|birth ?date|birthday)';

// ---- streets and names -----------------------------------------------------------------------

// Street words typed in any case, and ones that count only with a capital (lower case they are
// everyday words: "way", "close", "park").
const STREET_ANY_CASE = ['road', 'street', 'avenue', 'lane', 'crescent', 'terrace', 'gardens'];
const STREET_CAPITALISED = ['Rd', 'St', 'Ave', 'Close', 'Drive', 'Way', 'Court', 'Place', 'Grove', 'Mews', 'Square', 'Walk', 'Row', 'Hill', 'Park', 'Rise', 'View', 'Green', 'Parade', 'Vale', 'Crt', 'Cres', 'Gdns'];
const anyCase = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c}]`).join('');
const STREET = `(?:${STREET_ANY_CASE.map(anyCase).join('|')}|${STREET_CAPITALISED.join('|')})`;
// "Patel", "O'Neill", "McDonald", "Jones-Hart".
const SURNAME = "(?:[A-Z]['\u2019])?[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:-[A-Z]?[a-z]+)*";
const TITLE = '(?:[Mm]rs?|[Mm][sx]|[Dd]r|Miss|Master|Prof|Sir|Dame|Revd?)';

// ---- the rules -------------------------------------------------------------------------------

const SEP = '[ ./_,-]';

const COUNTRY_CODE_BEFORE = new RegExp(`(?:\\+|\\b00)\\d{1,3}${SEP}{0,4}$`);
const RUNS_ON_BEFORE = new RegExp(`\\d${SEP}{1,4}$`);
const RUNS_ON_AFTER = new RegExp(`^${SEP}{1,4}\\d`);
const GROUPED_3_3_4 = new RegExp(`^\\d{3}(${SEP}{0,4})\\d{3}\\1\\d{4}$`);

// In priority order: on overlap the earlier rule wins.
const RULES: [PatientDataKind, RegExp, Check?][] = [
  [
    'nhs-number',
    new RegExp(`(?<!\\d)\\d(?:${SEP}{0,4}\\d){9}(?!\\d)`, 'g'),
    (m, scan) => {
      const [n] = m;
      if (!isValidNhsNumber(n.replace(/\D/g, '')) || someoneElses(m, scan)) return false;
      // After a country code it is a phone number's digits ("+1 212 555 0199"). A number running
      // on into more digits ("1234 5678 9012 3456") is not one, unless it is written 3-3-4 or plain.
      const before = scan.text.slice(Math.max(0, m.index - 9), m.index);
      if (COUNTRY_CODE_BEFORE.test(before)) return false;
      const runsOn = RUNS_ON_BEFORE.test(before) || RUNS_ON_AFTER.test(scan.text.slice(m.index + n.length, m.index + n.length + 5));
      return !runsOn || GROUPED_3_3_4.test(n);
    },
  ],
  [
    'email',
    /(?<![\w.%+-])[\w.%+-]+@[\dA-Za-z-]+(?:\.[\dA-Za-z-]+)+/g,
    ([e], scan) => {
      if (!/\.[A-Za-z]{2,}$/.test(e)) return false;
      const [local, domain] = e.toLowerCase().split('@') as [string, string];
      const vendors = scan.vendorDomains.some((vendor) => domain === vendor || domain.endsWith(`.${vendor}`));
      return !vendors && !ROLE_ADDRESS.test(local);
    },
  ],
  [
    'hospital-number',
    /(?<![a-z])(?:mrn|pas|(?:hosp(?:ital)?|patient|pt|unit|case|clinic|pas|k)\.? ?(?:number|num|no|id|#))(?![a-z])\.?[ :#=-]*((?:[a-z]{1,4}[ /-]?)?\d(?:[ -]?\d){3,11}[a-z]?)(?![\da-z])/gi,
    (m) => /^\d{5,12}$/.test(m[1]!.replace(/\D/g, '')),
  ],
  ['hospital-number', /(?<![\dA-Za-z])(?:[A-Z]{1,3}\d{6,9}|R[A-Z\d]{2}[ /:-]\d{6,9})(?![\dA-Za-z])/g, (m, scan) => !someoneElses(m, scan)],
  [
    'phone',
    /(?<![\dA-Za-z+])(?:(?:\+|00)44[ .-]?(?:\(0\)[ .-]?)?\(?|\(?0)([1-9])(?:(?:[ .-]{1,2}|\)[ .-]?)?\d){9}(?![\dA-Za-z])/g,
    (m, scan) => !/[389]/.test(m[1]!) && !someoneElses(m, scan) && !organisationsPhone(m, scan, m[1] !== '7'),
  ],
  ['phone', /(?<![\dA-Za-z+])(?:\+|00)[1-9]\d{0,2}(?:[ .()-]{0,2}\d){6,13}(?!\d)/g, (m, scan) => !someoneElses(m, scan)],
  [
    'phone',
    /(?<![a-z])(?:tel|telephone|phone|mobile|mob|cell|call|ring|text|whatsapp)(?![a-z])\.?(?: ?(?:no|number|on))?[ :.]*(\(?\d(?:[ .()-]{0,2}\d){6,14})(?!\d)/gi,
    (m, scan) => !/^\(?0[389]/.test(m[1]!) && !organisationsPhone(m, scan, !/^\(?07/.test(m[1]!)),
  ],
  ['postcode', /(?<![\dA-Za-z])(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)|GIR)(?: {0,2}|[-._/] ?)\d[ABD-HJLNP-UW-Z]{2}(?![\dA-Za-z])/gi],
  [
    'date-of-birth',
    new RegExp(`(?<![\\da-z]|\\d[./-])(\\d\\d?)([./-])(\\d\\d?)\\2${YEAR}(?![./-]\\d)`, 'gi'),
    (m, scan) => {
      const [, d, sep, mo, y] = m;
      if (sep === '.' && y!.length === 2 && d!.length + mo!.length < 4) return false;
      const year = fullYear(y!, scan.now);
      return birthDate(scan, m, year, +mo!, +d!) || birthDate(scan, m, year, +d!, +mo!);
    },
  ],
  ['date-of-birth', /(?<![\da-z]|\d[./-])((?:19|20)\d\d)([/-])(\d\d?)\2(\d\d?)(?![\da-z]|[./-]\d)/gi, (m, scan) => birthDate(scan, m, +m[1]!, +m[3]!, +m[4]!)],
  [
    'date-of-birth',
    new RegExp(`(?<![\\da-z])${DAY}[ ,./-]{0,3}(?:of )?(${MONTH})(?![a-z])\\.?[ ,./-]{0,3}${YEAR}`, 'gi'),
    (m, scan) => birthDate(scan, m, fullYear(m[3]!, scan.now), monthNumber(m[2]!), dayNumber(m[1]!)),
  ],
  [
    'date-of-birth',
    new RegExp(`(?<![a-z])(${MONTH})(?![a-z])\\.? ?${DAY}(?:, ?| )${YEAR}`, 'gi'),
    (m, scan) => birthDate(scan, m, fullYear(m[3]!, scan.now), monthNumber(m[1]!), dayNumber(m[2]!)),
  ],
  [
    // Eight digits: DDMMYYYY or YYYYMMDD ("DOB 03031954", "19540303").
    'date-of-birth',
    /(?<!\d)(\d\d)(\d\d)(\d\d)(\d\d)(?!\d)/g,
    (m, scan) => {
      const [, a, b, c, d] = m;
      const dated = birthDate(scan, m, +(c! + d!), +b!, +a!) || birthDate(scan, m, +(a! + b!), +c!, +d!);
      return dated && !someoneElses(m, scan);
    },
  ],
  [
    // With a birth word, a month and year, or a year, is enough: "DOB March 1954", "born in 1954".
    'date-of-birth',
    new RegExp(`(?<![a-z])${BIRTH_WORD}[ :.-]{0,3}(?:(?:${MONTH})(?![a-z])\\.?[ ,/-]{0,2})?((?:19|20)\\d\\d)(?!\\d)`, 'gi'),
    (m, scan) => isPastDate(+m[1]!, 1, 1, scan.now),
  ],
  ['street-address', new RegExp(`(?<![\\w.,/-])\\d{1,4}[A-Za-z]?,? +(?:[A-Za-z][a-z'\u2019]+ +){1,3}${STREET}(?![A-Za-z])`, 'g')],
  ['name', new RegExp(`(?<![A-Za-z])${TITLE}\\.? +${SURNAME}(?![A-Za-z])`, 'g')],
];

// Addresses of a role, not a person: an organisation's, whatever the domain.
const ROLE_ADDRESS = /^(?:support|help|helpdesk|info|information|contact|contactus|hello|hi|enquiries|enquiry|feedback|privacy|dpo|dataprotection|data\.protection|admin|team|office|sales|press|media|accessibility|customerservices?|customer\.services?|care|noreply|no-reply|nhs|partnerships|clinical|safety|security|complaints|appointments|bookings|referrals|reception)(?:[._+-][\w.-]*)?$/;

/**
 * The text as matched: hidden characters removed, then look-alikes made plain (any space as " ",
 * any dash as "-", full-width digits as digits), character for character. `at[i]` is the
 * original offset of character i; `at[text.length]` is the original's length.
 */
function visible(original: string): { text: string; at: number[] } {
  let text = '';
  const at: number[] = [];
  for (let i = 0; i < original.length; ) {
    const point = original.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    const char = original.slice(i, i + width);
    if (!HIDDEN.test(char)) {
      for (let unit = 0; unit < width; unit++) at.push(i + unit);
      text += char;
    }
    i += width;
  }
  at.push(original.length);
  const plain = text
    .replace(/\s/g, ' ')
    .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-')
    .replace(/[\uff10-\uff19]/g, (digit) => String(digit.charCodeAt(0) - 0xff10));
  return { text: plain, at };
}

const URL_PATTERN = /(?:https?:\/\/|www\.)[^\s<>"]+/gi;

export function findPatientData(original: string, context: PatientDataContext = {}): PatientDataFinding[] {
  const { text, at } = visible(original);
  const scan: Scan = {
    text,
    now: context.now ?? Date.now(),
    vendorDomains: (context.vendorDomains ?? []).map((domain) => domain.toLowerCase()),
    urls: [...text.matchAll(URL_PATTERN)].map((m) => [m.index, m.index + m[0].length]),
  };
  const candidates: (PatientDataFinding & { rank: number })[] = [];
  RULES.forEach(([kind, pattern, check], rank) => {
    if (context.identifiersOnly && isPossibleOnly(kind)) return;
    pattern.lastIndex = 0;
    for (let m; (m = pattern.exec(text)); ) {
      // A rejected match may hide a good one starting inside it.
      if (insideUrl(scan, m.index) || (check && !check(m, scan))) {
        pattern.lastIndex = m.index + 1;
        continue;
      }
      const start = at[m.index]!;
      const end = at[m.index + m[0].length - 1]! + 1;
      candidates.push({ kind, start, end, text: original.slice(start, end), rank });
    }
  });
  candidates.sort((a, b) => a.start - b.start || a.rank - b.rank);
  const kept: typeof candidates = [];
  for (const c of candidates) {
    const last = kept[kept.length - 1];
    if (!last || c.start >= last.end) kept.push(c);
    else if (c.rank < last.rank) kept[kept.length - 1] = c;
  }
  return kept.map(({ kind, start, end, text }) => ({ kind, start, end, text }));
}

/**
 * The domains a tool's vendor writes from: its websites' hosts (without "www.") and its Google
 * Play package read backwards ("com.bighealth.sleepio" → "bighealth.com"). Free webmail never counts.
 */
export function vendorDomainsOf(identifiers: { web?: readonly { origin: string }[]; googlePlay?: readonly string[] }): string[] {
  const hosts = (identifiers.web ?? []).flatMap(({ origin }) => {
    try {
      return [new URL(origin).hostname.replace(/^www\./, '')];
    } catch {
      return [];
    }
  });
  const packages = (identifiers.googlePlay ?? []).flatMap((name) => {
    const labels = name.toLowerCase().split('.');
    return labels.length >= 2 ? [`${labels[1]}.${labels[0]}`] : [];
  });
  return [...new Set([...hosts, ...packages])].filter((domain) => domain.includes('.') && !WEBMAIL.has(domain));
}

const WEBMAIL = new Set(['gmail.com', 'googlemail.com', 'google.com', 'hotmail.com', 'hotmail.co.uk', 'outlook.com', 'live.com', 'live.co.uk', 'yahoo.com', 'yahoo.co.uk', 'icloud.com', 'me.com', 'aol.com', 'btinternet.com', 'nhs.net', 'proton.me', 'protonmail.com']);
