import { z } from '../zod';
import { pinnedKeysSchema } from '../feed/keys';
import type { SignpostDatabase } from '../storage/db';
import { loadPolicy } from './policy';

const SUBSCRIPTIONS_KEY = 'subscriptions';

const subscriptionsSchema = z
  .array(
    z.object({
      url: z.string().max(2000),
      addedAt: z.number(),
      /** Publisher keys pinned for this feed: only a feed signed by one of them is accepted. */
      keys: pinnedKeysSchema.optional(),
    }),
  )
  .max(200);

export type Subscriptions = z.infer<typeof subscriptionsSchema>;

/**
 * The feeds the user added, validated on load: a damaged entry is ignored (and reported in the
 * worker's console) rather than trusted, and the bundled feed is always kept.
 */
export async function loadSubscriptions(db: SignpostDatabase): Promise<Subscriptions> {
  const stored = await db.settings.get(SUBSCRIPTIONS_KEY);
  if (!stored) return [];
  const parsed = subscriptionsSchema.safeParse(stored.value);
  if (parsed.success) return parsed.data;
  console.warn('Signpost: stored feed subscriptions are invalid and were ignored', parsed.error.issues);
  return [];
}

export async function saveSubscriptions(db: SignpostDatabase, subscriptions: Subscriptions): Promise<void> {
  await db.settings.put({ key: SUBSCRIPTIONS_KEY, value: subscriptionsSchema.parse(subscriptions) });
}

/** Every feed to sync: the bundled one, those the organisation's policy sets, then the user's own. */
export async function subscribedFeedUrls(db: SignpostDatabase, bundledFeedUrl: string): Promise<string[]> {
  const [subscriptions, policy] = await Promise.all([loadSubscriptions(db), loadPolicy(db)]);
  return [...new Set([bundledFeedUrl, ...policy.feeds.map((feed) => feed.url), ...subscriptions.map((subscription) => subscription.url)])];
}
