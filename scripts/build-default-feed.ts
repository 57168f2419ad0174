// Builds public/feeds/default.json, the trust feed bundled with the extension, from the sourced
// seed in data/registry-seed (its README says what was verified and what was not).
//
// Never over-claim: every claim comes from a seed record and nothing is invented. Turning the
// seed's free text into the feed's closed vocabularies is a reviewed curation table. An unknown
// condition, status, source type, NHS issuer or whole-site domain stops the build; nothing is
// guessed. Loose text patterns lead only to weak statuses. The format v2 fields (review dates,
// population and setting, verify) come from NICE_GUIDANCE and CURATION, each entry beside the
// seed text it was taken from; what the seed README calls unverified is never shown as current.
//
// Run with `npm run feed:default`. Raise FEED_SEQUENCE whenever the seed or any mapping here
// changes. Sync treats a feed with the sequence it already holds as unchanged and refuses a lower
// one, so new data under an old number never reaches an existing install.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from '../lib/zod';
import type { ConditionId } from '../lib/feed/conditions';
import { BUNDLED_FEED_KEYS } from '../lib/feed/bundled-key';
import { parseFeed } from '../lib/feed/parse';
import { publicKeyOfJwk } from '../lib/feed/keys';
import { BUNDLED_FEED_ID, signFeedText } from '../lib/feed/signature';
import { partialDate, type Endorsement, type Fact, type Feed, type Identifiers, type Population, type Tool, type WebIdentifier } from '../lib/feed/schema';
import {
  ENDORSEMENT_STATUSES,
  FEED_FORMAT,
  FEED_FORMAT_VERSION,
  type EndorsementStatus,
  type IssuerKind,
  type SourceType,
} from '../lib/feed/vocabulary';
import { webIdentifierHost } from '../lib/lookup/keys';

const FEED_SEQUENCE = 2026120201;
/** Fixed, not the clock: the same seed must always give the same bytes. */
const GENERATED_AT = '2026-12-02T00:00:00Z';
// No expiresAt. This feed is replaced only by shipping a new extension, so an expiry date would
// flag the whole bundled registry as expired on every install that has not updated. Its age is
// still shown, from generatedAt and from each claim's own decisionDate and reviewDate.
/**
 * The same reason sets the staleness period: nothing refreshes this feed but a new extension
 * release, so an install that has gone about six months without one must show its data as not
 * refreshed rather than as current. 180 days, not the 90-day default: releases are not monthly.
 */
const STALE_AFTER_DAYS = 180;
const FEED_PUBLISHER = {
  id: 'signpost-uk-seed',
  name: 'Signpost UK seed registry (compiled November 2026)',
  kind: 'other',
} as const;

const SEED_PATH = fileURLToPath(new URL('../data/registry-seed/tools.json', import.meta.url));
const OUTPUT_PATH = fileURLToPath(new URL('../public/feeds/default.json', import.meta.url));

// ---------------------------------------------------------------------------------------------
// Seed input. The objects are strict, so a field added to the seed later stops the build: it may
// carry verification detail that the mapping must deal with.

const seedStoreListing = z.strictObject({ id: z.string(), url: z.string(), verification: z.string() });

const seedRecord = z.strictObject({
  issuer: z.string(),
  kind: z.enum(['nice-guidance', 'nice-eva', 'nhs-programme', 'charity', 'regulatory', 'other']),
  code: z.string().optional(),
  status: z.string(),
  date: z.string().optional(),
  dateNote: z.string().optional(),
  url: z.string(),
  quote: z.string().optional(),
  sourceType: z.string(),
  note: z.string().optional(),
});

const seedTool = z.strictObject({
  name: z.string(),
  publisher: z.string().nullable(),
  domains: z.array(z.string()),
  appStore: z.strictObject({ apple: seedStoreListing.optional(), google: seedStoreListing.optional() }),
  conditions: z.array(z.string()),
  endorsements: z.array(seedRecord),
  sources: z.array(z.string()),
  notes: z.string(),
});

const seedSchema = z.array(seedTool);
export type SeedTool = z.infer<typeof seedTool>;
export type SeedRecord = z.infer<typeof seedRecord>;

export function loadSeed(path: string = SEED_PATH): SeedTool[] {
  return seedSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

// ---------------------------------------------------------------------------------------------
// Conditions: every free-text seed condition, mapped by exact text.

const CONDITION_MAP = new Map<string, readonly ConditionId[]>([
  ['general (all long-term conditions: GP record access, repeat prescriptions, appointments)', ['long-term-conditions-general']],
  ['general (personal health record; long-term conditions)', ['long-term-conditions-general']],
  [
    'general (clinician-patient messaging; questionnaires used in LTC reviews, e.g. home BP monitoring questionnaires)',
    ['long-term-conditions-general'],
  ],
  ['physical activity', ['physical-activity']],
  // Active 10's general heart-health benefit is not an indication for cardiovascular disease. Filing
  // the walking tracker under that condition would present it as a treatment for heart disease.
  ['cardiovascular risk reduction (general)', ['physical-activity']],
  ['weight management', ['obesity']],
  ['type 1 or type 2 diabetes', ['type-1-diabetes', 'type-2-diabetes']],
  ['type 2 diabetes', ['type-2-diabetes']],
  ['type 2 diabetes (remission / low calorie diet)', ['type-2-diabetes']],
  ['diabetes', ['diabetes']],
  ['hypertension', ['hypertension']],
  ['insomnia', ['insomnia']],
  ['depression', ['depression']],
  ['anxiety', ['anxiety']],
  ['anxiety (generalised anxiety disorder)', ['generalised-anxiety-disorder']],
  // Symptoms, or a disorder left unspecified: not a diagnosis of GAD.
  ['anxiety (generalised anxiety symptoms or unspecified anxiety disorder)', ['anxiety']],
  ['anxiety (children and young people)', ['anxiety']],
  ['anxiety (children aged 7 to 12)', ['anxiety']],
  ['low mood (children and young people)', ['low-mood']],
  ['post-traumatic stress disorder', ['ptsd']],
  ['social anxiety disorder', ['social-anxiety-disorder']],
  ['body dysmorphic disorder', ['body-dysmorphic-disorder']],
  ['NHS Talking Therapies referral/triage', ['talking-therapies-referral']],
  ['COPD', ['copd']],
  ['COPD (high-risk)', ['copd']],
  ['COPD (pulmonary rehabilitation: research only)', ['copd', 'pulmonary-rehabilitation']],
  ['acute respiratory infection virtual wards', ['acute-respiratory-infection']],
  ['heart failure', ['heart-failure']],
  ['heart failure (remote monitoring)', ['heart-failure']],
  ['cardiac rehabilitation', ['cardiac-rehabilitation']],
  // What is research-only is set on the HTE35 claim itself (NICE_GUIDANCE), not on the condition.
  ['cardiac rehabilitation (Luscii vitals: research only)', ['cardiac-rehabilitation']],
  ['cardiovascular disease', ['cardiovascular-disease']],
  ['coronary heart disease', ['coronary-heart-disease']],
  ['stroke (life after stroke, self-management)', ['stroke']],
  ['chronic kidney disease (albuminuria screening)', ['chronic-kidney-disease']],
  ['non-specific low back pain', ['low-back-pain']],
  ['chronic non-specific low back pain (psychological management)', ['low-back-pain', 'chronic-pain']],
  ['common musculoskeletal injuries and conditions', ['musculoskeletal-conditions']],
  ['pelvic health', ['pelvic-health']],
  ['knee osteoarthritis', ['osteoarthritis']],
  ['hip osteoarthritis', ['osteoarthritis']],
  ['chronic joint pain', ['chronic-pain']],
]);

function conditionsFor(seedConditions: readonly string[]): ConditionId[] {
  return uniq(
    seedConditions.flatMap((text) => {
      const ids = CONDITION_MAP.get(text);
      if (!ids) throw new Error(`unmapped seed condition "${text}": add it to CONDITION_MAP`);
      return ids;
    }),
  );
}

/** Who and where a positive claim is for (docs/trust-model.md §3). Absent: not limited by this. */
interface ClaimLimits {
  population?: Population;
  setting?: string;
}

/** How long a NICE early-use (HTE) technology is used while evidence is generated, before NICE reviews it. */
interface EvidencePeriod {
  years: number;
  /** The guidance's own words for its period, as the seed gives them; absent when the seed did not capture one. */
  stated?: string;
}

/**
 * For guidance whose own period the seed did not capture. nice_eva.json, PMG39 / PMG48
 * recommendationSummary: "can be used with evidence generation (typically ~3 years, paid from core NHS funding)".
 */
const TYPICAL_EVIDENCE_PERIOD: EvidencePeriod = { years: 3 };

interface NiceGuidance {
  /**
   * What the guidance is about. A NICE claim is narrowed to these of the tool's conditions, so
   * HTE18 (pulmonary rehabilitation) and HTE19 (COPD self-management) stay apart on one card.
   */
  about: readonly ConditionId[];
  /** Early-use guidance only: its claims get a review date at the end of this period. */
  evidencePeriod?: EvidencePeriod;
  /**
   * For guidance the seed gives no decision date for: the earliest date it does give (a draft or
   * consultation, from the dateNote). The final guidance came later, so a review date counted from
   * it is early, never late.
   */
  draftDate?: string;
  /** Who and where NICE's positive recommendation is for; research-only and negative statements are never narrowed. */
  limits?: ClaimLimits;
  /** What the seed says must be checked about the source before any claim from it is relied on. */
  verify?: string;
}

// Quotes are from data/registry-seed/nice_eva.json (the guidance's recommendationSummary, quote,
// dateNote or verification) unless they name tools.json. "Adults" is read as 18 and over.
const NICE_GUIDANCE = new Map<string, NiceGuidance>([
  [
    'MTG70',
    {
      about: ['insomnia'],
      limits: {
        // quote: "in primary care for people who would otherwise be offered sleep hygiene or sleeping pills";
        // recommendationSummary: "medical assessment first for people at higher risk of other sleep disorders".
        population: { description: 'people who would otherwise be offered sleep hygiene or sleeping pills' },
        setting: 'In primary care; medical assessment first for people at higher risk of other sleep disorders',
      },
    },
  ],
  ['MTG68', { about: ['copd', 'pulmonary-rehabilitation'] }],
  // TA97 recommended Beating the Blues for depression; FearFighter, not this tool, covered panic and phobia.
  ['TA97', { about: ['depression'] }],
  ['IPG530', { about: ['depression'] }],
  [
    'HTE3',
    {
      about: ['anxiety', 'low-mood'],
      evidencePeriod: TYPICAL_EVIDENCE_PERIOD,
      // dateNote: "First final EVA guidance, early 2023 (NICE news); draft consultation 4 Nov 2022".
      draftDate: '2022-11-04',
      limits: {
        // quote: "children and young people (aged 5 to 18) with mild to moderate symptoms of anxiety or low mood".
        population: { minAge: 5, maxAge: 18, description: 'children and young people with mild to moderate symptoms of anxiety or low mood' },
        // recommendationSummary: "as an initial treatment option ... once DTAC-approved; initial assessment by a healthcare professional needed".
        setting: 'As an initial treatment option, after an initial assessment by a healthcare professional, once DTAC-approved',
      },
    },
  ],
  [
    'HTE8',
    {
      about: ['depression'],
      // Dated by the seed (2023-05); its own period was not captured.
      evidencePeriod: TYPICAL_EVIDENCE_PERIOD,
      limits: {
        // quote: "for adults with depression".
        population: { minAge: 18 },
        // recommendationSummary: "used with support from a trained practitioner/therapist in NHS Talking Therapies, once
        // they have DTAC approval and an NHS Talking Therapies digitally enabled therapies assessment from NHS England".
        setting:
          'Only with support from a trained practitioner or therapist in NHS Talking Therapies, once DTAC approval and an NHS Talking Therapies digitally enabled therapies assessment from NHS England are in place',
      },
    },
  ],
  [
    'HTE9',
    {
      about: ['anxiety', 'generalised-anxiety-disorder', 'social-anxiety-disorder', 'body-dysmorphic-disorder', 'ptsd'],
      // Dated by the seed (2023-05); its own period was not captured.
      evidencePeriod: TYPICAL_EVIDENCE_PERIOD,
      limits: {
        // quote: "for adults with anxiety disorders".
        population: { minAge: 18 },
        // recommendationSummary: "can be used in NHS Talking Therapies ... once they have DTAC approval and an NHS
        // Talking Therapies DET assessment" (it does not mention practitioner support, unlike HTE8).
        setting: 'Only in NHS Talking Therapies, once DTAC approval and an NHS Talking Therapies digitally enabled therapies assessment are in place',
      },
    },
  ],
  [
    'HTE13',
    {
      about: ['acute-respiratory-infection'],
      evidencePeriod: TYPICAL_EVIDENCE_PERIOD,
      // dateNote: "Draft reported 18 Aug 2023 (The Times); final date not verified".
      draftDate: '2023-08-18',
      limits: {
        // recommendationSummary: "to monitor people 16+ with acute respiratory infection in their usual place of
        // residence (referred for admission, or stable/improving after admission)".
        population: { minAge: 16, description: 'people with acute respiratory infection referred for admission, or stable or improving after admission' },
        setting: "Virtual wards: monitoring in the person's usual place of residence",
      },
    },
  ],
  [
    'HTE14',
    {
      about: ['obesity'],
      // recommendationSummary: "(evidence period 4 years in original version)".
      evidencePeriod: { years: 4, stated: '4 years in the original version' },
      // dateNote: "Original final 2023 (draft Aug 2023 per HTN); current web text is an update ... - update date not verified".
      draftDate: '2023-08',
      limits: {
        // quote: "for managing overweight and obesity in adults".
        population: { minAge: 18 },
        // quote: "They can be used to prescribe and monitor weight-management medicine and deliver multidisciplinary
        // weight-management services"; recommendationSummary: "once they have appropriate regulatory approval including
        // DTAC". ("Specialist" services appear only in the titleNote, about the original scope.)
        setting:
          'To prescribe and monitor weight-management medicine, or to deliver multidisciplinary weight-management services, once appropriate regulatory approval including DTAC is in place',
      },
    },
  ],
  [
    'HTE16',
    {
      about: ['low-back-pain'],
      // recommendationSummary: "while evidence is generated (about 3 years)".
      evidencePeriod: { years: 3, stated: 'about 3 years' },
      // dateNote: "Draft 23 Oct 2023 (HTN); final date not verified".
      draftDate: '2023-10-23',
      limits: {
        // quote: "in people 16 years and over".
        population: { minAge: 16 },
        // recommendationSummary: "once regulatory approval and DTAC standards are met".
        setting: 'Once appropriate regulatory approval is in place and DTAC standards are met',
      },
    },
  ],
  [
    'HTE18',
    {
      about: ['pulmonary-rehabilitation'],
      evidencePeriod: TYPICAL_EVIDENCE_PERIOD,
      // dateNote: "Draft reported 5 Jan 2024 (then myCOPD and SPACE for COPD); final date not verified".
      draftDate: '2024-01-05',
      limits: {
        // quote: "for adults with chronic obstructive pulmonary disease (COPD) who cannot have or do not want face-to-face pulmonary rehabilitation".
        population: { minAge: 18, description: 'adults with COPD who cannot have or do not want face-to-face pulmonary rehabilitation' },
      },
    },
  ],
  [
    'HTE19',
    {
      about: ['copd'],
      // recommendationSummary: "during a 3-year evidence generation period".
      evidencePeriod: { years: 3, stated: '3 years' },
      // dateNote: "Draft consultation opened 25 Jun 2024 (digitalhealth.net)". Its "third-party GitHub text says
      // Dec 2024, HTG736" is unconfirmed (seed README), so neither that date nor a supersession is used.
      draftDate: '2024-06-25',
      limits: {
        // quote: "self-management of chronic obstructive pulmonary disease (COPD) in adults".
        population: { minAge: 18 },
        // recommendationSummary: "once they have appropriate regulatory approval including DTAC".
        setting: 'Once appropriate regulatory approval including DTAC is in place',
      },
    },
  ],
  [
    'HTE30',
    {
      about: ['talking-therapies-referral'],
      // recommendationSummary: "can be used for 3 years while evidence is generated". No date for this guidance
      // is in the seed (dateNote: "Not verified"), so its claims get no review date.
      evidencePeriod: { years: 3, stated: '3 years' },
      limits: {
        // quote: "to gather service user information for NHS Talking Therapies for anxiety and depression
        // assessments in people 16 years and over".
        population: { minAge: 16 },
        setting: 'To gather service user information for NHS Talking Therapies for anxiety and depression assessments',
      },
      // verification: "Text seen only on a mirror site (doctorlisa-nice.highburys.uk); canonical URL by pattern - confirm on nice.org.uk".
      verify: 'Seen only on a mirror of the NICE page (doctorlisa-nice.highburys.uk); the nice.org.uk address is inferred. Confirm the recommendation on nice.org.uk.',
    },
  ],
  [
    'HTE35',
    {
      about: ['cardiac-rehabilitation'],
      // recommendationSummary: "during a 3-year evidence generation period".
      evidencePeriod: { years: 3, stated: '3 years' },
      // dateNote: "Draft 19 Aug 2025 (Pulse; 6 technologies); final draft reported by pharmaphorum (7); final date not verified".
      draftDate: '2025-08-19',
      limits: {
        // quote: "to support cardiac rehabilitation for adults with cardiovascular disease (CVD)".
        population: { minAge: 18, description: 'adults with cardiovascular disease' },
        // recommendationSummary: "after assessment of suitability by a trained healthcare professional, with DTAC approval".
        setting: 'After assessment of suitability by a trained healthcare professional, with DTAC approval',
      },
    },
  ],
]);

// ---------------------------------------------------------------------------------------------
// Statuses. Rules are tried in order. Every status but "listed" needs the exact wording; only the
// loose patterns at the end match by prefix, and they give "listed".

interface StatusRule {
  pattern: RegExp;
  status: EndorsementStatus;
  /** Added to the claim's note when the closed status cannot say what the issuer said. */
  explanation?: string;
  /** The statement is about the product itself, so it is not narrowed to the guidance's conditions. */
  aboutProduct?: true;
}

const STATUS_RULES: readonly StatusRule[] = [
  // Superseded guidance, and products NICE says are gone, must not read as current options.
  {
    pattern: /^recommended \(historical; superseded\)$/,
    status: 'withdrawn',
    // A withdrawn claim's date would otherwise read as the date it was withdrawn.
    explanation: 'Its date is when the recommendation was made, not when it was superseded; the seed does not date that.',
  },
  {
    pattern: /^historical: .*no longer available/,
    status: 'withdrawn',
    aboutProduct: true,
    explanation: 'No longer being available to the NHS is about the product, so this applies to all of its conditions.',
  },
  { pattern: /^recommended$/, status: 'recommended' },
  { pattern: /^conditional: use while evidence generated( \(.+\))?$/, status: 'conditional' },
  { pattern: /^research only( \(.+\))?$/, status: 'research-only' },
  {
    // IPG530 covers tDCS for depression in general and does not name the product. "Conditional"
    // would read as NICE clearing the product; research-only is stricter than NICE's wording but
    // is the nearest status that does not overstate it.
    pattern: /^special arrangements \(procedure-level, not product-specific\)$/,
    status: 'research-only',
    explanation:
      "NICE's wording for the procedure is 'special arrangements for clinical governance, consent and audit or research'; shown here as research-only, the nearest status that does not overstate it.",
  },
  { pattern: /^medtech innovation briefing \(no recommendation\)$/, status: 'no-recommendation' },
  { pattern: /^no recommendation \(.+\)$/, status: 'no-recommendation' },
  { pattern: /^advice published \(evidence review\)$/, status: 'no-recommendation' },
  // Includes HTE13's "listed: platform category can be used while evidence generated": NICE
  // recommended the virtual-ward category, so naming a product in the assessment is only a listing.
  { pattern: /^listed\b/, status: 'listed' },
  { pattern: /^(national|local) /, status: 'listed' },
  { pattern: /^case study\b/, status: 'listed' },
  { pattern: /^provider of NHS /, status: 'listed' },
  { pattern: /^charity-owned tool$/, status: 'listed' },
  { pattern: /^supported by Innovation and Technology Tariff\b/, status: 'listed' },
  { pattern: /^(integrated with|messages routed via) NHS App\b.*\(vendor-stated\)$/, status: 'listed' },
  { pattern: /^supports programme\b/, status: 'listed' },
  { pattern: /^highlighted as innovation\b/, status: 'listed' },
  { pattern: /^referenced in .*QIPP case study\b/, status: 'listed' },
  { pattern: /^ORCHA review score\b/, status: 'listed' },
];

/** Seed wording that the closed status says in full; any other wording is kept in the note. */
const LOSSLESS_STATUSES = new Set(['recommended', 'conditional: use while evidence generated', 'research only']);

function statusRuleFor(text: string): StatusRule {
  const rule = STATUS_RULES.find((candidate) => candidate.pattern.test(text));
  if (!rule) throw new Error(`unmapped seed status "${text}": add a rule to STATUS_RULES`);
  return rule;
}

// ---------------------------------------------------------------------------------------------
// Source types. Only exact, reviewed wording may become "primary". Wording that only lowers the
// weight of a claim (secondary, mirror, vendor-stated) may match by prefix.

const PRIMARY_SOURCE_TYPES = new Set([
  'primary',
  'primary (via scraped copy)',
  'primary (Google Play listing text, via scrape)',
  'primary (App Store description; developer website = nhs.uk/better-health/get-active)',
  "primary (NHS provider page); 'NICE approved' is the provider's wording",
  // NICE's final recommendation text, with the product named on NICE's own consultation page.
  'primary (final 1.3 wording) + consultation draft (product name)',
]);

/**
 * Reports the company itself wrote or hosts: what they say of an NHS body is still the company's
 * claim. Seed wording: "secondary (vendor-hosted news; ...)" on bighealth.co.uk, and "secondary
 * (guest blog by Big Health medical director)" about Big Health's Daylight.
 */
const VENDOR_WRITTEN_SOURCE_TYPES = [/^secondary \(vendor-hosted\b/, /^secondary \(guest blog by Big Health\b/];

function sourceTypeFor(record: SeedRecord): SourceType {
  const text = record.sourceType;
  // "Big Health (vendor)", "Accurx (vendor)": the seed's name for a company speaking of itself.
  if (record.issuer.endsWith('(vendor)') || /^vendor-stated\b/.test(text) || VENDOR_WRITTEN_SOURCE_TYPES.some((pattern) => pattern.test(text))) {
    return 'vendor-stated';
  }
  if (PRIMARY_SOURCE_TYPES.has(text)) return 'primary';
  // A mirror of a NICE page, or a report of one, is not the issuer's own page.
  if (text === 'mirror' || text === 'primary+secondary' || /^secondary\b/.test(text)) return 'secondary';
  throw new Error(`unmapped seed source type "${text}": add it to sourceTypeFor`);
}

/** What the closed source type loses, as a sentence for the note. */
function sourceTypeDetail(text: string): string | undefined {
  if (text === 'primary' || text === 'secondary' || text === 'vendor-stated') return undefined;
  if (text === 'mirror') return 'Seen only on a mirror of the NICE page, not on nice.org.uk.';
  return `Source: ${text}.`;
}

// ---------------------------------------------------------------------------------------------
// Issuers. Whether an NHS body speaks for the nation or for one area is decided by name here.
// A new issuer stops the build: a local pilot shown as a national programme would over-claim.

const NATIONAL_NHS_ISSUERS = new Set([
  'AHSN Network',
  'NHS (nhs.uk Live Well)',
  'NHS Apps Library (as reported by NICE)',
  'NHS Better Health (DHSC)',
  'NHS England',
  'NHS England / NHS Digital',
  'NHS England Transformation Directorate (digital playbook)',
  'NHS England Transformation Directorate (MSK digital playbook)',
  'NHS England Transformation Directorate (renal digital playbook)',
  'NHS Scotland / Scottish Government',
  'NHS Wales (All Wales Diabetes Implementation Group)',
  'NHSX (digital playbook)',
]);

const LOCAL_NHS_ISSUERS = new Set([
  // Oviva provides the national Path to Remission programme only in the ICB areas that chose it.
  'NHS England (via ICBs)',
  'NHS Lothian (RefHelp)',
  'NHS North West London ICB (Digital First programme)',
  'Nottingham CityCare (NHS community provider)',
  'South Yorkshire ICB (with Primary Care Sheffield, Health Innovation Yorkshire & Humber)',
  'Whittington Health NHS Trust (Haringey Talking Therapies)',
]);

function issuerKindFor(record: SeedRecord): IssuerKind {
  switch (record.kind) {
    case 'nice-guidance':
    case 'nice-eva':
      return 'nice';
    case 'charity':
      return 'charity';
    // MIBs state that they "contain no recommendations and are not formal NICE guidance", and
    // vocabulary.ts puts briefings under "other" with ORCHA and SHTG. The issuer is still shown
    // as NICE, and the status says no recommendation was made.
    case 'other':
      return 'other';
    case 'nhs-programme':
      // A vendor describing its own NHS links is not an NHS body speaking.
      if (record.issuer.endsWith('(vendor)')) return 'other';
      if (LOCAL_NHS_ISSUERS.has(record.issuer)) return 'local-network';
      if (NATIONAL_NHS_ISSUERS.has(record.issuer)) return 'nhs-programme';
      throw new Error(`NHS issuer "${record.issuer}" is unknown: add it to NATIONAL_NHS_ISSUERS or LOCAL_NHS_ISSUERS`);
    case 'regulatory':
      throw new Error('regulatory records become facts, not endorsements');
  }
}

// ---------------------------------------------------------------------------------------------
// Web identifiers

// Their pages are served from www. (as every seed source for them shows); lookups ignore www.
const WWW_HOSTS = new Set(['nhs.uk', 'england.nhs.uk']);

/** Sites of which no tool may claim the whole: they carry many unrelated services. */
const SHARED_SITES = new Set(['nhs.uk', 'england.nhs.uk', 'gov.uk', 'nice.org.uk', 'nhs.scot', 'nhs.wales']);

/** "nhs.uk/nhs-app" → { origin: "https://www.nhs.uk", pathPrefix: "/nhs-app" }. */
function webIdentifierFromDomain(domain: string): WebIdentifier {
  const slash = domain.indexOf('/');
  const host = (slash === -1 ? domain : domain.slice(0, slash)).toLowerCase();
  const path = slash === -1 ? '' : domain.slice(slash).replace(/\/+$/, '');
  const origin = `https://${WWW_HOSTS.has(host) ? `www.${host}` : host}`;
  return path ? { origin, pathPrefix: path } : { origin };
}

/** A web identifier chosen by hand, with the seed URL that justifies it. */
interface CitedWebIdentifier {
  origin: string;
  pathPrefix: string;
  citedIn: string;
}

/** What to do with a seed domain that has no path, i.e. would claim a whole site. */
type WholeSiteDecision = { keep: string } | { drop: string } | { narrowTo: readonly CitedWebIdentifier[] };

// ---------------------------------------------------------------------------------------------
// Splits: one seed entry that is really several products, each with only the records about it.

interface SplitProduct {
  name: string;
  takes: (record: SeedRecord) => boolean;
  /** Seed condition texts of the parent that belong to this product. */
  conditions: readonly string[];
  /** Whether this product is the one the parent's store ids and domains point to. */
  keepsIdentifiers: boolean;
}

const SPLITS = new Map<string, readonly SplitProduct[]>([
  [
    // HTE30 names the "Wysa Digital Referral Assistant", a referral front door. The seed's note on
    // that record says it does not apply to the self-help app, which the store ids and wysa.com
    // point to. Source: https://doctorlisa-nice.highburys.uk/guidance/hte30/chapter/1-Recommendations
    'Wysa',
    [
      { name: 'Wysa', takes: (record) => record.code !== 'HTE30', conditions: ['depression', 'anxiety'], keepsIdentifiers: true },
      {
        name: 'Wysa Digital Referral Assistant',
        takes: (record) => record.code === 'HTE30',
        conditions: ['NHS Talking Therapies referral/triage'],
        keepsIdentifiers: false,
      },
    ],
  ],
  [
    // Two products. HTE16 names "Kaia" for low back pain
    // (https://www.nice.org.uk/guidance/HTE16/chapter/1-recommendations). HTE18 names "Kaia Health
    // COPD" as research-only (https://nice.org.uk/guidance/HTE18/chapter/1-Recommendations).
    'Kaia (back pain) / Kaia COPD',
    [
      { name: 'Kaia (back pain)', takes: (record) => record.code === 'HTE16', conditions: ['non-specific low back pain'], keepsIdentifiers: false },
      {
        name: 'Kaia Health COPD',
        takes: (record) => record.code === 'HTE18',
        conditions: ['COPD (pulmonary rehabilitation: research only)'],
        keepsIdentifiers: false,
      },
    ],
  ],
]);

function splitSeedTools(seed: readonly SeedTool[]): SeedTool[] {
  for (const name of SPLITS.keys()) {
    if (!seed.some((tool) => tool.name === name)) throw new Error(`SPLITS names "${name}", which is not in the seed`);
  }
  return seed.flatMap((tool) => {
    const products = SPLITS.get(tool.name);
    if (!products) return [tool];
    for (const record of tool.endorsements) {
      const takers = products.filter((product) => product.takes(record)).length;
      if (takers !== 1) throw new Error(`${tool.name}: record "${record.code ?? record.issuer}" goes to ${takers} products of the split, not 1`);
    }
    for (const condition of tool.conditions) {
      if (!products.some((product) => product.conditions.includes(condition))) throw new Error(`${tool.name}: condition "${condition}" is given to no product of the split`);
    }
    const hasIdentifiers = tool.domains.length > 0 || tool.appStore.apple !== undefined || tool.appStore.google !== undefined;
    if (hasIdentifiers && products.filter((product) => product.keepsIdentifiers).length !== 1) {
      throw new Error(`${tool.name}: exactly one product of the split must keep the store ids and domains`);
    }
    return products.map((product) => {
      const foreign = product.conditions.filter((condition) => !tool.conditions.includes(condition));
      if (foreign.length) throw new Error(`${product.name}: conditions ${foreign.join(', ')} are not in the seed entry "${tool.name}"`);
      return {
        ...tool,
        name: product.name,
        domains: product.keepsIdentifiers ? tool.domains : [],
        appStore: product.keepsIdentifiers ? tool.appStore : {},
        conditions: [...product.conditions],
        endorsements: tool.endorsements.filter(product.takes),
      };
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Per-tool curation, by tool name after splitting. Every seed domain without a path must have a
// reviewed decision here, so no whole-site claim slips in with new data.

interface ToolCuration {
  wholeSite?: Readonly<Record<string, WholeSiteDecision>>;
  extraWeb?: readonly CitedWebIdentifier[];
  /** Conditions that the tool's own seed records are about but its condition list lacks. */
  extraConditions?: readonly ConditionId[];
  /** Scope for non-NICE records, by issuer, where the seed makes the condition clear. */
  scopeByIssuer?: Readonly<Record<string, readonly ConditionId[]>>;
  /** Facts quoted in the seed outside a regulatory record; sourceUrl must be one of the tool's seed URLs. */
  extraFacts?: readonly Fact[];
  /**
   * Store listings not given to the tool, with why: a claim must never show on a listing whose
   * identity with the assessed product is unverified.
   */
  unmatchedListings?: Readonly<Partial<Record<StoreName, string>>>;
  /**
   * Limits the seed gives for this tool's own claims, by guidance code (or issuer, for a record
   * without one); they narrow the guidance's limits. Only positive claims take limits.
   */
  limits?: Readonly<Record<string, ClaimLimits>>;
  /** What the seed says to check before one of its claims is relied on, by guidance code (or issuer). */
  verify?: Readonly<Record<string, string>>;
  /**
   * The seed says not to list it as an available NHS option: the build stops if any claim of it
   * is not a withdrawal, rather than rewriting a status.
   */
  noLongerAvailable?: true;
}

type StoreName = keyof SeedTool['appStore'];

const BIG_HEALTH_SITE =
  "Big Health's company site covers Sleepio and Daylight, which have different NICE positions. Its seed sources (/faqs, a news post) are about both products, so no page on it belongs to one product.";
const MY_MHEALTH_SITE =
  "my mhealth's company site covers myCOPD, myHeart and other apps. Its seed sources (/studies, a news post) are not product pages, so drop it rather than show myCOPD's research-only MTG68 on myHeart's pages or the reverse.";

/** HTE9's setting for the two therapies it lists as needing CE or UKCA marking first. */
const HTE9_ONCE_MARKED =
  'Only in NHS Talking Therapies, once CE or UKCA marking, DTAC approval and an NHS Talking Therapies digitally enabled therapies assessment are in place';
/** HTE14's setting for technologies listed in its recommendation 1.2 only (services without prescribing). */
const HTE14_WITHOUT_PRESCRIBING =
  'To deliver multidisciplinary weight-management services without prescribing, once appropriate regulatory approval including DTAC is in place';

const CURATION = new Map<string, ToolCuration>([
  ['NHS App', { wholeSite: { 'nhsapp.service.nhs.uk': { keep: "The NHS App's own web service: the whole host is the product." } } }],
  [
    'NHS Couch to 5K',
    {
      wholeSite: {
        'nhs.uk': {
          narrowTo: [
            {
              origin: 'https://www.nhs.uk',
              pathPrefix: '/live-well/exercise/running-and-aerobic-exercises/get-running-with-couch-to-5k',
              citedIn: 'https://www.nhs.uk/live-well/exercise/running-and-aerobic-exercises/get-running-with-couch-to-5k/',
            },
          ],
        },
      },
    },
  ],
  [
    'NHS Weight Loss Plan',
    {
      // The nhs.uk page for the plan, with its store badges. Its path comes from the file name of the scraped copy.
      extraWeb: [
        {
          origin: 'https://www.nhs.uk',
          pathPrefix: '/live-well/healthy-weight/start-the-nhs-weight-loss-plan',
          citedIn:
            'https://github.com/cookie1986/Extractive-QA/blob/e59772a787eafe63ee68538e8c32c6b27650bb24/docs/www.nhs.uk_live-well_healthy-weight_start-the-nhs-weight-loss-plan_.md',
        },
      ],
    },
  ],
  [
    'Sleepio',
    {
      wholeSite: { 'sleepio.com': { keep: "The product's own site." }, 'bighealth.co.uk': { drop: BIG_HEALTH_SITE } },
      // NHS Scotland quote: "all Scottish adults will now have access to \"digital therapeutics\"".
      limits: { 'NHS Scotland / Scottish Government': { population: { minAge: 18 } } },
    },
  ],
  [
    'Daylight',
    {
      wholeSite: { 'trydaylight.com': { keep: "The product's own site." }, 'bighealth.co.uk': { drop: BIG_HEALTH_SITE } },
      // NHS Lothian note: "For ages 16+, mild-moderate anxiety."
      limits: { 'NHS Lothian (RefHelp)': { population: { minAge: 16, description: 'people with mild to moderate anxiety' } } },
    },
  ],
  [
    'Wysa',
    {
      wholeSite: {
        'wysa.com': {
          keep: "The app's own site (the seed found it in third-party files only). It also presents the referral assistant, but the app's card (research-only, listed) can under-state that product, never over-state the app.",
        },
      },
    },
  ],
  [
    'myCOPD',
    {
      wholeSite: { 'mymhealth.com': { drop: MY_MHEALTH_SITE } },
      // Its HTE18 record is about pulmonary rehabilitation (https://nice.org.uk/guidance/HTE18/chapter/1-Recommendations).
      extraConditions: ['pulmonary-rehabilitation'],
      extraFacts: [
        {
          topic: 'data-security',
          text: 'DTAC: company states compliant. NICE MTG68 (section 2): “The company states that the technology is compliant with the NHS Digital Technology Assessment Criteria (DTAC).”',
          sourceUrl: 'https://www.nice.org.uk/guidance/mtg68/chapter/2-The-technology',
          sourceType: 'vendor-stated',
          date: 'unknown',
        },
      ],
      verify: {
        // MIB214 record: status "listed (historical NHS Apps Library)"; note "Current status of the NHS Apps Library not verified."
        MIB214: 'A historical listing, as reported in NICE MIB214: check that the NHS Apps Library and this listing are current before relying on it.',
      },
    },
  ],
  [
    'myHeart',
    {
      wholeSite: { 'mymhealth.com': { drop: MY_MHEALTH_SITE } },
      verify: {
        // notes: "HTE35 lists 'myHeart' without company in the excerpt seen; attribution to my mhealth is from my
        // mhealth/NHSX sources (very likely the same product, not confirmed from NICE text)."
        HTE35:
          "Check that this is the product NICE assessed: NICE's text names 'myHeart' without a company, and its link to my mhealth's myHeart comes from my mhealth and NHSX pages, not from NICE.",
      },
    },
  ],
  // Their HTE18 records are about pulmonary rehabilitation (https://nice.org.uk/guidance/HTE18/chapter/1-Recommendations).
  ['Active+me REMOTE', { extraConditions: ['pulmonary-rehabilitation'] }],
  ['Clinitouch', { extraConditions: ['pulmonary-rehabilitation'] }],
  [
    'Luscii',
    {
      // Its HTE13 record is about virtual wards for acute respiratory infection (https://nice.org.uk/guidance/hte13/informationforpublic).
      extraConditions: ['acute-respiratory-infection'],
      extraFacts: [
        {
          topic: 'regulatory',
          text: 'CE Class IIa medical device, as described in a 2024 European Heart Journal abstract (Irish study): “a CE-certified Medical Device Class IIa”.',
          sourceUrl: 'https://doi.org/10.1093/eurheartj/ehae666.1146',
          sourceType: 'secondary',
          date: 'unknown',
        },
      ],
    },
  ],
  ['getUBetter', { wholeSite: { 'getubetter.com': { keep: "The product's own site; the company has no other product." } } }],
  [
    'ESCAPE-pain',
    { wholeSite: { 'escape-pain.org': { keep: "The programme's own site, named after it; the seed cites its commissioners page." } } },
  ],
  [
    'MyDESMOND',
    {
      wholeSite: {
        'desmond.nhs.uk': {
          drop: "The DESMOND site also covers the face-to-face DESMOND programmes (the 'NICE approved' wording in the seed is about those, not the app). Its only seed source is a news article, not a product page.",
        },
      },
      // NHS Wales note: "National online programme for adults with type 2 diabetes in Wales."
      limits: { 'NHS Wales (All Wales Diabetes Implementation Group)': { population: { minAge: 18 } } },
    },
  ],
  [
    'Oviva',
    {
      wholeSite: {
        'oviva.com': {
          // oviva.com is a multi-country company site. Only the UK page in the seed is claimed.
          narrowTo: [
            {
              origin: 'https://oviva.com',
              pathPrefix: '/uk/en/for-primary-care-type-2-diabetes-remission',
              citedIn: 'https://oviva.com/uk/en/for-primary-care-type-2-diabetes-remission/',
            },
          ],
        },
      },
      // The Path to Remission listing is about type 2 diabetes (https://gps.northcentrallondon.icb.nhs.uk/services/diabetes-type-2-path-to-remission-nhs-programme).
      scopeByIssuer: { 'NHS England (via ICBs)': ['type-2-diabetes'] },
    },
  ],
  [
    'Second Nature',
    {
      unmatchedListings: {
        // appStore.apple.verification: "link in 'You might also like' on UK App Store page (scraped 2023); identity of
        // listing with NICE-assessed product assumed from name - verify". NICE's HTE14 claim must not show on it.
        apple: 'Matched to the NICE-assessed product by name only, from a "You might also like" link.',
      },
    },
  ],
  // notes: "Do not list as currently available NHS option." Its HTE8 record says it is "no longer available to the
  // NHS" (and nice_eva.json HTE9 lists "Beating the Blues (no longer available to the NHS)"); TA97 is
  // "recommended (historical; superseded)". STATUS_RULES make both withdrawals, each with its own date.
  ['Beating the Blues', { noLongerAvailable: true }],
  [
    'Kaia (back pain)',
    {
      verify: {
        // HTE16 note: "A third-party GitHub file claims NICE later removed Kaia because it is 'no longer available to the
        // NHS' when HTE16 migrated to HealthTech guidance HTG712 - NOT verified on nice.org.uk; check before use."
        // Seed README: "check Kaia's status before listing it as an option."
        HTE16:
          "Check Kaia's status on nice.org.uk before listing it as an option: a third-party file says NICE removed Kaia from this guidance (as HTG712) because it is 'no longer available to the NHS'. Not confirmed on nice.org.uk.",
      },
    },
  ],
  [
    'Lumi Nova',
    {
      // conditions: "anxiety (children aged 7 to 12)"; notes: "Game-based CBT for children 7-12 per NICE HTE3 section 2".
      limits: { HTE3: { population: { minAge: 7, maxAge: 12 } } },
    },
  ],
  [
    'Space from anxiety / low mood / low mood and anxiety for teens',
    {
      // notes: "Ages 15 to 18 per NICE HTE3 section 2".
      limits: { HTE3: { population: { minAge: 15, maxAge: 18 } } },
    },
  ],
  // Their HTE9 status: "conditional: use while evidence generated (once CE/UKCA, DTAC and DET assessment in place)".
  ['Perspectives', { limits: { HTE9: { setting: HTE9_ONCE_MARKED } } }],
  ['Spring', { limits: { HTE9: { setting: HTE9_ONCE_MARKED } } }],
  [
    'Counterweight',
    {
      // HTE14 note: "Listed in rec 1.2 (multidisciplinary weight-management services without prescribing). Requires
      // appropriate regulatory approval including DTAC." Not in rec 1.1, so not for prescribing.
      limits: { HTE14: { setting: HTE14_WITHOUT_PRESCRIBING } },
    },
  ],
  [
    'Weight Loss Clinic',
    {
      // HTE14 note: as Counterweight's, rec 1.2 only.
      limits: { HTE14: { setting: HTE14_WITHOUT_PRESCRIBING } },
    },
  ],
  [
    'NHS Digital Weight Management Programme',
    {
      limits: {
        // note: "Eligibility: age 18+, BMI >=30 (>=27.5 for Black, Asian and ethnic minority backgrounds), diagnosis
        // of diabetes and/or hypertension; referral by general practice or community pharmacy".
        'NHS England': {
          // quote: "people living with obesity who also have a diagnosis of either diabetes, hypertension, or both".
          population: {
            minAge: 18,
            description: 'people living with obesity (BMI 30 or more; 27.5 or more for Black, Asian and ethnic minority backgrounds) who also have diabetes, hypertension or both',
          },
          setting: 'On referral by general practice or community pharmacy',
        },
      },
    },
  ],
  [
    'Patients Know Best',
    { wholeSite: { 'patientsknowbest.com': { keep: "The company's one product; its subdomains are the seed's own sources for it." } } },
  ],
  [
    'Accurx',
    { wholeSite: { 'accurx.com': { keep: 'The seed treats Accurx as a single platform. support.accurx.com and the www. site are its seed sources.' } } },
  ],
  [
    'My Stroke Guide',
    {
      wholeSite: {
        'stroke.org.uk': {
          drop: "The Stroke Association's whole charity site. The seed's only page on it is an annual report, and the tool's own address is not in the seed.",
        },
      },
    },
  ],
]);

// ---------------------------------------------------------------------------------------------
// Building

/** A table lookup that never reaches Object.prototype, whatever text the seed holds. */
function own<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table && Object.hasOwn(table, key) ? table[key] : undefined;
}

function uniq<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

/** Drops undefined fields so the JSON and deep-equality see only what is there. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

/** Cuts text to a schema limit, ending with "…" when cut. */
function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

/** Joins note parts as sentences, so one part's last words never run into the next. */
function joinNote(parts: readonly (string | undefined)[], max: number): string | undefined {
  const sentences = parts
    .map((part) => part?.trim())
    .filter((part): part is string => Boolean(part))
    .map((part) => (/[.!?…][”"')]*$/.test(part) ? part : `${part}.`));
  return sentences.length ? clip(sentences.join(' '), max) : undefined;
}

/** Ids come from names, so they stay stable between builds; renaming a tool changes its id. */
function toolIdFor(name: string): string {
  const id = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!id) throw new Error(`cannot make an id from the name "${name}"`);
  return id;
}

/** The seed date as given; a dateNote (often a draft or news date) is never promoted to it. */
function decisionDateFor(date: string | undefined): string {
  if (date === undefined) return 'unknown';
  if (!partialDate.safeParse(date).success) throw new Error(`seed date "${date}" is not YYYY, YYYY-MM or YYYY-MM-DD`);
  return date;
}

function seedUrls(tool: SeedTool): Set<string> {
  return new Set([...tool.sources, ...tool.endorsements.map((record) => record.url)]);
}

function citedWeb(tool: SeedTool, cited: CitedWebIdentifier): WebIdentifier {
  if (!seedUrls(tool).has(cited.citedIn)) throw new Error(`${tool.name}: ${cited.pathPrefix} cites ${cited.citedIn}, which is not among its seed sources`);
  return { origin: cited.origin, pathPrefix: cited.pathPrefix };
}

function webIdentifiersFor(tool: SeedTool, curation: ToolCuration): WebIdentifier[] {
  for (const domain of Object.keys(curation.wholeSite ?? {})) {
    if (!tool.domains.includes(domain)) throw new Error(`${tool.name}: CURATION decides on "${domain}", which is not among its seed domains`);
  }
  const fromDomains = tool.domains.flatMap((domain) => {
    if (domain.includes('/')) return [webIdentifierFromDomain(domain)];
    const decision = own(curation.wholeSite, domain);
    if (!decision) throw new Error(`${tool.name}: the whole-site domain "${domain}" needs a reviewed decision in CURATION (keep, drop or narrowTo)`);
    if ('keep' in decision) return [webIdentifierFromDomain(domain)];
    if ('drop' in decision) return [];
    return decision.narrowTo.map((cited) => citedWeb(tool, cited));
  });
  return [...fromDomains, ...(curation.extraWeb ?? []).map((cited) => citedWeb(tool, cited))];
}

function identifiersFor(tool: SeedTool, curation: ToolCuration): Identifiers {
  const web = webIdentifiersFor(tool, curation);
  const listing = (store: StoreName) => {
    const found = tool.appStore[store];
    return found && !own(curation.unmatchedListings, store) ? [found.id] : undefined;
  };
  return compact({ apple: listing('apple'), googlePlay: listing('google'), web: web.length ? web : undefined });
}

function isNiceGuidance(record: SeedRecord): boolean {
  return record.kind === 'nice-guidance' || record.kind === 'nice-eva';
}

/** How CURATION names one of a tool's records: by guidance code, or by issuer when it has none. */
function curationKey(record: SeedRecord): string {
  return record.code ?? record.issuer;
}

function niceGuidanceFor(toolName: string, record: SeedRecord): NiceGuidance | undefined {
  if (!isNiceGuidance(record)) return undefined;
  const guidance = record.code === undefined ? undefined : NICE_GUIDANCE.get(record.code);
  if (!guidance) throw new Error(`${toolName}: NICE record ${record.code ?? '(without a code)'} needs an entry in NICE_GUIDANCE`);
  return guidance;
}

/** The tool conditions a claim is about; undefined when it is about all of them. */
function claimScope(
  toolName: string,
  record: SeedRecord,
  rule: StatusRule,
  guidance: NiceGuidance | undefined,
  toolConditions: readonly ConditionId[],
  curation: ToolCuration,
): ConditionId[] | undefined {
  if (rule.aboutProduct) return undefined;
  const about = guidance ? guidance.about : own(curation.scopeByIssuer, record.issuer);
  if (!about) return undefined;
  const scope = toolConditions.filter((condition) => about.includes(condition));
  if (scope.length === 0) {
    throw new Error(`${toolName}: ${curationKey(record)} is about ${about.join(', ')}, none of which the tool is filed under`);
  }
  return scope.length === toolConditions.length ? undefined : scope;
}

/** The same day, month or year, `years` later: "2023-10-23" + 3 is "2026-10-23". */
function yearsAfter(date: string, years: number): string {
  return `${Number(date.slice(0, 4)) + years}${date.slice(4)}`;
}

/**
 * The end of a NICE early-use evidence generation period, with a sentence saying how it was
 * derived. Counted from the decision date when the seed gives one, else from the guidance's
 * draft date (early, never late); with neither, there is no review date and the sentence says so.
 */
function evidenceReview(guidance: NiceGuidance, decisionDate: string): { reviewDate?: string; derivation: string } | undefined {
  const period = guidance.evidencePeriod;
  if (!period) return undefined;
  const periodSource = period.stated
    ? `NICE's evidence generation period: ${period.stated}.`
    : `NICE's process gives typically about ${period.years} years; this guidance's own period was not captured.`;
  if (decisionDate !== 'unknown') {
    return { reviewDate: yearsAfter(decisionDate, period.years), derivation: `Review date: ${period.years} years after the decision date. ${periodSource}` };
  }
  if (guidance.draftDate !== undefined) {
    return {
      reviewDate: yearsAfter(guidance.draftDate, period.years),
      derivation: `Review date: ${period.years} years after the draft of ${guidance.draftDate}, the earliest date known; the final guidance came later, so the period ends later than this. ${periodSource}`,
    };
  }
  return { derivation: `No review date: the seed gives no date for this guidance. ${periodSource}` };
}

/**
 * Limits narrow where a positive claim applies. A research-only or negative statement is left as
 * wide as the seed gives it, so no limit can keep it from a patient it was said about.
 */
const LIMITED_STATUSES: ReadonlySet<EndorsementStatus> = new Set(['recommended', 'conditional', 'listed']);

function claimLimits(toolName: string, record: SeedRecord, status: EndorsementStatus, guidance: NiceGuidance | undefined, curation: ToolCuration): ClaimLimits {
  const forTool = own(curation.limits, curationKey(record));
  if (!LIMITED_STATUSES.has(status)) {
    if (forTool) throw new Error(`${toolName}: CURATION limits ${curationKey(record)}, a ${status} statement; only positive claims take limits`);
    return {};
  }
  const guidancePopulation = guidance?.limits?.population ?? {};
  const toolPopulation = forTool?.population ?? {};
  // A tool's own ages may only narrow the guidance's: NICE's range is the outer limit.
  if ((toolPopulation.minAge ?? Infinity) < (guidancePopulation.minAge ?? 0) || (toolPopulation.maxAge ?? -Infinity) > (guidancePopulation.maxAge ?? Infinity)) {
    throw new Error(`${toolName}: the ages CURATION gives for ${curationKey(record)} are wider than the guidance's`);
  }
  const population = { ...guidancePopulation, ...toolPopulation };
  return { population: Object.keys(population).length ? population : undefined, setting: forTool?.setting ?? guidance?.limits?.setting };
}

function toEndorsement(toolName: string, record: SeedRecord, toolConditions: readonly ConditionId[], curation: ToolCuration): Endorsement {
  const rule = statusRuleFor(record.status);
  const guidance = niceGuidanceFor(toolName, record);
  const decisionDate = decisionDateFor(record.date);
  // A product NICE says is gone is not part of the evidence generation that ends in a review.
  const review = guidance && rule.status !== 'withdrawn' ? evidenceReview(guidance, decisionDate) : undefined;
  const limits = claimLimits(toolName, record, rule.status, guidance, curation);
  return compact({
    issuer: clip(record.issuer, 200),
    issuerKind: issuerKindFor(record),
    status: rule.status,
    guidanceCode: record.code === undefined ? undefined : clip(record.code, 40),
    decisionDate,
    dateNote: joinNote([record.dateNote, review?.derivation], 500),
    reviewDate: review?.reviewDate,
    sourceUrl: record.url,
    sourceType: sourceTypeFor(record),
    quote: record.quote === undefined ? undefined : clip(record.quote, 600),
    conditions: claimScope(toolName, record, rule, guidance, toolConditions, curation),
    note: joinNote(
      [record.note, LOSSLESS_STATUSES.has(record.status) ? undefined : `Status as found: ${record.status}.`, rule.explanation, sourceTypeDetail(record.sourceType)],
      1000,
    ),
    population: limits.population,
    setting: limits.setting,
    verify: joinNote([guidance?.verify, own(curation.verify, curationKey(record))], 500),
  });
}

/** CE/UKCA, DTAC, 510(k) and "not a medical device" are facts about the tool, not endorsements. */
function toFact(record: SeedRecord): Fact {
  const status = `${record.status.charAt(0).toUpperCase()}${record.status.slice(1)}`;
  const said = record.quote === undefined ? record.issuer : `${record.issuer}: “${record.quote}”`;
  return {
    topic: /^DTAC\b/.test(record.status) ? 'data-security' : 'regulatory',
    text: joinNote([status, said, sourceTypeDetail(record.sourceType)], 500) ?? status,
    sourceUrl: record.url,
    sourceType: sourceTypeFor(record),
    date: decisionDateFor(record.date),
  };
}

/** Every CURATION entry must name something in the tool's seed: a stale one would silently do nothing. */
function checkCuration(tool: SeedTool, curation: ToolCuration): void {
  for (const fact of curation.extraFacts ?? []) {
    if (!fact.sourceUrl || !seedUrls(tool).has(fact.sourceUrl)) throw new Error(`${tool.name}: an extra fact cites ${fact.sourceUrl ?? 'nothing'}, which is not among its seed sources`);
  }
  const recordKeys = new Set(tool.endorsements.map(curationKey));
  for (const key of [...Object.keys(curation.limits ?? {}), ...Object.keys(curation.verify ?? {})]) {
    if (!recordKeys.has(key)) throw new Error(`${tool.name}: CURATION names "${key}", which is neither a guidance code nor an issuer of its seed records`);
  }
  for (const store of Object.keys(curation.unmatchedListings ?? {})) {
    if (!own(tool.appStore, store)) throw new Error(`${tool.name}: CURATION unmatches a ${store} listing the seed does not give`);
  }
}

function toTool(tool: SeedTool): Tool {
  const curation = CURATION.get(tool.name) ?? {};
  checkCuration(tool, curation);
  const conditions = uniq([...conditionsFor(tool.conditions), ...(curation.extraConditions ?? [])]);
  const claims = tool.endorsements.filter((record) => record.kind !== 'regulatory');
  const regulatory = tool.endorsements.filter((record) => record.kind === 'regulatory');
  const endorsements = claims.map((record) => toEndorsement(tool.name, record, conditions, curation));
  const current = endorsements.filter((claim) => claim.status !== 'withdrawn');
  if (curation.noLongerAvailable && current.length) {
    throw new Error(`${tool.name}: the seed says it is no longer available, but ${current.map((claim) => claim.guidanceCode ?? claim.issuer).join(', ')} would not read as withdrawn`);
  }
  return {
    id: toolIdFor(tool.name),
    name: tool.name,
    publisher: tool.publisher,
    identifiers: identifiersFor(tool, curation),
    conditions,
    endorsements,
    facts: [...regulatory.map(toFact), ...(curation.extraFacts ?? [])],
  };
}

/** The bundled feed for a seed. Pure: no clock, no files. Throws on anything the tables do not cover. */
export function buildDefaultFeed(seed: readonly SeedTool[]): Feed {
  const products = splitSeedTools(seed);
  for (const name of CURATION.keys()) {
    if (!products.some((tool) => tool.name === name)) throw new Error(`CURATION names "${name}", which is not a tool in the seed`);
  }
  const tools = products.map(toTool).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    format: FEED_FORMAT,
    version: FEED_FORMAT_VERSION,
    publisher: { ...FEED_PUBLISHER },
    sequence: FEED_SEQUENCE,
    generatedAt: GENERATED_AT,
    staleAfterDays: STALE_AFTER_DAYS,
    tools,
  };
}

/**
 * Everything that must hold before the feed ships: parseFeed keeps every entry and warns about
 * nothing, no whole national site is claimed, no page or store id is claimed by two tools, and
 * each claim's scope is among its tool's conditions.
 */
export function feedProblems(feed: Feed): string[] {
  const result = parseFeed(JSON.parse(renderFeed(feed)));
  if (!result.ok) return result.problems.map((problem) => `rejected ${problem.path}: ${problem.message}`);
  const problems = [
    ...result.quarantined.flatMap((entry) => entry.problems.map((problem) => `quarantined ${problem.path}: ${problem.message}`)),
    ...result.warnings.map((problem) => `warning ${problem.path}: ${problem.message}`),
  ];
  const owners = new Map<string, string>();
  const claim = (key: string, toolId: string) => {
    const owner = owners.get(key);
    if (owner !== undefined && owner !== toolId) problems.push(`${owner} and ${toolId} both claim ${key}`);
    owners.set(key, toolId);
  };
  for (const tool of feed.tools) {
    for (const id of tool.identifiers.apple ?? []) claim(`apple:${id}`, tool.id);
    for (const id of tool.identifiers.googlePlay ?? []) claim(`play:${id}`, tool.id);
    for (const web of tool.identifiers.web ?? []) {
      const host = webIdentifierHost(web);
      if (SHARED_SITES.has(host) && !web.pathPrefix) problems.push(`${tool.id} claims the whole of ${host}`);
      claim(`web:${host}${web.pathPrefix ?? ''}`, tool.id);
    }
    tool.endorsements.forEach((endorsement, index) => {
      const outside = (endorsement.conditions ?? []).filter((condition) => !tool.conditions.includes(condition));
      if (outside.length) problems.push(`${tool.id}.endorsements[${index}] is scoped to ${outside.join(', ')}, which the tool is not filed under`);
    });
  }
  return problems;
}

export function renderFeed(feed: Feed): string {
  return `${JSON.stringify(feed, null, 2)}\n`;
}

function summarise(feed: Feed): string {
  const endorsements = feed.tools.flatMap((tool) => tool.endorsements);
  const facts = feed.tools.reduce((count, tool) => count + tool.facts.length, 0);
  const byStatus = ENDORSEMENT_STATUSES.map((status) => `${status} ${endorsements.filter((e) => e.status === status).length}`).join(', ');
  return `default feed #${feed.sequence}: ${feed.tools.length} tools, ${endorsements.length} endorsements (${byStatus}), ${facts} facts`;
}

/** The committed TEST key: a release build signs the feed again with its own key (scripts/release-signing.ts). */
export const SIGNING_KEY_PATH = fileURLToPath(new URL('../keys/TEST-ONLY-bundled-feed-signing-key.jwk', import.meta.url));

const DAY_MS = 86_400_000;

/**
 * The file that ships: the rendered feed, signed under the bundled feed's header (Ed25519 is
 * deterministic and the dates come from the feed, so this is reproducible). It is valid for the
 * feed's own staleness period: after that it shows as out of date until a release ships a newer one.
 */
export async function signedFeedFile(feed: Feed, privateJwk: JsonWebKey): Promise<string> {
  const validDays = feed.staleAfterDays ?? 180;
  const expiresAt = new Date(Date.parse(feed.generatedAt) + validDays * DAY_MS).toISOString().replace(/\.\d+Z$/, 'Z');
  return signFeedText(renderFeed(feed), [privateJwk], { urls: [], feedId: BUNDLED_FEED_ID, issuedAt: feed.generatedAt, expiresAt });
}

async function main(): Promise<void> {
  try {
    const feed = buildDefaultFeed(loadSeed());
    const problems = feedProblems(feed);
    if (problems.length) {
      console.error(`build-default-feed: the feed is not clean, nothing written:\n  ${problems.join('\n  ')}`);
      process.exit(1);
    }
    const privateJwk = JSON.parse(readFileSync(SIGNING_KEY_PATH, 'utf8')) as JsonWebKey;
    if (!BUNDLED_FEED_KEYS.includes(publicKeyOfJwk(privateJwk))) {
      throw new Error(`the signing key ${SIGNING_KEY_PATH} is not one of BUNDLED_FEED_KEYS (lib/feed/bundled-key.ts): the extension would refuse the feed`);
    }
    mkdirSync(dirname(OUTPUT_PATH), { recursive: true });
    writeFileSync(OUTPUT_PATH, await signedFeedFile(feed, privateJwk));
    console.log(`${summarise(feed)}, signed -> ${relative(process.cwd(), OUTPUT_PATH)}`);
  } catch (error) {
    console.error(`build-default-feed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
