// Peak memory from Linux's own accounting: VmHWM in /proc/<pid>/status is the process's resident
// high-water mark, and writing 5 to clear_refs resets it. Unlike sampling, it cannot miss a peak
// inside one long task (JSON.parse of a 50 MB feed is one task). Service workers offer no
// performance.memory and no measureUserAgentSpecificMemory, so for the extension the process is
// measured from outside.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

function statusField(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`No ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export const residentBytes = (pid: number) => statusField(pid, 'VmRSS');
export const peakResidentBytes = (pid: number) => statusField(pid, 'VmHWM');

export function resetPeakResident(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * The renderer process that runs the extension's service worker: the one process marked
 * --extension-process among this Node process's descendants (so another browser running on the
 * machine is never mistaken for ours).
 */
export function extensionProcessId(): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3]! }));
  const ours = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (!ours.has(row.pid) && ours.has(row.ppid)) {
        ours.add(row.pid);
        grew = true;
      }
    }
  }
  const found = rows.filter((row) => ours.has(row.pid) && row.args.includes('--type=renderer') && row.args.includes('--extension-process'));
  if (found.length !== 1) throw new Error(`Expected one extension renderer process among ours, found ${found.length}`);
  return found[0]!.pid;
}
