import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import type { Feed } from '@/lib/feed/schema';
import { keyIdOf } from '@/lib/feed/keys';
import { lookupReport } from '@/lib/publish/lookup';
import { feedSource } from '@/lib/publish/source';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb } from '../helpers/db';
import { fakeFetch, json } from '../helpers/fetch';
import { niceClaim, publisherKey, signedAsBundled, signedWith, signedWithBundledKeyAs, tamperPayload } from '../helpers/publish';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const APP_URL = 'https://apps.apple.com/gb/app/coach/id1000000031';
const BUNDLED = 'bundled.json';
const DEFAULT_FEED = 'public/feeds/default.json';

const coach = (endorsements: Feed['tools'][number]['endorsements']) =>
  tool({ id: 'coach', name: 'Coach (test)', publisher: 'Coach Ltd (test)', identifiers: { apple: ['1000000031'] }, conditions: ['copd'], endorsements });

const localFeed = feed({
  publisher: { id: 'test-icb', name: 'Test ICB (test)', kind: 'local-network' },
  generatedAt: '2026-11-01T00:00:00Z',
  tools: [
    coach([
      endorsement({ issuer: 'Guidance Body (test)', issuerKind: 'nice', status: 'conditional', guidanceCode: 'HTE99', decisionDate: '2025-03', sourceUrl: 'https://guidance.example.org/hte99', conditions: ['copd'] }),
      endorsement({ issuer: 'Coach Ltd (test)', issuerKind: 'other', status: 'recommended', decisionDate: 'unknown', sourceUrl: 'https://coach.example.org/clinicians', sourceType: 'vendor-stated' }),
    ]),
  ],
});

/** A feed as Signpost ships it (signed with the bundled key); synthetic, so assertions can be exact. */
const bundledFeed = (endorsements: Feed['tools'][number]['endorsements'], overrides: Partial<Feed> = {}) =>
  signedAsBundled(
    feed({ version: 2, publisher: { id: 'signpost-uk-seed', name: 'Seed registry (test)', kind: 'other' }, generatedAt: '2026-11-20T00:00:00Z', tools: [coach(endorsements)], ...overrides }),
  );

interface LookupOptions {
  urls?: Record<string, Response>;
  keys?: string[];
  /** Which file is the bundled feed; bundled.json unless said. */
  bundledFeedPath?: string;
}

/** Files are JSON (given as objects) or exact text (signed feeds); they are looked up in the order given. */
async function lookup(pageUrl: string, files: Record<string, unknown>, { urls = {}, keys, bundledFeedPath = BUNDLED }: LookupOptions = {}) {
  const network = fakeFetch(({ url }) => urls[url]?.clone() ?? new Response('missing', { status: 404 }));
  const readFile = async (path: string) => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return new TextEncoder().encode(typeof content === 'string' ? content : JSON.stringify(content));
  };
  const sources = [...Object.keys(files), ...Object.keys(urls)].map(feedSource);
  return lookupReport({ db: testDb(), readFile, fetch: network.fetch, now: NOW, bundledFeedPath }, pageUrl, sources, keys);
}

describe('lookup: an unsigned feed', () => {
  it('prints every claim as reported only, so nothing decides the verdict, and says why there is no patient text', async () => {
    const report = await lookup(APP_URL, { 'icb.json': localFeed });
    expect(report).toEqual({
      exitCode: 0,
      lines: [
        `Looked up: ${APP_URL}`,
        'Recognised as: App Store app, id 1000000031',
        '',
        'Coach (test), by Coach Ltd (test)',
        '  Verdict: In your registry, no endorsement',
        '  Reported only: 1 claim below, from feeds Signpost cannot check against the issuer, never counted in the verdict.',
        "  Vendor-stated (the company's own): 1 claim below, never counted in the verdict.",
        '  Conditions: COPD',
        '  Endorsements:',
        '    - Guidance Body (test): Can be used while more evidence is generated; HTE99; decided March 2025',
        '      Trust: reported only: Reported by Test ICB (test): not checked against the issuer, so it does not decide the verdict',
        '      For: COPD',
        "      Source: https://guidance.example.org/hte99 (the issuer's own page)",
        '      From feed: Test ICB (test) (icb.json)',
        '    - Coach Ltd (test): Recommended; date not stated',
        '      Trust: reported only: Reported by Test ICB (test): not checked against the issuer, so it does not decide the verdict',
        "      Source: https://coach.example.org/clinicians (vendor-stated: the company's own claim)",
        '      From feed: Test ICB (test) (icb.json)',
        '  Patient text: none. Signpost writes patient text only for a tool with a current positive decision from a body whose word it can check. Coach (test): In your registry, no endorsement. Claims only reported by a feed do not count.',
        '',
        'Data from 2026-11-01 (when the oldest feed behind this answer was generated).',
        'Feeds checked:',
        '  icb.json (Test ICB (test)): not signed, so its claims are reported only',
      ],
    });
  });

  it('reports a NICE claim in it as reported only, never as NICE', async () => {
    const { lines } = await lookup(APP_URL, { 'other.json': feed({ tools: [coach([niceClaim()])] }) });
    expect(lines).toContain('  Verdict: In your registry, no endorsement');
    expect(lines).toContain('    - NICE: Can be used while more evidence is generated; HTE99; decided March 2025');
    expect(lines).toContain('      Trust: reported only: Reported by Example Publisher (test): not checked against the issuer, so it does not decide the verdict');
    expect(lines.join('\n')).not.toMatch(/Says: NICE/);
  });

  it('shows claims a team feed may not make as left out, with the reason', async () => {
    const team = feed({ publisher: { id: 'team', name: 'Practice team (test)', kind: 'peer-team' }, tools: [coach([niceClaim(), niceClaim({ issuer: 'N1CE' })])] });
    const { lines } = await lookup(APP_URL, { 'team.json': team });
    expect(lines).toEqual(
      expect.arrayContaining([
        '  Endorsements: none',
        '  Left out:',
        '    - Practice team (test) named "NICE" as the issuer. Signpost left it out: a team feed or imported file speaks only for itself (Practice team (test)), not for "NICE".',
        '    - Practice team (test) named "N1CE" as the issuer. Signpost left it out: "N1CE" reads like NICE but is not its name.',
      ]),
    );
  });
});

describe('lookup: the bundled feed, checked against its own key', () => {
  it('prints the relayed NICE claim, who says what for whom, and the patient text Signpost would offer', async () => {
    const report = await lookup(APP_URL, { [BUNDLED]: await bundledFeed([niceClaim()]) });
    expect(report).toEqual({
      exitCode: 0,
      lines: [
        `Looked up: ${APP_URL}`,
        'Recognised as: App Store app, id 1000000031',
        '',
        'Coach (test), by Coach Ltd (test)',
        '  Verdict: Can be used while more evidence is generated',
        '  Says: NICE: can be used for COPD while more evidence is generated (HTE99)',
        '  Conditions: COPD',
        '  Endorsements:',
        '    - NICE: Can be used while more evidence is generated; HTE99; decided March 2025',
        "      Trust: relayed: NICE's published decision, compiled from nice.org.uk by Signpost UK seed registry (feed: Seed registry (test))",
        '      For: COPD',
        "      Source: https://www.nice.org.uk/guidance/hte99/chapter/1-Recommendations (the issuer's own page)",
        `      From feed: Seed registry (test) (${BUNDLED})`,
        '  Patient text, as Signpost offers it to copy:',
        '    Coach (test) is an app for COPD.',
        '    NICE says it can be used for COPD while more evidence is generated (HTE99, March 2025).',
        '    Get it here:',
        '    App Store: https://apps.apple.com/gb/app/id1000000031',
        '',
        'Data from 2026-11-20 (when the oldest feed behind this answer was generated).',
        'Feeds checked:',
        `  ${BUNDLED} (Seed registry (test)): the feed bundled with Signpost, signature checked against Signpost's own key ${await keyIdOf(BUNDLED_FEED_KEYS[0]!)}`,
      ],
    });
  });

  it('shows a claim\'s scope, dates and standing as the card does', async () => {
    const scoped = niceClaim({
      population: { minAge: 18, description: 'adults who cannot attend in person' },
      platforms: ['ios'],
      setting: 'within NHS respiratory services',
      versions: { ios: '3.2 and later' },
      dateNote: 'The page gives the month only.',
      note: 'Fictional.',
      reviewDate: '2028-03',
      expiresAt: '2029-01',
    });
    const android = niceClaim({ guidanceCode: 'HTE97', platforms: ['android'] });
    const toCheck = niceClaim({ guidanceCode: 'HTE96', verify: 'Confirm on nice.org.uk.' });
    const { lines } = await lookup(APP_URL, { [BUNDLED]: await bundledFeed([scoped, android, toCheck]) });
    expect(lines.slice(lines.indexOf('    - NICE: Can be used while more evidence is generated; HTE99; decided March 2025'), lines.indexOf('    - NICE: Can be used while more evidence is generated; HTE97; decided March 2025'))).toEqual([
      '    - NICE: Can be used while more evidence is generated; HTE99; decided March 2025',
      "      Trust: relayed: NICE's published decision, compiled from nice.org.uk by Signpost UK seed registry (feed: Seed registry (test))",
      '      About the date: The page gives the month only.',
      '      For: COPD',
      '      Who: ages 18 and over, adults who cannot attend in person',
      '      Platforms: iOS only',
      '      Only: within NHS respiratory services',
      '      Versions assessed: ios 3.2 and later',
      '      Note: Fictional.',
      '      Review date: March 2028',
      '      Valid until: January 2029',
      "      Source: https://www.nice.org.uk/guidance/hte99/chapter/1-Recommendations (the issuer's own page)",
      `      From feed: Seed registry (test) (${BUNDLED})`,
    ]);
    expect(lines).toContain('      Not counted: it is about another platform than this page');
    expect(lines).toContain('      Not counted: it needs checking first');
    expect(lines).toContain('      To check before relying on it: Confirm on nice.org.uk.');
  });

  it('says a stale positive verdict may be out of date, why, and withholds the patient text', async () => {
    const stale = await bundledFeed([niceClaim({ reviewDate: '2026-06' })], { generatedAt: '2026-09-01T00:00:00Z', staleAfterDays: 30 });
    const { lines } = await lookup(APP_URL, { [BUNDLED]: stale });
    expect(lines).toEqual(
      expect.arrayContaining([
        '  Verdict: Can be used while more evidence is generated, but may be out of date',
        '  May be out of date: NICE HTE99: review date June 2026 has passed',
        '  May be out of date: Seed registry (test): not refreshed since 1 September 2026',
        '      Review date (June 2026) has passed: this may be out of date.',
        '  Patient text: none. Signpost gives no patient text for Coach (test) while what it knows may be out of date: NICE HTE99: review date June 2026 has passed; Seed registry (test): not refreshed since 1 September 2026. Check the current guidance first.',
      ]),
    );
  });

  it('puts both sides in the headline when national bodies disagree', async () => {
    const negative = niceClaim({ issuer: 'NHS England', issuerKind: 'nhs-programme', status: 'not-recommended', guidanceCode: undefined, sourceUrl: 'https://www.england.nhs.uk/digital/coach' });
    const { lines } = await lookup(APP_URL, { [BUNDLED]: await bundledFeed([niceClaim(), negative]) });
    expect(lines).toEqual(
      expect.arrayContaining([
        '  Verdict: Sources disagree',
        '  Says: NICE: can be used for COPD while more evidence is generated (HTE99)',
        '  Says: NHS England: not recommended for COPD',
        '  Sources disagree: both sides are shown and neither is resolved away; read each claim below before deciding.',
        expect.stringMatching(/^  Patient text: none\. /),
      ]),
    );
  });

  it('refuses, exit 1, a bundled feed whose signature does not check out', async () => {
    const tampered = tamperPayload(await bundledFeed([niceClaim()]), (text) => text.replace('conditional', 'recommended'));
    expect(await lookup(APP_URL, { [BUNDLED]: tampered })).toEqual({
      exitCode: 1,
      lines: [`${BUNDLED}: The feed is signed, but its contents do not match the hash its header was signed with (changed after signing, or cut off).`],
    });
  });

  it('refuses a copy of the bundled feed anywhere but the bundled feed itself', async () => {
    expect(await lookup(APP_URL, { 'copy.json': await bundledFeed([niceClaim()]) }, { keys: [...BUNDLED_FEED_KEYS] })).toEqual({
      exitCode: 1,
      lines: ['copy.json: This file is the feed bundled with Signpost, which is not accepted from any other address.'],
    });
  });

  it("relays nothing when the bundled key signs a feed at another address, even checked with --key", async () => {
    const copy = await signedWithBundledKeyAs(feed({ version: 2, publisher: { id: 'signpost-uk-seed', name: 'Seed registry (test)', kind: 'other' }, generatedAt: '2026-11-20T00:00:00Z', tools: [coach([niceClaim()])] }), 'seed-copy');
    const { lines } = await lookup(APP_URL, { 'copy.json': copy }, { keys: [...BUNDLED_FEED_KEYS] });
    expect(lines).toContain('  Verdict: In your registry, no endorsement');
    expect(lines).toContain('      Trust: reported only: Reported by Seed registry (test): not checked against the issuer, so it does not decide the verdict');
  });

  it.skipIf(!existsSync(DEFAULT_FEED))("reads the real bundled feed: NICE's research-only decision on Wysa's App Store page, relayed from nice.org.uk", async () => {
    const report = await lookupReport(
      // A day after the bundled feed was issued: Signpost refuses a feed issued more than a day ahead of its clock.
      { db: testDb(), readFile: (path) => readFile(path), fetch: fakeFetch(() => json({})).fetch, now: Date.parse('2026-12-03T09:00:00Z'), bundledFeedPath: DEFAULT_FEED },
      'https://apps.apple.com/gb/app/wysa-mental-health-support/id1166585565',
      [feedSource(DEFAULT_FEED)],
    );
    expect(report.exitCode).toBe(0);
    const nice = report.lines.findIndex((line) => /^    - NICE: Only in research; HTE8\b/.test(line));
    expect(nice).toBeGreaterThan(0);
    expect(report.lines[nice + 1]).toMatch(/^      Trust: relayed: NICE's published decision, compiled from nice\.org\.uk by Signpost UK seed registry /);
    expect(report.lines).toContain('  Says: NICE: only in research for depression (HTE8)');
    expect(report.lines).toContainEqual(expect.stringMatching(/^  Patient text: none\. /));
    expect(report.lines).toContainEqual(expect.stringMatching(/^  public\/feeds\/default\.json \(.*\): the feed bundled with Signpost, signature checked against Signpost's own key/));
  });
});

describe('lookup: feeds checked with --key', () => {
  it("checks a feed's signature against the key given, and says its claims count only where the trust root names that key", async () => {
    const key = await publisherKey();
    const { exitCode, lines } = await lookup(APP_URL, { 'icb.json': await signedWith(localFeed, key) }, { keys: [key.publicKey] });
    expect(exitCode).toBe(0);
    expect(lines.at(-1)).toBe(`  icb.json (Test ICB (test)): signature checked against key ${key.keyId}; its claims count only where Signpost's trust root, or NHS IT's policy, names that key`);
    expect(lines).toContain('  Verdict: In your registry, no endorsement');
  });

  it('refuses, exit 1, a feed that is unsigned or signed with another key, in plain words', async () => {
    const [key, other] = await Promise.all([publisherKey(), publisherKey()]);
    const report = await lookup(APP_URL, { 'unsigned.json': localFeed, 'other.json': await signedWith(localFeed, other) }, { keys: [key.publicKey] });
    expect(report).toEqual({
      exitCode: 1,
      lines: [
        expect.stringMatching(/^unsigned\.json: This feed must be signed by its publisher .* but the file is not signed\.$/),
        "other.json: This feed's signature does not match the publisher's key you pinned: it may have been changed by someone else.",
      ],
    });
  });

  it('checks a feed from a web address through the extension\'s sync, with the key pinned', async () => {
    const key = await publisherKey();
    const url = 'https://feeds.example.org/icb.json';
    const signed = new Response(await signedWith(localFeed, key, [url]), { status: 200 });
    const { exitCode, lines } = await lookup(APP_URL, {}, { urls: { [url]: signed }, keys: [key.publicKey] });
    expect(exitCode).toBe(0);
    expect(lines).toContain(`      From feed: Test ICB (test) (${url})`);
    expect(lines.at(-1)).toMatch(new RegExp(`^  ${url} \\(Test ICB \\(test\\)\\): signature checked against key ${key.keyId};`));
    const refused = await lookup(APP_URL, {}, { urls: { [url]: json(localFeed) }, keys: [key.publicKey] });
    expect(refused).toEqual({ exitCode: 1, lines: [expect.stringMatching(new RegExp(`^${url}: This feed must be signed .*not signed\\.$`))] });
  });

  it('refuses a --key that is not a public key, or one given only for the bundled feed', async () => {
    expect(await lookup(APP_URL, { 'icb.json': localFeed }, { keys: ['ed25519:nope'] })).toEqual({
      exitCode: 1,
      lines: ['ed25519:nope: not a public key; expected "ed25519:" followed by 44 base64 characters'],
    });
    const key = await publisherKey();
    expect(await lookup(APP_URL, { [BUNDLED]: await bundledFeed([]) }, { keys: [key.publicKey] })).toEqual({
      exitCode: 1,
      lines: ["--key checks feeds other than the bundled one, which is always checked against Signpost's own key"],
    });
  });
});

describe('lookup: freshness and feeds', () => {
  it('names a feed past its expiry and counts entries left out of it', async () => {
    const expired = { ...localFeed, expiresAt: '2026-11-20T00:00:00Z', tools: [...localFeed.tools, { id: 'BAD', name: 'x' }] };
    const { lines } = await lookup(APP_URL, { 'icb.json': expired });
    expect(lines.slice(-4)).toEqual([
      'Past its expiry date: the feed from Test ICB (test); its data may be out of date.',
      'Feeds checked:',
      '  icb.json (Test ICB (test)): not signed, so its claims are reported only',
      'icb.json: 1 entry left out as invalid (run validate on it for details).',
    ]);
  });

  it("loads a feed from a web address through the extension's sync", async () => {
    const url = 'https://feeds.example.org/icb.json';
    const { exitCode, lines } = await lookup(APP_URL, {}, { urls: { [url]: json(localFeed) } });
    expect(exitCode).toBe(0);
    expect(lines).toContain(`      From feed: Test ICB (test) (${url})`);
  });
});

describe('lookup: not in the registry', () => {
  it('says so plainly, exit 0, and never suggests the tool is unsafe', async () => {
    const report = await lookup('https://unlisted.example.org/app', { 'icb.json': localFeed });
    expect(report.exitCode).toBe(0);
    expect(report.lines.slice(2)).toEqual([
      'Not in your registry: none of the loaded feeds lists this address.',
      'Not being listed is not a judgement of the tool either way.',
      '',
      'Data from 2026-11-01 (when the oldest feed behind this answer was generated).',
      'Feeds checked:',
      '  icb.json (Test ICB (test)): not signed, so its claims are reported only',
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
    const report = await lookup(APP_URL, { 'missing.json': undefined, 'bad.json': { ...localFeed, sequence: 'one' } }, { urls: { 'http://feeds.example.org/feed.json': json(localFeed) } });
    expect(report.exitCode).toBe(1);
    expect(report.lines).toEqual([
      'missing.json: no such file',
      expect.stringMatching(/^bad\.json: The file is not a valid Signpost feed \(sequence: .*\)\. Run validate on it for every problem\.$/),
      expect.stringMatching(/^http:\/\/feeds\.example\.org\/feed\.json: Feeds must use HTTPS/),
    ]);
  });
});
