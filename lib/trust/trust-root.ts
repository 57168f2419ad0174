import { BUNDLED_FEED_KEYS } from '../feed/bundled-key';
import type { IssuerKind } from '../feed/vocabulary';

// The trust root: which keys may make claims in which issuer's name. See docs/trust-model.md.
// Pure data and types, zod-free.

export type AuthorityScope = 'national' | 'local';

export interface Relay {
  /** A curator's public key ("ed25519:…") allowed to compile this authority's published decisions. */
  key: string;
  curator: string;
  /** Only for the feed shipped inside Signpost: the same key on a feed at any other address relays nothing. */
  bundledOnly: boolean;
}

export interface Authority {
  id: string;
  /** How Signpost names it in headlines and patient text (never a feed's own spelling). */
  name: string;
  /** Every name that means this authority; a claim's issuer is matched against these. */
  aliases: readonly string[];
  scope: AuthorityScope;
  kind: IssuerKind;
  /** Hosts where it publishes its own decisions: a relayed claim must cite one of them. */
  sourceHosts: readonly string[];
  /** The authority's own keys: a feed signed by one speaks as the authority itself. */
  issuerKeys: readonly string[];
  relays: readonly Relay[];
}

export interface TrustRoot {
  authorities: readonly Authority[];
}

const BUNDLED_RELAY: readonly Relay[] = BUNDLED_FEED_KEYS.map((key) => ({ key, curator: 'Signpost UK seed registry', bundledOnly: true }));

function national(authority: Omit<Authority, 'scope' | 'issuerKeys' | 'relays'> & { relayed?: false }): Authority {
  const { relayed, ...rest } = authority;
  return { ...rest, scope: 'national', issuerKeys: [], relays: relayed === false ? [] : BUNDLED_RELAY };
}

/**
 * The national bodies Signpost ships knowing. None publishes a signed feed, so none has an issuer
 * key; the bundled feed relays their published decisions. MHRA and DHSC appear only so that no
 * feed can imitate them.
 */
export const NATIONAL_AUTHORITIES: readonly Authority[] = [
  national({
    id: 'nice',
    name: 'NICE',
    aliases: ['NICE', 'National Institute for Health and Care Excellence', 'National Institute for Health and Clinical Excellence'],
    kind: 'nice',
    sourceHosts: ['nice.org.uk', 'www.nice.org.uk'],
  }),
  national({
    id: 'nhs-england',
    name: 'NHS England',
    aliases: [
      'NHS',
      'NHS England',
      'NHS Digital',
      'NHS England / NHS Digital',
      'NHSX',
      'NHSX (digital playbook)',
      'NHS England Transformation Directorate',
      'NHS England Transformation Directorate (digital playbook)',
      'NHS England Transformation Directorate (MSK digital playbook)',
      'NHS England Transformation Directorate (renal digital playbook)',
    ],
    kind: 'nhs-programme',
    sourceHosts: ['england.nhs.uk', 'www.england.nhs.uk', 'transform.england.nhs.uk', 'digital.nhs.uk', 'www.nhsx.nhs.uk'],
  }),
  national({
    id: 'nhs-website',
    name: 'the NHS website (nhs.uk)',
    aliases: ['NHS website', 'NHS (nhs.uk Live Well)', 'NHS Better Health (DHSC)', 'NHS Better Health'],
    kind: 'nhs-programme',
    sourceHosts: ['www.nhs.uk', 'nhs.uk'],
  }),
  national({
    id: 'nhs-scotland',
    name: 'NHS Scotland',
    aliases: ['NHS Scotland', 'NHS Scotland / Scottish Government', 'Scottish Government'],
    kind: 'nhs-programme',
    sourceHosts: ['www.nhs.scot', 'www.gov.scot'],
  }),
  national({
    id: 'nhs-wales',
    name: 'NHS Wales',
    aliases: ['NHS Wales', 'NHS Wales (All Wales Diabetes Implementation Group)'],
    kind: 'nhs-programme',
    sourceHosts: ['executive.nhs.wales', 'www.nhs.wales'],
  }),
  national({
    id: 'ahsn-network',
    name: 'the AHSN Network',
    aliases: ['AHSN Network', 'The AHSN Network', 'Health Innovation Network'],
    kind: 'nhs-programme',
    sourceHosts: ['www.ahsnnetwork.com'],
  }),
  national({
    id: 'shtg',
    name: 'the Scottish Health Technologies Group',
    aliases: ['Scottish Health Technologies Group', 'Scottish Health Technologies Group (Healthcare Improvement Scotland)', 'SHTG'],
    kind: 'other',
    sourceHosts: ['shtg.scot'],
  }),
  national({ id: 'stroke-association', name: 'the Stroke Association', aliases: ['Stroke Association'], kind: 'charity', sourceHosts: ['www.stroke.org.uk'] }),
  national({
    id: 'mhra',
    name: 'the MHRA',
    aliases: ['MHRA', 'Medicines and Healthcare products Regulatory Agency'],
    kind: 'regulator',
    sourceHosts: [],
    relayed: false,
  }),
  national({
    id: 'dhsc',
    name: 'the Department of Health and Social Care',
    aliases: ['DHSC', 'Department of Health and Social Care'],
    kind: 'other',
    sourceHosts: [],
    relayed: false,
  }),
];

/** A local authority NHS IT adds by policy: an ICB's formulary key speaks for that ICB. */
export interface LocalAuthority {
  id: string;
  name: string;
  aliases?: readonly string[];
  kind: 'local-network' | 'charity' | 'nhs-programme' | 'other';
  keys: readonly string[];
}

/** The shipped root plus the policy's local authorities; policy can never add to or re-key a national one. */
export function trustRootWith(local: readonly LocalAuthority[] = []): TrustRoot {
  return {
    authorities: [
      ...NATIONAL_AUTHORITIES,
      ...local.map(
        (authority): Authority => ({
          id: `local:${authority.id}`,
          name: authority.name,
          aliases: [authority.name, ...(authority.aliases ?? [])],
          scope: 'local',
          kind: authority.kind,
          sourceHosts: [],
          issuerKeys: authority.keys,
          relays: [],
        }),
      ),
    ],
  };
}

export const SHIPPED_TRUST_ROOT: TrustRoot = trustRootWith();
