import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { z } from '../zod';
import type { FeedNote } from '../notes/schema';
import { parseFeed } from './parse';
import { envelopeSchema, toolIdSchema, type Feed, type Tool } from './schema';

// Feed patches (issue #15, docs/feed-format.md "Large feeds: snapshots and patches"). A patch takes
// a feed from one state to another: tools added or changed (upsert), tools removed (tombstones),
// and the notes and envelope fields when they changed. States are named by a digest of the whole
// feed as Signpost keeps it, so a client can check, after applying a patch, that it holds exactly
// what the publisher signed (Firefox Remote Settings verifies the merged collection the same way).
//
// Design note: the digest is two-level. Each tool has a SHA-256; tools fall into STATE_BUCKETS
// buckets by a hash of their id; a bucket's digest covers its tools' digests in id order; the state
// covers the envelope, the notes and the buckets' digests. A patch of a few tools then rehashes only
// the buckets it touches (a few hundred digests each at 100,000 tools), never every tool: hashing all
// 100,000 digests took 49 ms of a patch's 100 ms budget (issue #15).

export const PATCH_FORMAT = 'signpost-feed-patch';
const STATE_PREFIX = 'signpost-state/2\n';
/** How many buckets a state's tools fall into (a protocol constant: publisher and client must agree). */
export const STATE_BUCKETS = 256;
const DIGEST_BYTES = 32;
/** A patch replaces at most this many tools: more and the whole snapshot is the better download. */
const MAX_PATCH_TOOLS = 50_000;

/** The envelope fields a state covers (the sequence names a publication, not a state). */
export interface StateEnvelope {
  publisher: Feed['publisher'];
  generatedAt: string;
  expiresAt?: string;
  staleAfterDays?: number;
}

export const stateEnvelopeOf = ({ publisher, generatedAt, expiresAt, staleAfterDays }: Pick<Feed, 'publisher' | 'generatedAt'> & { expiresAt?: string | undefined; staleAfterDays?: number | undefined }): StateEnvelope => ({
  publisher,
  generatedAt,
  ...(expiresAt ? { expiresAt } : {}),
  ...(staleAfterDays ? { staleAfterDays } : {}),
});

const encoder = new TextEncoder();
/**
 * The bytes of the tool being hashed, reused: a streamed 100k-tool sync hashed 100,000 fresh
 * buffers (about 50 MB outside the JS heap, that V8 lets pile up before it collects them).
 */
let toolBytes = new Uint8Array(16 * 1024);

/** SHA-256 of a tool as Signpost keeps it (after validation: unknown fields dropped, fields in schema order). */
export function toolDigest(tool: Tool): Uint8Array {
  const text = JSON.stringify(tool);
  // UTF-8 takes at most three bytes per UTF-16 code unit.
  if (toolBytes.length < text.length * 3) toolBytes = new Uint8Array(text.length * 3);
  const { written } = encoder.encodeInto(text, toolBytes);
  return sha256(toolBytes.subarray(0, written));
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The state bucket of a tool id: FNV-1a (32-bit) over the id's characters (ids are ASCII), modulo STATE_BUCKETS. */
export function stateBucket(toolId: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < toolId.length; index++) hash = Math.imul(hash ^ toolId.charCodeAt(index), 0x01000193);
  return (hash >>> 0) % STATE_BUCKETS;
}

/** One bucket's digest: SHA-256 over its tools' digests (32 bytes each), in id order (code units). */
export function bucketDigest(toolDigests: Uint8Array): Uint8Array {
  return sha256(toolDigests);
}

/**
 * The digest of a whole state: envelope fields, notes (in id order), and the digests of the
 * STATE_BUCKETS buckets in bucket order (32 bytes each).
 */
export function stateDigest(envelope: StateEnvelope, notes: readonly FeedNote[], bucketDigests: Uint8Array): string {
  const hash = sha256.create();
  // Notes in id order: the store keeps them by id, not in the order the file listed them.
  const sortedNotes = [...notes].sort(byId);
  hash.update(encoder.encode(`${STATE_PREFIX}${JSON.stringify(envelope)}\n${bytesToHex(sha256(encoder.encode(JSON.stringify(sortedNotes))))}\n`));
  hash.update(bucketDigests);
  return bytesToHex(hash.digest());
}

/** The digests of every bucket, from each tool's id and digest (in any order). */
export function bucketDigestsOf(entries: Iterable<{ id: string; digest: Uint8Array }>): Uint8Array {
  const buckets = Array.from({ length: STATE_BUCKETS }, (): { id: string; digest: Uint8Array }[] => []);
  for (const entry of entries) buckets[stateBucket(entry.id)]!.push(entry);
  const digests = new Uint8Array(STATE_BUCKETS * DIGEST_BYTES);
  buckets.forEach((bucket, index) => {
    const joined = new Uint8Array(bucket.length * DIGEST_BYTES);
    bucket.sort(byId).forEach((entry, position) => joined.set(entry.digest, position * DIGEST_BYTES));
    digests.set(bucketDigest(joined), index * DIGEST_BYTES);
  });
  return digests;
}

/** The state digest of a validated feed (what the publisher signs and the client recomputes). */
export function feedState(feed: Feed): string {
  return stateDigest(stateEnvelopeOf(feed), feed.notes ?? [], bucketDigestsOf(feed.tools.map((tool) => ({ id: tool.id, digest: toolDigest(tool) }))));
}

const stateRefSchema = z.object({ sequence: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), state: z.string().regex(/^[0-9a-f]{64}$/) });

/** A patch's shape; its tools and notes are judged one by one, like a feed's. */
const patchSchema = z.object({
  format: z.literal(PATCH_FORMAT),
  version: z.literal(1),
  feedId: z.string().max(100),
  from: stateRefSchema,
  to: stateRefSchema,
  envelope: envelopeSchema.pick({ publisher: true, generatedAt: true, expiresAt: true, staleAfterDays: true }),
  upsert: z.array(z.unknown()).max(MAX_PATCH_TOOLS),
  remove: z.array(toolIdSchema).max(MAX_PATCH_TOOLS),
  /** Present when the notes changed: the whole new list (team feeds are small). */
  notes: z.array(z.unknown()).max(20_000).optional(),
});

export interface Patch {
  feedId: string;
  from: { sequence: number; state: string };
  to: { sequence: number; state: string };
  envelope: StateEnvelope;
  upsert: Tool[];
  remove: string[];
  notes?: FeedNote[];
}

/**
 * Reads a patch, refusing it whole if any part is invalid: a patch that left a tool out would give
 * a state the publisher never signed, so it is thrown away and the snapshot downloaded instead.
 */
export function readPatch(json: unknown): { ok: true; patch: Patch } | { ok: false; problem: string } {
  const shape = patchSchema.safeParse(json);
  if (!shape.success) return { ok: false, problem: `the patch is damaged (${shape.error.issues[0]?.path.join('.') || 'patch'}: ${shape.error.issues[0]?.message})` };
  const { upsert, remove, notes, envelope, ...rest } = shape.data;
  // The tools and notes go through the feed parser, so they are judged exactly as in a snapshot.
  const asFeed = parseFeed({ format: 'signpost-feed', version: 2, sequence: rest.to.sequence, ...envelope, tools: upsert, notes: notes ?? [] });
  if (!asFeed.ok) return { ok: false, problem: `the patch is damaged (${asFeed.problems[0]?.path}: ${asFeed.problems[0]?.message})` };
  if (asFeed.quarantined.length > 0) return { ok: false, problem: `the patch holds an invalid entry (${asFeed.quarantined[0]!.path})` };
  const { expiresAt, staleAfterDays } = envelope;
  return {
    ok: true,
    patch: {
      ...rest,
      envelope: { publisher: envelope.publisher, generatedAt: envelope.generatedAt, ...(expiresAt ? { expiresAt } : {}), ...(staleAfterDays ? { staleAfterDays } : {}) },
      upsert: asFeed.feed.tools,
      remove,
      ...(notes ? { notes: asFeed.feed.notes ?? [] } : {}),
    },
  };
}

/** The patch from one validated feed to another (the publisher's side). */
export function diffFeeds(feedId: string, from: Feed, to: Feed): Patch {
  const before = new Map(from.tools.map((tool) => [tool.id, bytesToHex(toolDigest(tool))]));
  const after = new Set(to.tools.map((tool) => tool.id));
  const notesChanged = JSON.stringify(from.notes ?? []) !== JSON.stringify(to.notes ?? []);
  return {
    feedId,
    from: { sequence: from.sequence, state: feedState(from) },
    to: { sequence: to.sequence, state: feedState(to) },
    envelope: stateEnvelopeOf(to),
    upsert: to.tools.filter((tool) => before.get(tool.id) !== bytesToHex(toolDigest(tool))),
    remove: from.tools.filter((tool) => !after.has(tool.id)).map((tool) => tool.id),
    ...(notesChanged ? { notes: to.notes ?? [] } : {}),
  };
}

/** A patch as its file holds it. */
export function patchText(patch: Patch): string {
  return `${JSON.stringify({ format: PATCH_FORMAT, version: 1, ...patch })}\n`;
}
