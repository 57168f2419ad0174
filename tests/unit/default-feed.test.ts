// @vitest-environment node
import { readFileSync } from 'node:fs';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import { readFeedDocument, verifyFeedDocument } from '@/lib/feed/signature';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '@/lib/feed/parse';
import type { Endorsement, Fact, Tool } from '@/lib/feed/schema';
import { webIdentifierHost } from '@/lib/lookup/keys';
import { buildDefaultFeed, feedProblems, loadSeed, renderFeed, signedFeedFile, SIGNING_KEY_PATH, type SeedRecord } from '@/scripts/build-default-feed';

const seed = loadSeed();
const feed = buildDefaultFeed(seed);

function toolNamed(name: string): Tool {
  const tool = feed.tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool named ${name}`);
  return tool;
}

function webClaims() {
  return feed.tools.flatMap((tool) =>
    (tool.identifiers.web ?? []).map((web) => ({ toolId: tool.id, host: webIdentifierHost(web), pathPrefix: web.pathPrefix })),
  );
}

// A feed claim and its seed record share who said it, where, and under which code.
const claimKey = (issuer: string, url: string, code: string | undefined) => `${issuer} | ${url} | ${code ?? ''}`;
const seedRecords = seed.flatMap((tool) => tool.endorsements);
const seedClaims = seedRecords.filter((record) => record.kind !== 'regulatory');
const seedRegulatory = seedRecords.filter((record) => record.kind === 'regulatory');
const feedClaims = feed.tools.flatMap((tool) => tool.endorsements);
const feedFacts = feed.tools.flatMap((tool) => tool.facts);

function claimsFrom(record: SeedRecord): Endorsement[] {
  const key = claimKey(record.issuer, record.url, record.code);
  return feedClaims.filter((claim) => claimKey(claim.issuer, claim.sourceUrl, claim.guidanceCode) === key);
}

function factsFrom(record: SeedRecord): Fact[] {
  const said = (record.quote ?? record.status).toLowerCase();
  return feedFacts.filter((fact) => fact.sourceUrl === record.url && fact.text.toLowerCase().includes(said));
}

describe('default feed built from data/registry-seed', () => {
  it('passes parseFeed with nothing quarantined and no warnings, and every build check', () => {
    const result = parseFeed(JSON.parse(renderFeed(feed)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.quarantined).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.feed.tools).toHaveLength(feed.tools.length);
    expect(feedProblems(feed)).toEqual([]);
  });

  it('has the fixed envelope, and tools sorted by id', () => {
    expect(feed).toMatchObject({
      format: 'signpost-feed',
      version: 1,
      publisher: { id: 'signpost-uk-seed', name: 'Signpost UK seed registry (compiled November 2026)', kind: 'other' },
      generatedAt: '2026-11-25T00:00:00Z',
    });
    const ids = feed.tools.map((tool) => tool.id);
    expect(ids).toEqual([...ids].sort());
  });

  it('is deterministic', () => {
    const again = buildDefaultFeed(loadSeed());
    expect(again).toEqual(feed);
    expect(renderFeed(again)).toBe(renderFeed(feed));
  });

  it('matches public/feeds/default.json, signed by a bundled key (run `npm run feed:default` after changing the seed or the script)', async () => {
    const shipped = readFileSync(fileURLToPath(new URL('../../public/feeds/default.json', import.meta.url)), 'utf8');
    const document = readFeedDocument(shipped);
    expect(document.signed?.feed).toBe(renderFeed(feed));
    expect(await verifyFeedDocument(document, BUNDLED_FEED_KEYS)).toMatchObject({ status: 'verified' });
    // Ed25519 signatures are deterministic: the committed file is exactly what the script writes.
    expect(shipped).toBe(await signedFeedFile(feed, JSON.parse(readFileSync(SIGNING_KEY_PATH, 'utf8'))));
  });

  it('carries every seed claim and invents none', () => {
    expect(feedClaims).toHaveLength(seedClaims.length);
    for (const record of seedClaims) expect(claimsFrom(record), `${record.issuer} ${record.code ?? ''}`).not.toEqual([]);
    const seedKeys = new Set(seedClaims.map((record) => claimKey(record.issuer, record.url, record.code)));
    for (const claim of feedClaims) expect(seedKeys, claim.issuer).toContain(claimKey(claim.issuer, claim.sourceUrl, claim.guidanceCode));
    for (const record of seedRegulatory) expect(factsFrom(record), record.status).toHaveLength(1);
  });

  it('gives the NHS App its store ids', () => {
    const app = toolNamed('NHS App');
    expect(app.identifiers.apple).toEqual(['1388411277']);
    expect(app.identifiers.googlePlay).toEqual(['com.nhs.online.nhsonline']);
  });

  it('keeps the Wysa app at research-only and gives HTE30 to the referral assistant alone', () => {
    const app = toolNamed('Wysa');
    expect(app.endorsements).toContainEqual(expect.objectContaining({ guidanceCode: 'HTE8', status: 'research-only' }));
    expect(app.endorsements.map((e) => e.status)).not.toContain('conditional');
    expect(app.endorsements.map((e) => e.status)).not.toContain('recommended');
    expect(app.endorsements.map((e) => e.guidanceCode)).not.toContain('HTE30');

    const assistant = toolNamed('Wysa Digital Referral Assistant');
    expect(assistant.identifiers).toEqual({});
    expect(assistant.publisher).toBe('Wysa Ltd');
    expect(assistant.conditions).toEqual(['talking-therapies-referral']);
    expect(assistant.endorsements).toEqual([expect.objectContaining({ guidanceCode: 'HTE30', status: 'conditional', sourceType: 'secondary' })]);
  });

  it('splits Kaia into its back pain and COPD products', () => {
    expect(toolNamed('Kaia (back pain)').endorsements).toEqual([expect.objectContaining({ guidanceCode: 'HTE16', status: 'conditional' })]);
    expect(toolNamed('Kaia Health COPD').endorsements).toEqual([expect.objectContaining({ guidanceCode: 'HTE18', status: 'research-only' })]);
  });

  it('records Sleepio MTG70 as recommended on 20 May 2022', () => {
    expect(toolNamed('Sleepio').endorsements).toContainEqual(
      expect.objectContaining({ guidanceCode: 'MTG70', status: 'recommended', decisionDate: '2022-05-20', issuerKind: 'nice' }),
    );
  });

  it("takes dates only from the seed's date field, never from dateNote", () => {
    for (const record of seedClaims) {
      for (const claim of claimsFrom(record)) expect(claim.decisionDate, `${record.issuer} ${record.code ?? ''}`).toBe(record.date ?? 'unknown');
    }
    for (const record of seedRegulatory) for (const fact of factsFrom(record)) expect(fact.date).toBe(record.date ?? 'unknown');
  });

  it('keeps every vendor-stated seed record vendor-stated', () => {
    const vendorStated = seedRecords.filter((record) => record.sourceType.startsWith('vendor-stated'));
    expect(vendorStated.length).toBeGreaterThan(0);
    for (const record of vendorStated) {
      const mapped = record.kind === 'regulatory' ? factsFrom(record) : claimsFrom(record);
      expect(mapped.length).toBeGreaterThan(0);
      for (const item of mapped) expect(item.sourceType, record.status).toBe('vendor-stated');
    }
  });

  it('never calls a mirror or a report of a page primary', () => {
    const notPrimary = seedClaims.filter((record) => record.sourceType === 'mirror' || record.sourceType === 'primary+secondary' || record.sourceType.startsWith('secondary'));
    expect(notPrimary.length).toBeGreaterThan(0);
    for (const record of notPrimary) for (const claim of claimsFrom(record)) expect(claim.sourceType).toBe('secondary');
  });

  it('maps briefings, category-level and superseded guidance to weak statuses', () => {
    // MIB129, MIB221, MIB300, MIB324. The seed files MIB214 as the source of an NHS Apps Library listing.
    const briefings = feedClaims.filter((claim) => claim.guidanceCode?.startsWith('MIB') && claim.issuer === 'NICE');
    expect(briefings).toHaveLength(4);
    for (const claim of briefings) expect(claim).toMatchObject({ status: 'no-recommendation', issuerKind: 'other' });
    const hte13 = feedClaims.filter((claim) => claim.guidanceCode === 'HTE13');
    expect(hte13.length).toBeGreaterThan(0);
    for (const claim of hte13) expect(claim.status).toBe('listed');
    for (const claim of toolNamed('Beating the Blues').endorsements) expect(claim.status).toBe('withdrawn');
  });

  it('scopes claims to the condition they are about', () => {
    const scopeOf = (tool: string, code: string) => toolNamed(tool).endorsements.find((e) => e.guidanceCode === code)?.conditions;
    expect(scopeOf('myCOPD', 'HTE18')).toEqual(['pulmonary-rehabilitation']);
    expect(scopeOf('myCOPD', 'HTE19')).toEqual(['copd']);
    expect(scopeOf('Luscii', 'HTE35')).toEqual(['cardiac-rehabilitation']);
    expect(scopeOf('Limbic Access', 'HTE30')).toEqual(['talking-therapies-referral']);
    expect(scopeOf('getUBetter', 'HTE16')).toEqual(['low-back-pain']);
  });

  it('never claims nhs.uk without a path, and narrows Couch to 5K to its page', () => {
    const nhsUk = webClaims().filter((claim) => claim.host === 'nhs.uk');
    expect(nhsUk.length).toBeGreaterThan(0);
    for (const claim of nhsUk) expect(claim.pathPrefix, claim.toolId).toMatch(/^\/./);
    expect(toolNamed('NHS Couch to 5K').identifiers.web).toEqual([
      { origin: 'https://www.nhs.uk', pathPrefix: '/live-well/exercise/running-and-aerobic-exercises/get-running-with-couch-to-5k' },
    ]);
  });

  it('gives no two tools the same web identifier', () => {
    const keys = webClaims().map((claim) => `${claim.host}${claim.pathPrefix ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('claims no shared company site whole', () => {
    for (const host of ['bighealth.co.uk', 'mymhealth.com', 'stroke.org.uk', 'desmond.nhs.uk']) {
      expect(webClaims().filter((claim) => claim.host === host && !claim.pathPrefix)).toEqual([]);
    }
  });

  it('stops on seed text it has no reviewed mapping for', () => {
    const withCondition = structuredClone(seed);
    withCondition[0]!.conditions.push('gout');
    expect(() => buildDefaultFeed(withCondition)).toThrow(/unmapped seed condition "gout"/);

    const withStatus = structuredClone(seed);
    withStatus[0]!.endorsements[0]!.status = 'approved by NICE';
    expect(() => buildDefaultFeed(withStatus)).toThrow(/unmapped seed status "approved by NICE"/);

    const withDomain = structuredClone(seed);
    withDomain[0]!.domains.push('example.org');
    expect(() => buildDefaultFeed(withDomain)).toThrow(/whole-site domain "example.org"/);
  });
});
