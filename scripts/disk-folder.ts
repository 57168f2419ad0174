// A publish folder on disk (lib/publish/publish.ts works on any Folder): the CLI writes here, and
// the bench and end-to-end tests publish into a folder that nginx serves.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Folder } from '../lib/publish/publish';

/** `afterWrite` sees each written file's full path (tests move its modification time on, as an upload would). */
export function diskFolder(root: string, afterWrite?: (path: string) => Promise<void>): Folder {
  return {
    list: async (directory) => readdir(join(root, directory)).catch(() => []),
    read: async (path) => readFile(join(root, path), 'utf8').catch(() => null),
    write: async (path, text) => {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
      await afterWrite?.(join(root, path));
    },
    remove: (path) => rm(join(root, path), { force: true }),
  };
}
