import { formatPartialDate } from '../format/dates';
import type { LookupMatch } from '../registry/lookup';
import { capitalise } from '../registry/claim-words';
import { productLinks } from '../registry/present';
import type { AssessedClaim } from '../registry/standing';
import type { Product } from '../registry/types';
import { conditionsInWords, scopeQualifiers, scopesOverlap, type ProductVerdict } from '../registry/verdict';
import { VERDICT_LABELS } from '../registry/verdict-look';

// What a clinician pastes into Accurx, an SMS or a letter to point a patient to a tool. Pure.
// Design notes (docs/trust-model.md §5):
// - There is no patient field anywhere: the text is built from the registry alone.
// - Text is written only for a current, authorised, independent, in-scope positive claim (the
//   verdict's deciding claims when it is recommended or conditional), with no national research-
//   only, not-recommended or withdrawn statement on an overlapping scope and nothing stale.
//   Otherwise the clinician is told why there is none: a ready-made text makes sending it easy.
// - The text names the authority by Signpost's own name for it (never a feed's issuer text), so
//   "NHS recommends" appears only when an authorised NHS body said so, and gives the scope exactly.
// - Feed text is collapsed to one line, so a name or setting cannot add lines that pass for links.

export interface PatientLink {
  label: string;
  url: string;
}

export type Signposting =
  | {
      kind: 'text';
      /** Ready to paste: plain text, one line per sentence or link. */
      text: string;
      links: PatientLink[];
      /** For the clinician only, never part of the text: what the text leaves out and why. */
      notes: string[];
    }
  | { kind: 'withheld'; reason: string };

/** "Website" twice tells a reader nothing: links of the same kind are told apart by address. */
export function distinctLabel(link: PatientLink, links: readonly PatientLink[]): string {
  if (links.filter((other) => other.label === link.label).length < 2) return link.label;
  const { host, pathname } = new URL(link.url);
  return `${link.label} (${host}${pathname === '/' ? '' : pathname})`;
}

/** Collapses feed text to a single line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** "Sleepio is an app for insomnia." The kind of tool follows from where it can be got. */
export function purposeSentence(product: Product): string {
  const { apple = [], googlePlay = [], web = [] } = product.identifiers;
  const kind = apple.length + googlePlay.length > 0 ? 'an app' : web.length > 0 ? 'a website' : 'a digital health tool';
  const purpose = product.conditions.length > 0 ? ` for ${conditionsInWords(product.conditions)}` : '';
  return `${oneLine(product.name)} is ${kind}${purpose}.`;
}

/** The claims a patient may be told about: the deciding claims of a current positive verdict. */
export function endorsingClaims(verdict: ProductVerdict): AssessedClaim[] {
  return verdict.state === 'recommended' || verdict.state === 'conditional' ? verdict.decidingClaims : [];
}

/** "NICE says it can be used for COPD while more evidence is generated (ages 18 and over; HTE19, 2024)." */
export function endorsementSentences(claims: readonly AssessedClaim[], productConditions: readonly string[]): string[] {
  const statements = new Map<string, { claim: AssessedClaim; references: string[] }>();
  for (const claim of claims) {
    const who = claim.authority.authority?.name ?? claim.issuer;
    const key = JSON.stringify([who, claim.status, claim.conditions ?? [], scopeQualifiers(claim)]);
    const reference = [claim.guidanceCode && oneLine(claim.guidanceCode), claim.decisionDate !== 'unknown' && formatPartialDate(claim.decisionDate)]
      .filter(Boolean)
      .join(', ');
    const statement = statements.get(key) ?? { claim, references: [] };
    if (reference) statement.references.push(reference);
    statements.set(key, statement);
  }
  return [...statements.values()].map(({ claim, references }) => {
    const who = oneLine(claim.authority.authority?.name ?? claim.issuer);
    const conditions = claim.conditions ?? productConditions;
    const scope = conditions.length ? ` for ${conditionsInWords(conditions)}` : '';
    const says = claim.status === 'recommended' ? `recommends it${scope}` : `says it can be used${scope} while more evidence is generated`;
    const details = [...scopeQualifiers(claim).map(oneLine), ...references];
    return `${capitalise(who)} ${says}${details.length ? ` (${details.join('; ')})` : ''}.`;
  });
}

/** Why Signpost writes no patient text for this verdict, or null when it may. */
export function withheldReason(product: Product, verdict: ProductVerdict): string | null {
  const name = oneLine(product.name);
  const positive = endorsingClaims(verdict);
  if (positive.length === 0) {
    const told = verdict.headline.map((statement) => oneLine(statement.text)).join('; ');
    return `Signpost writes patient text only for a tool with a current positive decision from a body whose word it can check. ${name}: ${VERDICT_LABELS[verdict.state]}${told ? ` (${told})` : ''}.${verdict.reportedCount ? ' Claims only reported by a feed do not count.' : ''}`;
  }
  if (verdict.stale.length > 0) {
    return `Signpost gives no patient text for ${name} while what it knows may be out of date: ${verdict.stale.map((reason) => oneLine(reason.text)).join('; ')}. Check the current guidance first.`;
  }
  const limits = verdict.claims.filter(
    (claim) =>
      claim.standing === 'in-force' &&
      claim.authority.authority?.scope === 'national' &&
      (claim.status === 'research-only' || claim.status === 'not-recommended' || claim.status === 'withdrawn') &&
      positive.some((own) => scopesOverlap(claim, own, product.conditions)),
  );
  if (limits.length > 0) {
    const said = limits.map((claim) => `${claim.authority.authority!.name}${claim.guidanceCode ? ` ${claim.guidanceCode}` : ''} says ${VERDICT_LABELS[claim.status as 'research-only' | 'not-recommended' | 'withdrawn'].toLowerCase()}`);
    return `Signpost gives no patient text for ${name}: ${said.join('; ')}, for the same patients. Read each claim before deciding.`;
  }
  return null;
}

export function signpostingFor({ product, verdict }: LookupMatch): Signposting {
  const reason = withheldReason(product, verdict);
  if (reason) return { kind: 'withheld', reason };
  const name = oneLine(product.name);
  const links = productLinks(product);
  const notes = links.length === 0 ? [`Signpost has no store or website link for ${name}: add where to get it before you send the text.`] : [];
  const lines = [
    purposeSentence(product),
    ...endorsementSentences(endorsingClaims(verdict), product.conditions),
    ...(links.length > 0 ? ['Get it here:', ...links.map((link) => `${link.label}: ${link.url}`)] : []),
  ];
  return { kind: 'text', text: lines.join('\n'), links, notes };
}
