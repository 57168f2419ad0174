import { describe, expect, it } from 'vitest';
import { recogniseUrl } from '@/lib/lookup/recognise';
import { RECOGNISER_CASES } from '@/lib/lookup/recognise.urls';

describe('recogniseUrl', () => {
  it.each(RECOGNISER_CASES)('%s', (url, expected) => {
    expect(recogniseUrl(url)).toEqual(expected);
  });
});
