// The key the feed bundled with Signpost (public/feeds/default.json) must be signed with: Signpost
// checks its own bundled feed like any pinned feed, so a tampered copy on disk is refused, and only
// that key relays national bodies (lib/trust/trust-root.ts).
//
// Development and test builds, the tests and the CLI trust the TEST key, whose private half is
// committed (keys/TEST-ONLY-bundled-feed-signing-key.jwk) so that anyone can rebuild the feed. A
// release build (`npm run build:release`, docs/deployment.md "Release") defines
// __SIGNPOST_RELEASE_FEED_KEY__ from a key kept offline, refuses the TEST key, and re-signs the
// bundled feed with it: the TEST key is then not in the release at all.

/** The public half of the committed TEST-ONLY key. */
export const TEST_BUNDLED_FEED_KEY = 'ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w=';

declare const __SIGNPOST_RELEASE_FEED_KEY__: string | undefined;

/** Set only in a release build. */
export const RELEASE_FEED_KEY: string | undefined = typeof __SIGNPOST_RELEASE_FEED_KEY__ === 'string' ? __SIGNPOST_RELEASE_FEED_KEY__ : undefined;

/** A build whose bundled feed anyone could sign: Settings says so. */
export const IS_TEST_BUILD = RELEASE_FEED_KEY === undefined;

export const BUNDLED_FEED_KEYS: readonly string[] = [RELEASE_FEED_KEY ?? TEST_BUNDLED_FEED_KEY];
