// Only the feed-delta phase of `npm run bench` (issue #15), for working on sync without the other
// phases. Prints the figures as JSON; writes nothing.
//
//   npm run build && npx tsx tests/bench/deltas-only.ts [--size 100000]
import { parseArgs } from 'node:util';
import { measureDeltas } from './deltas';

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' } } });
const result = await measureDeltas(Number(values.size), (line) => console.log(line));
console.log(JSON.stringify({ ...result, fullSync: { ...result.fullSync, peakMemoryMB: Math.round(result.fullSync.peakRssBytes / 1_048_576) } }, null, 2));
