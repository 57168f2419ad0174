import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';

// Default host permissions are the two app stores only (principle: least privilege).
// Other sites are reached through an optional permission the user grants from settings.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({ plugins: [preact()] }),
  manifest: {
    name: 'Signpost',
    description: 'What NICE, charities and local NHS networks say about a digital health tool, on the page you are on.',
    permissions: ['storage', 'alarms', 'unlimitedStorage'],
    host_permissions: ['https://apps.apple.com/*', 'https://play.google.com/*'],
  },
});
