import { describe, expect, it } from 'vitest';
import { formatPartialDate, partialDateHasPassed, relativeAge } from '@/lib/format/dates';

describe('dates', () => {
  it.each([
    ['2022-05-20', '20 May 2022'],
    ['2022-05', 'May 2022'],
    ['2006', '2006'],
    ['unknown', 'date not stated'],
    [undefined, 'date not stated'],
  ])('formatPartialDate(%s) = %s', (input, expected) => {
    expect(formatPartialDate(input)).toBe(expected);
  });

  it('treats a partial review date as passed only after its whole period', () => {
    const midMarch = Date.UTC(2027, 2, 15);
    expect(partialDateHasPassed('2027-03', midMarch)).toBe(false);
    expect(partialDateHasPassed('2027-03', Date.UTC(2027, 3, 1))).toBe(true);
    expect(partialDateHasPassed('2027', midMarch)).toBe(false);
    expect(partialDateHasPassed('2027-03-14', midMarch)).toBe(true);
    expect(partialDateHasPassed('2027-03-15', midMarch)).toBe(false);
  });

  it.each([
    [30_000, 'just now'],
    [10 * 60_000, '10 minutes ago'],
    [3_600_000, '1 hour ago'],
    [3 * 86_400_000, '3 days ago'],
    [200 * 86_400_000, '7 months ago'],
  ])('relativeAge(%i ms) = %s', (age, expected) => {
    expect(relativeAge(0, age)).toBe(expected);
  });
});
