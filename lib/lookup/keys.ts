import type { Identifiers, WebIdentifier } from '../feed/schema';
import { normaliseHost, type PageIdentity } from './recognise';

// Every way a tool can be met on the web becomes one index key, so that finding the tool for a
// page is one indexed read of those keys (and one product is one record across stores and web).

export function appleKey(id: string): string {
  return `apple:${id}`;
}
export function playKey(id: string): string {
  return `play:${id}`;
}
export function webKey(host: string): string {
  return `web:${host}`;
}

export function webIdentifierHost(identifier: WebIdentifier): string {
  return normaliseHost(new URL(identifier.origin).hostname);
}

/** One website claim (a site, or a path of it) as a key. */
function siteKey(identifier: WebIdentifier): string {
  return `site:${webIdentifierHost(identifier)}${identifier.pathPrefix ?? '/'}`;
}

export function identifierKeys(identifiers: Identifiers): string[] {
  const keys = new Set<string>();
  for (const id of identifiers.apple ?? []) keys.add(appleKey(id));
  for (const id of identifiers.googlePlay ?? []) keys.add(playKey(id));
  for (const web of identifiers.web ?? []) keys.add(webKey(webIdentifierHost(web)));
  return [...keys];
}

/**
 * Keys that say two records are the same product: a shared store id, or the very same site
 * and path. A shared host alone is not enough (two tools of one company share its domain).
 */
export function productKeys(identifiers: Identifiers): string[] {
  return [...(identifiers.apple ?? []).map(appleKey), ...(identifiers.googlePlay ?? []).map(playKey), ...(identifiers.web ?? []).map(siteKey)];
}

/**
 * The host and each parent domain of two labels or more: www.a.nhs.uk → a.nhs.uk, nhs.uk.
 * A look-alike such as nhs.uk.evil.example yields only keys under evil.example, so it never matches.
 */
export function hostChain(host: string): string[] {
  const labels = host.split('.');
  const chain: string[] = [];
  for (let start = 0; labels.length - start >= 2; start++) chain.push(labels.slice(start).join('.'));
  return chain;
}

export function pageKeys(identity: PageIdentity): string[] {
  switch (identity.kind) {
    case 'apple':
      return [appleKey(identity.id)];
    case 'google-play':
      return [playKey(identity.id)];
    case 'web':
      return hostChain(identity.host).map(webKey);
  }
}

/** "/nhs-app" covers "/nhs-app" and "/nhs-app/…", never "/nhs-application". */
export function pathHasPrefix(path: string, prefix: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === trimmed || path.startsWith(`${trimmed}/`);
}

/**
 * How specifically one web identifier claims this page: the longer its path prefix, then the more
 * specific its host, the higher. -1 when it does not. Subdomains inherit only whole-site claims.
 */
function webIdentifierScore(web: WebIdentifier, chain: readonly string[], path: string): number {
  const hostDepth = chain.indexOf(webIdentifierHost(web));
  const prefix = web.pathPrefix ?? '/';
  // A claim on a path of one site (www.nhs.uk/nhs-app) says nothing about its subdomains.
  const hostFits = prefix === '/' ? hostDepth !== -1 : hostDepth === 0;
  if (!hostFits || !pathHasPrefix(path, prefix)) return -1;
  return prefix.length * 100 + (100 - hostDepth);
}

/** How specifically a tool's web identifiers claim this page: the best of webIdentifierScore, -1 when none does. */
export function webMatchScore(identifiers: Identifiers, host: string, path: string): number {
  const chain = hostChain(host);
  return Math.max(-1, ...(identifiers.web ?? []).map((web) => webIdentifierScore(web, chain, path)));
}

/**
 * The listing a page is, the unit in which the clinician hides a card: a store page by its own
 * id (not the product's other stores), a website by the tool's claim that matched it. Null for a
 * website no claim of `identifiers` covers.
 */
export function listingKey(identity: PageIdentity, identifiers: Identifiers = {}): string | null {
  if (identity.kind !== 'web') return pageKeys(identity)[0]!;
  const chain = hostChain(identity.host);
  let best: { web: WebIdentifier; score: number } | null = null;
  for (const web of identifiers.web ?? []) {
    const score = webIdentifierScore(web, chain, identity.path);
    if (score > (best?.score ?? -1)) best = { web, score };
  }
  return best ? siteKey(best.web) : null;
}
