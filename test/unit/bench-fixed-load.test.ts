import { describe, expect, it } from 'vitest';
import { casesShortOfRate, fixedLoadRate, roundDownToTwoDigits } from '../../bench/fixed-load';

describe('bench fixed load', () => {
  it('rounds down to two significant digits', () => {
    expect(roundDownToTwoDigits(694.5)).toBe(690);
    expect(roundDownToTwoDigits(4246)).toBe(4200);
    expect(roundDownToTwoDigits(12_999)).toBe(12_000);
    expect(roundDownToTwoDigits(99)).toBe(99);
    expect(roundDownToTwoDigits(10)).toBe(10);
    expect(roundDownToTwoDigits(7.9)).toBe(7);
  });

  it('offers half of the slowest variant, below every variant', () => {
    const saturated = { bare: 8493, ours: 1389, upstream: 1261 };
    const rate = fixedLoadRate(saturated);
    expect(rate).toBe(630);
    for (const value of Object.values(saturated)) expect(rate).toBeLessThan(value);
  });

  it('does not depend on which variant is slowest', () => {
    expect(fixedLoadRate({ bare: 900, ours: 5000, upstream: 3000 })).toBe(450);
  });

  it('refuses figures it cannot choose a rate from, naming them', () => {
    expect(() => fixedLoadRate({})).toThrow(/no saturated requests/);
    expect(() => fixedLoadRate({ bare: 5000, ours: Number.NaN })).toThrow(/ours=NaN/);
    expect(() => fixedLoadRate({ bare: 5000, upstream: 0 })).toThrow(/upstream=0/);
    expect(() => fixedLoadRate({ bare: 1.5 })).toThrow(/too few/);
  });

  it('names the cases that could not keep up with the offered rate', () => {
    expect(casesShortOfRate(1700, { bare: 1704, ours: 1690, upstream: 1506 })).toEqual(['upstream']);
    expect(casesShortOfRate(1700, { bare: 1704, ours: 1615 })).toEqual([]);
    expect(casesShortOfRate(1700, { bare: Number.NaN })).toEqual(['bare']);
  });
});
