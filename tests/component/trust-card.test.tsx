import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CARD_REGION_NAME, TrustCard } from '@/components/TrustCard';
import type { Endorsement } from '@/lib/feed/schema';
import { CARD_NOW, product, reply } from '../helpers/cards';
import { PeerNotes } from '@/components/notes/PeerNotes';
import { NO_NOTES } from '@/lib/notes/view';
import { noteSubjectOf } from '@/lib/registry/present';

afterEach(cleanup);

function renderCard(data: ReturnType<typeof reply>, expanded = true) {
  const onDismiss = vi.fn();
  const [primary] = data.matches;
  const notes = <PeerNotes notes={{ ...NO_NOTES, subject: primary ? noteSubjectOf(primary.product) : null }} conditions={primary?.product.conditions ?? []} idPrefix="test-notes" />;
  render(<TrustCard data={data} notesSlot={notes} onDismiss={onDismiss} initiallyExpanded={expanded} />);
  return { region: screen.getByRole('region', { name: CARD_REGION_NAME }), onDismiss };
}

describe('TrustCard states', () => {
  it.each([
    ['recommended', [{ status: 'recommended', issuer: 'NICE', issuerKind: 'nice', guidanceCode: 'MTG99' }], '✓', /Recommended.*NICE: recommended for COPD \(MTG99\)/],
    [
      'conditional',
      [{ status: 'conditional', issuer: 'NICE', issuerKind: 'nice', guidanceCode: 'HTE99' }],
      '◐',
      /Can be used while more evidence is generated.*NICE: can be used for COPD while more evidence is generated \(HTE99\)/,
    ],
    ['research-only', [{ status: 'research-only', issuer: 'NICE', issuerKind: 'nice', guidanceCode: 'HTE8' }], '⚗', /Only in research.*NICE: only in research for COPD \(HTE8\)/],
    ['listed', [{ status: 'listed', issuer: 'NHS England' }], '☰', /Listed or available, not a recommendation/],
    ['no-endorsement', [], '○', /In your registry, no endorsement/],
    ['withdrawn', [{ status: 'withdrawn', issuer: 'NICE', issuerKind: 'nice' }], '⊘', /Withdrawn or no longer available/],
    ['not-recommended', [{ status: 'not-recommended', issuer: 'Example ICB', issuerKind: 'local-network' }], '✕', /Not recommended/],
    ['disagreement', [{ status: 'recommended', issuer: 'A' }, { status: 'withdrawn', issuer: 'B' }], '⚠', /Sources disagree/],
  ] as const)('%s: the one-line summary says it in words, with a symbol beside', (state, claims, symbol, headline) => {
    const { region } = renderCard(reply([product('Example Coach', claims)]), false);
    expect(region.className).toContain(`state-${state}`);
    expect(region.querySelector('.headline')!.textContent).toMatch(headline);
    expect(region.querySelector('.headline')!.textContent).toContain('Example Coach');
    const icon = region.querySelector('.symbol')!;
    expect(icon.textContent).toBe(symbol);
    expect(icon.getAttribute('aria-hidden')).toBe('true');
  });

  it('not in registry: says so without implying the app is unsafe, and how to suggest it', () => {
    const { region } = renderCard(reply([]));
    expect(region.className).toContain('state-not-in-registry');
    expect(within(region).getByText(/This app/)).toBeTruthy();
    expect(region.textContent).toContain('Not in your registry');
    expect(region.textContent).toContain('does not mean it is unsafe');
    expect(region.textContent).toMatch(/suggest it to your practice's digital champion/);
    expect(region.textContent).not.toMatch(/\bunsafe\b(?! or unsuitable)/);
  });

  it('research-only is never presented as recommended', () => {
    const { region } = renderCard(reply([product('Mood App', [{ status: 'research-only', issuer: 'NICE', issuerKind: 'nice', guidanceCode: 'HTE8' }])]));
    expect(region.textContent).not.toMatch(/Recommended/);
  });
});

describe('TrustCard details', () => {
  const claims: Partial<Endorsement>[] = [
    { issuer: 'NICE', issuerKind: 'nice', status: 'conditional', guidanceCode: 'HTE19', decisionDate: 'unknown', quote: 'Can be used while evidence is generated.', sourceUrl: 'https://nice.example/hte19' },
    { issuer: 'Example Charity', issuerKind: 'charity', status: 'listed', decisionDate: '2025-03-07' },
    { issuer: 'Example ICB formulary', issuerKind: 'local-network', status: 'listed', decisionDate: '2024-01' },
    { issuer: 'Example Ltd', issuerKind: 'other', status: 'recommended', sourceType: 'vendor-stated', decisionDate: '2023' },
    { issuer: 'NHS Programme', issuerKind: 'nhs-programme', status: 'listed', sourceType: 'secondary', reviewDate: '2026-01', conditions: ['copd'] },
  ];

  it('groups claims as NICE, charities, local networks, other, each with issuer, status, code, date and source', () => {
    const { region } = renderCard(reply([product('COPD Coach', claims)]));
    const headings = within(region).getAllByRole('heading').map((h) => h.textContent);
    expect(headings).toEqual(['NICE', 'Charities', 'Local networks', 'Other (NHS programmes, regulators and others)', 'Peer notes (0)']);
    const nice = within(region).getByRole('heading', { name: 'NICE' }).parentElement!;
    expect(nice.textContent).toContain('Can be used while more evidence is generated');
    expect(nice.textContent).toContain('HTE19');
    expect(nice.textContent).toContain('date not stated');
    expect(nice.textContent).toContain('“Can be used while evidence is generated.”');
    const link = within(nice).getByRole('link', { name: 'Read the source (opens in a new tab)' });
    expect(link.getAttribute('href')).toBe('https://nice.example/hte19');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(region.textContent).toContain('7 March 2025');
    expect(region.textContent).toContain('January 2024');
  });

  it('marks vendor-stated and secondary claims, and passed review dates', () => {
    const { region } = renderCard(reply([product('COPD Coach', claims)]));
    expect(region.textContent).toContain("Vendor-stated: the company's own claim");
    expect(region.textContent).toContain('Reported by a secondary source');
    expect(region.textContent).toMatch(/Review date \(January 2026\) has passed/);
    // The vendor's own "recommended" does not make the verdict "Recommended".
    expect(region.querySelector('.verdict')!.textContent).toBe('Can be used while more evidence is generated');
  });

  it('shows conditions, that there are no peer notes yet, and how old the data is', () => {
    const { region } = renderCard(reply([product('COPD Coach', claims, { conditions: ['copd', 'asthma', 'future-condition'] })]));
    expect(region.textContent).toContain('Conditions: COPD, Asthma, future-condition');
    expect(region.textContent).toContain('Peer notes (0)');
    expect(region.textContent).toContain('No peer notes yet.');
    expect(region.textContent).toContain('Registry data from 20 November 2026, checked 3 days ago.');
  });

  it('flags data past a feed\'s expiry', () => {
    const data = reply([product('COPD Coach', claims)], {
      freshness: { dataFrom: '2026-01-01T00:00:00Z', checkedAt: CARD_NOW, expiredPublishers: ['Example Feed (test)'], refusedPublishers: [] },
    });
    const { region } = renderCard(data);
    expect(region.textContent).toMatch(/Out of date:.*Example Feed \(test\) has passed its expiry date/);
  });

  it('says plainly when a feed update was refused for its signature, and that older data is shown', () => {
    const data = reply([product('COPD Coach', claims)], {
      freshness: { dataFrom: '2026-11-01T00:00:00Z', checkedAt: CARD_NOW, expiredPublishers: [], refusedPublishers: ['Example Feed (test)'] },
    });
    const { region } = renderCard(data);
    expect(region.textContent).toContain(
      "Update refused: the latest feed from Example Feed (test) was not signed with the publisher's key, or changed without a new version, so it was not used. What you see is the last copy that was.",
    );
  });

  it('offers endorsed tools for the same conditions', () => {
    const data = reply([product('Plain App', [{ status: 'listed' }])], {
      alternatives: [{ name: 'Breathe Well', state: 'conditional', who: 'NICE HTE19', sharedConditions: ['copd'], link: 'https://apps.apple.com/gb/app/id987654321' }],
    });
    const { region } = renderCard(data);
    const section = within(region).getByRole('heading', { name: 'Endorsed tools for the same conditions' }).parentElement!;
    expect(section.textContent).toContain('Breathe Well (opens in a new tab) — Can be used while more evidence is generated (NICE HTE19) for COPD');
    expect(within(section).getByRole('link', { name: /Breathe Well/ }).getAttribute('href')).toBe('https://apps.apple.com/gb/app/id987654321');
  });

  it('renders hostile feed text as text, and never links a non-http(s) source', () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const data = reply([product(hostile, [{ issuer: hostile, quote: hostile, sourceUrl: 'javascript:alert(1)' as never }])]);
    const { region } = renderCard(data);
    expect(region.querySelector('img')).toBeNull();
    expect(region.textContent).toContain(hostile);
    expect(within(region).queryByRole('link', { name: /Read the source/ })).toBeNull();
  });
});

describe('TrustCard: who says it, how far it counts, and whether it is current', () => {
  const relayed = { level: 'relayed', authority: { id: 'nice', name: 'NICE', scope: 'national' }, curator: 'Signpost UK seed registry' } as const;
  const reported = { level: 'reported' } as const;

  it('says in the compact card, before Details, when a positive verdict may be out of date', () => {
    const { region } = renderCard(reply([product('COPD Coach', [{ issuer: 'NICE', issuerKind: 'nice', status: 'conditional', guidanceCode: 'HTE19', reviewDate: '2026-05' }])]), false);
    expect(region.querySelector('.verdict')!.textContent).toBe('Can be used while more evidence is generated, but may be out of date');
    expect(region.querySelector('.stale')!.textContent).toBe('May be out of date: NICE HTE19: review date May 2026 has passed.');
    expect(region.querySelector('.symbol')!.textContent).toBe('⌛');
    expect(screen.queryByRole('heading')).toBeNull();
  });

  it('every claim says where it comes from and how far it counts; reported claims sit apart and never under NICE', () => {
    const { region } = renderCard(
      reply([
        product('COPD Coach', [
          { issuer: 'NICE', issuerKind: 'nice', status: 'conditional', guidanceCode: 'HTE19', sourceUrl: 'https://www.nice.org.uk/guidance/hte19', authority: relayed },
          { issuer: 'NICE', issuerKind: 'nice', status: 'recommended', guidanceCode: 'MTG91', authority: reported },
        ]),
      ]),
    );
    const nice = within(region).getByRole('heading', { name: 'NICE' }).parentElement!;
    expect(nice.textContent).toContain("NICE's published decision, compiled from nice.org.uk by Signpost UK seed registry (feed: Example Feed (test))");
    expect(nice.textContent).not.toContain('MTG91');
    const others = within(region).getByRole('heading', { name: 'Reported by feeds, not checked against the issuer' }).parentElement!;
    expect(others.textContent).toContain('MTG91');
    expect(others.textContent).toContain('Reported by Example Feed (test): not checked against the issuer, so it does not decide the verdict');
    expect(region.querySelector('.verdict')!.textContent).toBe('Can be used while more evidence is generated');
  });

  it("shows each claim's date note, scope, note, review date, expiry and what to verify", () => {
    const { region } = renderCard(
      reply([
        product('COPD Coach', [
          {
            issuer: 'NICE',
            issuerKind: 'nice',
            status: 'conditional',
            dateNote: 'Final date not seen; draft June 2024.',
            population: { minAge: 18, description: 'who cannot have face-to-face rehabilitation' },
            platforms: ['ios'],
            setting: 'once DTAC is in place',
            versions: { ios: '3.2 to 3.x' },
            reviewDate: '2027-06',
            expiresAt: '2028-01',
            note: 'Store listing matched by name only: verify.',
          },
          { issuer: 'Kaia Reviewers', status: 'conditional', verify: 'reported removed from the NHS offer' },
        ]),
      ]),
    );
    const text = region.textContent!;
    for (const shown of [
      'About the date: Final date not seen; draft June 2024.',
      'Who: ages 18 and over, who cannot have face-to-face rehabilitation',
      'Platforms: iOS only',
      'Only: once DTAC is in place',
      'Versions assessed: ios 3.2 to 3.x',
      'Review date: June 2027',
      'Valid until: January 2028',
      'Note: Store listing matched by name only: verify.',
      'To check before relying on it: reported removed from the NHS offer',
      'Not counted: it needs checking first.',
    ]) {
      expect(text).toContain(shown);
    }
  });

  it('says why a claim does not count: superseded, other platform', () => {
    const { region } = renderCard(
      reply([
        product('COPD Coach', [
          { issuer: 'NICE', status: 'recommended', guidanceCode: 'MTG1', decisionDate: '2020-01' },
          { issuer: 'NICE', status: 'withdrawn', guidanceCode: 'MTG1', decisionDate: '2025-01' },
          { issuer: 'Example ICB', status: 'recommended', platforms: ['android'] },
        ]),
      ]),
    );
    expect(region.querySelector('.verdict')!.textContent).toBe('Withdrawn or no longer available');
    expect(region.textContent).toContain('Not counted: replaced by a newer decision of the same issuer.');
    expect(region.textContent).toContain('Not counted: it is about another platform than this page.');
  });

  it('lists claims refused outright as left out, with the reason', () => {
    const refused = { issuer: 'N1CE', feedPublisher: 'Impostor feed', reason: '"N1CE" reads like NICE but is not its name' };
    const { region } = renderCard(reply([product('COPD Coach', [], { refusedClaims: [refused] })]));
    const section = within(region).getByRole('heading', { name: 'Left out' }).parentElement!;
    expect(section.textContent).toBe('Left outImpostor feed named “N1CE” as the issuer. Signpost left it out: "N1CE" reads like NICE but is not its name.');
  });
});

describe('TrustCard keyboard and screen readers', () => {
  it('is compact by default; Details expands it, Escape collapses it and returns focus', () => {
    renderCard(reply([product('COPD Coach', [{ status: 'conditional' }])]), false);
    const toggle = screen.getByRole('button', { name: 'Details' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryByRole('heading')).toBeNull();
    fireEvent.click(toggle);
    const hide = screen.getByRole('button', { name: 'Hide details' });
    expect(hide.getAttribute('aria-expanded')).toBe('true');
    expect(document.getElementById(hide.getAttribute('aria-controls')!)).not.toBeNull();
    const link = screen.getByRole('link', { name: 'Read the source (opens in a new tab)' });
    link.focus();
    fireEvent.keyDown(link, { key: 'Escape' });
    expect(screen.getByRole('button', { name: 'Details' }).getAttribute('aria-expanded')).toBe('false');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Details' }));
  });

  it('has a labelled dismiss button that calls back', () => {
    const { onDismiss } = renderCard(reply([product('COPD Coach', [])]), false);
    fireEvent.click(screen.getByRole('button', { name: 'Stop showing Signpost for COPD Coach' }));
    expect(onDismiss).toHaveBeenCalledOnce();
  });

  it('gives screen readers the issuer kind, a pause between name and verdict, and each statement as a list item', () => {
    const { region } = renderCard(reply([product('COPD Coach', [{ issuer: 'Example ICB', issuerKind: 'local-network', status: 'listed' }])]));
    expect(region.querySelector('.headline p')!.textContent).toBe('COPD Coach: Listed or available, not a recommendation');
    expect(within(region.querySelector('.headline')! as HTMLElement).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'Example ICB: listed or available for COPD, not a recommendation',
    ]);
    expect(region.querySelector('.claim-head')!.textContent).toContain('Example ICB (Local network)');
  });
});
