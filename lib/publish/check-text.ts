// `check-text`: the peer-note patient-data check from the command line, one line per finding.
import { findPatientData } from '../notes/patient-data';
import type { Report } from './report';

/** `nhs-number at 13-24: "943 476 5919"` (1-based, inclusive) per finding, exit 1; nothing and exit 0 when clean. */
export function checkTextReport(text: string): Report {
  const lines = findPatientData(text).map((f) => `${f.kind} at ${f.start + 1}-${f.end}: "${f.text}"`);
  return { lines, exitCode: lines.length ? 1 : 0 };
}
