// An authorised local feed, set up as NHS IT deploys one (docs/trust-model.md §1): the policy names
// a local authority (an ICB, say) and its key, and the authority's feed, signed with that key, is
// subscribed through the settings page with the key pinned. Claims the feed makes in the
// authority's name then decide the verdict, the badge and the patient text; the bundled feed's
// claims for tools with store ids no longer do, so flows that need patient text start here.
import { generateKeyPair, type KeyPair } from '@/lib/feed/keys';
import { signFeed } from '../../helpers/publish';
import type { Feed, Tool } from '@/lib/feed/schema';
import type { Policy } from '@/lib/settings/policy';
import type { ExtensionSession } from './browser';
import { readFeeds, writeSetting } from './idb';
import { openSettings } from './pages';
import type { FeedServer } from './server';
import { waitFor } from './wait';

export interface LocalAuthority {
  id: string;
  /** The authority's name: what its claims give as their issuer. */
  name: string;
  /** The kinds a policy may give a local authority; its feed and its claims carry the same. */
  kind: Policy['authorities'][number]['kind'];
  key: KeyPair;
}

export async function localAuthority(id: string, name: string, kind: LocalAuthority['kind'] = 'local-network'): Promise<LocalAuthority> {
  return { id, name, kind, key: await generateKeyPair() };
}

/**
 * Puts in force NHS IT's policy naming these authorities and their keys (replacing any earlier
 * one), as the worker caches a managed policy once it has read it: reading storage.managed itself
 * is covered by tests/unit/policy.test.ts. Call it once the bundled registry is in (startStoreSession
 * waits for it), so the start-up read of the browser's empty policy cannot overwrite it.
 */
export async function trustLocalAuthorities(session: ExtensionSession, authorities: readonly LocalAuthority[]): Promise<void> {
  const policy = { authorities: authorities.map(({ id, name, kind, key }) => ({ id, name, kind, keys: [key.publicKey] })) };
  if (!(await writeSetting(session.serviceWorker, 'policy', { policy, status: { ok: true, at: Date.now() } }))) {
    throw new Error('the extension has not created its database yet');
  }
}

/** A current feed (format v2, generated now) published by the authority itself. */
export function authorityFeed(authority: LocalAuthority, tools: Tool[]): Feed {
  return {
    format: 'signpost-feed',
    version: 2,
    publisher: { id: authority.id, name: `${authority.name} formulary`, kind: authority.kind },
    sequence: 1,
    generatedAt: new Date().toISOString(),
    tools,
  };
}

/** Serves the feed signed with the authority's key, as its publisher would; returns its address. */
export async function publishSigned(feeds: FeedServer, path: string, feed: unknown, authority: LocalAuthority): Promise<string> {
  const signed = await signFeed(`${JSON.stringify(feed, null, 2)}\n`, [authority.key], [feeds.origin + path]);
  return feeds.publish(path, JSON.parse(signed));
}

/** Subscribes to a feed as a clinician does, pinning `key` when given, and waits until the worker has stored it. */
export async function subscribeThroughSettings(session: ExtensionSession, url: string, key?: string): Promise<void> {
  const settings = await openSettings(session);
  await settings.getByLabel('Feed address').fill(url);
  if (key) await settings.getByLabel("Publisher's signing key (optional)").fill(key);
  await settings.getByRole('button', { name: 'Check feed' }).click();
  await settings.locator('.preview').getByRole('button', { name: 'Subscribe' }).click();
  await waitFor(async () => (await readFeeds(session.serviceWorker)).find((row) => row.url === url)?.sequence !== undefined, { timeoutMs: 15_000, message: `the feed ${url} stored` });
  await settings.close();
}

/**
 * The whole set-up for one authority: the policy naming it alone, its signed feed of `tools`
 * served at `path`, and the subscription with its key pinned. Returns the feed's address.
 */
export async function subscribeAuthorisedFeed(session: ExtensionSession, feeds: FeedServer, authority: LocalAuthority, path: string, tools: Tool[]): Promise<string> {
  await trustLocalAuthorities(session, [authority]);
  const url = await publishSigned(feeds, path, authorityFeed(authority, tools), authority);
  await subscribeThroughSettings(session, url, authority.key.publicKey);
  return url;
}
