import { measureRegistryAtScale } from './registry-scale';
import { startFeedServer } from '../e2e/harness/server';
const size = Number(process.argv[2] ?? 10000);
const feeds = await startFeedServer();
try {
  const r = await measureRegistryAtScale(feeds, size, { lookups: 500, warmup: 50, lookupBudgetMs: 3000, breakdown: process.argv[3] === 'b' });
  console.log(JSON.stringify({ sync: r.sync, notModified: r.notModified, bundled: r.bundledOnlySyncMs, card: r.lookup.card.summary, verdict: r.lookup.verdictOnly.summary, floor: r.lookup.messagingFloor, breakdown: r.breakdown }, null, 1));
} finally { await feeds.close(); }
process.exit(0);
