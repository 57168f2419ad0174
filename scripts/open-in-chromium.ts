// `npm run dev`: opens a real browser window with the built extension loaded, on a store page.
// The profile in .output/dev-profile persists, so subscriptions and settings survive restarts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const extensionDir = resolve('.output/chrome-mv3');
const profileDir = resolve('.output/dev-profile');
const startUrl = 'https://apps.apple.com/gb/app/nhs-app/id1388411277';

const manualSteps = `To load it by hand in Chromium or Chrome:
  1. open chrome://extensions
  2. turn on "Developer mode" (top right)
  3. click "Load unpacked" and choose ${extensionDir}
  4. visit ${startUrl}`;

const browserPath = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
].find((path): path is string => !!path && existsSync(path));

if (!existsSync(resolve(extensionDir, 'manifest.json'))) {
  console.error(`No built extension in ${extensionDir}: run \`npm run build\` first.`);
  process.exit(1);
}
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log(`No display here (DISPLAY and WAYLAND_DISPLAY are unset), so no browser window was opened.\n${manualSteps}`);
  process.exit(0);
}
if (!browserPath) {
  console.log(`No Chromium or Chrome found (set CHROMIUM_PATH to use another).\n${manualSteps}`);
  process.exit(0);
}

const args = [
  `--user-data-dir=${profileDir}`,
  '--no-first-run',
  '--no-default-browser-check',
  // Branded Chrome ignores --load-extension since version 137 unless this feature is turned off.
  '--disable-features=DisableLoadExtensionCommandLineSwitch',
  `--disable-extensions-except=${extensionDir}`,
  `--load-extension=${extensionDir}`,
  // Chromium refuses to start as root with its sandbox on (containers, CI boxes).
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  startUrl,
];
console.log(`Opening ${browserPath} with ${extensionDir} loaded (profile: ${profileDir}).`);
spawn(browserPath, args, { stdio: 'inherit' }).on('exit', (code) => process.exit(code ?? 0));
