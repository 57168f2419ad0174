import { describe, expect, it } from 'vitest';
import type { Feed } from '@/lib/feed/schema';
import { lookupReport } from '@/lib/publish/lookup';
import { feedSource } from '@/lib/publish/source';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb } from '../helpers/db';
import { fakeFetch, json } from '../helpers/fetch';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const APP_URL = 'https://apps.apple.com/gb/app/coach/id1000000031';

const coach = (endorsements: Feed['tools'][number]['endorsements']) =>
  tool({ id: 'coach', name: 'Coach (test)', publisher: 'Coach Ltd (test)', identifiers: { apple: ['1000000031'] }, conditions: ['asthma'], endorsements });

const localFeed = feed({
  publisher: { id: 'test-icb', name: 'Test ICB (test)', kind: 'local-network' },
  generatedAt: '2026-11-01T00:00:00Z',
  tools: [
    coach([
      endorsement({ issuer: 'Guidance Body (test)', issuerKind: 'nice', status: 'conditional', guidanceCode: 'HTE99', decisionDate: '2025-03', sourceUrl: 'https://guidance.example.org/hte99', conditions: ['asthma'] }),
      endorsement({ issuer: 'Coach Ltd (test)', issuerKind: 'other', status: 'recommended', decisionDate: 'unknown', sourceUrl: 'https://coach.example.org/clinicians', sourceType: 'vendor-stated' }),
    ]),
  ],
});

async function lookup(pageUrl: string, files: Record<string, unknown>, urls: Record<string, Response> = {}) {
  const network = fakeFetch(({ url }) => urls[url] ?? new Response('missing', { status: 404 }));
  const readFile = async (path: string) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return new TextEncoder().encode(JSON.stringify(content));
  };
  const sources = [...Object.keys(files), ...Object.keys(urls)].map(feedSource);
  return lookupReport({ db: testDb(), readFile, fetch: network.fetch, now: NOW }, pageUrl, sources);
}

describe('lookup: a tool in the registry', () => {
  it('prints the verdict and every endorsement, as the extension decides them', async () => {
    const report = await lookup(APP_URL, { 'icb.json': localFeed });
    expect(report).toEqual({
      exitCode: 0,
      lines: [
        `Looked up: ${APP_URL}`,
        'Recognised as: App Store app, id 1000000031',
        '',
        'Coach (test), by Coach Ltd (test)',
        '  Verdict: Can be used while more evidence is generated',
        '  Based on: Guidance Body (test) HTE99',
        "  Vendor-stated (the company's own): 1 claim below, never counted in the verdict.",
        '  Conditions: Asthma',
        '  Endorsements:',
        '    - Guidance Body (test) (NICE): Can be used while more evidence is generated; HTE99; decided March 2025',
        '      For: Asthma',
        "      Source: https://guidance.example.org/hte99 (the issuer's own page)",
        '      From feed: Test ICB (test) (icb.json)',
        '    - Coach Ltd (test) (Other): Recommended; date not stated',
        "      Source: https://coach.example.org/clinicians (vendor-stated: the company's own claim)",
        '      From feed: Test ICB (test) (icb.json)',
        '',
        'Data from 2026-11-01 (when the oldest feed behind this answer was generated).',
      ],
    });
  });

  it('says sources disagree, showing both sides, when feeds conflict', async () => {
    const negative = feed({
      publisher: { id: 'test-charity', name: 'Test Charity (test)', kind: 'charity' },
      tools: [coach([endorsement({ issuer: 'Test Charity (test)', status: 'not-recommended' })])],
    });
    const { lines } = await lookup(APP_URL, { 'icb.json': localFeed, 'charity.json': negative });
    expect(lines).toContain('  Verdict: Sources disagree');
    expect(lines).toContain('  Sources disagree: Guidance Body (test) says Can be used while more evidence is generated; Test Charity (test) says Not recommended. Both sides are shown; neither is resolved away.');
    expect(lines.filter((line) => line.startsWith('      From feed: '))).toEqual([
      '      From feed: Test Charity (test) (charity.json)',
      '      From feed: Test ICB (test) (icb.json)',
      '      From feed: Test ICB (test) (icb.json)',
    ]);
  });

  it('names a feed past its expiry and counts entries left out of it', async () => {
    const expired = { ...localFeed, expiresAt: '2026-11-20T00:00:00Z', tools: [...localFeed.tools, { id: 'BAD', name: 'x' }] };
    const { lines } = await lookup(APP_URL, { 'icb.json': expired });
    expect(lines.slice(-2)).toEqual([
      'Past its expiry date: the feed from Test ICB (test); its data may be out of date.',
      'icb.json: 1 entry left out as invalid (run validate on it for details).',
    ]);
  });

  it('loads a feed from a web address through the extension\'s sync', async () => {
    const url = 'https://feeds.example.org/icb.json';
    const { exitCode, lines } = await lookup(APP_URL, {}, { [url]: json(localFeed) });
    expect(exitCode).toBe(0);
    expect(lines).toContain(`      From feed: Test ICB (test) (${url})`);
  });
});

describe('lookup: not in the registry', () => {
  it('says so plainly, exit 0, and never suggests the tool is unsafe', async () => {
    const report = await lookup('https://unlisted.example.org/app', { 'icb.json': localFeed });
    expect(report.exitCode).toBe(0);
    expect(report.lines.slice(2, 5)).toEqual([
      'Not in your registry: none of the loaded feeds lists this address.',
      'Not being listed is not a judgement of the tool either way.',
      'Feeds checked: icb.json',
    ]);
    expect(report.lines.join('\n')).not.toMatch(/unsafe|danger|warning|risk/i);
  });

  it('explains a page that is never a tool, such as a store search', async () => {
    const { lines } = await lookup('https://apps.apple.com/gb/search?term=coach', { 'icb.json': localFeed });
    expect(lines).toContain('It is not a page Signpost looks up (such as an app store search or developer page).');
  });
});

describe('lookup: bad input exits 1', () => {
  it.each([['coach.example.org'], ['javascript:alert(1)']])('refuses the page address %s', async (pageUrl) => {
    expect(await lookup(pageUrl, { 'icb.json': localFeed })).toEqual({ exitCode: 1, lines: [expect.stringMatching(/not a web address/)] });
  });

  it('refuses a feed that is missing, invalid, or not served over HTTPS', async () => {
    const report = await lookup(APP_URL, { 'missing.json': undefined, 'bad.json': { ...localFeed, sequence: 'one' } }, { 'http://feeds.example.org/feed.json': json(localFeed) });
    expect(report.exitCode).toBe(1);
    expect(report.lines).toEqual([
      'missing.json: no such file',
      expect.stringMatching(/^bad\.json: The file is not a valid Signpost feed \(sequence: .*\)\. Run validate on it for every problem\.$/),
      expect.stringMatching(/^http:\/\/feeds\.example\.org\/feed\.json: Feeds must use HTTPS/),
    ]);
  });
});
