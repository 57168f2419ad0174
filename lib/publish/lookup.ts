// `lookup`: feeds loaded into the extension's own database through the extension's own sync code,
// then the extension's own lookup, so the answer printed is the answer a clinician would see.
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { conditionLabel } from '../feed/conditions';
import { formatPartialDate } from '../format/dates';
import { ISSUER_KIND_LABELS, STATUS_LABELS } from '../feed/vocabulary';
import type { PageIdentity } from '../lookup/recognise';
import { lookupUrl, type LookupMatch, type LookupResult } from '../registry/lookup';
import { whoSaidIt } from '../registry/present';
import type { Claim } from '../registry/types';
import { VERDICT_LABELS } from '../registry/verdict-look';
import type { SignpostDatabase } from '../storage/db';
import { dexieRegistrySource } from '../storage/registry-source';
import { SyncError } from '../sync/errors';
import { decodeFeed, storeFeed, syncFeed } from '../sync/sync';
import { count, type Report } from './report';
import { readSource, sourceLabel, type FeedSource, type ReadDeps } from './source';

export interface LookupDeps extends ReadDeps {
  /** An empty database: the CLI's lives in memory (fake-indexeddb) and is gone when it exits. */
  db: SignpostDatabase;
  now: number;
}

interface LoadedFeed {
  /** The key the feed is stored under: its web address, or a file:// URL for a local file. */
  url: string;
  label: string;
  quarantined: number;
}

export async function lookupReport(deps: LookupDeps, pageUrl: string, sources: readonly FeedSource[]): Promise<Report> {
  if (!/^https?:\/\//i.test(pageUrl) || !URL.canParse(pageUrl)) {
    return { exitCode: 1, lines: [`${pageUrl}: not a web address; give the full address of the page, starting with https://`] };
  }
  const loaded = await loadFeeds(deps, sources);
  if (!loaded.ok) return { exitCode: 1, lines: loaded.lines };
  const result = await lookupUrl(dexieRegistrySource(deps.db), pageUrl, deps.now);
  return { exitCode: 0, lines: formatLookup(pageUrl, result, loaded.feeds) };
}

async function loadFeeds(deps: LookupDeps, sources: readonly FeedSource[]): Promise<{ ok: true; feeds: LoadedFeed[] } | { ok: false; lines: string[] }> {
  const feeds: LoadedFeed[] = [];
  const lines: string[] = [];
  for (const source of sources) {
    const label = sourceLabel(source);
    const loaded = source.kind === 'url' ? await loadUrl(deps, source.url) : await loadFile(deps, source);
    if (typeof loaded === 'string') lines.push(`${label}: ${loaded}`);
    else feeds.push({ ...loaded, label });
  }
  return lines.length ? { ok: false, lines } : { ok: true, feeds };
}

async function loadUrl(deps: LookupDeps, url: string): Promise<Omit<LoadedFeed, 'label'> | string> {
  const outcome = await syncFeed({ db: deps.db, fetch: deps.fetch, now: () => deps.now, maxBytes: deps.maxBytes }, url);
  if (outcome.status === 'failed') return outcome.error.message;
  return { url, quarantined: outcome.status === 'updated' ? outcome.counts.quarantined : 0 };
}

/** A local file goes through the same decodeFeed and storeFeed as a fetched one. */
async function loadFile(deps: LookupDeps, source: Extract<FeedSource, { kind: 'file' }>): Promise<Omit<LoadedFeed, 'label'> | string> {
  const read = await readSource(source, deps);
  if (!read.ok) return read.message;
  try {
    const url = pathToFileURL(resolve(source.path)).href;
    const counts = await storeFeed(deps.db, url, decodeFeed(read.text), { at: deps.now });
    return { url, quarantined: counts.quarantined };
  } catch (error) {
    if (error instanceof SyncError) return `${error.message} Run validate on it for every problem.`;
    throw error;
  }
}

function formatLookup(pageUrl: string, result: LookupResult, feeds: readonly LoadedFeed[]): string[] {
  const labels = new Map(feeds.map((feed) => [feed.url, feed.label]));
  const lines = [`Looked up: ${pageUrl}`];
  if (result.identity) lines.push(`Recognised as: ${identityLabel(result.identity)}`);
  if (result.matches.length === 0) {
    lines.push(`${VERDICT_LABELS['not-in-registry']}: none of the loaded feeds lists this address.`);
    if (!result.identity) lines.push('It is not a page Signpost looks up (such as an app store search or developer page).');
    lines.push('Not being listed is not a judgement of the tool either way.', `Feeds checked: ${feeds.map((feed) => feed.label).join(', ')}`);
  } else if (result.matches.length > 1) {
    lines.push(`This address is claimed equally by ${result.matches.length} tools in the loaded feeds:`);
  }
  for (const match of result.matches) lines.push('', ...matchLines(match, labels));
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

function matchLines({ product, verdict }: LookupMatch, labels: ReadonlyMap<string, string>): string[] {
  const lines = [`${product.name}${product.publisher ? `, by ${product.publisher}` : ''}`];
  if (product.otherNames.length) lines.push(`  Also called: ${product.otherNames.join(', ')}`);
  lines.push(`  Verdict: ${VERDICT_LABELS[verdict.state]}`);
  if (verdict.state === 'disagreement') {
    lines.push(`  Sources disagree: ${verdict.decidingClaims.map((claim) => `${claim.issuer} says ${STATUS_LABELS[claim.status]}`).join('; ')}. Both sides are shown; neither is resolved away.`);
  } else if (verdict.decidingClaims.length) {
    lines.push(`  Based on: ${whoSaidIt(verdict.decidingClaims, Number.MAX_SAFE_INTEGER)}`);
  }
  if (verdict.vendorStatedCount) {
    lines.push(`  Vendor-stated (the company's own): ${count(verdict.vendorStatedCount, 'claim')} below, never counted in the verdict.`);
  }
  if (product.conditions.length) lines.push(`  Conditions: ${product.conditions.map(conditionLabel).join(', ')}`);
  lines.push(product.claims.length ? '  Endorsements:' : '  Endorsements: none');
  for (const claim of product.claims) lines.push(...claimLines(claim, labels));
  return lines;
}

const SOURCE_TYPE_LABELS: Record<Claim['sourceType'], string> = {
  primary: "the issuer's own page",
  secondary: 'reported by another source',
  'vendor-stated': "vendor-stated: the company's own claim",
};

function claimLines(claim: Claim, labels: ReadonlyMap<string, string>): string[] {
  const details = [
    STATUS_LABELS[claim.status],
    ...(claim.guidanceCode ? [claim.guidanceCode] : []),
    claim.decisionDate === 'unknown' ? formatPartialDate(claim.decisionDate) : `decided ${formatPartialDate(claim.decisionDate)}`,
    ...(claim.reviewDate ? [`review due ${formatPartialDate(claim.reviewDate)}`] : []),
  ];
  return [
    `    - ${claim.issuer} (${ISSUER_KIND_LABELS[claim.issuerKind]}): ${details.join('; ')}`,
    ...(claim.conditions?.length ? [`      For: ${claim.conditions.map(conditionLabel).join(', ')}`] : []),
    `      Source: ${claim.sourceUrl} (${SOURCE_TYPE_LABELS[claim.sourceType]})`,
    `      From feed: ${claim.feedPublisher} (${labels.get(claim.feedUrl) ?? claim.feedUrl})`,
  ];
}

function freshnessLines({ freshness }: LookupResult, feeds: readonly LoadedFeed[]): string[] {
  const lines = freshness.dataFrom ? [`Data from ${freshness.dataFrom.slice(0, 10)} (when the oldest feed behind this answer was generated).`] : [];
  for (const publisher of freshness.expiredPublishers) lines.push(`Past its expiry date: the feed from ${publisher}; its data may be out of date.`);
  for (const feed of feeds.filter((f) => f.quarantined > 0)) {
    lines.push(`${feed.label}: ${count(feed.quarantined, 'entry', 'entries')} left out as invalid (run validate on it for details).`);
  }
  return lines;
}
