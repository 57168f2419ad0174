// The extension's Content Security Policy as the tests judge it: no 'unsafe-eval', no script from
// anywhere but the extension's own files.

/** Sources that keep scripts on the extension's own files. */
const LOCAL_SOURCES = new Set(["'self'", "'none'", "'wasm-unsafe-eval'"]);
const SCRIPT_DIRECTIVES = ['script-src', 'script-src-elem', 'script-src-attr', 'worker-src', 'object-src', 'default-src'];

/** Problems with one policy string: 'unsafe-eval' anywhere, and any non-local source for scripts. */
export function cspProblems(policy: string): string[] {
  const problems: string[] = [];
  const directives = new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/).filter(Boolean))
      .filter((tokens) => tokens.length > 0)
      .map(([name, ...sources]) => [name!.toLowerCase(), sources] as const),
  );
  for (const [name, sources] of directives) {
    if (sources.some((source) => source.toLowerCase() === "'unsafe-eval'")) problems.push(`${name} allows 'unsafe-eval'`);
    if (!SCRIPT_DIRECTIVES.includes(name)) continue;
    for (const source of sources) {
      const lower = source.toLowerCase();
      if (LOCAL_SOURCES.has(lower) || lower === "'unsafe-eval'" || /^'(nonce|sha256|sha384|sha512)-/.test(lower)) continue;
      problems.push(`${name} allows ${source}${lower === "'unsafe-inline'" ? '' : ' (a remote or non-local script source)'}`);
    }
  }
  return problems;
}

export function manifestPolicies(manifest: { content_security_policy?: unknown }): string[] {
  const csp = manifest.content_security_policy;
  if (csp === undefined) return [];
  if (typeof csp === 'string') return [csp];
  if (csp && typeof csp === 'object') return Object.values(csp).map(String);
  return [String(csp)];
}
