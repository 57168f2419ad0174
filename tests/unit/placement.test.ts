import { describe, expect, it } from 'vitest';
import { chooseCorner, cornerBox, overlaps } from '@/lib/page/placement';

const viewport = { width: 1280, height: 800 };
const card = { width: 380, height: 60 };

describe('chooseCorner', () => {
  it('uses the bottom-right corner when nothing is in the way', () => {
    expect(chooseCorner(card, viewport, [{ left: 40, top: 300, width: 200, height: 40 }])).toBe('bottom-right');
  });

  it('moves away from an install button that would be covered', () => {
    const installButton = { left: 1000, top: 760, width: 120, height: 30 };
    const corner = chooseCorner(card, viewport, [installButton]);
    expect(corner).toBe('bottom-left');
    expect(overlaps(cornerBox(corner, card, viewport), installButton)).toBe(false);
  });

  it('ignores elements that are not displayed', () => {
    expect(chooseCorner(card, viewport, [{ left: 1000, top: 760, width: 0, height: 0 }])).toBe('bottom-right');
  });

  it('on a narrow (zoomed) viewport finds the corner left free', () => {
    const narrow = { width: 420, height: 600 };
    const bottomBar = { left: 0, top: 560, width: 420, height: 40 };
    expect(chooseCorner(card, narrow, [bottomBar])).toBe('top-right');
  });
});
