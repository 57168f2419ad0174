// @vitest-environment node
// The project's lint rule against HTML injection and code generation, as a test. Every source file
// under lib/, components/, entrypoints/ and scripts/ is parsed with the TypeScript compiler (so
// comments and ordinary prose in strings never count) and searched for HTML sinks (innerHTML,
// outerHTML, insertAdjacentHTML, document.write, dangerouslySetInnerHTML) and for code built from
// strings (eval, new Function, setTimeout/setInterval with a string). Each hit is reported as
// file:line. Text is only ever rendered through Preact or textContent, and links only through
// validated http(s) URLs, so none of these is ever needed.
//
// It also checks what makes the extension's Content Security Policy hold: the built manifest allows
// no 'unsafe-eval' and no remote script, and zod is switched to jitless before any schema is built.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../e2e/harness/paths';
import { cspProblems } from '../helpers/csp';

const SCANNED_DIRS = ['lib', 'components', 'entrypoints', 'scripts'];
const SCRIPT_EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);

/** Names that are HTML sinks wherever they appear as a property, attribute or computed key. */
const HTML_SINKS = new Set(['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'dangerouslySetInnerHTML', 'createContextualFragment']);
const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate']);

interface Hit {
  file: string;
  line: number;
  what: string;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

const calleeName = (expression: ts.Expression): string | undefined => {
  let callee = expression;
  while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
  // (0, eval)(...) calls eval indirectly.
  if (ts.isBinaryExpression(callee) && callee.operatorToken.kind === ts.SyntaxKind.CommaToken) return calleeName(callee.right);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) return callee.argumentExpression.text;
  return undefined;
};

/** A timer's first argument that is code as text: a string, a template, or a concatenation with one. */
function isStringCode(node: ts.Expression | undefined): boolean {
  if (!node) return false;
  if (ts.isParenthesizedExpression(node)) return isStringCode(node.expression);
  if (ts.isStringLiteralLike(node) || ts.isTemplateExpression(node)) return true;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return isStringCode(node.left) || isStringCode(node.right);
  return false;
}

/** document.write / document.writeln, as a property or a computed key. */
function isDocumentWrite(node: ts.Node): boolean {
  const target = ts.isPropertyAccessExpression(node) ? node.name.text : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression) ? node.argumentExpression.text : undefined;
  if (target !== 'write' && target !== 'writeln') return false;
  const object = (node as ts.PropertyAccessExpression | ts.ElementAccessExpression).expression;
  return (ts.isIdentifier(object) && object.text === 'document') || (ts.isPropertyAccessExpression(object) && object.name.text === 'document');
}

/** Every hit in one file's source, by syntax (comments are not part of the tree, so never hit). */
function scanSource(fileName: string, source: string): Hit[] {
  const kind = extname(fileName) === '.tsx' || extname(fileName) === '.jsx' ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  const hits: Hit[] = [];
  const hit = (node: ts.Node, what: string) => hits.push({ file: fileName, line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1, what });
  const visit = (node: ts.Node): void => {
    if ((ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) && HTML_SINKS.has(node.text.replace(/^#/, ''))) hit(node, node.text);
    else if (ts.isStringLiteralLike(node) && HTML_SINKS.has(node.text)) hit(node, `"${node.text}" (computed key)`);
    else if (ts.isIdentifier(node) && node.text === 'eval') hit(node, 'eval');
    if (isDocumentWrite(node)) hit(node, 'document.write');
    if (ts.isNewExpression(node) && calleeName(node.expression) === 'Function') hit(node, 'new Function');
    if (ts.isCallExpression(node)) {
      const name = calleeName(node.expression);
      if (name === 'Function') hit(node, 'Function() (code from a string)');
      if (name && TIMERS.has(name) && isStringCode(node.arguments[0])) hit(node, `${name} with a string`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return hits;
}

/** HTML files: the same sinks as text (outside comments), inline scripts and inline event handlers. */
function scanHtml(fileName: string, source: string): Hit[] {
  const hits: Hit[] = [];
  // Blank out comments but keep line breaks, so line numbers stay right.
  const text = source.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
  const patterns: [RegExp, string][] = [
    [/\b(innerHTML|outerHTML|insertAdjacentHTML|dangerouslySetInnerHTML|createContextualFragment)\b/g, 'HTML sink'],
    [/\bdocument\s*\.\s*write(ln)?\b/g, 'document.write'],
    [/\bnew\s+Function\b/g, 'new Function'],
    [/\beval\s*\(/g, 'eval'],
    [/\bset(Timeout|Interval)\s*\(\s*['"`]/g, 'timer with a string'],
    [/<script\b(?![^>]*\bsrc\s*=)[^>]*>/gi, 'inline <script> (the extension CSP refuses it)'],
    [/<[a-z][^>]*\son[a-z]+\s*=/gi, 'inline event handler attribute'],
    [/\b(href|src|action)\s*=\s*["']?\s*javascript:/gi, 'javascript: URL'],
  ];
  for (const [pattern, what] of patterns) {
    for (const match of text.matchAll(pattern)) hits.push({ file: fileName, line: text.slice(0, match.index).split('\n').length, what: `${what}: ${match[0].trim()}` });
  }
  return hits;
}

const format = (hits: readonly Hit[]) => hits.map(({ file, line, what }) => `${file}:${line}: ${what}`);

describe('no HTML injection and no code from strings in the extension and its scripts', () => {
  const files = SCANNED_DIRS.flatMap((dir) => filesUnder(join(REPO_ROOT, dir))).sort();
  const scripts = files.filter((file) => SCRIPT_EXTENSIONS.has(extname(file)) && !file.endsWith('.d.ts'));
  const pages = files.filter((file) => extname(file) === '.html');

  it('scans every source file (sanity: the rule is not checking an empty list)', () => {
    expect(scripts.length).toBeGreaterThan(80);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const dir of SCANNED_DIRS) expect(scripts.some((file) => relative(REPO_ROOT, file).startsWith(`${dir}/`)), dir).toBe(true);
  });

  it('finds no innerHTML, outerHTML, insertAdjacentHTML, document.write, dangerouslySetInnerHTML, new Function, eval( or string timers', () => {
    const hits = scripts.flatMap((file) => scanSource(relative(REPO_ROOT, file), readFileSync(file, 'utf8')));
    expect(format(hits)).toEqual([]);
  });

  it('the extension pages (HTML) have no inline script, inline handler, javascript: URL or HTML sink', () => {
    const hits = pages.flatMap((file) => scanHtml(relative(REPO_ROOT, file), readFileSync(file, 'utf8')));
    expect(format(hits)).toEqual([]);
  });

  it('the rule itself finds every banned form, and ignores comments and prose', () => {
    const bad = [
      'el.innerHTML = html;',
      'el.outerHTML = html;',
      "el['innerHTML'] = html;",
      'el.insertAdjacentHTML("beforeend", html);',
      'document.write(html);',
      'window.document.writeln(html);',
      "document['write'](html);",
      'const f = new Function("return 1");',
      'const g = Function("return 1");',
      'eval(code);',
      '(0, eval)(code);',
      'window.eval(code);',
      'setTimeout("tick()", 10);',
      'setInterval(`tick(${n})`, 10);',
      "window.setTimeout('a' + b, 10);",
      'const range = document.createRange().createContextualFragment(html);',
      'const props = { dangerouslySetInnerHTML: { __html: html } };',
    ];
    for (const line of bad) expect(scanSource('bad.ts', line), line).not.toEqual([]);
    expect(scanSource('bad.tsx', 'const x = <div dangerouslySetInnerHTML={{ __html: html }} />;')).not.toEqual([]);
    expect(scanSource('bad.tsx', 'const x = <div {...{ ["dangerouslySetInnerHTML"]: h }} />;')).not.toEqual([]);
    const fine = [
      '// stop zod probing `new Function`; never use innerHTML or eval( here',
      '/* document.write(html) */ el.textContent = text;',
      "const message = 'Do not use innerHTML or eval() to show this';",
      'setTimeout(() => tick(), 10);',
      'setInterval(tick, 10);',
      'const x = <p>Never innerHTML, never eval(x).</p>;',
      'const functionName = fn.name; const evaluated = evaluate(x);',
    ];
    for (const line of fine) expect(scanSource('fine.tsx', line), line).toEqual([]);
    expect(scanSource('lines.ts', 'const a = 1;\n\nel.innerHTML = x;')).toEqual([{ file: 'lines.ts', line: 3, what: 'innerHTML' }]);
    expect(format(scanHtml('page.html', '<p>\n<img src=x onerror="x()">\n<script>alert(1)</script>\n<!-- <script>ok</script> -->\n<script type="module" src="./main.tsx"></script>'))).toEqual([
      'page.html:3: inline <script> (the extension CSP refuses it): <script>',
      'page.html:2: inline event handler attribute: <img src=x onerror=',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The built manifest's Content Security Policy
// ---------------------------------------------------------------------------------------------

describe('the built manifest', () => {
  it('the CSP check itself refuses unsafe-eval and remote script sources, and accepts the MV3 defaults', () => {
    expect(cspProblems("script-src 'self'; object-src 'self'")).toEqual([]);
    expect(cspProblems("script-src 'self' 'wasm-unsafe-eval'; object-src 'self';")).toEqual([]);
    expect(cspProblems("script-src 'self' 'unsafe-eval'")).toEqual(["script-src allows 'unsafe-eval'"]);
    expect(cspProblems("script-src 'self' https://cdn.example")).toEqual(['script-src allows https://cdn.example (a remote or non-local script source)']);
    expect(cspProblems("default-src * 'unsafe-inline'")).toEqual(['default-src allows * (a remote or non-local script source)', "default-src allows 'unsafe-inline'"]);
    expect(cspProblems("script-src 'self' http://localhost:3000")).toHaveLength(1);
  });

  // The built manifests themselves are checked after the build, in tests/e2e/built-manifests.e2e.ts.
});

// ---------------------------------------------------------------------------------------------
// zod is jitless, before any schema is built
// ---------------------------------------------------------------------------------------------

/** The one module that imports zod itself: it configures it, and every other module takes z from it. */
const SCHEMA_MODULE = 'lib/zod.ts';

/** Whether a statement is `z.config({ jitless: true })`, with z imported from zod. */
function isJitlessConfig(statement: ts.Statement, zName: string): boolean {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
  const { expression: callee, arguments: args } = statement.expression;
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression) || callee.expression.text !== zName || callee.name.text !== 'config') return false;
  const [options] = args;
  return (
    options !== undefined &&
    ts.isObjectLiteralExpression(options) &&
    options.properties.some((property) => ts.isPropertyAssignment(property) && property.name.getText() === 'jitless' && property.initializer.kind === ts.SyntaxKind.TrueKeyword)
  );
}

interface ModuleInfo {
  /** Value imports (type-only ones are erased by the build), resolved to files, in source order. */
  imports: string[];
  /** Imports zod as a value, so may build schemas when it is evaluated. */
  usesZod: boolean;
  /** Calls z.config({ jitless: true }) at its top level. */
  configuresJitless: boolean;
}

const moduleCache = new Map<string, ModuleInfo>();

function resolveImport(from: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('.')) base = resolve(dirname(from), specifier);
  else if (/^[@~]{1,2}\//.test(specifier)) base = join(REPO_ROOT, specifier.replace(/^[@~]{1,2}\//, ''));
  else return undefined;
  return [base, `${base}.ts`, `${base}.tsx`, `${base}.js`, join(base, 'index.ts'), join(base, 'index.tsx')].find((candidate) => SCRIPT_EXTENSIONS.has(extname(candidate)) && existsSync(candidate));
}

function moduleInfo(file: string): ModuleInfo {
  const cached = moduleCache.get(file);
  if (cached) return cached;
  const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, extname(file) === '.tsx' ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const info: ModuleInfo = { imports: [], usesZod: false, configuresJitless: false };
  const zNames = new Set<string>();
  for (const statement of sourceFile.statements) {
    if (zNames.size > 0 && [...zNames].some((name) => isJitlessConfig(statement, name))) info.configuresJitless = true;
    let specifier: ts.Expression | undefined;
    let valueImport = true;
    if (ts.isImportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      const clause = statement.importClause;
      if (clause) {
        const named = clause.namedBindings;
        const valueNames = (clause.name ? 1 : 0) + (named ? (ts.isNamespaceImport(named) ? 1 : named.elements.filter((element) => !element.isTypeOnly).length) : 0);
        valueImport = !clause.isTypeOnly && valueNames > 0;
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      specifier = statement.moduleSpecifier;
      valueImport = !statement.isTypeOnly;
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !valueImport) continue;
    if (specifier.text === 'zod' || specifier.text.startsWith('zod/')) {
      info.usesZod = true;
      const named = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : undefined;
      if (named && ts.isNamedImports(named)) for (const element of named.elements) if ((element.propertyName ?? element.name).text === 'z') zNames.add(element.name.text);
    }
    const resolved = resolveImport(file, specifier.text);
    if (resolved) info.imports.push(resolved);
  }
  moduleCache.set(file, info);
  return info;
}

/** ES module evaluation order from an entry (dependencies first, depth first), with how each was reached. */
function evaluationOrder(entry: string): { order: string[]; via: Map<string, string> } {
  const order: string[] = [];
  const via = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dependency of moduleInfo(file).imports) {
      if (!seen.has(dependency)) via.set(dependency, file);
      visit(dependency);
    }
    order.push(file);
  };
  visit(entry);
  return { order, via };
}

function importChain(file: string, via: Map<string, string>): string {
  const chain = [file];
  for (let parent = via.get(file); parent; parent = via.get(parent)) chain.unshift(parent);
  return chain.map((step) => relative(REPO_ROOT, step)).join(' → ');
}

const ENTRYPOINTS = (() => {
  const dir = join(REPO_ROOT, 'entrypoints');
  return filesUnder(dir)
    .filter((file) => {
      const name = relative(dir, file);
      return /^[^/]+\.(ts|tsx)$/.test(name) || /^[^/]+\/main\.(ts|tsx)$/.test(name);
    })
    .sort();
})();

describe('zod runs jitless (no code generation under the extension CSP)', () => {
  it(`${SCHEMA_MODULE} calls z.config({ jitless: true }) at the top level`, () => {
    const file = join(REPO_ROOT, SCHEMA_MODULE);
    const sourceFile = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const zImport = sourceFile.statements.find(
      (statement): statement is ts.ImportDeclaration => ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === 'zod' && !statement.importClause?.isTypeOnly,
    );
    const bindings = zImport?.importClause?.namedBindings;
    const zName = bindings && ts.isNamedImports(bindings) ? bindings.elements.find((element) => (element.propertyName ?? element.name).text === 'z')?.name.text : undefined;
    expect(zName, `${SCHEMA_MODULE} imports { z } from 'zod'`).toBeDefined();
    expect(sourceFile.statements.some((statement) => isJitlessConfig(statement, zName!))).toBe(true);
  });

  it(`nothing in lib/, components/, entrypoints/ or scripts/ but ${SCHEMA_MODULE} imports zod as a value`, () => {
    const offenders = SCANNED_DIRS.flatMap((dir) => filesUnder(join(REPO_ROOT, dir))).filter((file) => SCRIPT_EXTENSIONS.has(extname(file))).filter((file) => relative(REPO_ROOT, file) !== SCHEMA_MODULE && moduleInfo(file).usesZod).map((file) => relative(REPO_ROOT, file));
    expect(offenders).toEqual([]);
  });

  it('at run time, importing the schema leaves zod configured jitless', async () => {
    await import('@/lib/feed/schema');
    const { z } = await import('zod');
    expect(z.config().jitless).toBe(true);
  });

  it(`in every entrypoint, no module that imports zod is evaluated before zod is configured jitless (${SCHEMA_MODULE})`, () => {
    // zod decides per object schema, when the schema is built, whether to compile it with
    // new Function (probing for eval first): a schema built before z.config({ jitless: true })
    // has run probes eval, which the extension CSP refuses and reports as a violation.
    expect(ENTRYPOINTS.length).toBeGreaterThanOrEqual(5);
    const problems: string[] = [];
    let entrypointsWithZod = 0;
    for (const entry of ENTRYPOINTS) {
      const { order, via } = evaluationOrder(entry);
      const zodModules = order.filter((file) => moduleInfo(file).usesZod);
      if (zodModules.length === 0) continue;
      entrypointsWithZod += 1;
      const configured = order.findIndex((file) => moduleInfo(file).configuresJitless);
      if (configured < 0) {
        problems.push(`${relative(REPO_ROOT, entry)}: uses zod (${zodModules.map((file) => relative(REPO_ROOT, file)).join(', ')}) but never runs z.config({ jitless: true })`);
        continue;
      }
      const configurer = relative(REPO_ROOT, order[configured]!);
      for (const file of zodModules) {
        if (order.indexOf(file) < configured) problems.push(`${relative(REPO_ROOT, entry)}: ${relative(REPO_ROOT, file)} is evaluated before ${configurer} configures zod (${importChain(file, via)})`);
      }
    }
    expect(entrypointsWithZod).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
