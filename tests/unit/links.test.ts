import { describe, expect, it } from 'vitest';
import { candidateLinks } from '@/lib/page/links';

describe('candidateLinks', () => {
  it('keeps store app links and links to other sites, grouped by address without fragment', () => {
    document.body.innerHTML = `
      <a href="https://apps.apple.com/gb/app/nhs-app/id1388411277#reviews">NHS App</a>
      <a href="https://apps.apple.com/gb/app/nhs-app/id1388411277">NHS App again</a>
      <a href="https://play.google.com/store/apps/details?id=bot.touchkin">Wysa</a>
      <a href="https://apps.apple.com/gb/developer/example/id123456">a developer page</a>
      <a href="https://www.sleepio.com/">Sleepio</a>
      <a href="/rules">this site's rules</a>
      <a href="${location.origin}/other">this site, absolute</a>
      <a href="javascript:void(0)">script</a>
      <a href="mailto:champion@example.org">email</a>`;
    const found = candidateLinks(document, location.hostname);
    expect([...found.keys()]).toEqual([
      'https://apps.apple.com/gb/app/nhs-app/id1388411277',
      'https://play.google.com/store/apps/details?id=bot.touchkin',
      'https://www.sleepio.com/',
    ]);
    expect(found.get('https://apps.apple.com/gb/app/nhs-app/id1388411277')!.map((a) => a.textContent)).toEqual(['NHS App', 'NHS App again']);
  });

  it('scans only what was added when given an added element', () => {
    document.body.innerHTML = '<a href="https://www.sleepio.com/">Sleepio</a><div id="new"><a href="https://play.google.com/store/apps/details?id=bot.touchkin">Wysa</a></div>';
    expect([...candidateLinks(document.getElementById('new')!, 'forum.example.test').keys()]).toEqual(['https://play.google.com/store/apps/details?id=bot.touchkin']);
  });
});
