import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { DEFAULT_EXTENSION_DIR, REPO_ROOT } from './paths';

export interface LaunchOptions {
  extensionDir?: string;
  /** Extra --host-resolver-rules entries, e.g. a SiteServer's hostRules. */
  hostRules?: string;
  /** A browser profile to reuse (to test a restart); the caller removes it. Default: a fresh one, removed on close. */
  profileDir?: string;
  /** More Chromium switches, e.g. a debugging port for the memory profile (tests/bench). */
  args?: readonly string[];
}

export interface ExtensionSession {
  context: BrowserContext;
  serviceWorker: Worker;
  extensionId: string;
  /** The service worker's console output, for failure messages. */
  workerLogs: string[];
  close(): Promise<void>;
}

export function assertExtensionBuilt(extensionDir: string = DEFAULT_EXTENSION_DIR): void {
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(
      `No built extension in ${relative(REPO_ROOT, extensionDir) || extensionDir} (manifest.json is missing). ` +
        'The end-to-end tests load the built extension: run `npm run build` first.',
    );
  }
}

export async function launchWithExtension({ extensionDir = DEFAULT_EXTENSION_DIR, hostRules, profileDir: reused, args = [] }: LaunchOptions = {}): Promise<ExtensionSession> {
  const dir = resolve(extensionDir);
  assertExtensionBuilt(dir);
  const profileDir = reused ?? (await mkdtemp(join(tmpdir(), 'signpost-e2e-profile-')));
  const removeProfile = () => (reused ? Promise.resolve() : rm(profileDir, { recursive: true, force: true }));
  // Any host a test did not map resolves to nothing: the run never depends on, or leaks to, the internet.
  const resolverRules = [hostRules, 'MAP * ~NOTFOUND', 'EXCLUDE 127.0.0.1', 'EXCLUDE localhost'].filter(Boolean).join(', ');
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--ignore-certificate-errors',
        `--disable-extensions-except=${dir}`,
        `--load-extension=${dir}`,
        `--host-resolver-rules=${resolverRules}`,
        ...args,
      ],
    });
    const serviceWorker = context.serviceWorkers().find(isExtensionWorker) ?? (await context.waitForEvent('serviceworker', { predicate: isExtensionWorker }));
    const extensionId = new URL(serviceWorker.url()).host;
    const workerLogs: string[] = [];
    serviceWorker.on('console', (message) => workerLogs.push(`[${message.type()}] ${message.text()}`));
    const opened = context;
    return {
      context: opened,
      serviceWorker,
      extensionId,
      workerLogs,
      close: async () => {
        try {
          await opened.close();
        } finally {
          await removeProfile();
        }
      },
    };
  } catch (error) {
    await context?.close().catch(() => undefined);
    await removeProfile();
    throw error;
  }
}

const isExtensionWorker = (worker: Worker) => worker.url().startsWith('chrome-extension://');
