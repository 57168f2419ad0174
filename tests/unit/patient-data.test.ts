// The patient-data detector for peer notes. Every identifier here is a test value: NHS numbers made to
// pass (or fail) Modulus 11, Ofcom drama phone numbers, famous public postcodes, example.* emails.
import { describe, expect, it } from 'vitest';
import { describeFinding, findPatientData, isValidNhsNumber, PATIENT_DATA_LABELS, type PatientDataKind } from '@/lib/notes/patient-data';

/** The NHS Modulus 11 check, written out again here so the fixtures do not rely on the code under test. */
function mod11(digits: string): boolean {
  const weights = [10, 9, 8, 7, 6, 5, 4, 3, 2];
  const total = weights.reduce((sum, weight, i) => sum + weight * Number(digits[i]), 0);
  const remainder = 11 - (total % 11);
  const check = remainder === 11 ? 0 : remainder;
  return digits.length === 10 && check !== 10 && check === Number(digits[9]);
}

const VALID_NHS = [
  '9434765919', '4010232137', '4857773457', '9990000018', '1234567881', '4505577104',
  '6100000008', '7000000007', '9434765927', '2345678909', '6123456784', '3020109019',
  '1366666410', // check digit 0 (11 - 0)
  '1733332820',
];
const INVALID_NHS = [
  '9434765918', '4010232138', '4857773450', '9990000019', '1234567890', '4505577105',
  '6100000009', '7000000008',
  // the check value is 10, so no last digit makes these valid
  '8765432100', '2399999860', '2711110941', '3177777563',
];

const spaced = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const dashed = (n: string) => `${n.slice(0, 3)}-${n.slice(3, 6)}-${n.slice(6)}`;
const GROUPINGS = [['plain', (n: string) => n], ['spaces', spaced], ['dashes', dashed]] as const;

/** Each finding as [kind, text]. */
const found = (text: string) => findPatientData(text).map((f) => [f.kind, f.text]);

/** `sample` inside a sentence is found once, as `kind`, at its place, with `expected` as its text. */
function expectOne(sample: string, kind: PatientDataKind, expected = sample) {
  const text = `Seen on the ward: ${sample}. Thanks`;
  const start = text.indexOf(expected);
  expect(findPatientData(text)).toEqual([{ kind, start, end: start + expected.length, text: expected }]);
}

describe('the fixtures', () => {
  it.each(VALID_NHS)('%s passes Modulus 11 by the independent check', (n) => expect(mod11(n)).toBe(true));
  it.each(INVALID_NHS)('%s fails Modulus 11 by the independent check', (n) => expect(mod11(n)).toBe(false));
});

describe('isValidNhsNumber', () => {
  it.each(VALID_NHS)('%s is valid', (n) => expect(isValidNhsNumber(n)).toBe(true));
  it.each(INVALID_NHS)('%s is not', (n) => expect(isValidNhsNumber(n)).toBe(false));
  it.each(['', '943476591', '94347659190', '943 476 5919', '943-476-5919', 'abcdefghij', '９４３４７６５９１９'])('%j is not (not exactly 10 ASCII digits)', (n) => {
    expect(isValidNhsNumber(n)).toBe(false);
  });
});

describe('NHS numbers', () => {
  describe.each(GROUPINGS)('written %s', (_, format) => {
    it.each(VALID_NHS)('%s is found', (n) => expectOne(format(n), 'nhs-number'));
    it.each(INVALID_NHS)('%s is not found (fails Modulus 11)', (n) => expect(findPatientData(`Seen on the ward: ${format(n)}.`)).toEqual([]));
  });

  it.each(['94 34 76 59 19', '9434 765 919', '9-4-3-4-7-6-5-9-1-9', '94347 65919', '943 476-5919'])('any single space or dash grouping: %s', (n) => {
    expectOne(n, 'nhs-number');
  });

  // As pasted from Word or a clinical system: the finding keeps the original characters.
  it.each(['943  476 5919', '943.476.5919', '943\u00A0476\u00A05919', '943\u2009476\u20095919', '943–476–5919', '９４３４７６５９１９'])('dots, double spaces and look-alike spaces, dashes and digits: %s', (n) => {
    expectOne(n, 'nhs-number');
  });

  it.each([
    ['more digits before', '19434765919'],
    ['more digits after', '94347659190'],
    ['a loose grouping running on into more digits', '1 94 34 76 59 19'],
    ['a loose grouping with more digits after', '94 34 76 59 19 7'],
  ])('not when %s: %s', (_, text) => {
    expect(findPatientData(text).filter((f) => f.kind === 'nhs-number')).toEqual([]);
  });

  it.each(['NHS9434765919', 'nhsno9434765919', '9434765919pt', 'A9434765919'])('letters run on: %s', (n) => {
    expect(found(n)).toEqual([['nhs-number', '9434765919']]);
  });

  it.each(['943/476/5919', '943_476_5919', '943,476,5919', '943   476   5919', '943 / 476 / 5919'])('split by "/", "_", "," or several spaces: %s', (n) => {
    expectOne(n, 'nhs-number');
  });

  it('a 3-3-4 number followed by a date is both', () => {
    expect(found('943 476 5919 12/03/1960')).toEqual([['nhs-number', '943 476 5919'], ['date-of-birth', '12/03/1960']]);
    expect(found('9434765919 1 Feb 1960')).toEqual([['nhs-number', '9434765919'], ['date-of-birth', '1 Feb 1960']]);
  });
});

describe('dates that could be dates of birth', () => {
  it.each([
    '01/02/1960', '1/2/60', '01-02-1960', '01.02.1960', '01.02.60', '1 Feb 1960', '1st February 1960',
    '01 February 60', 'February 1, 1960', 'Feb 1 1960', 'Feb. 1st, 1960', '1960-02-01', '1960/2/1', '1-Feb-1960',
    '01Feb1960', '1 FEB 1960', '2nd march 2001', '3rd Sept 1999', '23 Sep 1988', '4th of July 1976',
    '29/02/2000', '31 December 1999', '1 Jan 1900', '12/25/1960' /* month first, as written in the US */,
  ])('%s', (date) => expectOne(date, 'date-of-birth'));

  it.each([
    ['month and year', 'March 2024'],
    ['month and year, abbreviated', 'Feb 1960'],
    ['a year', 'since 2019'],
    ['a version number', 'v2.10.1'],
    ['a short version number', '1.2.3'],
    ['a version number that looks like a date', 'release 2.10.21'],
    ['a dotted date with a single-digit day and a two-digit year', '1.2.60'],
    ['a time', '10:30'],
    ['a time with seconds', '10:30:45'],
    ['a fraction', '3/4 of patients'],
    ['a half', '1/2'],
    ['a financial year', '2024-25'],
    ['a financial year with a slash', '2023/24'],
    ['no such day', '31/02/1960'],
    ['no such day, named', '30 February 1960'],
    ['day 32', '32/01/1960'],
    ['day 0', '00/01/1960'],
    ['month 13 either way round', '13/13/1960'],
    ['a year before 1900', '01/02/1860'],
    ['a year after 2099', '01/02/2100'],
    ['a three-digit year', '01/02/196'],
    ['day and month only', '1 Feb'],
    ['month and day only', 'February 1'],
    ['24/7', 'open 24/7/365'],
    ['an ISO month', '2024-03'],
    ['a score', 'scored 12/20'],
  ])('not %s: %s', (_, text) => expect(findPatientData(text)).toEqual([]));
});

describe('postcodes', () => {
  it.each([
    ['A9 9AA', 'M1 1AE'],
    ['A99 9AA', 'B33 8TH'],
    ['A9A 9AA', 'W1A 0AX'],
    ['AA9 9AA', 'CR2 6XH'],
    ['AA99 9AA', 'DN55 1PT'],
    ['AA9A 9AA', 'EC1A 1BB'],
    ['AA9A 9AA', 'SW1A 1AA'],
    ['GIR 0AA', 'GIR 0AA'],
    ['lower case', 'sw1a 1aa'],
    ['mixed case', 'Ec1a 1bb'],
    ['no space', 'SW1A1AA'],
    ['no space, short', 'M11AE'],
    ['two spaces', 'SW1A  1AA'],
    ['fictional A9 9AA', 'A1 1AA'],
    ['fictional AA99 9AA', 'ZE99 9ZZ'],
  ])('%s: %s', (_, postcode) => expectOne(postcode, 'postcode'));

  it.each([
    ['an outward code alone', 'SW1A'],
    ['a short outward code alone', 'the M1 corridor'],
    ['NHS 111', 'NHS 111'],
    ['a NICE evaluation code', 'NICE HTE8 2023'],
    ['three letters first', 'ABC 1DE'],
    ['a dose (M is never in an inward code)', 'B12 5mg'],
    ['Q never starts a postcode', 'Q1 2AB'],
    ['part of a longer word', 'SW1A1AAB'],
    ['three spaces', 'SW1A   1AA'],
    ['a product code', 'model X12 3AB'],
    ['a product code with letters around', 'SKU-AB12CDX'],
  ])('not %s: %s', (_, text) => expect(findPatientData(text)).toEqual([]));
});

describe('phone numbers', () => {
  it.each([
    ['07700 900123'], ['07700-900-123'], ['07700900456'], ['07700 900 789'], ['(01632) 960 001'], ['01632 960983'],
    ['+44 7700 900123'], ['+447700900789'], ['+44 (0)20 7946 0000'], ['+44(0)20 7946 0123'], ['020 7946 0000'],
    ['020-7946-0123'], ['(020) 7946 0999'], ['0044 20 7946 0999'], ['+44 07700 900123', '07700 900123'],
  ])('%s', (phone, expected = phone) => expectOne(phone, 'phone', expected));

  it.each([
    ['111', 'call 111'],
    ['999', 'ring 999'],
    ['NHS 111', 'NHS 111 online'],
    ['111 and 999', 'call 111 or 999'],
    ['too short', '07700 9001'],
    ['a short landline', '0800 1111'],
    ['too long', '077009001234'],
    ['a count', '12,345 downloads'],
  ])('not %s: %s', (_, text) => expect(findPatientData(text)).toEqual([]));
});

describe('email addresses', () => {
  it.each(['jo.bloggs@example.nhs.uk', 'first.last+notes@example.com', 'A_B-c99@sub.example.org', 'x@example.co'])('%s', (email) => {
    expectOne(email, 'email');
  });

  it.each([
    ['no domain', 'foo@bar'],
    ['a mention', '@signpost'],
    ['a one-letter top-level domain', 'a@b.c'],
    ['no local part', 'support at example.com'],
  ])('not %s: %s', (_, text) => expect(findPatientData(text)).toEqual([]));
});

describe('hospital and clinic numbers', () => {
  it.each([
    ['MRN 12345678'], ['MRN: RX1234567'], ['mrn#1234567'], ['Hospital number: 1234567'], ['hospital no. A123456'],
    ['Hosp No 99887766'], ['Patient ID #ABC12345'], ['patient number - 5551234'], ['Unit number 00123456'],
    ['case number 12345'], ['Clinic No: 7654321X'], ['K1234567'], ['RX12345678'], ['ABC123456'], ['Z123456789'],
  ])('%s', (sample) => expectOne(sample, 'hospital-number'));

  it.each([
    ['an App Store id', 'https://apps.apple.com/gb/app/example/id123456789'],
    ['lower case without a keyword', 'ref k1234567'],
    ['a keyword with no number', 'MRN pending'],
    ['a keyword with four digits', 'patient number 1234'],
    ['a keyword with too long an identifier', 'MRN 1234567890123'],
    ['a keyword inside a word', 'hospital notes 123456'],
    ['four letters', 'ABCD1234567'],
    ['five digits', 'K12345'],
    ['ten digits', 'K1234567890'],
    ['a clinical safety standard', 'meets DCB0129 and DCB0160'],
    ['a standard', 'ISO 27001'],
  ])('not %s: %s', (_, text) => expect(findPatientData(text)).toEqual([]));
});

describe('several at once', () => {
  it('finds an NHS number, a postcode and a date in one sentence, in order, at the right places', () => {
    const text = 'Patient 943 476 5919 of SW1A 1AA, DOB 01/02/1960, asked about the app.';
    expect(findPatientData(text)).toEqual([
      { kind: 'nhs-number', start: 8, end: 20, text: '943 476 5919' },
      { kind: 'postcode', start: 24, end: 32, text: 'SW1A 1AA' },
      { kind: 'date-of-birth', start: 38, end: 48, text: '01/02/1960' },
    ]);
  });

  it('finds one of each kind', () => {
    const text = 'Mr X, 401-023-2137, 3 Feb 1950, B33 8TH, 07700 900321, x@example.com, MRN 7654321.';
    expect(found(text)).toEqual([
      ['nhs-number', '401-023-2137'],
      ['date-of-birth', '3 Feb 1950'],
      ['postcode', 'B33 8TH'],
      ['phone', '07700 900321'],
      ['email', 'x@example.com'],
      ['hospital-number', 'MRN 7654321'],
    ]);
  });

  it.each([
    ['an NHS number over a hospital number', 'MRN 9434765919', ['nhs-number', '9434765919']],
    ['an NHS number over a phone number', 'tel 943 476 5919', ['nhs-number', '943 476 5919']],
    ['a phone number when the digits follow a country code', '+44 943 476 5919', ['phone', '+44 943 476 5919']],
    ['an email address over a postcode inside it', 'sw1a1aa@example.com', ['email', 'sw1a1aa@example.com']],
    ['an email address over a hospital number inside it', 'K1234567@example.com', ['email', 'K1234567@example.com']],
    ['a hospital number over a phone number', 'MRN 07700900123', ['hospital-number', 'MRN 07700900123']],
    ['a hospital number with a keyword over the same without', 'MRN RX1234567', ['hospital-number', 'MRN RX1234567']],
  ])('overlapping: keeps %s', (_, text, expected) => expect(found(text)).toEqual([expected]));

  it('returns findings sorted and never overlapping, each the text at its place', () => {
    const text = [
      '01/02/1960 943 476 5919 07700 900123 SW1A 1AA x@example.com K1234567 1 Feb 60 MRN: 12345',
      '9434765919@example.com 4010232137 020 7946 0000 1960-02-01 (01632) 960 001 GIR 0AA',
    ].join('\n').repeat(20);
    const findings = findPatientData(text);
    expect(findings.length).toBeGreaterThan(200);
    findings.forEach((f, i) => {
      expect(text.slice(f.start, f.end)).toBe(f.text);
      if (i) expect(f.start).toBeGreaterThanOrEqual(findings[i - 1]!.end);
    });
  });
});

describe('a note with no patient data', () => {
  it.each([
    'Works well for older patients with COPD; needs a smartphone; NICE HTE8 2023; version 2.1.3; call NHS 111',
    'Good for type 2 diabetes. Costs £4.99 a month; 12,500 users in 2023/24; rated 4.5/5; v10.2 out March 2024.',
    'Meets DCB0129 and DCB0160; DTAC passed Q1 2024. Open 24/7. Reminders at 10:30 and 18:00. See https://apps.apple.com/gb/app/example/id123456789',
    'Age 65+ and 3/4 of my caseload use it. Ring 999 in an emergency, or 111.',
  ])('%s', (note) => expect(findPatientData(note)).toEqual([]));
});

describe('robustness', () => {
  it.each([
    ['empty', ''],
    ['lone surrogates', '\ud800 943 \udc00 \ud83d'],
    ['emoji and accents', '🏥 Café in Zürich — naïve ✓'],
    ['digits and spaces', '1 '.repeat(50_000)],
    ['zeros and spaces', '0 '.repeat(50_000)],
    ['digits and dashes', '1-'.repeat(50_000)],
    ['digits', '7'.repeat(100_000)],
    ['letters', 'a'.repeat(100_000)],
    ['dots and letters', 'a.'.repeat(50_000)],
    ['at signs', 'a@b.'.repeat(25_000)],
    ['keywords', 'MRN '.repeat(25_000)],
    ['brackets', '(0'.repeat(50_000)],
    ['country codes', '+44 '.repeat(25_000)],
    ['half dates', '01/02/'.repeat(16_000)],
  ])('does not throw: %s', (_, text) => {
    expect(Array.isArray(findPatientData(text))).toBe(true);
  });

  it('finds data next to unicode, with UTF-16 offsets', () => {
    const text = '🏥 943 476 5919';
    expect(findPatientData(text)).toEqual([{ kind: 'nhs-number', start: 3, end: 15, text: '943 476 5919' }]);
  });

  it('gives the same answer when called again (no state left in the patterns)', () => {
    const text = 'MRN 12345678 and 943 476 5919';
    expect(findPatientData(text)).toEqual(findPatientData(text));
    findPatientData('x'.repeat(10) + ' 9434765919');
    expect(found('9434765919')).toEqual([['nhs-number', '9434765919']]);
  });
});

describe('describeFinding', () => {
  it('names what was found, where (1-based), and what to do', () => {
    const [finding] = findPatientData('NHS number 943 476 5919');
    expect(describeFinding(finding!, 'the note')).toBe(
      'The note contains what looks like an NHS number ("943 476 5919", at character 12). Notes are about tools, never patients: remove it and try again.',
    );
  });

  it.each([
    ['date-of-birth', 'DOB 1/2/60', 'the title', 'The title contains what looks like a date that could be a date of birth ("1/2/60", at character 5).'],
    ['postcode', 'SW1A 1AA', 'the note', 'The note contains what looks like a postcode ("SW1A 1AA", at character 1).'],
    ['phone', 'Ring 07700 900123', 'your summary', 'Your summary contains what looks like a phone number ("07700 900123", at character 6).'],
    ['email', 'from x@example.com', 'the note', 'The note contains what looks like an email address ("x@example.com", at character 6).'],
    ['hospital-number', 'seen: MRN 1234567', 'the note', 'The note contains what looks like a hospital or clinic number ("MRN 1234567", at character 7).'],
  ])('%s', (kind, text, field, sentence) => {
    const [finding] = findPatientData(text);
    expect(finding?.kind).toBe(kind);
    expect(describeFinding(finding!, field)).toBe(`${sentence} Notes are about tools, never patients: remove it and try again.`);
  });

  it('has a plain-English label for every kind', () => {
    expect(PATIENT_DATA_LABELS).toEqual({
      'nhs-number': 'an NHS number',
      'date-of-birth': 'a date that could be a date of birth',
      postcode: 'a postcode',
      phone: 'a phone number',
      email: 'an email address',
      'hospital-number': 'a hospital or clinic number',
      name: "a person's name",
      'street-address': 'a street address',
    });
  });
});

describe('hidden characters', () => {
  const HIDDEN = [
    ['a zero-width space', '\u200B'],
    ['a zero-width joiner', '\u200D'],
    ['a zero-width non-joiner', '\u200C'],
    ['a word joiner', '\u2060'],
    ['a soft hyphen', '\u00AD'],
    ['a left-to-right mark', '\u200E'],
    ['a right-to-left embedding', '\u202B'],
    ['a byte-order mark', '\uFEFF'],
  ] as const;
  const SAMPLES: [PatientDataKind, string, number][] = [
    ['nhs-number', '943 476 5919', 5],
    ['postcode', 'SW1A 1AA', 2],
    ['phone', '07700 900123', 3],
    ['email', 'jo.bloggs@example.com', 4],
    ['date-of-birth', '01/02/1960', 2],
  ];

  describe.each(HIDDEN)('%s inside', (_, hidden) => {
    it.each(SAMPLES)('%s is still found, and the finding covers the original characters', (kind, sample, at) => {
      const typed = `${sample.slice(0, at)}${hidden}${sample.slice(at)}`;
      const text = `Seen today: ${typed}, thanks`;
      expect(findPatientData(text)).toEqual([{ kind, start: 12, end: 12 + typed.length, text: typed }]);
    });
  });

  it('says how many hidden characters the finding holds, and shows it without them', () => {
    const [finding] = findPatientData('NHS 943\u200B476\u200B5919');
    expect(describeFinding(finding!, 'the note')).toBe(
      'The note contains what looks like an NHS number ("9434765919", at character 5, with 2 hidden characters inside). Notes are about tools, never patients: remove it and try again.',
    );
  });

  it('keeps offsets right after an astral character and hidden characters before the finding', () => {
    const text = '🏥\u200B\u200B 943 476 5919';
    expect(findPatientData(text)).toEqual([{ kind: 'nhs-number', start: 5, end: 17, text: '943 476 5919' }]);
  });
});

describe('context decides', () => {
  const now = Date.UTC(2026, 0, 15);
  it.each([
    ['a date after now', 'Review date 12/03/2027; NICE guidance due 1 June 2027'],
    ['a date after now, even beside a birth word (a due date)', 'Expected date of birth 03/05/2027 in the maternity app'],
    ['a date after an event word', 'Guidance published 3 March 2024; app updated 01/02/2025'],
    ['an ISBN-10 that passes Modulus 11', 'The handbook, ISBN 0-19-852663-6, and ISBN-10: 9434765919'],
    ['a trial registration number', 'Trial NCT01234567 and ISRCTN12345678'],
    ['a company and a VAT number', 'Company number 01234567, VAT GB123456789'],
    ['a charity helpline and a freephone number', 'Helpline 0300 123 1234 or free on 0800 123 4567'],
    ["the practice's phone", "Ring the surgery on 01632 960001 to book"],
    ["the vendor's email at its own domain", 'Support: team@sleepio.com, and help@big-health.example'],
    ['an App Store id inside a web address', 'https://apps.apple.com/gb/app/example/id9434765919'],
  ])('not %s: %s', (_, text) => expect(findPatientData(text, { now, vendorDomains: ['sleepio.com'] })).toEqual([]));

  it.each([
    ['a birth word nearer than an event word', 'Updated after DOB 3 March 1954 was checked', '3 March 1954'],
    ['a patient word nearer than a context word', 'Company asked for NHS no 943 476 5919', '943 476 5919'],
    ['an email at another domain than the vendor’s', 'wrote to jo.bloggs54@example.com', 'jo.bloggs54@example.com'],
  ])('still found: %s', (_, text, expected) => {
    expect(findPatientData(text, { now, vendorDomains: ['sleepio.com'] }).map((f) => f.text)).toEqual([expected]);
  });

  it('a two-digit year is never in the future', () => {
    expect(found('3 Mar \'54')).toEqual([['date-of-birth', "3 Mar '54"]]);
  });
});

describe('possible names and street addresses', () => {
  it.each([
    ['name', 'Mrs Patel'], ['name', 'Dr. O\'Neill'], ['name', 'mr Smith'], ['name', 'Miss Jones-Hart'],
    ['street-address', '12 Acacia Avenue'], ['street-address', '4a high street'], ['street-address', '221B Baker St'],
  ] as const)('%s: %s', (kind, sample) => expectOne(sample, kind));

  it('are left out when only identifiers are asked for', () => {
    expect(findPatientData('Mrs Patel at 12 Acacia Avenue', { identifiersOnly: true })).toEqual([]);
  });

  it('a possible finding says the author may keep it', () => {
    const [finding] = findPatientData('Asked Mrs Patel');
    expect(describeFinding(finding!, 'the note')).toBe(
      'The note contains what may be a person\'s name ("Mrs Patel", at character 7). If it is a patient\'s, remove it; if not (a colleague, a tool, a company), you may save anyway.',
    );
  });

  it.each(['MS Society', 'miss a dose', 'takes 5 minutes a day', 'Works 3 different ways', 'Drive the app with voice'])('not: %s', (text) => {
    expect(findPatientData(text)).toEqual([]);
  });
});
