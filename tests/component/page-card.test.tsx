import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPageCard } from '@/components/page-card';
import { lookupForCard, type LookupReply } from '@/lib/background/handlers';
import { hiddenListingKeys } from '@/lib/settings/dismissed';
import { dexieRegistrySource } from '@/lib/storage/registry-source';
import { endorsement, feed, tool } from '../helpers/feeds';
import { testDb } from '../helpers/db';
import { captureShadowRoots, type ShadowRoots } from '../helpers/shadow-roots';
import { storeAsLocalAuthority, testKey } from '../helpers/trust';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const PAGE = 'https://apps.apple.com/gb/app/example-coach/id1000000001';

/** The worker's answers for PAGE from a registry where the tool carries `status`. */
async function replyWith(status: 'recommended' | 'withdrawn', dismissed = false): Promise<LookupReply> {
  const db = testDb();
  const coach = tool({ id: 'coach', name: 'Example Coach', identifiers: { apple: ['1000000001'] }, endorsements: [endorsement({ status })] });
  // Signed by a local body NHS IT's policy trusts, so its claim decides the verdict.
  await storeAsLocalAuthority(db, 'https://feed.example/feed.json', feed({ tools: [coach] }), { id: 'example-charity', name: 'Example Charity (test)', key: testKey(7) }, { at: NOW });
  const reply = await lookupForCard({ registry: dexieRegistrySource(db), hiddenListings: () => hiddenListingKeys(db), now: () => NOW }, PAGE);
  return { ...reply, dismissed };
}

// The card's shadow root is closed; the test keeps it as it is made (tests/helpers/shadow-roots.ts).
let shadowRoots: ShadowRoots;
beforeEach(() => {
  shadowRoots = captureShadowRoots();
});
const headline = () => shadowRoots.of('signpost-trust-card')?.querySelector('.headline')?.textContent ?? null;

/** A promise with its resolver, to hand answers over in a chosen order. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

afterEach(() => {
  document.querySelector('signpost-trust-card')?.remove();
  vi.restoreAllMocks();
});

describe('the page card drawn from a stored copy, then the live answer', () => {
  it('draws the copy at once and redraws it with the live answer in place', async () => {
    const [copy, live] = [deferred<LookupReply | undefined>(), deferred<LookupReply | undefined>()];
    const card = createPageCard();
    const shown = card.showFor(PAGE, { answers: [copy.promise, live.promise] });
    copy.resolve(await replyWith('recommended'));
    await vi.waitFor(() => expect(headline()).toContain('Recommended'));
    // The registry changed meanwhile: the live answer wins, in the same card.
    live.resolve(await replyWith('withdrawn'));
    await shown;
    expect(headline()).toContain('Withdrawn');
    expect(document.querySelectorAll('signpost-trust-card')).toHaveLength(1);
  });

  it('takes the copy away when the live answer says the clinician hid this tool', async () => {
    const card = createPageCard();
    await card.showFor(PAGE, { answers: [replyWith('recommended'), replyWith('recommended', true)] });
    expect(document.querySelector('signpost-trust-card')).toBeNull();
  });

  it('with no copy, waits for the live answer alone', async () => {
    const card = createPageCard();
    await card.showFor(PAGE, { answers: [Promise.resolve(undefined), replyWith('recommended')] });
    expect(headline()).toContain('Recommended');
  });

  it('draws nothing for a page already left', async () => {
    const live = deferred<LookupReply | undefined>();
    const card = createPageCard();
    const shown = card.showFor(PAGE, { answers: [live.promise] });
    card.hide();
    live.resolve(await replyWith('recommended'));
    await shown;
    expect(document.querySelector('signpost-trust-card')).toBeNull();
  });
});
