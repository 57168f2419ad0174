// The public keys the feed bundled with Signpost (public/feeds/default.json) must be signed with:
// Signpost checks its own bundled feed like any pinned feed, so a tampered copy on disk is refused.
// The matching private key in keys/ is a clearly named TEST-ONLY key, committed so that anyone can
// rebuild the feed; a real release signs with a key kept offline (SIGNPOST_FEED_SIGNING_KEY, see
// scripts/build-default-feed.ts) and lists its public key here.
export const BUNDLED_FEED_KEYS: readonly string[] = ['ed25519:s/BX4wW313KaUpwgWTaVDofH/V4pI7lsE6YMBTe6x1w='];
