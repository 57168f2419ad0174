// Patient identifiers in a peer note's text. Notes are about tools, never patients, so a note that
// looks like it names one is blocked before it is saved or published. Pure and dependency-free: it
// is bundled into the content script. One pass per rule, every regex linear (no nested or
// overlapping quantifiers), so a 2,000-character note checks in well under a millisecond.
//
// Flagged (any case unless said):
//   nhs-number       10 digits, plain or split by spaces, dashes or dots (one or two; any kind of space
//                    or dash, and full-width digits, count), passing Modulus 11. A number
//                    that runs on into more digits ("+44 7700 900123", "1234 5678 9012 3456") is not
//                    one, unless it is grouped 3-3-4 or written plain.
//   email            local@domain.tld.
//   hospital-number  MRN, hospital/hosp/patient/unit/case/clinic number/no/id, then an identifier of
//                    5-12 letters and digits with at least 5 digits (the keyword is in the finding);
//                    or, with no keyword, 1-3 CAPITAL letters and 6-9 digits as one word ("K1234567").
//   phone            UK: 0 + 10 digits, or +44/0044 (optionally "(0)") + 10 digits; spaces, dashes
//                    and brackets between groups.
//   postcode         full postcodes of every shape and GIR 0AA, with 0-2 spaces; the letters are
//                    limited to the ones Royal Mail uses, so "5mg" or "6pm" is never an inward code.
//   date-of-birth    a full day, month and year: 1/2/60, 01-02-1960, 01.02.1960 (dots with a
//                    two-digit year need two-digit day and month, so "v2.10.21" is not one),
//                    1960-02-01, 1 Feb 1960, 1st of February 1960, 01Feb1960, February 1, 1960.
//                    Years 1900-2099 or two digits; the day must exist in the month (29 Feb always).
//                    A numeric date that only makes sense month-first (12/25/1960) counts too.
// Not flagged: month and year, years, times, fractions, version numbers, "NHS 111", outward codes.
//
// When findings overlap the more specific one is kept, in this order:
// nhs-number > email > hospital-number > phone > postcode > date-of-birth.

export type PatientDataKind = 'nhs-number' | 'date-of-birth' | 'postcode' | 'phone' | 'email' | 'hospital-number';

/** start and end are UTF-16 offsets into the checked text, end exclusive; text is text.slice(start, end). */
export interface PatientDataFinding {
  kind: PatientDataKind;
  start: number;
  end: number;
  text: string;
}

export const PATIENT_DATA_LABELS: Record<PatientDataKind, string> = {
  'nhs-number': 'an NHS number',
  'date-of-birth': 'a date that could be a date of birth',
  postcode: 'a postcode',
  phone: 'a phone number',
  email: 'an email address',
  'hospital-number': 'a hospital or clinic number',
};

/** Exactly 10 digits whose last is the Modulus 11 check digit of the first nine (weights 10 to 2). */
export function isValidNhsNumber(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += +digits[i]! * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return check < 10 && check === +digits[9]!;
}

export function describeFinding(finding: PatientDataFinding, field: string): string {
  return `${field.charAt(0).toUpperCase()}${field.slice(1)} contains what looks like ${PATIENT_DATA_LABELS[finding.kind]} ("${finding.text}", at character ${finding.start + 1}). Notes are about tools, never patients: remove it and try again.`;
}

type Check = (m: RegExpExecArray, text: string) => boolean;

// Day d of month m exists (29 February always does).
const dayOfMonth = (d: string, m: number): boolean => +d > 0 && m > 0 && m < 13 && +d <= (m === 2 ? 29 : 30 + ((m + (m >> 3)) & 1));
const monthNumber = (name: string): number => 'janfebmaraprmayjunjulaugsepoctnovdec'.indexOf(name.slice(0, 3).toLowerCase()) / 3 + 1;

const MONTH = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
const YEAR = '((?:19|20)?\\d\\d)(?![\\da-z])';

// In priority order: on overlap the earlier rule wins.
const RULES: [PatientDataKind, RegExp, Check?][] = [
  [
    'nhs-number',
    /(?<![\dA-Za-z])\d(?:[ .-]{0,2}\d){9}(?![\dA-Za-z])/g,
    ({ 0: n, index: i }, text) =>
      isValidNhsNumber(n.replace(/\D/g, '')) &&
      (/^\d{3}([ .-]{0,2})\d{3}\1\d{4}$/.test(n) || !/\d[ .-]$/.test(text.slice(Math.max(0, i - 2), i)) && !/^[ .-]\d/.test(text.slice(i + n.length, i + n.length + 2))),
  ],
  ['email', /(?<![\w.%+-])[\w.%+-]+@[\dA-Za-z-]+(?:\.[\dA-Za-z-]+)+/g, ([e]) => /\.[A-Za-z]{2,}$/.test(e)],
  [
    'hospital-number',
    /\b(?:mrn|(?:hosp(?:ital)?|patient|unit|case|clinic)\.? ?(?:number|no|id))(?![a-z])\.?[ :#=-]*([\da-z]{5,12})(?![\da-z])/gi,
    (m) => m[1]!.replace(/\D/g, '').length > 4,
  ],
  ['hospital-number', /(?<![\dA-Za-z])[A-Z]{1,3}\d{6,9}(?![\dA-Za-z])/g],
  ['phone', /(?<![\dA-Za-z])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?\(?|\(?0)[1-9](?:(?:[ -]|\)[ -]?)?\d){9}(?![\dA-Za-z])/g],
  ['postcode', /(?<![\dA-Za-z])(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)|GIR) {0,2}\d[ABD-HJLNP-UW-Z]{2}(?![\dA-Za-z])/gi],
  [
    'date-of-birth',
    new RegExp(`(?<![\\da-z]|\\d[./-])(\\d\\d?)([./-])(\\d\\d?)\\2${YEAR}(?![./-]\\d)`, 'gi'),
    ([, d, sep, m, y]) => (sep !== '.' || y!.length > 2 || d!.length + m!.length > 3) && (dayOfMonth(d!, +m!) || dayOfMonth(m!, +d!)),
  ],
  ['date-of-birth', /(?<![\da-z]|\d[./-])((?:19|20)\d\d)([/-])(\d\d?)\2(\d\d?)(?![\da-z]|[./-]\d)/gi, ([, , , m, d]) => dayOfMonth(d!, +m!)],
  [
    'date-of-birth',
    new RegExp(`(?<![\\da-z])(\\d\\d?)(?:st|nd|rd|th)?[ ,./-]{0,3}(?:of )?(${MONTH})(?![a-z])[ ,./-]{0,3}${YEAR}`, 'gi'),
    ([, d, m]) => dayOfMonth(d!, monthNumber(m!)),
  ],
  [
    'date-of-birth',
    new RegExp(`(?<![a-z])(${MONTH})(?![a-z])\\.? ?(\\d\\d?)(?:st|nd|rd|th)?(?:, ?| )${YEAR}`, 'gi'),
    ([, m, d]) => dayOfMonth(d!, monthNumber(m!)),
  ],
];

/**
 * The same text, character for character, with look-alikes made plain: any space (non-breaking,
 * thin…) as " ", any dash as "-", full-width digits as digits. Text pasted from Word or a
 * clinical system keeps an NHS number that way; positions stay those of the original.
 */
function plain(text: string): string {
  return text.replace(/\s/g, ' ').replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, '-').replace(/[\uff10-\uff19]/g, (digit) => String(digit.charCodeAt(0) - 0xff10));
}

export function findPatientData(original: string): PatientDataFinding[] {
  const text = plain(original);
  const candidates: (PatientDataFinding & { rank: number })[] = [];
  RULES.forEach(([kind, pattern, check], rank) => {
    pattern.lastIndex = 0;
    for (let m; (m = pattern.exec(text)); ) {
      // A rejected match may hide a good one starting inside it.
      if (check && !check(m, text)) pattern.lastIndex = m.index + 1;
      else candidates.push({ kind, start: m.index, end: m.index + m[0].length, text: original.slice(m.index, m.index + m[0].length), rank });
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
