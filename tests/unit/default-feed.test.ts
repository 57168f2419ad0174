// @vitest-environment node
import { readFileSync } from 'node:fs';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import { readFeedDocument } from '@/lib/feed/signature';
import { verifyFeedDocument } from '@/lib/feed/verify';
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
      version: 2,
      publisher: { id: 'signpost-uk-seed', name: 'Signpost UK seed registry (compiled November 2026)', kind: 'other' },
      generatedAt: '2026-12-02T00:00:00Z',
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
    const document = await readFeedDocument(shipped);
    expect(document.text).toBe(renderFeed(feed));
    expect(document.signed?.header.value).toMatchObject({ feedId: 'signpost-bundled', urls: [], sequence: feed.sequence, issuedAt: feed.generatedAt });
    expect((await verifyFeedDocument(document, { bundled: true, anchors: BUNDLED_FEED_KEYS, now: Date.parse(feed.generatedAt) })).verification).toMatchObject({ status: 'verified' });
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

  it('keeps every vendor-stated, vendor-hosted or vendor-issued seed record vendor-stated', () => {
    const vendorStated = seedRecords.filter(
      (record) =>
        record.sourceType.startsWith('vendor-stated') ||
        /^secondary \((vendor-hosted|guest blog by Big Health)/.test(record.sourceType) ||
        record.issuer.endsWith('(vendor)'),
    );
    // Claims: Sleepio and Daylight (Big Health news), Daylight (Big Health guest blog), PKB, Accurx, ESCAPE-pain x2, BHF.
    // Facts: Sleepio DTAC (Big Health), getUBetter and Pathway through Pain CE/UKCA (company statements).
    expect(vendorStated).toHaveLength(11);
    for (const record of vendorStated) {
      const mapped = record.kind === 'regulatory' ? factsFrom(record) : claimsFrom(record);
      expect(mapped.length).toBeGreaterThan(0);
      for (const item of mapped) expect(item.sourceType, record.status).toBe('vendor-stated');
    }
  });

  it('never calls a mirror or a report of a page primary', () => {
    const notPrimary = seedClaims.filter((record) => record.sourceType === 'mirror' || record.sourceType === 'primary+secondary' || record.sourceType.startsWith('secondary'));
    expect(notPrimary.length).toBeGreaterThan(0);
    for (const record of notPrimary) for (const claim of claimsFrom(record)) expect(claim.sourceType).not.toBe('primary');
    // HTE30 was seen only on a mirror: never relayed as NICE's own page, and flagged to confirm.
    const hte30 = feedClaims.filter((claim) => claim.guidanceCode === 'HTE30');
    expect(hte30).toHaveLength(2);
    for (const claim of hte30) expect(claim).toMatchObject({ sourceType: 'secondary', verify: expect.stringContaining('Confirm the recommendation on nice.org.uk') });
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

  it('says after how long without an update its data counts as not refreshed', () => {
    expect(feed.staleAfterDays).toBe(180);
  });

  it('gives every current NICE early-use (HTE) claim a review date, and says how it was derived', () => {
    const expected: Record<string, string | undefined> = {
      HTE3: '2025-11-04', // draft 4 Nov 2022 + NICE's typical 3 years
      HTE8: '2026-05', // decision May 2023 + typical 3 years
      HTE9: '2026-05',
      HTE13: '2026-08-18', // draft 18 Aug 2023 + typical 3 years
      HTE14: '2027-08', // draft Aug 2023 + 4 years
      HTE16: '2026-10-23', // draft 23 Oct 2023 + about 3 years
      HTE18: '2027-01-05', // draft 5 Jan 2024 + typical 3 years
      HTE19: '2027-06-25', // draft 25 Jun 2024 + 3 years
      HTE30: undefined, // no date in the seed at all
      HTE35: '2028-08-19', // draft 19 Aug 2025 + 3 years
    };
    const hte = feedClaims.filter((claim) => claim.guidanceCode?.startsWith('HTE') && claim.status !== 'withdrawn');
    expect(new Set(hte.map((claim) => claim.guidanceCode))).toEqual(new Set(Object.keys(expected)));
    for (const claim of hte) {
      const code = claim.guidanceCode!;
      expect(claim.reviewDate, code).toBe(expected[code]);
      expect(claim.dateNote, code).toMatch(claim.reviewDate ? /Review date: \d years after the (decision date|draft of \d{4}-\d{2}(-\d{2})?, the earliest date known)/ : /No review date/);
      if (['HTE3', 'HTE8', 'HTE9', 'HTE13', 'HTE18'].includes(code)) {
        expect(claim.dateNote, code).toContain("NICE's process gives typically about 3 years; this guidance's own period was not captured.");
      }
    }
    // A withdrawal is not reviewed with the technologies still in use.
    for (const claim of feedClaims.filter((c) => c.status === 'withdrawn')) expect(claim.reviewDate).toBeUndefined();
  });

  it("limits NICE's positive claims to the population and setting NICE gives, and leaves research-only statements unlimited", () => {
    const claim = (tool: string, code: string) => toolNamed(tool).endorsements.find((e) => e.guidanceCode === code)!;
    // HTE3 (aged 5 to 18), narrowed by each tool's own ages from the seed.
    for (const e of feedClaims.filter((c) => c.guidanceCode === 'HTE3')) {
      expect(e.population?.minAge).toBeGreaterThanOrEqual(5);
      expect(e.population?.maxAge).toBeLessThanOrEqual(18);
      expect(e.setting).toMatch(/initial assessment by a healthcare professional, once DTAC-approved/);
    }
    expect(claim('Lumi Nova', 'HTE3').population).toMatchObject({ minAge: 7, maxAge: 12 });
    expect(claim('Space from anxiety / low mood / low mood and anxiety for teens', 'HTE3').population).toMatchObject({ minAge: 15, maxAge: 18 });
    expect(claim('Deprexis', 'HTE8').setting).toMatch(/^Only with support from a trained practitioner or therapist in NHS Talking Therapies, once DTAC approval and an NHS Talking Therapies digitally enabled therapies assessment/);
    expect(claim('iCT-PTSD', 'HTE9').setting).toMatch(/^Only in NHS Talking Therapies, once DTAC approval and an NHS Talking Therapies digitally enabled therapies assessment/);
    expect(claim('Spring', 'HTE9').setting).toContain('CE or UKCA marking');
    expect(claim('Huma (virtual ward platform)', 'HTE13')).toMatchObject({ population: { minAge: 16 }, setting: expect.stringContaining('Virtual wards') });
    expect(claim('Oviva', 'HTE14')).toMatchObject({ population: { minAge: 18 }, setting: expect.stringContaining('including DTAC') });
    expect(claim('Counterweight', 'HTE14').setting).toMatch(/without prescribing/);
    expect(claim('getUBetter', 'HTE16').population).toEqual({ minAge: 16 });
    expect(claim('myCOPD', 'HTE18').population).toEqual({ minAge: 18, description: 'adults with COPD who cannot have or do not want face-to-face pulmonary rehabilitation' });
    expect(claim('myCOPD', 'HTE19')).toMatchObject({ population: { minAge: 18 }, setting: expect.stringContaining('including DTAC') });
    expect(claim('Limbic Access', 'HTE30')).toMatchObject({ population: { minAge: 16 }, setting: expect.stringContaining('NHS Talking Therapies') });
    expect(claim('KiActiv', 'HTE35')).toMatchObject({
      population: { minAge: 18, description: 'adults with cardiovascular disease' },
      setting: 'After assessment of suitability by a trained healthcare professional, with DTAC approval',
    });
    for (const e of feedClaims.filter((c) => c.guidanceCode?.startsWith('HTE') && (c.status === 'conditional' || c.status === 'listed'))) {
      expect(e.population, `${e.guidanceCode}`).toBeDefined();
    }
    for (const e of feedClaims.filter((c) => c.status === 'research-only' || c.status === 'no-recommendation' || c.status === 'withdrawn')) {
      expect(e.population, `${e.guidanceCode}`).toBeUndefined();
      expect(e.setting, `${e.guidanceCode}`).toBeUndefined();
    }
  });

  it("asks for Kaia's HTE16 status and myHeart's identity to be checked before they are relied on", () => {
    expect(toolNamed('Kaia (back pain)').endorsements[0]!.verify).toMatch(/Check Kaia's status on nice\.org\.uk before listing it as an option: .*'no longer available to the NHS'/);
    expect(toolNamed('myHeart').endorsements.find((e) => e.guidanceCode === 'HTE35')!.verify).toMatch(/^Check that this is the product NICE assessed/);
    expect(toolNamed('myCOPD').endorsements.find((e) => e.guidanceCode === 'MIB214')!.verify).toMatch(/historical listing/);
  });

  it('matches no store listing to Second Nature, whose App Store id was matched by name only', () => {
    expect(toolNamed('Second Nature').identifiers.apple).toBeUndefined();
    expect(feed.tools.flatMap((tool) => tool.identifiers.apple ?? [])).not.toContain('885435960');
  });

  it("dates Beating the Blues' withdrawal from NICE's HTE8 text, and keeps TA97 as a superseded 2006 recommendation", () => {
    const claims = toolNamed('Beating the Blues').endorsements;
    const noLongerAvailable = claims.filter((claim) => claim.quote?.includes('no longer available to the NHS'));
    expect(noLongerAvailable).toEqual([
      expect.objectContaining({ guidanceCode: 'HTE8', status: 'withdrawn', decisionDate: '2023-05', sourceType: 'primary' }),
    ]);
    // About the product, not only HTE8's depression: it covers the tool's anxiety too.
    expect(noLongerAvailable[0]!.conditions).toBeUndefined();
    const ta97 = claims.find((claim) => claim.guidanceCode === 'TA97')!;
    expect(ta97).toMatchObject({ status: 'withdrawn', decisionDate: '2006-02' });
    expect(ta97.note).toContain('Its date is when the recommendation was made, not when it was superseded');
  });

  it('stops rather than show a tool the seed says is no longer available with a current claim', () => {
    const withCurrentClaim = structuredClone(seed);
    const hte8 = withCurrentClaim.find((tool) => tool.name === 'Beating the Blues')!.endorsements.find((record) => record.code === 'HTE8')!;
    hte8.status = 'conditional: use while evidence generated';
    expect(() => buildDefaultFeed(withCurrentClaim)).toThrow(/Beating the Blues: the seed says it is no longer available, but HTE8 would not read as withdrawn/);
  });

  it('claims no supersession the seed does not confirm (HTE16 to HTG712, HTE19 to HTG736)', () => {
    for (const claim of feedClaims) expect(claim.supersedes, `${claim.guidanceCode}`).toBeUndefined();
    expect(feedClaims.map((claim) => claim.guidanceCode)).not.toContainEqual(expect.stringMatching(/^HTG/));
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
