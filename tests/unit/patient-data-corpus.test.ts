// @vitest-environment node
// The patient-data check measured on a labelled corpus of synthetic texts
// (tests/fixtures/patient-data-corpus.json: what each text holds, by kind; none of it real).
// Recall must be 100 % for every identifier kind, in every shape the corpus writes them, and
// precision at least 95 %; the figures are printed for the README ("Patient data check").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findPatientData, IDENTIFIER_KINDS, isPossibleOnly, POSSIBLE_KINDS, type PatientDataFinding, type PatientDataKind } from '@/lib/notes/patient-data';

interface CorpusText {
  group: string;
  text: string;
  labels: { kind: PatientDataKind; text: string }[];
  vendorDomains?: string[];
}

const corpus = JSON.parse(readFileSync('tests/fixtures/patient-data-corpus.json', 'utf8')) as { now: string; texts: CorpusText[] };
const now = Date.parse(corpus.now);

interface Span {
  kind: PatientDataKind;
  start: number;
  end: number;
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

const runs = corpus.texts.map((entry) => {
  const labels: Span[] = entry.labels.map(({ kind, text }) => {
    const start = entry.text.indexOf(text);
    return { kind, start, end: start + text.length };
  });
  const findings: PatientDataFinding[] = findPatientData(entry.text, { now, vendorDomains: entry.vendorDomains ?? [] });
  return { entry, labels, findings };
});

const isIdentifier = (kind: PatientDataKind) => !isPossibleOnly(kind);

/** Per kind: labels found by a finding of that kind, and findings matching a label of that kind. */
function figures(kind: PatientDataKind) {
  let labelled = 0;
  let found = 0;
  let reported = 0;
  let correct = 0;
  const missed: string[] = [];
  const wrong: string[] = [];
  for (const { entry, labels, findings } of runs) {
    for (const label of labels.filter((l) => l.kind === kind)) {
      labelled += 1;
      if (findings.some((f) => f.kind === kind && overlaps(f, label))) found += 1;
      else missed.push(`${entry.group}: ${JSON.stringify(entry.text)}`);
    }
    for (const finding of findings.filter((f) => f.kind === kind)) {
      reported += 1;
      if (labels.some((l) => l.kind === kind && overlaps(finding, l))) correct += 1;
      else wrong.push(`${entry.group}: ${JSON.stringify(finding.text)} in ${JSON.stringify(entry.text)}`);
    }
  }
  return { kind, labelled, found, reported, correct, recall: labelled ? found / labelled : 1, precision: reported ? correct / reported : 1, missed, wrong };
}

const perKind = [...IDENTIFIER_KINDS, ...POSSIBLE_KINDS].map(figures);
const clean = runs.filter(({ labels }) => !labels.some((label) => isIdentifier(label.kind)));
const falseAlarms = clean.filter(({ findings }) => findings.some((finding) => isIdentifier(finding.kind)));
const identifierFigures = perKind.filter(({ kind }) => isIdentifier(kind));
const identifierPrecision = identifierFigures.reduce((sum, f) => sum + f.correct, 0) / identifierFigures.reduce((sum, f) => sum + f.reported, 0);

const percent = (value: number) => `${(value * 100).toFixed(1)} %`;

/** The second set of texts, written after tuning and measured as it came out. */
function heldOut(): string {
  const texts = runs.filter(({ entry }) => entry.group.endsWith('held out 2'));
  const cleanTexts = texts.filter(({ labels }) => labels.length === 0);
  const passed = cleanTexts.filter(({ findings }) => !findings.some((f) => isIdentifier(f.kind))).length;
  const identifiers = texts.flatMap(({ labels, findings }) => labels.filter((l) => isIdentifier(l.kind)).map((l) => findings.some((f) => f.kind === l.kind && overlaps(f, l))));
  return `${passed} of ${cleanTexts.length} clean texts passed, ${identifiers.filter(Boolean).length} of ${identifiers.length} identifiers found`;
}

describe('the patient-data corpus', () => {
  it('is large enough, labels only text that is there, and has clean texts of every kind the issue names', () => {
    expect(corpus.texts.length).toBeGreaterThanOrEqual(300);
    for (const { entry, labels } of runs) for (const label of labels) expect(label.start, `${entry.group}: ${entry.text}`).toBeGreaterThanOrEqual(0);
    const groups = new Set(clean.map(({ entry }) => entry.group));
    for (const group of ['future dates', 'helplines', 'vendor emails', 'ISBNs', 'registry numbers']) expect(groups).toContain(`clean: ${group}`);
  });

  it('prints precision and recall per kind', () => {
    const table = [
      '| kind | labelled | recall | findings | precision |',
      '| --- | --- | --- | --- | --- |',
      ...perKind.map((f) => `| ${f.kind}${isPossibleOnly(f.kind) ? ' (possible)' : ''} | ${f.labelled} | ${percent(f.recall)} | ${f.reported} | ${percent(f.precision)} |`),
      `| all identifiers | ${identifierFigures.reduce((s, f) => s + f.labelled, 0)} | ${percent(identifierFigures.reduce((s, f) => s + f.found, 0) / identifierFigures.reduce((s, f) => s + f.labelled, 0))} | ${identifierFigures.reduce((s, f) => s + f.reported, 0)} | ${percent(identifierPrecision)} |`,
      `Clean texts (no identifier): ${clean.length}, passed without an identifier finding: ${clean.length - falseAlarms.length} (${percent(1 - falseAlarms.length / clean.length)}). Texts: ${corpus.texts.length}.`,
      `Held out (written after the detector was tuned, and not tuned to): ${heldOut()}.`,
      ...falseAlarms.map(({ entry, findings }) => `False alarm: ${JSON.stringify(entry.text)} (${findings.map((f) => `${f.kind} "${f.text}"`).join(', ')})`),
    ].join('\n');
    console.log(`Patient-data corpus\n${table}`);
    expect(table).toContain('all identifiers');
  });

  it.each(IDENTIFIER_KINDS)('recall is 100 percent for %s, in every shape', (kind) => {
    const { missed, labelled } = perKind.find((f) => f.kind === kind)!;
    expect(labelled).toBeGreaterThan(10);
    expect(missed).toEqual([]);
  });

  it('precision is at least 95 % for identifiers, and at least 95 % of clean texts raise no identifier', () => {
    const wrong = identifierFigures.flatMap((f) => f.wrong);
    expect(identifierPrecision, wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
    expect(falseAlarms.length / clean.length, falseAlarms.map(({ entry }) => entry.text).join('\n')).toBeLessThanOrEqual(0.05);
  });

  it('every finding in a labelled text points at what was labelled, hidden characters included', () => {
    for (const { entry, labels, findings } of runs) {
      for (const label of labels.filter((l) => isIdentifier(l.kind))) {
        const finding = findings.find((f) => f.kind === label.kind && overlaps(f, label))!;
        // The finding covers the identifier itself (a keyword before it may be part of either).
        const core = entry.text.slice(label.start, label.end).replace(/^(?:NHS no: |Mobile |Call )/, '');
        expect(entry.text.slice(finding.start, finding.end), entry.group).toContain(core.slice(-4));
        expect(finding.text).toBe(entry.text.slice(finding.start, finding.end));
      }
    }
  });
});
