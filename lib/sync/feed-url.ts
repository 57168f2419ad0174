// Which feed addresses Signpost will fetch. HTTPS only, so a feed cannot be altered on the way;
// plain HTTP only on this machine, for publishers trying a feed out; and the extension's own
// bundled files.

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function feedUrlProblem(input: string, extensionOrigin?: string): string | null {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return 'This is not a web address.';
  }
  if (extensionOrigin && url.origin === extensionOrigin) return null;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol === 'http:') return 'Feeds must use HTTPS (http:// is only allowed on this computer, for testing).';
  return `Feeds must be web addresses starting with https:// (not ${url.protocol}).`;
}
