// Sizes of the built scripts, and what they are made of: a second production build with source
// maps (WXT's own build, same code, only the maps added) tells, byte by byte, which module each
// part of the minified output came from.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT } from '../e2e/harness/paths';

export interface FileSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

function sizeOf(path: string, root: string): FileSize {
  const content = readFileSync(path);
  return { file: relative(root, path), bytes: content.length, gzipBytes: gzipSync(content).length };
}

export interface BuiltSizes {
  contentScripts: FileSize[];
  background: FileSize;
}

export function builtSizes(extensionDir: string): BuiltSizes {
  const scripts = join(extensionDir, 'content-scripts');
  return {
    contentScripts: readdirSync(scripts)
      .filter((name) => name.endsWith('.js'))
      .sort()
      .map((name) => sizeOf(join(scripts, name), extensionDir)),
    background: sizeOf(join(extensionDir, 'background.js'), extensionDir),
  };
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source map "mappings" segments, decoded to [generated column, source index] per line. */
function decodeMappings(mappings: string): [number, number | null][][] {
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0;
    return line
      .split(',')
      .filter(Boolean)
      .map((segment) => {
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const char of segment) {
          const digit = BASE64.indexOf(char);
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            fields.push(value & 1 ? -(value >> 1) : value >> 1);
            value = 0;
            shift = 0;
          }
        }
        column += fields[0]!;
        if (fields.length < 4) return [column, null] as [number, number | null];
        source += fields[1]!;
        return [column, source] as [number, number | null];
      });
  });
}

/** "preact", "zod", "lib/registry/verdict.ts": a package, or a file of this project. */
function owner(source: string): string {
  const packagePath = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (packagePath) return packagePath[1]!;
  return relative(REPO_ROOT, resolve(REPO_ROOT, source.replace(/^(\.\.\/)+/, ''))).replace(/\?.*$/, '');
}

/** Minified bytes of one built script per module or package, largest first. */
function composition(scriptPath: string): { owner: string; bytes: number }[] {
  const code = readFileSync(scriptPath, 'utf8').split('\n');
  const map = JSON.parse(readFileSync(`${scriptPath}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const bytes = new Map<string, number>();
  decodeMappings(map.mappings).forEach((segments, lineIndex) => {
    const line = code[lineIndex] ?? '';
    segments.forEach(([column, source], index) => {
      const end = segments[index + 1]?.[0] ?? line.length;
      const name = source === null ? '(unmapped: bundler glue)' : owner(map.sources[source]!);
      bytes.set(name, (bytes.get(name) ?? 0) + Buffer.byteLength(line.slice(column, end)));
    });
  });
  return [...bytes].map(([name, count]) => ({ owner: name, bytes: count })).sort((a, b) => b.bytes - a.bytes);
}

export type Composition = Record<string, { owner: string; bytes: number }[]>;

/** Builds once more with source maps into a scratch directory under .output, reads them, and removes it. */
export function bundleComposition(): Composition {
  const dirName = 'bench-sourcemap-chrome-mv3';
  const dir = join(REPO_ROOT, '.output', dirName);
  try {
    execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'tests/bench/sourcemap-build.ts'), dirName], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    const scripts = readdirSync(join(dir, 'content-scripts'))
      .filter((name) => name.endsWith('.js'))
      .map((name) => join(dir, 'content-scripts', name));
    return Object.fromEntries([...scripts, join(dir, 'background.js')].map((path) => [basename(path), composition(path)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

