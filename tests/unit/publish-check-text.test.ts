// @vitest-environment node
// `check-text`: the report, then a few real runs of `tsx scripts/registry-cli.ts` for the exit codes
// and for "prints nothing" (each run starts a process, so only a few, side by side).
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkTextReport } from '@/lib/publish/check-text';

function cli(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/registry-cli.ts', ...args], (error, stdout, stderr) => {
      resolve({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

describe('checkTextReport', () => {
  it('one line per finding, 1-based inclusive positions, exit 1', () => {
    expect(checkTextReport('NHS number: 943 476 5919')).toEqual({ exitCode: 1, lines: ['nhs-number at 13-24: "943 476 5919"'] });
  });

  it('findings in order of where they are', () => {
    expect(checkTextReport('Seen 01/02/1960 at SW1A 1AA, call 07700 900123 or x@example.com; MRN 1234567').lines).toEqual([
      'date-of-birth at 6-15: "01/02/1960"',
      'postcode at 20-27: "SW1A 1AA"',
      'phone at 35-46: "07700 900123"',
      'email at 51-63: "x@example.com"',
      'hospital-number at 66-76: "MRN 1234567"',
    ]);
  });

  it('writes out hidden characters, so the line shows exactly what was found and where', () => {
    expect(checkTextReport('NHS 943\u200B476\u00AD5919')).toEqual({ exitCode: 1, lines: ['nhs-number at 5-16: "943\\u200B476\\u00AD5919" (2 hidden characters)'] });
  });

  it('prints a possible name or street address without failing: a note may keep one', () => {
    expect(checkTextReport('Mrs Patel at 12 Acacia Avenue')).toEqual({ exitCode: 0, lines: ['possible name at 1-9: "Mrs Patel"', 'possible street-address at 14-29: "12 Acacia Avenue"'] });
  });

  it('a date after now is not a date of birth', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(checkTextReport('NICE review due 12/03/2027', now)).toEqual({ exitCode: 0, lines: [] });
    expect(checkTextReport('Seen 12/03/1957', now).exitCode).toBe(1);
  });

  it.each([
    ['a clean note', 'Works well for older patients with COPD; needs a smartphone; NICE HTE8 2023; version 2.1.3; call NHS 111'],
    ['an empty text', ''],
    ['an NHS-like number that fails Modulus 11', '943 476 5918'],
  ])('no lines and exit 0 for %s', (_, text) => {
    expect(checkTextReport(text)).toEqual({ exitCode: 0, lines: [] });
  });
});

describe.concurrent('registry CLI check-text', { timeout: 30_000 }, () => {
  it('exit 1 and the finding for a valid NHS number', async () => {
    const run = await cli(['check-text', 'Asked about the app. NHS no 401 023 2137.']);
    expect(run).toEqual({ code: 1, stdout: 'nhs-number at 29-40: "401 023 2137"\n', stderr: '' });
  });

  it('exit 0 and exactly nothing printed for a clean text', async () => {
    const run = await cli(['check-text', 'Good for COPD self-management; version 2.1.3; call NHS 111.']);
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('- reads the text from standard input', async () => {
    const run = await cli(['check-text', '-'], 'Clean first line.\nBorn 1 Feb 1960 in GIR 0AA.\n');
    expect(run).toEqual({ code: 1, stdout: 'date-of-birth at 24-33: "1 Feb 1960"\npostcode at 38-44: "GIR 0AA"\n', stderr: '' });
  });
});
