import { conditionLabel } from '../feed/conditions';
import { formatPartialDate } from '../format/dates';
import type { LookupMatch } from '../registry/lookup';
import { productLinks, whoSaidIt } from '../registry/present';
import type { Claim, Product } from '../registry/types';
import { VERDICT_LABELS } from '../registry/verdict';

// What a clinician pastes into Accurx, an SMS or a letter to point a patient to a tool. Pure.
// Design notes:
// - There is no patient field anywhere: the text is built from the registry alone.
// - Only independent claims that endorse (recommended, conditional) are named. A vendor's own
//   claim, "listed", "research only" and a disputed tool get no endorsement sentence at all.
// - A withdrawn or not-recommended tool gets no patient text: it may no longer be available or
//   supported, and a ready-made text would make sending it the easy path.
// - Feed text is collapsed to one line, so a name or issuer cannot add lines that pass for links.

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

/** "COPD", "type 2 diabetes": labels read mid-sentence, acronyms kept. */
function inSentence(label: string): string {
  const [first = '', second = ''] = label;
  return second && second === second.toLowerCase() ? first.toLowerCase() + label.slice(1) : label;
}

export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function conditionsInWords(conditions: readonly string[]): string {
  return listInWords(conditions.map((condition) => inSentence(oneLine(conditionLabel(condition)))));
}

/** "Sleepio is an app for insomnia." The kind of tool follows from where it can be got. */
export function purposeSentence(product: Product): string {
  const { apple = [], googlePlay = [], web = [] } = product.identifiers;
  const kind = apple.length + googlePlay.length > 0 ? 'an app' : web.length > 0 ? 'a website' : 'a digital health tool';
  const purpose = product.conditions.length > 0 ? ` for ${conditionsInWords(product.conditions)}` : '';
  return `${oneLine(product.name)} is ${kind}${purpose}.`;
}

/** The claims a patient may be told about: independent, and endorsing. */
export function endorsingClaims(product: Product): Claim[] {
  return product.claims.filter((claim) => claim.sourceType !== 'vendor-stated' && (claim.status === 'recommended' || claim.status === 'conditional'));
}

/** "NICE recommends it (MTG70, May 2022)." One sentence per issuer, status and scope. */
export function endorsementSentences(claims: readonly Claim[]): string[] {
  const statements = new Map<string, { claim: Claim; references: string[] }>();
  for (const claim of claims) {
    const key = JSON.stringify([oneLine(claim.issuer), claim.status, claim.conditions ?? []]);
    const reference = [claim.guidanceCode && oneLine(claim.guidanceCode), claim.decisionDate !== 'unknown' && formatPartialDate(claim.decisionDate)]
      .filter(Boolean)
      .join(', ');
    const statement = statements.get(key) ?? { claim, references: [] };
    if (reference) statement.references.push(reference);
    statements.set(key, statement);
  }
  return [...statements.values()].map(({ claim, references }) => {
    const scope = claim.conditions?.length ? ` for ${conditionsInWords(claim.conditions)}` : '';
    const says = claim.status === 'recommended' ? `recommends it${scope}` : `says it can be used${scope} while more evidence is generated`;
    return `${oneLine(claim.issuer)} ${says}${references.length ? ` (${references.join('; ')})` : ''}.`;
  });
}

export function signpostingFor({ product, verdict }: LookupMatch): Signposting {
  const name = oneLine(product.name);
  if (verdict.state === 'withdrawn' || verdict.state === 'not-recommended') {
    const why = verdict.state === 'withdrawn' ? 'lists it as withdrawn or no longer available' : 'does not recommend it';
    return {
      kind: 'withheld',
      reason: `Signpost does not write patient text for ${name}: ${whoSaidIt(verdict.decidingClaims)} ${why}. Look for an endorsed tool for the same conditions instead.`,
    };
  }
  const links = productLinks(product);
  const endorsed = verdict.state === 'recommended' || verdict.state === 'conditional';
  const notes: string[] = [];
  if (verdict.state === 'disagreement') notes.push(`Sources disagree about ${name}, so the text names no endorsement. Read each claim before signposting it.`);
  else if (!endorsed) notes.push(`${name} is not endorsed (${VERDICT_LABELS[verdict.state]}), so the text says what it is and where to get it, and nothing more.`);
  if (links.length === 0) notes.push(`Signpost has no store or website link for ${name}: add where to get it before you send the text.`);
  const lines = [
    purposeSentence(product),
    ...(endorsed ? endorsementSentences(endorsingClaims(product)) : []),
    ...(links.length > 0 ? ['Get it here:', ...links.map((link) => `${link.label}: ${link.url}`)] : []),
  ];
  return { kind: 'text', text: lines.join('\n'), links, notes };
}
