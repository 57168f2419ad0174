import { afterEach, describe, expect, it } from 'vitest';
import { candidateLinks } from '@/lib/page/links';
import { RECOGNISER_CASES } from '@/lib/lookup/recognise.urls';
import { recogniseUrl } from '@/lib/lookup/recognise';

afterEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});

describe('candidateLinks', () => {
  it('keeps store links and links to other sites, grouped by what identifies them', () => {
    document.body.innerHTML = `
      <a href="https://apps.apple.com/gb/app/nhs-app/id1388411277#reviews">NHS App</a>
      <a href="https://apps.apple.com/gb/app/nhs-app/id1388411277?see-all=reviews">NHS App again</a>
      <a href="https://play.google.com/store/apps/details?id=bot.touchkin">Wysa</a>
      <a href="https://play.google.com/store/apps/details?hl=en_GB&amp;id=bot.touchkin&amp;ref=forum">Wysa again</a>
      <a href="https://apps.apple.com/gb/developer/example/id123456">a developer page</a>
      <a href="https://www.sleepio.com/?utm_source=forum">Sleepio</a>
      <a href="/rules">this site's rules</a>
      <a href="${location.origin}/other">this site, absolute</a>
      <a href="javascript:void(0)">script</a>
      <a href="mailto:champion@example.org">email</a>`;
    const found = candidateLinks([document], location.hostname);
    expect([...found.keys()]).toEqual([
      'https://apps.apple.com/gb/app/nhs-app/id1388411277',
      'https://play.google.com/store/apps/details?id=bot.touchkin',
      // Not an app: the worker, which recognises addresses, answers nothing for it.
      'https://apps.apple.com/gb/developer/example/id123456',
      'https://www.sleepio.com/',
    ]);
    expect(found.get('https://apps.apple.com/gb/app/nhs-app/id1388411277')!.map((a) => a.textContent)).toEqual(['NHS App', 'NHS App again']);
    expect(found.get('https://play.google.com/store/apps/details?id=bot.touchkin')!.map((a) => a.textContent)).toEqual(['Wysa', 'Wysa again']);
  });

  it('scans only what was added when given an added element', () => {
    document.body.innerHTML = '<a href="https://www.sleepio.com/">Sleepio</a><div id="new"><a href="https://play.google.com/store/apps/details?id=bot.touchkin">Wysa</a></div>';
    expect([...candidateLinks([document.getElementById('new')!], 'forum.example.test').keys()]).toEqual(['https://play.google.com/store/apps/details?id=bot.touchkin']);
    const added = document.createElement('a');
    added.href = 'https://www.sleepio.com/';
    document.body.append(added);
    expect([...candidateLinks([added], 'forum.example.test').keys()]).toEqual(['https://www.sleepio.com/']);
  });

  it('leaves out an address too long for the worker to accept', () => {
    document.body.innerHTML = `<a href="https://www.sleepio.com/${'x'.repeat(5000)}">long</a><a href="https://www.sleepio.com/?${'x'.repeat(5000)}">long query</a>`;
    expect([...candidateLinks([document], location.hostname).keys()]).toEqual(['https://www.sleepio.com/']);
  });

  it('leaves SVG links alone', () => {
    document.body.innerHTML = '<svg><a href="https://www.sleepio.com/"><text>Sleepio</text></a></svg>';
    expect(candidateLinks([document], location.hostname).size).toBe(0);
  });

  // The quick path reads the href attribute as text; every address must come out as the URL
  // parser would have it: kept exactly when the parsed address leaves this site over http(s),
  // and looked up as the same tool or page. The one allowance: an address the parser rejects
  // may be sent, for the worker to find nothing. (happy-dom resolves links against the location,
  // ignoring <base>; the selector's handling of <base> is checked in Chromium by hand.)
  const currentHost = location.hostname;
  const tricky = [
    ...RECOGNISER_CASES.map(([url]) => url),
    'HTTPS://APPS.APPLE.COM/gb/app/nhs-app/id1388411277',
    '  https://www.sleepio.com/  ',
    'https://www.sleepio.com',
    'https://www.sleepio.com?x=1#y',
    'https://www.sleepio.com/#',
    'https://www.sleepio.com./',
    '//www.sleepio.com/path',
    '/\\www.sleepio.com/path',
    '\\\\www.sleepio.com/path',
    '/\t/www.sleepio.com/path',
    '/\n/www.sleepio.com/path',
    '/\r\\www.sleepio.com/path',
    '/\t\t/www.sleepio.com/path',
    '#\t//www.sleepio.com/',
    '?\n//www.sleepio.com/',
    'https://user@www.sleepio.com/',
    'https://www.sleepio.com:443/x',
    'https://www.sleepio.com:8443/x',
    'https://www.sleepio.com/a/../b',
    'https://www.sleepio.com/a/%2e%2e/b',
    'https://www.sleepio.com/a b',
    "https://www.sleepio.com/it's?q='x'",
    'https://www.sleepio.com/caf\u00e9',
    'https://0x7f.1/',
    'https://127.0.0.1/x',
    'https://1.2.3/x',
    'https://xn--nxasmq6b.com/',
    'https://xn--a.com/',
    `https://${currentHost}/thread/1`,
    `HTTPS://${currentHost.toUpperCase()}/thread/1`,
    `https://${currentHost}`,
    `https://${currentHost}?page=2`,
    `https://${currentHost}:443/thread/1`,
    `${location.origin}/thread/1`,
    `http://${currentHost}/thread/1`,
    '/rules',
    '?page=2',
    '#top',
    'thread/12',
    './thread/12',
    '../up',
    '',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'mailto:a@example.org',
    'MAILTO:a@example.org',
    'tel:+441234567890',
    'ftp://www.sleepio.com/',
    'https:www.sleepio.com/x',
    'https:/www.sleepio.com/x',
    'https://play.google.com/store/apps/details?id=com.nhs.online.nhsonline&hl=en_GB',
    'https://play.google.com/store/apps/details?hl=en&id=com.phe.couchto5K',
    'https://play.google.com/store/apps/details?id=com%2Enhs.online.nhsonline',
    'https://play.google.com/store/apps/details?id=bot+touchkin',
    'https://play.google.com/store/apps/details?id=bot.touchkin&id=com.phe.couchto5K',
    'https://play.google.com/store/apps/details?xid=com.nhs.online.nhsonline&id=bot.touchkin',
    'https://play.google.com/store/apps/details?id=&id=bot.touchkin',
    'https://play.google.com/store/apps/details/?id=bot.touchkin#reviews',
    'https://itunes.apple.com/gb/app/nhs-app/id1388411277?mt=8',
  ];

  it.each(tricky)('settles %j as the URL parser would', (href) => {
    const anchor = document.createElement('a');
    anchor.setAttribute('href', href);
    document.body.append(anchor);
    let expected: URL | null = null;
    try {
      expected = new URL(href, location.href);
    } catch {
      expected = null;
    }
    const leaves = expected !== null && (expected.protocol === 'https:' || expected.protocol === 'http:') && expected.hostname !== currentHost;
    const found = [...candidateLinks([document], currentHost)];
    if (!leaves) {
      if (expected === null && found.length === 1) expect(URL.canParse(found[0]![0])).toBe(false);
      else expect(found).toEqual([]);
      return;
    }
    expect(found).toHaveLength(1);
    const [key, anchors] = found[0]!;
    expect(anchors).toEqual([anchor]);
    expect(new URL(key).host).toBe(expected!.host);
    expect(recogniseUrl(key)).toEqual(recogniseUrl(expected!.href));
  });
});
