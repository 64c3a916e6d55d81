import { describe, expect, it } from 'vitest';
import { compactNumber } from '../src/format';

describe('compactNumber', () => {
  const intl = new Intl.NumberFormat('en-US');

  it('writes every whole count below 10,000 as Intl does', () => {
    for (let value = 0; value < 10_000; value++) expect(compactNumber(value)).toBe(intl.format(value));
  });

  it('leaves fractions and negatives to Intl, and abbreviates large counts', () => {
    for (const value of [1.5, 999.25, -1, -1234, -0]) expect(compactNumber(value)).toBe(intl.format(value));
    expect(compactNumber(12_345)).toBe('12.3k');
    expect(compactNumber(4_213_377)).toBe('4.2M');
    expect(compactNumber(7_000_000_000)).toBe('7.0B');
  });
});
