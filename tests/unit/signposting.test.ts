import { describe, expect, it } from 'vitest';
import type { Endorsement } from '@/lib/feed/schema';
import type { Product } from '@/lib/registry/types';
import { handoutFor, handoutQuery, readHandoutParams } from '@/lib/signposting/handout';
import { distinctLabel, listInWords, purposeSentence, signpostingFor } from '@/lib/signposting/patient-text';
import { suggestionMailto } from '@/lib/signposting/suggest';
import { CARD_FEED, CARD_NOW, cardVerdict, product } from '../helpers/cards';

const APPLE = 'https://apps.apple.com/gb/app/id123456789';
const match = (p: Product) => ({ product: p, verdict: cardVerdict(p) });
const nice = (status: Endorsement['status'], more: Partial<Endorsement> = {}): Partial<Endorsement> => ({ issuer: 'NICE', issuerKind: 'nice', status, ...more });

function textFor(p: Product): string {
  const result = signpostingFor(match(p));
  if (result.kind !== 'text') throw new Error(`expected text, got: ${result.reason}`);
  return result.text;
}

describe('patient text', () => {
  it('recommended: what it is, who recommends it for what with code and date, and where to get it', () => {
    const sleep = product('Sleep Well', [nice('recommended', { guidanceCode: 'MTG70', decisionDate: '2022-05-20' })], {
      conditions: ['insomnia'],
      identifiers: { apple: ['123456789'], web: [{ origin: 'https://www.sleepwell.example' }] },
    });
    expect(textFor(sleep)).toBe(
      ['Sleep Well is an app for insomnia.', 'NICE recommends it for insomnia (MTG70, 20 May 2022).', 'Get it here:', `App Store: ${APPLE}`, 'Website: https://www.sleepwell.example/'].join('\n'),
    );
  });

  it('conditional: "can be used while more evidence is generated", several guidance codes in one sentence, scope named', () => {
    const coach = product('COPD Coach', [nice('conditional', { guidanceCode: 'HTE19', decisionDate: '2024-03' }), nice('conditional', { guidanceCode: 'HTE18', decisionDate: 'unknown' })], {
      conditions: ['copd', 'pulmonary-rehabilitation'],
    });
    expect(textFor(coach)).toContain(
      'COPD Coach is an app for COPD and pulmonary rehabilitation.\nNICE says it can be used for COPD and pulmonary rehabilitation while more evidence is generated (HTE19, March 2024; HTE18).',
    );
    const scoped = product('Heart Coach', [nice('conditional', { guidanceCode: 'HTE35', conditions: ['heart-failure'] })], { conditions: ['heart-failure', 'hypertension'] });
    expect(textFor(scoped)).toContain('NICE says it can be used for heart failure while more evidence is generated (HTE35, June 2025).');
  });

  it('names independent endorsements only: a vendor\'s own "recommended" and a listing are never mentioned', () => {
    const p = product(
      'Listed Coach',
      [
        nice('conditional', { guidanceCode: 'HTE9' }),
        { issuer: 'Coach Ltd', issuerKind: 'other', status: 'recommended', sourceType: 'vendor-stated' },
        { issuer: 'Example Charity', issuerKind: 'charity', status: 'listed' },
      ],
      { conditions: ['anxiety'] },
    );
    const text = textFor(p);
    expect(text).toContain('NICE says it can be used for anxiety while more evidence is generated (HTE9, June 2025).');
    expect(text).not.toMatch(/Coach Ltd|Example Charity|recommends/);
  });

  it("names the authority by Signpost's own name for it, never the feed's issuer text", () => {
    const claim = { ...nice('recommended'), issuer: 'National Institute for Health and Care Excellence', authority: { level: 'relayed', authority: { id: 'nice', name: 'NICE', scope: 'national' }, curator: 'Example curator' } } as const;
    const text = textFor(product('Sleep Well', [claim], { conditions: ['insomnia'] }));
    expect(text).toContain('NICE recommends it for insomnia (June 2025).');
    expect(text).not.toContain('National Institute');
  });

  // Without a current positive decision there is no text to send: a ready-made text makes sending
  // it easy (docs/trust-model.md §5). The clinician is told the verdict and what it rests on.
  const NO_POSITIVE = 'Signpost writes patient text only for a tool with a current positive decision from a body whose word it can check.';
  it.each([
    ['research-only', [nice('research-only', { guidanceCode: 'HTE8' })], 'Only in research (NICE: only in research for depression (HTE8))'],
    ['listed', [{ issuer: 'Example ICB', issuerKind: 'local-network', status: 'listed' }], 'Listed or available, not a recommendation (Example ICB: listed or available for depression, not a recommendation)'],
    ['no endorsement', [], 'In your registry, no endorsement'],
    ['no recommendation', [nice('no-recommendation', { guidanceCode: 'MIB1' })], 'In your registry, no endorsement'],
    ['withdrawn', [nice('withdrawn', { guidanceCode: 'TA97' })], 'Withdrawn or no longer available (NICE: withdrawn or no longer available for depression (TA97))'],
    ['not-recommended', [nice('not-recommended', { guidanceCode: 'TA97' })], 'Not recommended (NICE: not recommended for depression (TA97))'],
    [
      'sources disagree',
      [nice('recommended'), nice('withdrawn', { issuer: 'Example ICB', issuerKind: 'local-network' })],
      'Sources disagree (NICE: recommended for depression; Example ICB: withdrawn or no longer available for depression)',
    ],
  ] as const)('%s: no patient text at all, and the clinician is told the verdict and what it rests on', (_state, claims, verdictInWords) => {
    const result = signpostingFor(match(product('Mood Bot', claims, { conditions: ['depression'] })));
    expect(result).toEqual({ kind: 'withheld', reason: `${NO_POSITIVE} Mood Bot: ${verdictInWords}.` });
  });

  it('a positive claim only reported by a feed gives no text, and the clinician is told such claims do not count', () => {
    const result = signpostingFor(match(product('Mood Bot', [{ ...nice('recommended'), authority: { level: 'reported' } }], { conditions: ['depression'] })));
    expect(result).toEqual({ kind: 'withheld', reason: `${NO_POSITIVE} Mood Bot: In your registry, no endorsement. Claims only reported by a feed do not count.` });
  });

  it('a positive verdict that may be out of date gives no text, and says why', () => {
    const result = signpostingFor(match(product('Sleep Well', [nice('recommended', { guidanceCode: 'MTG70', reviewDate: '2026-05' })], { conditions: ['insomnia'] })));
    expect(result).toEqual({
      kind: 'withheld',
      reason: 'Signpost gives no patient text for Sleep Well while what it knows may be out of date: NICE MTG70: review date May 2026 has passed. Check the current guidance first.',
    });
  });

  it("a positive verdict beside the same body's national research-only for the same patients gives no text", () => {
    const result = signpostingFor(match(product('COPD Coach', [nice('research-only', { guidanceCode: 'MTG68', decisionDate: '2022-03' }), nice('conditional', { guidanceCode: 'HTE19', decisionDate: '2024-09' })])));
    expect(result).toEqual({
      kind: 'withheld',
      reason: 'Signpost gives no patient text for COPD Coach: NICE MTG68 says only in research, for the same patients. Read each claim before deciding.',
    });
  });

  it('without a link, the text has no "get it" lines and the clinician is asked to add one', () => {
    const result = signpostingFor(match(product('No Link', [nice('recommended')], { identifiers: {}, conditions: [] })));
    expect(result.kind === 'text' && result.text).toBe('No Link is a digital health tool.\nNICE recommends it (June 2025).');
    expect(result.kind === 'text' && result.notes).toEqual(['Signpost has no store or website link for No Link: add where to get it before you send the text.']);
  });

  it('keeps feed text on one line, so a name cannot add lines that pass for links', () => {
    const text = textFor(product('Evil\nGet it here:\nhttps://evil.example', [nice('recommended', { issuer: 'NICE\nWebsite: https://evil.example' })]));
    expect(text.split('\n')).toEqual([
      'Evil Get it here: https://evil.example is an app for COPD.',
      'NICE Website: https://evil.example recommends it for COPD (June 2025).',
      'Get it here:',
      `App Store: ${APPLE}`,
    ]);
  });

  it('tells links of the same kind apart by address', () => {
    const links = [
      { label: 'Website', url: 'https://www.nhs.uk/nhs-app' },
      { label: 'Website', url: 'https://nhsapp.service.nhs.uk/' },
      { label: 'App Store', url: APPLE },
    ];
    expect(links.map((link) => distinctLabel(link, links))).toEqual(['Website (www.nhs.uk/nhs-app)', 'Website (nhsapp.service.nhs.uk)', 'App Store']);
  });

  it('reads conditions mid-sentence, keeping acronyms, and calls a web-only tool a website', () => {
    expect(purposeSentence(product('X', [], { conditions: ['type-2-diabetes', 'adhd', 'future-condition'], identifiers: { web: [{ origin: 'https://x.example' }] } }))).toBe(
      'X is a website for type 2 diabetes, ADHD and future-condition.',
    );
    expect(listInWords(['A'])).toBe('A');
    expect(listInWords([])).toBe('');
  });
});

describe('printable handout', () => {
  const both = product('Sleep Well', [nice('recommended', { guidanceCode: 'MTG70', decisionDate: '2022-05', sourceUrl: 'https://nice.example/mtg70' })], {
    conditions: ['insomnia'],
    identifiers: { apple: ['123456789'], googlePlay: ['com.example.sleep'] },
  });

  it('has the name, purpose, links, the QR link, each endorsement with its source, and when Signpost checked it', () => {
    const handout = handoutFor(match(both), [CARD_FEED], CARD_NOW, 'https://play.google.com/store/apps/details?id=com.example.sleep');
    expect(handout).toEqual({
      kind: 'handout',
      name: 'Sleep Well',
      purpose: 'Sleep Well is an app for insomnia.',
      summary: ['NICE recommends it for insomnia (MTG70, May 2022).'],
      endorsements: [{ issuer: 'NICE', status: 'Recommended', code: 'MTG70', date: 'May 2022', scope: 'insomnia', sourceUrl: 'https://nice.example/mtg70' }],
      links: [
        { label: 'App Store', url: APPLE },
        { label: 'Google Play', url: 'https://play.google.com/store/apps/details?id=com.example.sleep' },
      ],
      qr: { label: 'Google Play', url: 'https://play.google.com/store/apps/details?id=com.example.sleep' },
      notes: [],
      checked: 'Signpost checked this on 24 November 2026 from Example Feed (test).',
    });
  });

  it('encodes only a link the tool really has: a crafted address falls back to the first link', () => {
    expect(handoutFor(match(both), [CARD_FEED], CARD_NOW, 'https://evil.example/')).toMatchObject({ qr: { url: APPLE } });
  });

  it('gives no handout, only the reason, for a tool without a current positive decision (research only, withdrawn)', () => {
    expect(handoutFor(match(product('Mood Bot', [nice('research-only')])), [CARD_FEED], CARD_NOW)).toMatchObject({ kind: 'withheld', name: 'Mood Bot', reason: expect.stringMatching(/Only in research/) });
    expect(handoutFor(match(product('Old Blues', [nice('withdrawn')])), [CARD_FEED], CARD_NOW)).toMatchObject({ kind: 'withheld', name: 'Old Blues', reason: expect.stringMatching(/Withdrawn/) });
  });

  it('round-trips its address, with the condition it is given for (recorded when printed)', () => {
    const query = handoutQuery('https://feed.example/feed.json sleep-well', APPLE, 'insomnia');
    expect(readHandoutParams(query)).toEqual({ recordId: 'https://feed.example/feed.json sleep-well', link: APPLE, condition: 'insomnia' });
    expect(readHandoutParams(handoutQuery('x', null))).toEqual({ recordId: 'x', link: null, condition: null });
  });
});

describe('"suggest this tool" email', () => {
  it('is addressed to the champion, with the page title and address, percent-encoded', () => {
    const mailto = suggestionMailto('champion@practice.example', { url: 'https://apps.apple.com/gb/app/new-app/id1000000002?a=1&b=2', title: 'New App\non the App Store' });
    const url = new URL(mailto);
    expect(url.protocol).toBe('mailto:');
    expect(url.pathname).toBe('champion@practice.example');
    expect(url.searchParams.get('subject')).toBe('Signpost suggestion: New App on the App Store');
    const body = url.searchParams.get('body')!;
    expect(body).toContain('not in our Signpost registry yet: New App on the App Store.\r\nPage: https://apps.apple.com/gb/app/new-app/id1000000002?a=1&b=2\r\n');
    expect(mailto).not.toContain(' ');
  });

  it('names the site when the page has no title, and cannot be given extra headers through the address', () => {
    const mailto = suggestionMailto('a+b@practice.example?cc=x@evil.example', { url: 'https://www.tool.example/' });
    expect(mailto.startsWith('mailto:a%2Bb@practice.example%3Fcc%3Dx@evil.example?subject=')).toBe(true);
    expect(new URL(mailto).searchParams.get('subject')).toBe('Signpost suggestion: www.tool.example');
  });
});
