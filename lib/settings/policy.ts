import { z } from '../zod';
import { formatPath } from '../feed/parse';
import { nameText, toolIdSchema } from '../feed/schema';
import { pinnedKeysSchema } from '../feed/keys';
import { imitatesName, sameName } from '../trust/names';
import { NATIONAL_AUTHORITIES, trustRootWith, type TrustRoot } from '../trust/trust-root';
import type { SignpostDatabase } from '../storage/db';
import { feedUrlProblem } from '../sync/feed-url';

// NHS IT deployment: a managed policy (Chrome and Edge storage.managed, with public/managed_schema.json;
// Firefox enterprise policies "3rdparty") presets feeds with their pinned keys, the digital
// champion's email and link badges, and may lock them. Design notes:
// - Policy is hostile input like any other: it is validated here, and a bad policy is reported on
//   the settings page, never crashed on; the last valid policy stays in force.
// - The valid policy is cached in the database, so start-up and every lookup read the cache and
//   never wait for the browser's policy store; the background refreshes it in the background.

export const POLICY_LOCKS = ['feeds', 'championEmail', 'linkBadges'] as const;
export type PolicyLock = (typeof POLICY_LOCKS)[number];

const MAX_POLICY_FEEDS = 50;
const MAX_POLICY_AUTHORITIES = 50;

const NATIONAL_NAMES = NATIONAL_AUTHORITIES.flatMap((authority) => [authority.name, ...authority.aliases]);

/** A local authority may not take, or imitate, the name of a national one: policy cannot make a feed speak for NICE. */
const localAuthorityName = nameText(200).refine(
  (name) => !NATIONAL_NAMES.some((national) => sameName(name, national) || imitatesName(name, national)),
  'must not be, or read like, the name of a national body (NICE, NHS England and others): policy adds local authorities only',
);

/** An ICB, PCN or other local body whose own key speaks for it (docs/trust-model.md §1). */
const localAuthoritySchema = z.object({
  id: toolIdSchema,
  name: localAuthorityName,
  aliases: z.array(localAuthorityName).max(10).optional(),
  kind: z.enum(['local-network', 'charity', 'nhs-programme', 'other']).default('local-network'),
  keys: pinnedKeysSchema.min(1),
});

export const policySchema = z.object({
  /** Feeds every user gets, with the publisher keys they must be signed with. */
  feeds: z
    .array(
      z.object({
        url: z
          .string()
          .trim()
          .max(2000)
          .refine((url) => feedUrlProblem(url) === null, 'expected an https:// feed address')
          // The form subscriptions are stored and compared in (see normaliseFeedUrl).
          .transform((url) => new URL(url).href),
        keys: pinnedKeysSchema.optional(),
      }),
    )
    .max(MAX_POLICY_FEEDS)
    .default([]),
  /** Settings users may not change: "feeds" (add or remove feeds), "championEmail", "linkBadges". */
  locked: z.array(z.enum(POLICY_LOCKS)).max(POLICY_LOCKS.length).default([]),
  championEmail: z.email().optional(),
  linkBadges: z.boolean().optional(),
  /** Local bodies whose own keys may make claims in their name. */
  authorities: z.array(localAuthoritySchema).max(MAX_POLICY_AUTHORITIES).default([]),
});

export type Policy = z.infer<typeof policySchema>;

export const NO_POLICY: Policy = policySchema.parse({});

export type PolicyStatus = { ok: true; at: number } | { ok: false; at: number; problems: string[] };

const POLICY_KEY = 'policy';
const storedSchema = z.object({ policy: policySchema, status: z.union([z.object({ ok: z.literal(true), at: z.number() }), z.object({ ok: z.literal(false), at: z.number(), problems: z.array(z.string()) })]) });

export interface PolicyState {
  policy: Policy;
  /** Undefined until the browser's policy store has been read once. */
  status?: PolicyStatus;
}

/** The cached policy, validated on load; a damaged cache counts as no policy. */
export async function loadPolicyState(db: SignpostDatabase): Promise<PolicyState> {
  const parsed = storedSchema.safeParse((await db.settings.get(POLICY_KEY))?.value);
  return parsed.success ? parsed.data : { policy: NO_POLICY };
}

export async function loadPolicy(db: SignpostDatabase): Promise<Policy> {
  return (await loadPolicyState(db)).policy;
}

export function readPolicy(raw: unknown): { ok: true; policy: Policy } | { ok: false; problems: string[] } {
  const parsed = policySchema.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, policy: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => `${formatPath(issue.path) || 'policy'}: ${issue.message}`) };
}

/**
 * Takes what the browser's policy store holds now. A valid policy replaces the cache; an invalid
 * one is recorded with its problems and the last valid policy stays in force.
 */
export async function refreshPolicy(db: SignpostDatabase, raw: unknown, now: number): Promise<PolicyState> {
  const read = readPolicy(raw);
  return db.transaction('rw', db.settings, async () => {
    const current = await loadPolicyState(db);
    const next: PolicyState = read.ok ? { policy: read.policy, status: { ok: true, at: now } } : { policy: current.policy, status: { ok: false, at: now, problems: read.problems } };
    await db.settings.put({ key: POLICY_KEY, value: next });
    return next;
  });
}

export const isLocked = (policy: Policy, lock: PolicyLock) => policy.locked.includes(lock);

/** The trust root in force: the shipped national authorities and the policy's local ones. */
export function policyTrustRoot(policy: Policy): TrustRoot {
  return trustRootWith(policy.authorities);
}

export function policyFeed(policy: Policy, url: string): Policy['feeds'][number] | undefined {
  return policy.feeds.find((feed) => feed.url === url);
}
