import { isLocked, refreshPolicy, type PolicyState } from '../settings/policy';
import { LINK_BADGES_SETTING } from '../settings/site-access';
import type { SignpostDatabase } from '../storage/db';

/** The slice of the extension API this needs, so a unit test can stand in for the browser. */
export interface PolicyApi {
  storage: {
    managed: { get(): Promise<Record<string, unknown>> };
    local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  };
}

/**
 * Reads the organisation's policy from the browser and puts it in force: cached for every later
 * read, and link badges set as it says (always when locked; as a default only while the user has
 * not chosen). A browser with no policy store (Firefox without enterprise policies) has no policy.
 */
export async function applyManagedPolicy(db: SignpostDatabase, api: PolicyApi, now: number): Promise<PolicyState> {
  const raw = await api.storage.managed.get().catch(() => ({}));
  const state = await refreshPolicy(db, raw, now);
  const { linkBadges } = state.policy;
  if (linkBadges !== undefined) {
    const chosen = (await api.storage.local.get(LINK_BADGES_SETTING))[LINK_BADGES_SETTING];
    if (isLocked(state.policy, 'linkBadges') || chosen === undefined) await api.storage.local.set({ [LINK_BADGES_SETTING]: linkBadges });
  }
  return state;
}
