// The built manifests' Content Security Policy (docs/permissions.md). Here, after `npm test` has
// built the extension, so the check runs on every CI run (in the unit phase there is no build yet).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cspProblems, manifestPolicies } from '../helpers/csp';
import { REPO_ROOT } from './harness/paths';

describe('the built manifests', () => {
  it("allow no 'unsafe-eval' and no remote script origin in their content_security_policy", () => {
    const manifests = ['chrome-mv3', 'chrome-mv3-e2e-sites', 'edge-mv3', 'firefox-mv3'].map((dir) => join(REPO_ROOT, '.output', dir, 'manifest.json')).filter(existsSync);
    expect(manifests.map((path) => relative(REPO_ROOT, path))).toContain('.output/chrome-mv3/manifest.json');
    for (const path of manifests) {
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { manifest_version?: number; content_security_policy?: unknown };
      const where = relative(REPO_ROOT, path);
      // MV3: without a content_security_policy the default, script-src 'self', applies.
      expect(manifest.manifest_version, where).toBe(3);
      expect(manifestPolicies(manifest).flatMap((policy) => cspProblems(policy).map((problem) => `${where}: ${problem}`))).toEqual([]);
    }
  });
});
