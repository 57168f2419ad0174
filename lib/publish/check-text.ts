// `check-text`: the peer-note patient-data check from the command line, one line per finding.
import { countHidden, findPatientData, isPossibleOnly, spellOutHidden } from '../notes/patient-data';
import type { Report } from './report';

/**
 * `nhs-number at 13-24: "943 476 5919"` (1-based, inclusive) per identifier, exit 1; a possible
 * name or street address is printed as `possible name at …` and does not change the exit code
 * (a note may keep one); nothing and exit 0 when clean. `now` decides which dates are in the future.
 */
export function checkTextReport(text: string, now = Date.now()): Report {
  const findings = findPatientData(text, { now });
  const lines = findings.map((f) => {
    const hidden = countHidden(f.text);
    return `${isPossibleOnly(f.kind) ? 'possible ' : ''}${f.kind} at ${f.start + 1}-${f.end}: "${spellOutHidden(f.text)}"${hidden ? ` (${hidden} hidden character${hidden === 1 ? '' : 's'})` : ''}`;
  });
  return { lines, exitCode: findings.some((f) => !isPossibleOnly(f.kind)) ? 1 : 0 };
}
