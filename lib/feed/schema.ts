import { z } from '../zod';
import type { FeedNote } from '../notes/schema';
import { nameProblem } from '../trust/names';
import {
  ENDORSEMENT_STATUSES,
  FACT_TOPICS,
  FEED_FORMAT,
  ISSUER_KINDS,
  PLATFORMS,
  PUBLISHER_KINDS,
  SOURCE_TYPES,
} from './vocabulary';

/** "2022", "2022-05" or "2022-05-20": sources often give only a month or a year. */
export const partialDate = z
  .string()
  .regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, 'expected a date as YYYY, YYYY-MM or YYYY-MM-DD');

export const timestamp = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time, e.g. 2026-11-25T09:00:00Z' });

/** The address, or null: every refinement must be total, because zod runs later refinements even after one failed (a throw would refuse the whole feed). */
function parsedUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** Only http(s) links are ever opened from a card: anything else (javascript:, data:) is refused here. */
export const webLink = z
  .string()
  .max(2000)
  .refine((value) => {
    const url = parsedUrl(value);
    return url?.protocol === 'https:' || url?.protocol === 'http:';
  }, 'expected an http(s) URL');

// Text that reorders what follows it (bidi overrides and isolates) could make "\u202EECIN" read as
// "NICE"; text of invisible characters only would show a blank issuer. Both are refused.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
const VISIBLE = /[^\s\u200B-\u200F\u2060\uFEFF]/;

/** Trimmed text of 1 to `max` characters, with something visible in it and nothing that reorders it. */
export const shortText = (max: number) =>
  z
    .string()
    .trim()
    // An empty or overlong text gets one message, not three.
    .min(1, { abort: true })
    .max(max, { abort: true })
    .refine((value) => !BIDI_CONTROLS.test(value), 'must not contain characters that reverse or reorder text')
    .refine((value) => VISIBLE.test(value), 'must contain visible text');

/**
 * A name people read as an identity (issuer, publisher, tool): short text that also refuses
 * invisible characters and words mixing Latin with look-alike letters (docs/trust-model.md).
 */
export const nameText = (max: number) =>
  shortText(max).superRefine((value, context) => {
    const problem = nameProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

export const appleIdSchema = z.string().regex(/^\d{5,12}$/, 'expected the numeric App Store id (the digits after "id" in the URL)');
export const playPackageSchema = z
  .string()
  .max(150)
  .regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/, 'expected a Google Play package name such as com.example.app');

export const webIdentifierSchema = z.object({
  /** Scheme and host, e.g. "https://www.sleepio.com". */
  origin: webLink.refine((value) => {
    const url = parsedUrl(value);
    // An address that is not one at all has its own message from webLink.
    return url === null || (url.pathname === '/' && !url.search && !url.hash && !url.username);
  }, 'expected an origin only (scheme and host); put any path in pathPrefix'),
  /** Limits the claim to part of a site, e.g. "/nhs-app" on www.nhs.uk. */
  pathPrefix: z
    .string()
    .max(500)
    .regex(/^\/[^?#\s]*$/, 'expected a path starting with "/" and without query or fragment')
    .optional(),
});

export const identifiersSchema = z.object({
  apple: z.array(appleIdSchema).max(20).optional(),
  googlePlay: z.array(playPackageSchema).max(20).optional(),
  web: z.array(webIdentifierSchema).max(50).optional(),
});

/** Who a claim is about: an age range (years) and/or words. Absent: not limited by age or group. */
export const populationSchema = z
  .object({
    minAge: z.number().int().min(0).max(120).optional(),
    maxAge: z.number().int().min(0).max(120).optional(),
    description: shortText(300).optional(),
  })
  .refine((population) => population.minAge === undefined || population.maxAge === undefined || population.minAge <= population.maxAge, 'minAge must not be above maxAge')
  .refine((population) => Object.values(population).some((value) => value !== undefined), 'give minAge, maxAge or a description');

export const endorsementSchema = z.object({
  issuer: nameText(200),
  issuerKind: z.enum(ISSUER_KINDS),
  status: z.enum(ENDORSEMENT_STATUSES),
  guidanceCode: shortText(40).optional(),
  /** "unknown" says so explicitly: the card shows "date not stated" rather than guessing. */
  decisionDate: z.union([partialDate, z.literal('unknown')]),
  dateNote: shortText(500).optional(),
  reviewDate: partialDate.optional(),
  sourceUrl: webLink,
  sourceType: z.enum(SOURCE_TYPES),
  quote: shortText(600).optional(),
  /** Narrows the claim to some of the tool's conditions (e.g. conditional for heart failure only). */
  conditions: z.array(shortText(80)).max(30).optional(),
  note: shortText(1000).optional(),
  // Format v2: scope, validity and supersession (docs/trust-model.md §3). Absent means "not limited by this".
  /** The platforms the claim is about: a claim on the iOS app says nothing of the Android one. */
  platforms: z.array(z.enum(PLATFORMS)).min(1).max(PLATFORMS.length).optional(),
  population: populationSchema.optional(),
  /** Where or on what condition it applies: "only within NHS Talking Therapies, once DTAC is in place". */
  setting: shortText(300).optional(),
  /** The assessed version range per platform, as written by the issuer (e.g. "3.2 to 3.x"). */
  versions: z.object({ ios: shortText(60).optional(), android: shortText(60).optional(), web: shortText(60).optional() }).optional(),
  /** After this date the claim no longer stands. */
  expiresAt: partialDate.optional(),
  /** Guidance codes of this issuer's earlier decisions that this one replaces. */
  supersedes: z.array(shortText(40)).max(20).optional(),
  /** What must be checked before the claim is relied on; a claim with one decides nothing. */
  verify: shortText(500).optional(),
});

export const factSchema = z.object({
  topic: z.enum(FACT_TOPICS),
  text: shortText(500),
  sourceUrl: webLink.optional(),
  sourceType: z.enum(SOURCE_TYPES),
  date: z.union([partialDate, z.literal('unknown')]).optional(),
});

export const toolIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'expected a stable id of lower-case letters, digits, ".", "_" or "-"');

/** A tool with its lists left unchecked, so each endorsement and fact can be judged on its own. */
export const toolShellSchema = z.object({
  id: toolIdSchema,
  name: nameText(200),
  /** The organisation behind the tool; null when no source verified it. */
  publisher: nameText(200).nullable().optional(),
  description: shortText(1000).optional(),
  identifiers: identifiersSchema.default({}),
  conditions: z.array(shortText(80)).max(50).default([]),
  endorsements: z.array(z.unknown()).max(500).default([]),
  facts: z.array(z.unknown()).max(100).default([]),
});

export const feedPublisherSchema = z.object({
  id: toolIdSchema,
  name: nameText(200),
  kind: z.enum(PUBLISHER_KINDS),
  url: webLink.optional(),
});

export const MAX_TOOLS_PER_FEED = 200_000;
/** A feed may say its data stays current for at most a year without being regenerated. */
export const MAX_STALE_AFTER_DAYS = 365;
/** A team shares tens or hundreds of notes; far more is a mistake or an attack. */
export const MAX_NOTES_PER_FEED = 20_000;

/** The envelope is checked whole: if it fails, nothing in the feed is trusted. */
export const envelopeSchema = z.object({
  format: z.literal(FEED_FORMAT),
  version: z.number().int().min(1),
  publisher: feedPublisherSchema,
  sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  generatedAt: timestamp,
  expiresAt: timestamp.optional(),
  /** Format v2: how many days after generatedAt the publisher's data counts as not refreshed (default 90). */
  staleAfterDays: z.number().int().min(1).max(MAX_STALE_AFTER_DAYS).optional(),
  tools: z.array(z.unknown()).max(MAX_TOOLS_PER_FEED),
  /** Peer notes (a team feed's content), each judged on its own like a tool. */
  notes: z.array(z.unknown()).max(MAX_NOTES_PER_FEED).default([]),
});

export type Endorsement = z.infer<typeof endorsementSchema>;
export type Population = z.infer<typeof populationSchema>;
export type Fact = z.infer<typeof factSchema>;
export type Identifiers = z.infer<typeof identifiersSchema>;
export type WebIdentifier = z.infer<typeof webIdentifierSchema>;
export type FeedPublisher = z.infer<typeof feedPublisherSchema>;

export interface Tool {
  id: string;
  name: string;
  publisher?: string | null;
  description?: string;
  identifiers: Identifiers;
  conditions: string[];
  endorsements: Endorsement[];
  facts: Fact[];
}

export interface Feed {
  format: typeof FEED_FORMAT;
  version: number;
  publisher: FeedPublisher;
  sequence: number;
  generatedAt: string;
  expiresAt?: string;
  staleAfterDays?: number;
  tools: Tool[];
  /** Peer notes; a registry feed has none. Always present (perhaps empty) once parsed. */
  notes?: FeedNote[];
}
