// Where the floating card goes: a corner of the viewport that does not cover the store's install
// button. Pure geometry, so it is unit-tested without a browser.

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export type Corner = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

const CORNERS: readonly Corner[] = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
export const CARD_MARGIN = 16;

export function cornerBox(corner: Corner, card: { width: number; height: number }, viewport: { width: number; height: number }): Box {
  const left = corner.endsWith('right') ? viewport.width - CARD_MARGIN - card.width : CARD_MARGIN;
  const top = corner.startsWith('bottom') ? viewport.height - CARD_MARGIN - card.height : CARD_MARGIN;
  return { left, top, width: card.width, height: card.height };
}

export function overlaps(a: Box, b: Box): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

/** The first corner, in reading-friendly order, whose box covers none of the boxes to avoid. */
export function chooseCorner(card: { width: number; height: number }, viewport: { width: number; height: number }, avoid: readonly Box[]): Corner {
  const visible = avoid.filter((box) => box.width > 0 && box.height > 0);
  return CORNERS.find((corner) => !visible.some((box) => overlaps(cornerBox(corner, card, viewport), box))) ?? 'bottom-right';
}
