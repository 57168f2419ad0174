// Run as a child process by bundle-size.ts: a production build with source maps into
// .output/<argv[2]>. Separate because WXT's progress spinner writes to stdout unconditionally,
// and the benchmark's stdout is its table.
import { build } from 'wxt';
import { REPO_ROOT } from '../e2e/harness/paths';

const outDirTemplate = process.argv[2];
if (!outDirTemplate) throw new Error('Usage: sourcemap-build.ts <directory name under .output>');
await build({ root: REPO_ROOT, outDirTemplate, vite: () => ({ build: { sourcemap: true } }) });
