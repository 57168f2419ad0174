// The trust model under attack and under a careful clinician's eye (docs/trust-model.md): each
// situation stores feeds as sync would (real parser, real policy), looks a page up through the
// real registry source, and checks what the card's headline, the toolbar badge and the patient
// text must and must not say. Hazard log H13 to H16 cite these.
import { describe, expect, it } from 'vitest';
import { badgeFor } from '@/lib/background/badge';
import type { Endorsement, Feed, Tool } from '@/lib/feed/schema';
import { cardDataFor } from '@/lib/registry/card-data';
import { readPolicy } from '@/lib/settings/policy';
import { signpostingFor } from '@/lib/signposting/patient-text';
import type { SignpostDatabase } from '@/lib/storage/db';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { BUNDLED_FEED_KEYS } from '@/lib/feed/bundled-key';
import { testDb } from '../helpers/db';
import { endorsement, feed, tool } from '../helpers/feeds';
import { BUNDLED_TEST_FEED_URL, storeAsBundled, storeAsLocalAuthority, storeParsed, testKey, trustLocalAuthorities, verifiedBy } from '../helpers/trust';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;

const APPLE_ID = '1000000001';
const CLONE_APPLE_ID = '1000000666';
const PLAY_ID = 'org.example.breathe';
const APPLE_PAGE = `https://apps.apple.com/gb/app/breathe/id${APPLE_ID}`;
const CLONE_PAGE = `https://apps.apple.com/gb/app/breathe-pro/id${CLONE_APPLE_ID}`;
const PLAY_PAGE = `https://play.google.com/store/apps/details?id=${PLAY_ID}`;
const CLONE_SITE = 'https://breathe-clone.example/start';

const ICB = { id: 'example-icb', name: 'Example ICB', key: testKey(11) };
const ICB_URL = 'https://icb.example/formulary.json';
const OTHER_URL = 'https://other.example/feed.json';
const TEAM_URL = 'https://intranet.practice.example/team.json';

/** A NICE decision as the bundled curator relays it: primary, from nice.org.uk. */
const nice = (overrides: Partial<Endorsement> = {}): Endorsement =>
  endorsement({
    issuer: 'NICE',
    issuerKind: 'nice',
    status: 'conditional',
    guidanceCode: 'HTE99',
    decisionDate: '2024-06',
    sourceUrl: 'https://www.nice.org.uk/guidance/hte99/chapter/1-Recommendations',
    ...overrides,
  });

const icbClaim = (overrides: Partial<Endorsement> = {}): Endorsement =>
  endorsement({ issuer: ICB.name, issuerKind: 'local-network', status: 'recommended', decisionDate: '2026-09', sourceUrl: 'https://icb.example/formulary/breathe', ...overrides });

const breathe = (endorsements: Endorsement[], overrides: Partial<Tool> = {}): Tool =>
  tool({ id: 'breathe', name: 'Breathe', identifiers: { apple: [APPLE_ID], googlePlay: [PLAY_ID] }, conditions: ['copd'], endorsements, ...overrides });

const bundled = (tools: Tool[], overrides: Partial<Feed> = {}): Feed =>
  feed({ version: 2, publisher: { id: 'signpost-uk-seed', name: 'Signpost UK seed registry', kind: 'other' }, generatedAt: '2026-11-20T00:00:00Z', tools, ...overrides });

const localFeed = (tools: Tool[], overrides: Partial<Feed> = {}): Feed =>
  feed({ version: 2, publisher: { id: 'example-icb', name: 'Example ICB formulary', kind: 'local-network' }, generatedAt: '2026-11-20T00:00:00Z', tools, ...overrides });

interface Expected {
  state?: string;
  /** Each must appear in the headline (the statements joined). */
  headline?: RegExp[];
  headlineNot?: RegExp[];
  badge?: string;
  badgeNot?: string[];
  /** 'text': patient text is written; 'withheld': it is not, and the reason must match `patient`. */
  patient: 'text' | 'withheld';
  patientHas?: RegExp[];
  patientNot?: RegExp[];
  stale?: boolean;
  name?: string;
  alternatives?: string[];
  /** Claims refused outright (shown only as left out, with the reason). */
  refused?: RegExp;
}

interface Situation {
  name: string;
  setup: (db: SignpostDatabase) => Promise<unknown>;
  page?: string;
  now?: number;
  myConditions?: string[];
  expected: Expected;
}

async function answer(situation: Situation) {
  const db = testDb();
  await situation.setup(db);
  const data = await cardDataFor(dexieRegistrySource(db), situation.page ?? APPLE_PAGE, situation.now ?? NOW, situation.myConditions);
  const [match] = data.matches;
  return { data, match, badge: badgeFor(data), patient: match ? signpostingFor(match) : null };
}

const bundledWith = (...claims: Endorsement[]) => (db: SignpostDatabase) => storeAsBundled(db, bundled([breathe(claims)]));

const SITUATIONS: Situation[] = [
  // ---- Authority: only an issuer's own key, or a curator allowed to relay it, speaks for it ----
  {
    name: 'a NICE decision relayed by the bundled feed from nice.org.uk counts, and says who and for what',
    setup: bundledWith(nice()),
    expected: { state: 'conditional', headline: [/^NICE: can be used for COPD while more evidence is generated \(HTE99\)/], badge: 'EVID', patient: 'text', patientHas: [/NICE says it can be used for COPD while more evidence is generated/] },
  },
  {
    name: 'a practice team feed writing issuer "NICE" is refused: no NICE on the card, the badge or in patient text',
    setup: (db) => storeParsed(db, TEAM_URL, feed({ publisher: { id: 'team', name: 'Practice team', kind: 'peer-team' }, tools: [breathe([nice({ status: 'recommended', guidanceCode: 'MTG91' })])] })),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', badgeNot: ['REC'], patient: 'withheld', patientNot: [/NICE recommends/], refused: /team feed .* speaks only for itself/ },
  },
  {
    name: 'an imported team-feed file writing issuer "NICE" is refused',
    setup: (db) => storeParsed(db, 'signpost-import:team-file', localFeed([breathe([nice({ status: 'recommended' })])]), { importedFrom: { fileName: 'team.json', at: NOW } }),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badgeNot: ['REC'], patient: 'withheld', patientNot: [/NICE/], refused: /speaks only for itself/ },
  },
  {
    name: 'a team feed speaking in its own name is only reported, never a verdict',
    setup: (db) => storeParsed(db, TEAM_URL, feed({ publisher: { id: 'team', name: 'Practice team', kind: 'peer-team' }, tools: [breathe([icbClaim({ issuer: 'Practice team' })])] })),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld', patientNot: [/recommends/] },
  },
  {
    name: 'an unsigned local feed writing issuer "NICE" is only "reported": it decides nothing',
    setup: (db) => storeParsed(db, OTHER_URL, localFeed([breathe([nice({ status: 'recommended', guidanceCode: 'MTG91' })])])),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/, /Recommended/], badge: 'NONE', patient: 'withheld', patientNot: [/NICE recommends/] },
  },
  {
    name: 'an unsigned local feed whose issuer is just "NHS" never makes patient text say "NHS recommends"',
    setup: (db) => storeParsed(db, OTHER_URL, localFeed([breathe([icbClaim({ issuer: 'NHS' })])])),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld', patientNot: [/NHS recommends/] },
  },
  ...(
    [
      ['"N1CE" (a digit for the letter)', 'N1CE'],
      ['"NlCE" (a lower-case L for the I)', 'NlCE'],
      ['"N.I.C.E."', 'N.I.C.E.'],
      ['all-Greek capitals "ΝΙϹΕ"', '\u039d\u0399\u03f9\u0395'],
      ['"NHS Eng1and"', 'NHS Eng1and'],
    ] as const
  ).map(
    ([what, issuer]): Situation => ({
      name: `an issuer name that imitates an authority, ${what}, is refused`,
      setup: bundledWith(nice({ issuer, status: 'recommended' })),
      expected: { state: 'no-endorsement', headlineNot: [/NICE/, /NHS England/], badge: 'NONE', patient: 'withheld', patientNot: [/recommends/], refused: /reads like (NICE|NHS England) but is not its name/ },
    }),
  ),
  ...(
    [
      ['a zero-width space', 'NI\u200bCE'],
      ['a soft hyphen', 'NI\u00adCE'],
      ['a left-to-right mark', '\u200eNICE'],
      ['a word joiner', 'NI\u2060CE'],
      ['Latin mixed with a Cyrillic letter', 'NI\u0421E'],
      ['Latin mixed with Greek capitals', '\u039d\u0399CE'],
    ] as const
  ).map(
    ([what, issuer]): Situation => ({
      name: `an issuer name with ${what} is refused at the feed boundary`,
      setup: bundledWith(nice({ issuer, status: 'recommended' })),
      expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', patient: 'withheld' },
    }),
  ),
  {
    name: 'a feed signed with a key the user pinned is verified, but its "NICE" claim is only reported',
    setup: (db) => storeParsed(db, OTHER_URL, localFeed([breathe([nice({ status: 'recommended' })])]), { signature: verifiedBy(testKey(42)) }),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', patient: 'withheld' },
  },
  {
    name: 'the bundled key on a feed at any other address relays nothing (it is for the shipped feed only)',
    setup: (db) => storeParsed(db, OTHER_URL, bundled([breathe([nice({ status: 'recommended' })])]), { signature: verifiedBy(BUNDLED_FEED_KEYS[0]!) }),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', patient: 'withheld' },
  },
  {
    name: 'a relayed NICE claim from a secondary source is only reported',
    setup: bundledWith(nice({ sourceType: 'secondary' })),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld' },
  },
  {
    name: "a relayed NICE claim citing a mirror, not NICE's own site, is only reported",
    setup: bundledWith(nice({ sourceUrl: 'https://doctorlisa-nice.highburys.example/guidance/hte99' })),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld' },
  },
  {
    name: 'a relayed NICE claim citing nice.org.uk over plain http is only reported',
    setup: bundledWith(nice({ sourceUrl: 'http://www.nice.org.uk/guidance/hte99' })),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld' },
  },
  {
    name: "an ICB named by NHS IT's policy speaks for itself with its own key",
    setup: (db) => storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([icbClaim()])]), ICB),
    expected: { state: 'recommended', headline: [/^Example ICB: recommended for COPD/], badge: 'REC', patient: 'text', patientHas: [/Example ICB recommends it for COPD/] },
  },
  {
    name: 'the same name in other spacing and case is the same authority',
    setup: (db) => storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([icbClaim({ issuer: 'example   ICB' })])]), ICB),
    expected: { state: 'recommended', badge: 'REC', patient: 'text', patientHas: [/Example ICB recommends it/] },
  },
  {
    name: "an ICB's key cannot speak for NICE: its NICE claim is only reported",
    setup: (db) => storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([nice({ status: 'recommended', guidanceCode: 'MTG91' })])]), ICB),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', patient: 'withheld', patientNot: [/NICE/] },
  },
  {
    name: 'a self-declared issuerKind "nice" does not make a claim NICE\'s',
    setup: (db) => storeParsed(db, OTHER_URL, localFeed([breathe([nice({ issuer: 'Totally Independent Reviewers', status: 'recommended' })])], { publisher: { id: 'x', name: 'X', kind: 'nice' } })),
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', patient: 'withheld' },
  },
  {
    name: 'a vendor-stated "recommended" in the bundled feed never decides',
    setup: bundledWith(nice({ status: 'recommended', sourceType: 'vendor-stated' })),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld' },
  },

  // ---- Identity: a feed's claims apply to the identifiers that feed itself lists ----
  {
    name: "a feed listing a NICE-assessed app's store id beside a clone's cannot put NICE's claim on the clone",
    page: CLONE_PAGE,
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice()])]));
      await storeParsed(db, OTHER_URL, localFeed([tool({ id: 'clone', name: 'Breathe', identifiers: { apple: [APPLE_ID, CLONE_APPLE_ID], web: [{ origin: 'https://breathe-clone.example' }] } })]));
    },
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], badge: 'NONE', patient: 'withheld' },
  },
  {
    name: "…nor on the clone's own website",
    page: CLONE_SITE,
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice()])]));
      await storeParsed(db, OTHER_URL, localFeed([tool({ id: 'clone', name: 'Breathe', identifiers: { apple: [APPLE_ID], web: [{ origin: 'https://breathe-clone.example' }] } })]));
    },
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], patient: 'withheld' },
  },
  {
    name: "…nor on a clone's Google Play page it adds to the genuine app",
    page: 'https://play.google.com/store/apps/details?id=org.clone.breathe',
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice()])]));
      await storeParsed(db, OTHER_URL, localFeed([tool({ id: 'clone', name: 'Breathe', identifiers: { apple: [APPLE_ID], googlePlay: ['org.clone.breathe'] } })]));
    },
    expected: { state: 'no-endorsement', headlineNot: [/NICE/], patient: 'withheld' },
  },
  {
    name: 'on the genuine page, a lower-trust feed claiming the top publisher kind cannot rename the tool or add its links',
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice()])]));
      await storeParsed(
        db,
        OTHER_URL,
        localFeed([tool({ id: 'clone', name: 'Breathe PRO by Evil', identifiers: { apple: [APPLE_ID], web: [{ origin: 'https://breathe-clone.example' }] } })], {
          publisher: { id: 'evil', name: 'Evil', kind: 'nice' },
        }),
      );
    },
    expected: { state: 'conditional', name: 'Breathe', patient: 'text', patientNot: [/breathe-clone/, /Evil/], patientHas: [/^Breathe is an app/] },
  },
  {
    name: 'links for patients are https only, even from the authorised record',
    setup: (db) => storeAsBundled(db, bundled([breathe([nice()], { identifiers: { apple: [APPLE_ID], web: [{ origin: 'http://breathe.example' }] } })])),
    expected: { state: 'conditional', patient: 'text', patientNot: [/http:\/\//] },
  },
  {
    name: "an authorised ICB claim on a record listing only the Apple id does not speak on the Play page",
    page: PLAY_PAGE,
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice({ status: 'listed' })])]));
      await storeAsLocalAuthority(db, ICB_URL, localFeed([tool({ id: 'b', name: 'Breathe', identifiers: { apple: [APPLE_ID] }, conditions: ['copd'], endorsements: [icbClaim()] })]), ICB);
    },
    expected: { state: 'listed', headlineNot: [/Example ICB/], badgeNot: ['REC'], patient: 'withheld' },
  },

  // ---- Precedence and supersession: the strongest word does not win whoever said it ----
  {
    name: "a local recommendation never hides NICE's national research-only: both stand, sources disagree",
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice({ status: 'research-only' })])]));
      await storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([icbClaim()])]), ICB);
    },
    expected: { state: 'disagreement', headline: [/Example ICB: recommended/, /NICE: only in research for COPD/], badge: '!', patient: 'withheld', patientNot: [/recommends/] },
  },
  {
    name: "NICE research-only for another condition stands beside a local recommendation, in the headline",
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice({ status: 'research-only', conditions: ['pulmonary-rehabilitation'] })], { conditions: ['copd', 'pulmonary-rehabilitation'] })]));
      await storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([icbClaim({ conditions: ['copd'] })], { conditions: ['copd', 'pulmonary-rehabilitation'] })]), ICB);
    },
    expected: { state: 'recommended', headline: [/Example ICB: recommended for COPD/, /NICE: only in research for pulmonary rehabilitation/], badge: 'REC', patient: 'text', patientHas: [/Example ICB recommends it for COPD/] },
  },
  {
    name: "an issuer's newer withdrawal of its own older recommendation (same guidance) reads as withdrawn, not as a disagreement",
    setup: bundledWith(nice({ status: 'recommended', guidanceCode: 'MTG1', decisionDate: '2020-01' }), nice({ status: 'withdrawn', guidanceCode: 'MTG1', decisionDate: '2025-03' })),
    expected: { state: 'withdrawn', headline: [/NICE: withdrawn or no longer available/], badge: 'WDN', patient: 'withheld', patientNot: [/apps\.apple\.com/] },
  },
  {
    name: 'a newer withdrawal naming no guidance replaces all that issuer\'s older decisions',
    setup: bundledWith(nice({ status: 'recommended', guidanceCode: 'MTG1', decisionDate: '2020-01' }), nice({ status: 'withdrawn', guidanceCode: undefined, decisionDate: '2025-03' })),
    expected: { state: 'withdrawn', badge: 'WDN', patient: 'withheld' },
  },
  {
    name: 'decisions on the same guidance dated alike: the withdrawal wins',
    setup: bundledWith(nice({ status: 'recommended', decisionDate: '2025-03' }), nice({ status: 'withdrawn', decisionDate: '2025-03' })),
    expected: { state: 'withdrawn', badge: 'WDN', patient: 'withheld' },
  },
  {
    name: 'an alternative endorsed for iOS only is not offered on a Google Play page',
    page: PLAY_PAGE,
    setup: (db) =>
      storeAsBundled(
        db,
        bundled([
          breathe([nice({ status: 'research-only' })]),
          tool({ id: 'ios', name: 'iPhone Lungs', identifiers: { apple: ['1000000006'] }, conditions: ['copd'], endorsements: [nice({ guidanceCode: 'HTE6', platforms: ['ios'] })] }),
          tool({ id: 'any', name: 'Lung Coach', identifiers: { apple: ['1000000003'] }, conditions: ['copd'], endorsements: [nice({ guidanceCode: 'HTE7' })] }),
        ]),
      ),
    expected: { state: 'research-only', badge: 'RES', patient: 'withheld', alternatives: ['Lung Coach'] },
  },
  {
    name: 'undated decisions on the same guidance: the withdrawal wins',
    setup: bundledWith(nice({ status: 'recommended', decisionDate: 'unknown' }), nice({ status: 'withdrawn', decisionDate: 'unknown' })),
    expected: { state: 'withdrawn', badge: 'WDN', patient: 'withheld' },
  },
  {
    name: 'a decision that names the one it supersedes replaces it',
    setup: bundledWith(nice({ status: 'recommended', guidanceCode: 'MTG1', decisionDate: '2020-01' }), nice({ status: 'conditional', guidanceCode: 'HTE5', decisionDate: '2025-01', supersedes: ['MTG1'] })),
    expected: { state: 'conditional', headline: [/HTE5/], headlineNot: [/MTG1/, /recommended/], badge: 'EVID', patient: 'text', patientNot: [/MTG1/] },
  },
  {
    name: 'a withdrawn tool with a positive claim elsewhere is a disagreement and gets no patient text with store links',
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice({ status: 'withdrawn', guidanceCode: 'HTE8' })])]));
      await storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([icbClaim()])]), ICB);
    },
    expected: { state: 'disagreement', headline: [/NICE: withdrawn/], badge: '!', patient: 'withheld', patientNot: [/apps\.apple\.com/] },
  },
  {
    name: 'a withdrawn tool with only a reported positive claim stays withdrawn',
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice({ status: 'withdrawn' })])]));
      await storeParsed(db, OTHER_URL, localFeed([breathe([icbClaim({ issuer: 'Some Charity' })])]));
    },
    expected: { state: 'withdrawn', badge: 'WDN', patient: 'withheld' },
  },
  {
    name: 'NICE "not recommended" against an authorised local recommendation: sources disagree',
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice({ status: 'not-recommended' })])]));
      await storeAsLocalAuthority(db, ICB_URL, localFeed([breathe([icbClaim()])]), ICB);
    },
    expected: { state: 'disagreement', headline: [/NICE: not recommended/, /Example ICB: recommended/], badge: '!', patient: 'withheld' },
  },
  {
    name: 'NICE\'s own research-only on the same scope as its later conditional stands in the headline, and withholds patient text',
    setup: bundledWith(nice({ status: 'research-only', guidanceCode: 'MTG68', decisionDate: '2022-03' }), nice({ status: 'conditional', guidanceCode: 'HTE19', decisionDate: '2024-09' })),
    expected: { state: 'conditional', headline: [/NICE: can be used .* \(HTE19\)/, /NICE: only in research .* \(MTG68\)/], badge: 'EVID', patient: 'withheld', patientHas: [/MTG68/] },
  },
  {
    name: '"listed" is never "recommended"',
    setup: bundledWith(nice({ issuer: 'NHS England', issuerKind: 'nhs-programme', status: 'listed', guidanceCode: undefined, sourceUrl: 'https://www.england.nhs.uk/digital/breathe' })),
    expected: { state: 'listed', headline: [/^NHS England: listed or available for COPD, not a recommendation/], badge: 'LIST', patient: 'withheld', patientNot: [/recommends/] },
  },

  // ---- Scope: platform, population, setting, condition ----
  {
    name: 'a claim about the iOS app does not speak for the Android app',
    page: PLAY_PAGE,
    setup: bundledWith(nice({ platforms: ['ios'] })),
    expected: { state: 'no-endorsement', badge: 'NONE', patient: 'withheld' },
  },
  {
    name: '…and on the App Store page it says it is for iOS only',
    setup: bundledWith(nice({ platforms: ['ios'] })),
    expected: { state: 'conditional', headline: [/\(HTE99; iOS only\)/], badge: 'EVID', patient: 'text', patientHas: [/iOS only/] },
  },
  {
    name: 'a children-only claim names the ages in the headline and in the patient text',
    setup: bundledWith(nice({ population: { minAge: 5, maxAge: 18 } })),
    expected: { state: 'conditional', headline: [/ages 5 to 18/], patient: 'text', patientHas: [/ages 5 to 18/] },
  },
  {
    name: 'a setting or precondition is part of the headline and of the patient text',
    setup: bundledWith(nice({ setting: 'only within NHS Talking Therapies, once DTAC is in place' })),
    expected: { state: 'conditional', headline: [/only within NHS Talking Therapies, once DTAC is in place/], patient: 'text', patientHas: [/only within NHS Talking Therapies/] },
  },
  {
    name: "a claim for one condition says which in the headline",
    setup: (db) => storeAsBundled(db, bundled([breathe([nice({ conditions: ['asthma'] })], { conditions: ['copd', 'asthma'] })])),
    expected: { state: 'conditional', headline: [/for asthma/], headlineNot: [/COPD/], patient: 'text', patientHas: [/for asthma/] },
  },
  {
    name: "the clinician's own conditions choose which condition leads",
    myConditions: ['asthma'],
    setup: (db) => storeAsBundled(db, bundled([breathe([nice({ conditions: ['copd'], guidanceCode: 'HTE1' }), nice({ conditions: ['asthma'], guidanceCode: 'HTE2' })], { conditions: ['copd', 'asthma'] })])),
    expected: { state: 'conditional', headline: [/^NICE: can be used for asthma/], patient: 'text' },
  },
  {
    name: 'a claim with something left to verify decides nothing',
    setup: bundledWith(nice({ verify: 'reported removed from the NHS offer; check before listing it' })),
    expected: { state: 'no-endorsement', badgeNot: ['EVID'], patient: 'withheld' },
  },

  // ---- Alternatives respect condition, population and setting ----
  {
    name: 'a children-only tool is not offered on an adult app',
    setup: (db) =>
      storeAsBundled(
        db,
        bundled([
          breathe([nice({ status: 'research-only' })]),
          tool({ id: 'kids', name: 'Kids Lungs', identifiers: { apple: ['1000000002'] }, conditions: ['copd'], endorsements: [nice({ population: { minAge: 5, maxAge: 18 } })] }),
          tool({ id: 'adults', name: 'Lung Coach', identifiers: { apple: ['1000000003'] }, conditions: ['copd'], endorsements: [nice({ guidanceCode: 'HTE7' })] }),
        ]),
      ),
    expected: { state: 'research-only', badge: 'RES', patient: 'withheld', alternatives: ['Lung Coach'] },
  },
  {
    name: 'a specialist weight-management service is not offered for a general physical-activity app',
    page: 'https://apps.apple.com/gb/app/id1000000010',
    setup: (db) =>
      storeAsBundled(
        db,
        bundled([
          tool({ id: 'walk', name: 'Walk More', identifiers: { apple: ['1000000010'] }, conditions: ['physical-activity', 'obesity'], endorsements: [nice({ issuer: 'NHS England', issuerKind: 'nhs-programme', status: 'listed', guidanceCode: undefined, sourceUrl: 'https://www.england.nhs.uk/walk' })] }),
          tool({ id: 'wm', name: 'Specialist WM', identifiers: { apple: ['1000000011'] }, conditions: ['obesity'], endorsements: [nice({ guidanceCode: 'HTE14', setting: 'specialist weight-management services' })] }),
        ]),
      ),
    expected: { state: 'listed', patient: 'withheld', alternatives: [] },
  },
  {
    name: 'stale or reported endorsements are never offered as alternatives',
    setup: async (db) => {
      await storeAsBundled(
        db,
        bundled([
          breathe([nice({ status: 'research-only' })]),
          tool({ id: 'old', name: 'Old Coach', identifiers: { apple: ['1000000004'] }, conditions: ['copd'], endorsements: [nice({ guidanceCode: 'HTE3', reviewDate: '2025-01' })] }),
        ]),
      );
      await storeParsed(db, OTHER_URL, localFeed([tool({ id: 'rep', name: 'Reported Coach', identifiers: { apple: ['1000000005'] }, conditions: ['copd'], endorsements: [nice({ status: 'recommended' })] })]));
    },
    expected: { state: 'research-only', patient: 'withheld', alternatives: [] },
  },

  // ---- Staleness shows at a glance: headline, badge and patient text ----
  {
    name: 'a passed review date shows in the compact card and turns the badge to OLD; no patient text',
    setup: bundledWith(nice({ reviewDate: '2026-05' })),
    expected: { state: 'conditional', stale: true, badge: 'OLD', badgeNot: ['EVID'], patient: 'withheld', patientHas: [/review date May 2026 has passed/] },
  },
  {
    name: 'a review date still ahead is not stale',
    setup: bundledWith(nice({ reviewDate: '2027-06' })),
    expected: { state: 'conditional', stale: false, badge: 'EVID', patient: 'text' },
  },
  {
    name: 'a claim past its own expiry decides nothing and says it lapsed',
    setup: bundledWith(nice({ expiresAt: '2026-10-31' })),
    expected: { state: 'no-endorsement', stale: true, badgeNot: ['EVID'], patient: 'withheld' },
  },
  {
    name: 'a feed past its expiry is stale at a glance',
    setup: (db) => storeAsBundled(db, bundled([breathe([nice()])], { expiresAt: '2026-11-24T00:00:00Z' })),
    expected: { state: 'conditional', stale: true, badge: 'OLD', patient: 'withheld' },
  },
  {
    name: "a feed not refreshed within its publisher's stated period is stale",
    setup: (db) => storeAsBundled(db, bundled([breathe([nice()])], { staleAfterDays: 30, generatedAt: '2026-10-01T00:00:00Z' })),
    expected: { state: 'conditional', stale: true, badge: 'OLD', patient: 'withheld', patientHas: [/not refreshed since/] },
  },
  {
    name: 'a feed unsynced for months (past the 90-day default) is stale',
    setup: (db) => storeAsBundled(db, bundled([breathe([nice()])], { generatedAt: '2026-07-01T00:00:00Z' })),
    expected: { state: 'conditional', stale: true, badge: 'OLD', patient: 'withheld' },
  },
  {
    name: 'a publisher period of a year keeps 200-day-old data current',
    setup: (db) => storeAsBundled(db, bundled([breathe([nice()])], { staleAfterDays: 365, generatedAt: new Date(NOW - 200 * DAY).toISOString() })),
    expected: { state: 'conditional', stale: false, badge: 'EVID', patient: 'text' },
  },
  {
    name: 'a refused update shows: the data in use is the last good copy',
    setup: async (db) => {
      await storeAsBundled(db, bundled([breathe([nice()])]));
      await db.feeds.update(BUNDLED_TEST_FEED_URL, { lastError: { code: 'bad-signature', message: 'refused', at: NOW } });
    },
    expected: { state: 'conditional', stale: true, badge: 'OLD', patient: 'withheld', patientHas: [/refused/] },
  },
  {
    name: 'a decision dated in the future is not in force, and says so',
    setup: bundledWith(nice({ status: 'recommended', decisionDate: '2027-02' })),
    expected: { state: 'no-endorsement', stale: true, badgeNot: ['REC'], patient: 'withheld' },
  },
  {
    name: 'staleness never softens a warning: a stale withdrawal still reads WDN',
    setup: bundledWith(nice({ status: 'withdrawn', reviewDate: '2025-01' })),
    expected: { state: 'withdrawn', badge: 'WDN', patient: 'withheld' },
  },
];

describe('trust model: adversarial situations (headline, badge, patient text)', () => {
  it('covers at least 50 situations', () => {
    expect(SITUATIONS.length).toBeGreaterThanOrEqual(50);
  });

  it.each(SITUATIONS.map((situation) => [situation.name, situation] as const))('%s', async (_name, situation) => {
    const { data, match, badge, patient } = await answer(situation);
    const { expected } = situation;
    expect(match, 'the page should be found in the registry').toBeDefined();
    const verdict = match!.verdict;
    const headline = verdict.headline.map((statement) => statement.text).join(' | ');
    if (expected.state) expect(verdict.state).toBe(expected.state);
    for (const pattern of expected.headline ?? []) expect(headline).toMatch(pattern);
    for (const pattern of expected.headlineNot ?? []) expect(headline).not.toMatch(pattern);
    if (expected.badge !== undefined) expect(badge?.text).toBe(expected.badge);
    for (const text of expected.badgeNot ?? []) expect(badge?.text).not.toBe(text);
    // The badge's title carries the headline in words, as the card does.
    for (const statement of verdict.headline) expect(badge?.title).toContain(statement.text);
    if (expected.stale !== undefined) expect(verdict.stale.length > 0).toBe(expected.stale);
    if (expected.name) expect(match!.product.name).toBe(expected.name);
    expect(patient?.kind).toBe(expected.patient);
    const patientWords = patient?.kind === 'text' ? patient.text : (patient?.reason ?? '');
    for (const pattern of expected.patientHas ?? []) expect(patientWords).toMatch(pattern);
    for (const pattern of expected.patientNot ?? []) expect(patientWords).not.toMatch(pattern);
    if (expected.refused) expect(match!.product.refusedClaims.map((claim) => claim.reason).join(' | ')).toMatch(expected.refused);
    else expect(match!.product.refusedClaims).toEqual([]);
    if (expected.alternatives) expect(data.alternatives.map((alternative) => alternative.name)).toEqual(expected.alternatives);
  });
});

describe('trust model: policy cannot create a national authority', () => {
  it.each([
    ['NICE', 'NICE'],
    ['a look-alike of NICE', 'N1CE'],
    ['NHS England', 'nhs england'],
    ['a name with an invisible character', 'Example\u200b ICB'],
  ])('refuses a local authority named as %s', (_what, name) => {
    const read = readPolicy({ authorities: [{ id: 'bad', name, keys: [testKey(3)] }] });
    expect(read.ok).toBe(false);
  });

  it('a refused policy leaves claims in that name reported', async () => {
    const db = testDb();
    await expect(trustLocalAuthorities(db, [{ id: 'nice', name: 'NICE', key: testKey(4) }])).rejects.toThrow(/policy refused/);
    await storeParsed(db, ICB_URL, localFeed([breathe([nice({ status: 'recommended' })])]), { signature: verifiedBy(testKey(4)) });
    const data = await cardDataFor(dexieRegistrySource(db), APPLE_PAGE, NOW);
    expect(data.matches[0]!.verdict.state).toBe('no-endorsement');
  });
});
