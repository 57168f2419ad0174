// `validate`: the extension's own parser and trust model run over a feed, with every problem, and
// what each claim will count for in Signpost, on its own line (docs/feed-format.md).
import { formatPath, parseFeed, type Problem, type QuarantinedEntry } from '../feed/parse';
import type { Endorsement, Feed } from '../feed/schema';
import { formatPartialDate, partialDateHasPassed } from '../format/dates';
import { NOT_COUNTED } from '../registry/claim-words';
import { partialDateStart } from '../registry/standing';
import type { FeedSummary } from '../registry/types';
import { DEFAULT_STALE_AFTER_DAYS, feedNotRefreshed } from '../registry/verdict';
import { feedSummary } from '../storage/registry-source';
import { basisInWords } from '../registry/claim-words';
import { assessClaim, type ClaimAuthority, type TrustLevel } from '../trust/authority';
import { nameProblem, sameName } from '../trust/names';
import { SHIPPED_TRUST_ROOT, type Authority } from '../trust/trust-root';
import { count, jsonProblemLine, located, parseJson, type Report } from './report';
import { keysProblem, levelInWords, openFeed, verificationInWords, type Judging } from './trust';

export interface ValidateOptions extends Partial<Judging> {
  now: number;
}

interface KeptClaim {
  path: string;
  claim: Endorsement;
}

/** What one claim will count for, in words; `warn` when the publisher most likely meant otherwise. */
interface ClaimCount {
  level: TrustLevel;
  warn: boolean;
  message: string;
}

export async function validateFeedText(file: string, text: string, { now, keys = [], bundled = false, url }: ValidateOptions): Promise<Report> {
  const keyProblem = keysProblem(keys);
  if (keyProblem) return { exitCode: 1, lines: [keyProblem] };
  const outer = parseJson(text);
  if (!outer.ok) return { exitCode: 1, lines: [jsonProblemLine(file, outer), located(file, '', 'rejected: not JSON, so Signpost would use nothing from it')] };
  // A signed feed is validated inside its envelope, once its signature checks out against the keys given.
  const opened = await openFeed(text, { keys, bundled, now, ...(url ? { url } : {}) });
  if (!opened.ok) return { exitCode: 1, lines: [located(file, '', `rejected: ${opened.message}`)] };

  const result = parseFeed(opened.document.json);
  if (!result.ok) {
    return {
      exitCode: 1,
      lines: [
        ...result.problems.map((problem) => located(file, problem.path, `error: ${problem.message}`)),
        located(file, '', `rejected: the envelope has ${count(result.problems.length, 'problem')}, so Signpost would use nothing from this feed`),
      ],
    };
  }

  const { feed } = result;
  const summary = feedSummary(
    { url: file, publisher: feed.publisher, generatedAt: feed.generatedAt, expiresAt: feed.expiresAt, staleAfterDays: feed.staleAfterDays, lastSuccessAt: now, signature: opened.verification },
    { isBundled: () => bundled },
  )!;
  const disguised = disguisedIssuers(opened.document.json, result.quarantined);
  const quarantined = result.quarantined.filter((entry) => !disguised.has(entry.path) || entry.problems.some((problem) => !isIssuerProblem(entry, problem)));
  const refused = [...disguised].map(([path, reason]) => ({ path, reason }));
  const counted: (KeptClaim & ClaimCount)[] = [];
  for (const kept of keptClaims(opened.document.json, feed, result.quarantined)) {
    const assessed = assessClaim(kept.claim, summary, SHIPPED_TRUST_ROOT);
    if (assessed.refused) refused.push({ path: kept.path, reason: assessed.reason });
    else counted.push({ ...kept, ...claimCount(kept.claim, assessed.authority, summary) });
  }
  refused.sort((a, b) => inFileOrder(a.path, b.path));
  const warnings = [
    ...result.warnings,
    ...feedStaleness(feed, summary, now),
    ...counted.flatMap(({ path, claim }) => claimStaleness(path, claim, now)),
    ...counted.filter((claim) => claim.warn).map(({ path, message }) => ({ path, message })),
  ];

  const lines = [
    located(file, '', verificationInWords(opened.verification, bundled)),
    ...refused.map(({ path, reason }) => located(file, path, `error: refused: ${reason}; Signpost shows this claim nowhere but as left out`)),
    ...quarantined.flatMap((entry) => quarantineLines(file, entry, disguised.has(entry.path))),
    ...warnings.map((warning) => located(file, warning.path, `warning: ${warning.message}`)),
    ...counted.filter((claim) => !claim.warn).map(({ path, message }) => located(file, path, message)),
    located(
      file,
      '',
      `publisher "${feed.publisher.name}" (${feed.publisher.id}, ${feed.publisher.kind}), sequence ${feed.sequence}, generated ${feed.generatedAt}: ` +
        `${count(feed.tools.length, 'tool')} loaded, ${count(counted.length + refused.length, 'endorsement')}${levelCounts(counted, refused.length)}, ` +
        (feed.notes?.length ? `${count(feed.notes.length, 'peer note')}, ` : '') +
        `${count(quarantined.length, 'entry', 'entries')} quarantined, ${count(warnings.length, 'warning')}`,
    ),
  ];
  // A refused claim is not a data slip but a claim made in another body's name: not publishable.
  if (refused.length > 0) return { exitCode: 1, lines: [...lines, located(file, '', `not publishable: Signpost would refuse ${count(refused.length, 'claim')} (exit code 1)`)] };
  if (quarantined.length > 0) return { exitCode: 2, lines: [...lines, located(file, '', `loads, but ${count(quarantined.length, 'entry', 'entries')} would be left out (exit code 2)`)] };
  return { exitCode: 0, lines: [...lines, located(file, '', 'valid')] };
}

// ---- Where each claim is in the file ------------------------------------------------------------

const ENDORSEMENT_PATH = /^tools\[(\d+)\]\.endorsements\[(\d+)\]$/;

/** Orders endorsement paths as they come in the file ("tools[2]" before "tools[10]"). */
function inFileOrder(a: string, b: string): number {
  const [, toolA, claimA] = (ENDORSEMENT_PATH.exec(a) ?? []).map(Number);
  const [, toolB, claimB] = (ENDORSEMENT_PATH.exec(b) ?? []).map(Number);
  return toolA! - toolB! || claimA! - claimB!;
}

const rawTools = (json: unknown) => (json as { tools: unknown[] }).tools;
const rawEndorsements = (tool: unknown): unknown[] => {
  const endorsements = (tool as { endorsements?: unknown } | null)?.endorsements;
  return Array.isArray(endorsements) ? endorsements : [];
};

/** Positions in a list that parseFeed kept: every one it did not quarantine, in order. */
function keptIndices(items: readonly unknown[], pathOf: (index: number) => string, left: ReadonlySet<string>): number[] {
  return items.map((_, index) => index).filter((index) => !left.has(pathOf(index)));
}

/** Each claim parseFeed kept, with its place in the file (a kept list lost the places of what it left out). */
function keptClaims(json: unknown, feed: Feed, quarantined: readonly QuarantinedEntry[]): KeptClaim[] {
  const left = new Set(quarantined.map((entry) => entry.path));
  const tools = rawTools(json);
  const toolIndices = keptIndices(tools, (index) => formatPath(['tools', index]), left);
  return feed.tools.flatMap((tool, position) => {
    const toolIndex = toolIndices[position]!;
    const pathOf = (index: number) => formatPath(['tools', toolIndex, 'endorsements', index]);
    const indices = keptIndices(rawEndorsements(tools[toolIndex]), pathOf, left);
    return tool.endorsements.map((claim, index) => ({ path: pathOf(indices[index]!), claim }));
  });
}

/**
 * Quarantined claims whose issuer name is disguised (invisible characters, mixed scripts), by path,
 * with the reason Signpost gives. The schema leaves them out like any invalid entry; for a
 * publisher they are refusals, as an imitated name is.
 */
function disguisedIssuers(json: unknown, quarantined: readonly QuarantinedEntry[]): Map<string, string> {
  const disguised = new Map<string, string>();
  for (const entry of quarantined) {
    const [, tool, claim] = ENDORSEMENT_PATH.exec(entry.path) ?? [];
    if (tool === undefined || claim === undefined) continue;
    const issuer = (rawEndorsements(rawTools(json)[Number(tool)])[Number(claim)] as { issuer?: unknown } | null)?.issuer;
    const problem = typeof issuer === 'string' ? nameProblem(issuer) : null;
    if (problem) disguised.set(entry.path, `the issuer name ${problem}`);
  }
  return disguised;
}

const isIssuerProblem = (entry: QuarantinedEntry, problem: Problem) => problem.path === `${entry.path}.issuer`;

function quarantineLines(file: string, entry: QuarantinedEntry, issuerRefused: boolean): string[] {
  const which = entry.toolId !== undefined ? `${entry.path} of tool "${entry.toolId}"` : entry.noteId !== undefined ? `${entry.path}, note "${entry.noteId}"` : entry.path;
  // A disguised issuer is already reported as refused; only the entry's other problems remain.
  const problems = issuerRefused ? entry.problems.filter((problem) => !isIssuerProblem(entry, problem)) : entry.problems;
  return problems.map((problem) => located(file, problem.path, `quarantined: ${problem.message} (entry left out: ${which})`));
}

// ---- What each claim counts for -----------------------------------------------------------------

function authorityNamed(issuer: string): Authority | undefined {
  return SHIPPED_TRUST_ROOT.authorities.find((authority) => authority.aliases.some((alias) => sameName(issuer, alias)));
}

/** Why a claim stays at "reported", most basic reason first (assessClaim has decided that it does). */
function reportedBecause(claim: Endorsement, named: Authority | undefined, feed: FeedSummary): string {
  if (claim.sourceType === 'vendor-stated') return "it is vendor-stated (the company's own claim)";
  if (feed.teamOnly) return 'a team feed speaks only for itself';
  if (!named) return "it names no authority in Signpost's trust root (NHS IT's policy can add a local one, with its key)";
  const key = feed.verifiedKey;
  const relay = named.relays.find((candidate) => candidate.key === key);
  if (key === undefined || (!named.issuerKeys.includes(key) && !relay)) {
    return `${named.name} is a ${named.scope} authority, and this feed is not verified against a key Signpost's trust root names for it`;
  }
  if (relay?.bundledOnly && !feed.bundled) return `this key relays ${named.name} only in the feed bundled with Signpost`;
  const hosts = [...new Set(named.sourceHosts.map((host) => host.replace(/^www\./, '')))].join(' or ');
  return `a relayed claim must be a primary source on ${named.name}'s own site (${hosts})`;
}

function claimCount(claim: Endorsement, authority: ClaimAuthority, feed: FeedSummary): ClaimCount {
  const issuer = `"${claim.issuer}"`;
  if (authority.level !== 'reported') {
    const basis = basisInWords({ authority, feedPublisher: feed.publisher.name, sourceUrl: claim.sourceUrl });
    return { level: authority.level, warn: false, message: `${issuer}: ${levelInWords(authority)}: ${basis}; it can decide the verdict` };
  }
  const named = authorityNamed(claim.issuer);
  return {
    level: 'reported',
    // Naming a national body that the feed cannot speak for is most likely a publisher's mistake.
    warn: named?.scope === 'national' && claim.sourceType !== 'vendor-stated',
    message: `${issuer}: reported only: ${reportedBecause(claim, named, feed)}, so it will not decide the verdict`,
  };
}

/** " (2 relayed, 3 reported only, 1 refused)": how many claims stand at each level. */
function levelCounts(counted: readonly ClaimCount[], refused: number): string {
  const atLevel = (level: TrustLevel) => counted.filter((claim) => claim.level === level).length;
  const parts: [number, string][] = [
    [atLevel('issuer'), 'from the issuer itself'],
    [atLevel('relayed'), 'relayed'],
    [atLevel('reported'), 'reported only'],
    [refused, 'refused'],
  ];
  const shown = parts.filter(([n]) => n > 0);
  return shown.length ? ` (${shown.map(([n, words]) => `${n} ${words}`).join(', ')})` : '';
}

// ---- Staleness (docs/trust-model.md §4) ---------------------------------------------------------

function feedStaleness(feed: Feed, summary: FeedSummary, now: number): Problem[] {
  if (feed.expiresAt && Date.parse(feed.expiresAt) < now) {
    return [{ path: 'expiresAt', message: `the feed expired at ${feed.expiresAt}; Signpost still shows its data but marks "${feed.publisher.name}" as past its expiry, and a verdict resting on it as out of date` }];
  }
  if (!feedNotRefreshed(summary, now)) return [];
  const period = feed.staleAfterDays === undefined ? `${DEFAULT_STALE_AFTER_DAYS} days, the default when staleAfterDays is not given` : `staleAfterDays: ${feed.staleAfterDays}`;
  return [{ path: 'generatedAt', message: `generated ${feed.generatedAt}, longer ago than the feed stays current (${period}); Signpost marks a verdict resting on it as not refreshed` }];
}

function claimStaleness(path: string, claim: Endorsement, now: number): Problem[] {
  const warnings: Problem[] = [];
  if (claim.decisionDate !== 'unknown' && partialDateStart(claim.decisionDate) > now) {
    warnings.push({ path: `${path}.decisionDate`, message: `decided ${formatPartialDate(claim.decisionDate)}: ${NOT_COUNTED.future}` });
  }
  if (claim.reviewDate && partialDateHasPassed(claim.reviewDate, now)) {
    warnings.push({ path: `${path}.reviewDate`, message: `the review date ${formatPartialDate(claim.reviewDate)} has passed; a positive verdict resting on it shows as out of date` });
  }
  if (claim.expiresAt && partialDateHasPassed(claim.expiresAt, now)) {
    warnings.push({ path: `${path}.expiresAt`, message: `valid until ${formatPartialDate(claim.expiresAt)}: ${NOT_COUNTED.expired}, so Signpost no longer counts it` });
  }
  return warnings;
}
