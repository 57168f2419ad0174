// `lookup`: feeds loaded into the extension's own database through the extension's own sync code,
// checked as the extension checks them, then the extension's own lookup, so the answer printed is
// the answer a clinician would see on the card.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { conditionLabel } from '../feed/conditions';
import type { Verification } from '../feed/verify';
import { STATUS_LABELS } from '../feed/vocabulary';
import { formatPartialDate, partialDateHasPassed } from '../format/dates';
import type { PageIdentity } from '../lookup/recognise';
import { NOT_COUNTED, platformsInWords, populationInWords } from '../registry/claim-words';
import { lookupUrl, type LookupMatch, type LookupResult } from '../registry/lookup';
import type { AssessedClaim } from '../registry/standing';
import type { Claim } from '../registry/types';
import { VERDICT_LABELS, verdictLook } from '../registry/verdict-look';
import { signpostingFor } from '../signposting/patient-text';
import type { SignpostDatabase } from '../storage/db';
import { dexieRegistrySource } from '../storage/registry-source';
import { SyncError } from '../sync/errors';
import { storeFeed, syncFeed, validateFeed } from '../sync/sync';
import { basisInWords } from '../registry/claim-words';
import { count, type Report } from './report';
import { readSource, sourceLabel, type FeedSource, type ReadDeps } from './source';
import { KEY_NOT_FOR_BUNDLED, judgingOf, keysProblem, levelInWords, openFeed, plainMessage, verificationInWords, type Judging } from './trust';

export interface LookupDeps extends ReadDeps {
  /** An empty database: the CLI's lives in memory (fake-indexeddb) and is gone when it exits. */
  db: SignpostDatabase;
  now: number;
  /** The feed shipped inside Signpost (public/feeds/default.json): checked against its own keys and judged as bundled. */
  bundledFeedPath?: string;
}

interface LoadedFeed {
  /** The key the feed is stored under: its web address, or a file:// URL for a local file. */
  url: string;
  label: string;
  publisher: string;
  bundled: boolean;
  verification: Verification;
  quarantined: number;
}

type Loaded = Omit<LoadedFeed, 'label' | 'bundled' | 'publisher'>;

/**
 * Looks a page up in the given feeds. `keys` (--key) check the signature of every feed but the
 * bundled one, which is always checked against Signpost's own keys; a feed that fails its check
 * is an error, as it would be refused in the extension.
 */
export async function lookupReport(deps: LookupDeps, pageUrl: string, sources: readonly FeedSource[], keys: readonly string[] = []): Promise<Report> {
  if (!/^https?:\/\//i.test(pageUrl) || !URL.canParse(pageUrl)) {
    return { exitCode: 1, lines: [`${pageUrl}: not a web address; give the full address of the page, starting with https://`] };
  }
  const keyProblem = keysProblem(keys);
  if (keyProblem) return { exitCode: 1, lines: [keyProblem] };
  const judged = sources.map((source) => ({ source, judging: judgingOf(source, keys, deps.bundledFeedPath) }));
  if (keys.length > 0 && judged.every(({ judging }) => judging.bundled)) {
    return { exitCode: 1, lines: [KEY_NOT_FOR_BUNDLED] };
  }
  const loaded = await loadFeeds(deps, judged);
  if (!loaded.ok) return { exitCode: 1, lines: loaded.lines };
  const bundledUrls = new Set(loaded.feeds.filter((feed) => feed.bundled).map((feed) => feed.url));
  const result = await lookupUrl(dexieRegistrySource(deps.db, undefined, { isBundled: (url) => bundledUrls.has(url) }), pageUrl, deps.now);
  return { exitCode: 0, lines: formatLookup(pageUrl, result, loaded.feeds, deps.now) };
}

async function loadFeeds(deps: LookupDeps, judged: readonly { source: FeedSource; judging: Judging }[]): Promise<{ ok: true; feeds: LoadedFeed[] } | { ok: false; lines: string[] }> {
  const feeds: LoadedFeed[] = [];
  const lines: string[] = [];
  for (const { source, judging } of judged) {
    const label = sourceLabel(source);
    const loaded = source.kind === 'url' ? await loadUrl(deps, source.url, judging.keys) : await loadFile(deps, source, judging);
    if (typeof loaded === 'string') {
      lines.push(`${label}: ${loaded}`);
      continue;
    }
    const publisher = (await deps.db.feeds.get(loaded.url))?.publisher?.name ?? label;
    feeds.push({ ...loaded, label, publisher, bundled: judging.bundled });
  }
  return lines.length ? { ok: false, lines } : { ok: true, feeds };
}

async function loadUrl(deps: LookupDeps, url: string, keys: readonly string[]): Promise<Loaded | string> {
  const outcome = await syncFeed({ db: deps.db, fetch: deps.fetch, now: () => deps.now, maxBytes: deps.maxBytes, anchorsFor: async () => ({ anchors: keys, bundled: false }) }, url);
  if (outcome.status === 'failed') return plainMessage(outcome.error.message);
  const verification = (await deps.db.feeds.get(url))?.signature ?? { status: 'unsigned' };
  return { url, verification, quarantined: outcome.status === 'updated' ? outcome.counts.quarantined : 0 };
}

/** A local file goes through the same signature check, validation and storeFeed as a fetched one. */
async function loadFile(deps: LookupDeps, source: Extract<FeedSource, { kind: 'file' }>, judging: Judging): Promise<Loaded | string> {
  const read = await readSource(source, deps);
  if (!read.ok) return read.message;
  const opened = await openFeed(read.text, { ...judging, now: deps.now });
  if (!opened.ok) return opened.message;
  try {
    const url = pathToFileURL(resolve(source.path)).href;
    const counts = await storeFeed(deps.db, url, validateFeed(opened.document.json), { at: deps.now, signature: opened.verification });
    return { url, verification: opened.verification, quarantined: counts.quarantined };
  } catch (error) {
    if (error instanceof SyncError) return `${plainMessage(error.message)} Run validate on it for every problem.`;
    throw error;
  }
}

function formatLookup(pageUrl: string, result: LookupResult, feeds: readonly LoadedFeed[], now: number): string[] {
  const labels = new Map(feeds.map((feed) => [feed.url, feed.label]));
  const lines = [`Looked up: ${pageUrl}`];
  if (result.identity) lines.push(`Recognised as: ${identityLabel(result.identity)}`);
  if (result.matches.length === 0) {
    lines.push(`${VERDICT_LABELS['not-in-registry']}: none of the loaded feeds lists this address.`);
    if (!result.identity) lines.push('It is not a page Signpost looks up (such as an app store search or developer page).');
    lines.push('Not being listed is not a judgement of the tool either way.');
  } else if (result.matches.length > 1) {
    lines.push(`This address is claimed equally by ${result.matches.length} tools in the loaded feeds:`);
  }
  for (const match of result.matches) lines.push('', ...matchLines(match, labels, now));
  lines.push('', ...freshnessLines(result, feeds));
  return lines;
}

function identityLabel(identity: PageIdentity): string {
  switch (identity.kind) {
    case 'apple':
      return `App Store app, id ${identity.id}`;
    case 'google-play':
      return `Google Play app ${identity.id}`;
    case 'web':
      return `web page ${identity.host}${identity.path}`;
  }
}

/** The card's order: the verdict and who says it, why it may be out of date, each claim, what was left out, the patient text. */
function matchLines(match: LookupMatch, labels: ReadonlyMap<string, string>, now: number): string[] {
  const { product, verdict } = match;
  const lines = [`${product.name}${product.publisher ? `, by ${product.publisher}` : ''}`];
  if (product.otherNames.length) lines.push(`  Also called: ${product.otherNames.join(', ')}`);
  lines.push(`  Verdict: ${verdictLook(verdict.state, verdict.stale.length > 0).label}`);
  for (const statement of verdict.headline) lines.push(`  Says: ${statement.text}`);
  for (const reason of verdict.stale) lines.push(`  May be out of date: ${reason.text}`);
  if (verdict.state === 'disagreement') lines.push('  Sources disagree: both sides are shown and neither is resolved away; read each claim below before deciding.');
  if (verdict.reportedCount) {
    lines.push(`  Reported only: ${count(verdict.reportedCount, 'claim')} below, from feeds Signpost cannot check against the issuer, never counted in the verdict.`);
  }
  if (verdict.vendorStatedCount) {
    lines.push(`  Vendor-stated (the company's own): ${count(verdict.vendorStatedCount, 'claim')} below, never counted in the verdict.`);
  }
  if (product.conditions.length) lines.push(`  Conditions: ${product.conditions.map(conditionLabel).join(', ')}`);
  lines.push(verdict.claims.length ? '  Endorsements:' : '  Endorsements: none');
  for (const claim of verdict.claims) lines.push(...claimLines(claim, labels, now));
  if (product.refusedClaims.length) {
    lines.push('  Left out:');
    for (const refused of product.refusedClaims) lines.push(`    - ${refused.feedPublisher} named "${refused.issuer}" as the issuer. Signpost left it out: ${refused.reason}.`);
  }
  lines.push(...patientTextLines(match));
  return lines;
}

const SOURCE_TYPE_LABELS: Record<Claim['sourceType'], string> = {
  primary: "the issuer's own page",
  secondary: 'reported by another source',
  'vendor-stated': "vendor-stated: the company's own claim",
};

/** One claim as the card's details show it: who, what, how far it counts, and its scope and dates. */
function claimLines(claim: AssessedClaim, labels: ReadonlyMap<string, string>, now: number): string[] {
  const who = claim.authority.authority?.name ?? claim.issuer;
  const head = [
    STATUS_LABELS[claim.status],
    ...(claim.guidanceCode ? [claim.guidanceCode] : []),
    claim.decisionDate === 'unknown' ? formatPartialDate(claim.decisionDate) : `decided ${formatPartialDate(claim.decisionDate)}`,
  ];
  const reviewPassed = claim.reviewDate !== undefined && partialDateHasPassed(claim.reviewDate, now);
  const notCounted = claim.standing === 'in-force' || claim.standing === 'reported' || claim.standing === 'vendor-stated' ? undefined : NOT_COUNTED[claim.standing];
  const detail = (label: string, text: string | undefined) => (text ? [`      ${label}: ${text}`] : []);
  return [
    `    - ${who}${who === claim.issuer ? '' : ` (as "${claim.issuer}")`}: ${head.join('; ')}`,
    `      Trust: ${levelInWords(claim.authority)}: ${basisInWords(claim)}`,
    ...detail('Not counted', notCounted),
    ...detail('About the date', claim.dateNote),
    ...detail('For', claim.conditions?.map(conditionLabel).join(', ')),
    ...detail('Who', claim.population && populationInWords(claim.population)),
    ...detail('Platforms', claim.platforms && platformsInWords(claim.platforms)),
    ...detail('Only', claim.setting),
    ...detail('Versions assessed', claim.versions && Object.entries(claim.versions).map(([platform, range]) => `${platform} ${range}`).join(', ')),
    ...detail('To check before relying on it', claim.verify),
    ...detail('Note', claim.note),
    ...(reviewPassed ? [`      Review date (${formatPartialDate(claim.reviewDate)}) has passed: this may be out of date.`] : detail('Review date', claim.reviewDate && formatPartialDate(claim.reviewDate))),
    ...detail('Valid until', claim.expiresAt && formatPartialDate(claim.expiresAt)),
    `      Source: ${claim.sourceUrl} (${SOURCE_TYPE_LABELS[claim.sourceType]})`,
    `      From feed: ${claim.feedPublisher} (${labels.get(claim.feedUrl) ?? claim.feedUrl})`,
  ];
}

/** What the card offers to send to a patient, or why it offers nothing. */
function patientTextLines(match: LookupMatch): string[] {
  const signposting = signpostingFor(match);
  if (signposting.kind === 'withheld') return [`  Patient text: none. ${signposting.reason}`];
  return ['  Patient text, as Signpost offers it to copy:', ...signposting.text.split('\n').map((line) => `    ${line}`), ...signposting.notes.map((note) => `  ${note}`)];
}

function freshnessLines({ freshness }: LookupResult, feeds: readonly LoadedFeed[]): string[] {
  const lines = freshness.dataFrom ? [`Data from ${freshness.dataFrom.slice(0, 10)} (when the oldest feed behind this answer was generated).`] : [];
  for (const publisher of freshness.expiredPublishers) lines.push(`Past its expiry date: the feed from ${publisher}; its data may be out of date.`);
  lines.push('Feeds checked:');
  for (const feed of feeds) lines.push(`  ${feed.label} (${feed.publisher}): ${verificationInWords(feed.verification, feed.bundled)}`);
  for (const feed of feeds.filter((f) => f.quarantined > 0)) {
    lines.push(`${feed.label}: ${count(feed.quarantined, 'entry', 'entries')} left out as invalid (run validate on it for details).`);
  }
  return lines;
}
