// Firefox smoke test: loads the built Firefox extension (.output/firefox-mv3) into a stock, headless
// Firefox (Debian's firefox-esr) and shows it working, offline. Not part of `npm test`.
//
//   npm run smoke:firefox        (builds first; needs `apt-get install -y firefox-esr`, or FIREFOX_PATH)
//
// Why not playwright-core: its own Firefox driver needs Playwright's patched Firefox build, and its
// WebDriver BiDi driver for stock Firefox (channel "moz-firefox") sends commands Firefox ESR 153 does
// not know yet (emulation.setMediaFeaturesOverride) while creating every context, so it cannot start.
// This script speaks WebDriver BiDi to Firefox itself: a few commands over one WebSocket.
//
// What it checks, in order:
//  1. Firefox installs the extension (webExtension.install, as a temporary add-on: no signing).
//  2. The background script (an event page in Firefox) syncs the bundled registry into IndexedDB.
//  3. The toolbar popup (opened as a tab) searches that registry.
//  4. The trust card appears on an App Store and a Google Play page (the end-to-end fixture pages,
//     served for the real addresses through BiDi request interception: nothing reaches the network).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const EXTENSION_DIR = join(REPO_ROOT, '.output/firefox-mv3');
/** `wxt build -b firefox --mode e2e-sites`: the optional site permission already held. Never shipped. */
const SITES_EXTENSION_DIR = join(REPO_ROOT, '.output/firefox-mv3-e2e-sites');
const FIXTURES = join(REPO_ROOT, 'tests/e2e/fixtures');
const FIREFOX = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((path) => existsSync(path));
/** Fixed moz-extension:// host for the extension (Firefox otherwise picks a random UUID per profile). */
const EXTENSION_UUID = '5169b5a3-0d4a-4f1e-9a53-000000000001';
const TIMEOUT_MS = 20_000;

const STORE_PAGES = [
  { url: 'https://apps.apple.com/gb/app/nhs-app/id1388411277', fixture: 'apple-app.html', expect: 'NHS App' },
  { url: 'https://play.google.com/store/apps/details?id=bot.touchkin', fixture: 'google-play/us_whereami.html', expect: 'Wysa' },
] as const;
const TOOL_SITE = { url: 'https://www.sleepio.com/', fixture: 'tool-site.html', expect: 'Sleepio' } as const;

type Json = Record<string, unknown>;

class Bidi {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: Json) => void; reject: (error: Error) => void; method: string }>();
  private readonly listeners: ((method: string, params: Json) => void)[] = [];

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; type: string; method?: string; params?: Json; result?: Json; error?: string; message?: string };
      if (message.type === 'event') {
        for (const listener of this.listeners) listener(message.method!, message.params!);
        return;
      }
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id!);
      if (message.type === 'error') waiting.reject(new Error(`${waiting.method}: ${message.error}: ${message.message}`));
      else waiting.resolve(message.result ?? {});
    });
  }

  static async connect(url: string): Promise<Bidi> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve(), { once: true });
      socket.addEventListener('error', () => reject(new Error(`cannot connect to ${url}`)), { once: true });
    });
    return new Bidi(socket);
  }

  send<T = Json>(method: string, params: Json = {}): Promise<T> {
    const id = this.next++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise<Json>((resolve, reject) => this.pending.set(id, { resolve, reject, method })) as Promise<T>;
  }

  on(listener: (method: string, params: Json) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.socket.close();
  }

  /** Evaluates an expression (awaiting a promise) in a tab and returns its JSON-serialised value. */
  async evaluate<T>(context: string, expression: string): Promise<T> {
    const reply = await this.send<ScriptReply>('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (reply.type === 'exception') throw new Error(`evaluate failed: ${reply.exceptionDetails?.text}`);
    return JSON.parse(reply.result?.value ?? 'null') as T;
  }

  /**
   * Runs `body` (the source of a function of the root) against the shadow root of the first
   * `hostTag` element and returns its JSON-serialised value; null when there is none. Signpost's
   * roots are closed, so the page's own scripts get null for `host.shadowRoot`: BiDi reaches them
   * from outside the page, as DevTools would, by serialising the host with its shadow tree.
   */
  async inShadowRoot<T>(context: string, hostTag: string, body: string): Promise<T | null> {
    const host = await this.send<{ type: string; result?: { value?: { shadowRoot?: { sharedId?: string } | null } } }>('script.evaluate', {
      expression: `document.querySelector(${JSON.stringify(hostTag)})`,
      target: { context },
      awaitPromise: false,
      serializationOptions: { includeShadowTree: 'all', maxDomDepth: 0 },
    });
    const sharedId = host.result?.value?.shadowRoot?.sharedId;
    if (!sharedId) return null;
    const reply = await this.send<ScriptReply>('script.callFunction', {
      functionDeclaration: `async function () { return JSON.stringify(await (${body})(this)); }`,
      this: { sharedId },
      target: { context },
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (reply.type === 'exception') throw new Error(`in ${hostTag}'s shadow root: ${reply.exceptionDetails?.text}`);
    return JSON.parse(reply.result?.value ?? 'null') as T;
  }

  /** A person's click (trusted, unlike a script's `click()`) at a point of the tab's viewport. */
  async click(context: string, point: { x: number; y: number }): Promise<void> {
    const [x, y] = [Math.round(point.x), Math.round(point.y)];
    const pointer = [{ type: 'pointerMove', x, y }, { type: 'pointerDown', button: 0 }, { type: 'pointerUp', button: 0 }];
    await this.send('input.performActions', { context, actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: pointer }] });
  }

  /** The frames inside a tab, with their addresses. */
  async childFrames(context: string): Promise<{ context: string; url: string }[]> {
    const tree = await this.send<{ contexts: { children?: { context: string; url: string; children?: unknown[] }[] }[] }>('browsingContext.getTree', { root: context });
    return tree.contexts.flatMap((top) => top.children ?? []);
  }
}

type ScriptReply = { type: string; result?: { type: string; value?: string }; exceptionDetails?: { text: string } };

async function poll<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what} (last value: ${JSON.stringify(last)}${lastError ? `, last error: ${String(lastError)}` : ''})`);
}

function startFirefox(profile: string): Promise<{ firefox: ChildProcess; bidiUrl: string; log: string[] }> {
  const log: string[] = [];
  const firefox = spawn(FIREFOX!, ['--headless', '--no-remote', '--remote-debugging-port=0', '--profile', profile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Firefox did not start its WebDriver BiDi server:\n${log.join('')}`)), TIMEOUT_MS);
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      log.push(text);
      const match = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolve({ firefox, bidiUrl: `${match[1]}/session`, log });
      }
    };
    firefox.stdout!.on('data', read);
    firefox.stderr!.on('data', read);
    firefox.on('exit', (code) => reject(new Error(`Firefox exited (${code}) before it was ready:\n${log.join('')}`)));
  });
}

/** Preferences for a quiet, offline profile. Requests BiDi does not answer go to a closed port. */
function writePrefs(profile: string, extensionId: string): void {
  const prefs: Record<string, string | number | boolean> = {
    'extensions.webextensions.uuids': JSON.stringify({ [extensionId]: EXTENSION_UUID }),
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': 9,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': 9,
    'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
    'browser.shell.checkDefaultBrowser': false,
    'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false,
    'app.update.disabledForTesting': true,
  };
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`).join(''));
}

const CARD_HOST = 'signpost-trust-card';
/** The card's headline, read from its shadow root. */
const CARD_HEADLINE = `(root) => root.querySelector('.headline')?.textContent ?? null`;
/** Where to click the card's Details button (scrolled into view first); null while it is not drawn. */
const DETAILS_BUTTON = `(root) => {
  const toggle = [...root.querySelectorAll('button')].find((button) => button.textContent.trim() === 'Details');
  if (!toggle) return null;
  toggle.scrollIntoView({ block: 'nearest' });
  const box = toggle.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}`;
/** The first claim of the opened details, and the notes frame's name. */
const CARD_DETAILS = `(root) => ({
  claims: root.querySelector('.claims li, .claims')?.innerText ?? '',
  notesFrame: root.querySelector('iframe')?.title ?? '',
})`;

async function main(): Promise<void> {
  if (!FIREFOX) throw new Error('No Firefox found: `apt-get install -y firefox-esr`, or set FIREFOX_PATH.');
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('No Firefox build: run `wxt build -b firefox` first (npm run smoke:firefox does).');
  if (typeof WebSocket === 'undefined') throw new Error('No WebSocket in this Node: run with `node --experimental-websocket` (Node 20) or Node 22+.');
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as { browser_specific_settings: { gecko: { id: string } } };
  const extensionId = manifest.browser_specific_settings.gecko.id;
  const started = Date.now();
  const profile = mkdtempSync(join(tmpdir(), 'signpost-firefox-smoke-'));
  writePrefs(profile, extensionId);
  const { firefox, bidiUrl, log } = await startFirefox(profile).catch((error: unknown) => {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  });
  let bidi: Bidi | undefined;
  const report: string[] = [];
  const blockedRequests: string[] = [];
  try {
    bidi = await Bidi.connect(bidiUrl);
    const session = await bidi.send<{ capabilities: { browserName: string; browserVersion: string } }>('session.new', { capabilities: {} });
    report.push(`Firefox: ${session.capabilities.browserName} ${session.capabilities.browserVersion} (${FIREFOX}), headless`);

    // Answer the fixture pages; fail every other web request (none should be made).
    const fixtures = new Map<string, string>([...STORE_PAGES, TOOL_SITE].map((page) => [page.url, readFileSync(join(FIXTURES, page.fixture), 'utf8')]));
    await bidi.send('session.subscribe', { events: ['network.beforeRequestSent'] });
    await bidi.send('network.addIntercept', { phases: ['beforeRequestSent'] });
    bidi.on((method, params) => {
      if (method !== 'network.beforeRequestSent' || !params.isBlocked) return;
      const request = params.request as { request: string; url: string };
      const body = fixtures.get(request.url);
      if (body === undefined) {
        blockedRequests.push(request.url);
        void bidi!.send('network.failRequest', { request: request.request }).catch(() => undefined);
        return;
      }
      void bidi!.send('network.provideResponse', {
        request: request.request,
        statusCode: 200,
        reasonPhrase: 'OK',
        headers: [{ name: 'content-type', value: { type: 'string', value: 'text/html; charset=utf-8' } }],
        body: { type: 'string', value: body },
      });
    });
    const visit = async (page: { url: string; expect: string }) => {
      const context = (await bidi!.send<{ context: string }>('browsingContext.create', { type: 'tab' })).context;
      await bidi!.send('browsingContext.navigate', { context, url: page.url, wait: 'complete' });
      const headline = await poll(`the card on ${page.url}`, () => bidi!.inShadowRoot<string>(context, CARD_HOST, CARD_HEADLINE), (value) => value?.includes(page.expect) === true);
      report.push(`  card on ${page.url}: "${headline}"`);
      return context;
    };

    // 1. Install the shipped build.
    const installed = await bidi.send<{ extension: string }>('webExtension.install', { extensionData: { type: 'path', path: EXTENSION_DIR } });
    report.push(`.output/firefox-mv3: installed ${installed.extension} as a temporary add-on (moz-extension://${EXTENSION_UUID}/)`);

    // 2. The trust card on store pages: the manifest's content script asked the background (an event
    // page in Firefox), which answered from the bundled registry it had synced into IndexedDB.
    const contexts: string[] = [];
    for (const page of STORE_PAGES) contexts.push(await visit(page));
    const bundled = readFileSync(join(EXTENSION_DIR, 'feeds/default.json'), 'utf8');
    if (bundled.includes('"signpost-signed-feed"') && readFileSync(join(EXTENSION_DIR, 'background.js'), 'utf8').includes('Ed25519')) {
      report.push('  the bundled feed is signed and its key pinned, so these cards mean Firefox\'s WebCrypto verified its Ed25519 signature');
    }

    // 3. The card's details and peer notes. The card's shadow root is closed to the page, and the card
    // acts only on a person's input: Details is clicked through BiDi's input actions. The notes are
    // Signpost's own page, framed in the card (web-accessible to the stores only), which asks the
    // background (an event page in Firefox) for them.
    const shadowRootToPage = await bidi.evaluate<boolean>(contexts[0]!, `document.querySelector('${CARD_HOST}')?.shadowRoot === null`);
    if (!shadowRootToPage) throw new Error("the card's shadow root is open to the page");
    report.push("  the card's shadow root is closed: the page's own scripts read null");
    const details = await bidi.inShadowRoot<{ x: number; y: number }>(contexts[0]!, CARD_HOST, DETAILS_BUTTON);
    if (!details) throw new Error("no Details button on the card");
    await bidi.click(contexts[0]!, details);
    const opened = (await poll(
      "the card's details and its notes frame",
      () => bidi!.inShadowRoot<{ claims: string; notesFrame: string }>(contexts[0]!, CARD_HOST, CARD_DETAILS),
      (value) => Boolean(value?.notesFrame),
    ))!;
    report.push(`  details, first claim: "${opened.claims.replace(/\s+/g, ' ').trim().slice(0, 120)}…"`);
    const notesText = await poll(
      'the peer notes in their frame',
      async () => {
        const frame = (await bidi!.childFrames(contexts[0]!)).find((child) => child.url.includes('/card-notes.html#'));
        return frame ? bidi!.evaluate<string>(frame.context, `document.body.innerText`) : '';
      },
      (text) => text.includes('Peer notes ('),
    );
    report.push(`  ${opened.notesFrame}, in Signpost's own framed page: "${notesText.replace(/\s+/g, ' ').trim().slice(0, 100)}"`);
    for (const context of contexts) await bidi.send('browsingContext.close', { context });

    // 4. Tool websites: the e2e-sites build holds the optional site permission from install, so its
    // background registers the sites content script (scripting.registerContentScripts, with
    // persistAcrossSessions and excludeMatches) at start-up, exactly as after a user's grant.
    if (existsSync(join(SITES_EXTENSION_DIR, 'manifest.json'))) {
      await bidi.send('webExtension.uninstall', { extension: installed.extension });
      await bidi.send('webExtension.install', { extensionData: { type: 'path', path: SITES_EXTENSION_DIR } });
      report.push('.output/firefox-mv3-e2e-sites: installed (site permission granted at install)');
      await bidi.send('browsingContext.close', { context: await visit(TOOL_SITE) });
    } else {
      report.push('.output/firefox-mv3-e2e-sites not built: tool websites not checked (`wxt build -b firefox --mode e2e-sites`)');
    }
    const byHost = new Map<string, number>();
    for (const url of blockedRequests) byHost.set(new URL(url).host, (byHost.get(new URL(url).host) ?? 0) + 1);
    report.push(
      `Other web requests, all refused (the fixture pages' own images, scripts and fonts): ${blockedRequests.length === 0 ? 'none' : [...byHost].map(([host, count]) => `${host} ×${count}`).join(', ')}`,
    );
    report.push(`Smoke test passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(report.join('\n'));
  } catch (error) {
    console.error(report.join('\n'));
    console.error(`Firefox output:\n${log.join('').split('\n').slice(-40).join('\n')}`);
    throw error;
  } finally {
    await bidi?.send('browser.close').catch(() => undefined);
    bidi?.close();
    await new Promise((resolve) => {
      if (firefox.exitCode !== null) resolve(undefined);
      const timer = setTimeout(() => {
        firefox.kill('SIGKILL');
        resolve(undefined);
      }, 5000);
      firefox.on('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
