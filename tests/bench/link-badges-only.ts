// Only the link-badge phase of `npm run bench`, for working on badges without the other phases
// (the full run takes several minutes). Prints the figures; writes nothing.
//
//   npm run build:e2e && npx tsx tests/bench/link-badges-only.ts [--runs 5] [--window 4000] [--dir <built e2e-sites extension>]
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../e2e/harness/paths';
import { startSiteServer } from '../e2e/harness/server';
import { measureLinkBadges } from './link-badges';
import { ms } from './report';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    window: { type: 'string', default: '4000' },
    dir: { type: 'string', default: join(REPO_ROOT, '.output/chrome-mv3-e2e-sites') },
  },
});

const loadAtStart = os.loadavg();
const site = await startSiteServer();
try {
  const result = await measureLinkBadges(site, resolve(values.dir), { runs: Number(values.runs), windowMs: Number(values.window) });
  const runs = result.runs.map((run, index) => ({
    badges: run.badges,
    badgesMs: Math.round(run.badgesMs),
    taskMs: Math.round(run.taskMs * 10) / 10,
    cpuMs: Math.round(result.threadMsByRun[index]! * 10) / 10,
    scriptMs: Math.round(run.scriptMs * 10) / 10,
    layoutAndStyleMs: Math.round(run.layoutAndStyleMs * 10) / 10,
    longestTaskMs: Math.max(0, ...run.longTasks),
  }));
  console.table(runs);
  console.log(`Link badges: ${ms(result.mainThreadMsPer1000)} main-thread per 1,000 links (script ${ms(result.scriptMsPer1000)}, layout and style ${ms(result.layoutAndStyleMsPer1000)}), goal ≤ 5 ms`);
  console.log(`  main-thread CPU time (ThreadTime) per 1,000 links: ${ms(result.mainThreadCpuMsPer1000)}`);
  console.log(`  insertion to the badges near the viewport placed: median ${ms(result.allBadgesPresent.median)}, max ${ms(result.allBadgesPresent.max)}`);
  console.log(`  longest task, badges on / off: ${ms(result.longestTaskMs.badges)} / ${ms(result.longestTaskMs.noBadges)}`);
  console.log(`  load average ${loadAtStart.map((load) => load.toFixed(2)).join(' ')} at start, ${os.loadavg().map((load) => load.toFixed(2)).join(' ')} at the end`);
} finally {
  await site.close();
}
