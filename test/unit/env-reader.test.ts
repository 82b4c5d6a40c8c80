/** The typed readers every variable goes through (src/config/env-reader.ts). */
import { describe, expect, it } from 'vitest';
import { EnvReader, splitList } from '../../src/config/env-reader';

describe('EnvReader.raw and string', () => {
  it('trims values and treats unset or blank as absent', () => {
    const read = new EnvReader({ A: '  x  ', B: '', C: ' \t\n ' });
    expect(read.raw('A')).toBe('x');
    expect(read.raw('B')).toBeUndefined();
    expect(read.raw('C')).toBeUndefined();
    expect(read.raw('MISSING')).toBeUndefined();
    expect(read.string('C', 'fallback')).toBe('fallback');
    expect(read.string('A', 'fallback')).toBe('x');
    expect(read.warnings).toEqual([]);
  });
});

describe('EnvReader.boolean', () => {
  it.each(['true', 'TRUE', ' True ', '1', 'yes', 'YES', 'on', 'On'])('reads %j as true', (value) => {
    const read = new EnvReader({ FLAG: value });
    expect(read.boolean('FLAG', false)).toBe(true);
    expect(read.warnings).toEqual([]);
  });

  it.each(['false', 'FALSE', '0', 'no', 'off', ' Off '])('reads %j as false', (value) => {
    const read = new EnvReader({ FLAG: value });
    expect(read.boolean('FLAG', true)).toBe(false);
    expect(read.warnings).toEqual([]);
  });

  it.each(['maybe', 'tru', '2', 'y', 'enabled'])('rejects %j with one warning and keeps the default', (value) => {
    const read = new EnvReader({ FLAG: value });
    expect(read.boolean('FLAG', true)).toBe(true);
    expect(read.warnings).toEqual([`FLAG=${JSON.stringify(value)} is invalid (expected true or false); using true instead`]);
  });
});

describe('EnvReader.number', () => {
  it.each([
    ['42', 42],
    [' 7 ', 7],
    ['+5', 5],
    ['1e3', 1000],
    ['1E2', 100],
    ['0', 0],
  ])('reads %j as %d', (value, expected) => {
    const read = new EnvReader({ N: value });
    expect(read.number('N', 1)).toBe(expected);
    expect(read.warnings).toEqual([]);
  });

  it('accepts fractions only when allowed', () => {
    const fractional = new EnvReader({ N: '0.25' });
    expect(fractional.number('N', 1, { fractional: true })).toBe(0.25);
    expect(new EnvReader({ N: '.5' }).number('N', 1, { fractional: true })).toBe(0.5);
    expect(fractional.warnings).toEqual([]);

    const whole = new EnvReader({ N: '2.5' });
    expect(whole.number('N', 3)).toBe(3);
    expect(whole.warnings).toEqual(['N="2.5" is invalid (expected a whole number); using 3 instead']);
  });

  it.each(['abc', '0x10', '1_000', 'Infinity', 'NaN', '1e400', '12px', '--1', '1.2.3', '.'])('rejects %j as not a number', (value) => {
    const read = new EnvReader({ N: value });
    expect(read.number('N', 9)).toBe(9);
    expect(read.warnings).toEqual([`N=${JSON.stringify(value)} is invalid (not a number); using 9 instead`]);
  });

  it('enforces bounds inclusively', () => {
    const limits = { min: 1, max: 10 };
    expect(new EnvReader({ N: '1' }).number('N', 5, limits)).toBe(1);
    expect(new EnvReader({ N: '10' }).number('N', 5, limits)).toBe(10);
    const below = new EnvReader({ N: '0' });
    expect(below.number('N', 5, limits)).toBe(5);
    expect(below.warnings).toEqual(['N="0" is invalid (expected a value from 1 to 10); using 5 instead']);
    const negative = new EnvReader({ N: '-3' });
    expect(negative.number('N', 5, limits)).toBe(5);
    expect(negative.warnings).toEqual(['N="-3" is invalid (expected a value from 1 to 10); using 5 instead']);
    const above = new EnvReader({ N: '11' });
    expect(above.number('N', 5, limits)).toBe(5);
    expect(above.warnings).toHaveLength(1);
  });
});

describe('EnvReader.oneOf', () => {
  const allowed = ['alpha', 'beta'] as const;

  it('matches case-insensitively and returns the lower-case value', () => {
    const read = new EnvReader({ E: ' BETA ' });
    expect(read.oneOf('E', allowed, 'alpha')).toBe('beta');
    expect(read.warnings).toEqual([]);
  });

  it('rejects other values naming the allowed ones', () => {
    const read = new EnvReader({ E: 'gamma' });
    expect(read.oneOf('E', allowed, 'alpha')).toBe('alpha');
    expect(read.warnings).toEqual(['E="gamma" is invalid (expected one of alpha, beta); using "alpha" instead']);
  });
});

describe('EnvReader.list and listOf', () => {
  it('splits on commas, trims, and ignores empty entries', () => {
    expect(splitList(' a, b ,,c ,')).toEqual(['a', 'b', 'c']);
    expect(splitList(',,,')).toEqual([]);
    expect(new EnvReader({ L: 'x, y' }).list('L', ['d'])).toEqual(['x', 'y']);
    expect(new EnvReader({}).list('L', ['d'])).toEqual(['d']);
  });

  it('returns a copy of the fallback, never the fallback itself', () => {
    const fallback = ['d'];
    const result = new EnvReader({}).list('L', fallback);
    result.push('mutated');
    expect(fallback).toEqual(['d']);
  });

  it('keeps known entries of a restricted list and warns once about the unknown ones', () => {
    const read = new EnvReader({ L: 'Alpha, nope, beta, other' });
    expect(read.listOf('L', ['alpha', 'beta'] as const, ['alpha'])).toEqual(['alpha', 'beta']);
    expect(read.warnings).toEqual(['L="Alpha, nope, beta, other" is invalid (unknown "nope", "other"; expected alpha, beta); using "alpha,beta" instead']);
  });

  it('falls back when no entry of a restricted list is known', () => {
    const read = new EnvReader({ L: 'nope' });
    expect(read.listOf('L', ['alpha', 'beta'] as const, ['beta'])).toEqual(['beta']);
    expect(read.warnings).toEqual(['L="nope" is invalid (unknown "nope"; expected alpha, beta); using "beta" instead']);
  });

  it('falls back silently for a list of only separators', () => {
    const read = new EnvReader({ L: ' , ,' });
    expect(read.listOf('L', ['alpha', 'beta'] as const, ['beta'])).toEqual(['beta']);
    expect(read.warnings).toEqual([]);
  });
});

describe('EnvReader.keyValues', () => {
  it('reads key=value pairs, trimming around keys and values', () => {
    const read = new EnvReader({ KV: ' team = payments , tier=gold' });
    expect(read.keyValues('KV')).toEqual({ team: 'payments', tier: 'gold' });
    expect(read.warnings).toEqual([]);
  });

  it('percent-decodes values, so commas and equals signs can be carried', () => {
    const read = new EnvReader({ KV: 'note=a%2Cb%3Dc,space=hello%20world,utf=%C3%A9t%C3%A9,raw=x=y' });
    expect(read.keyValues('KV')).toEqual({ note: 'a,b=c', space: 'hello world', utf: 'été', raw: 'x=y' });
    expect(read.warnings).toEqual([]);
  });

  it('keeps an explicitly empty value', () => {
    expect(new EnvReader({ KV: 'empty=' }).keyValues('KV')).toEqual({ empty: '' });
  });

  it('skips malformed pairs with one warning listing them all, keeping the well-formed ones', () => {
    const read = new EnvReader({ KV: 'good=1,novalue,=nokey,bad=%ZZ,fine=2' });
    expect(read.keyValues('KV')).toEqual({ good: '1', fine: '2' });
    expect(read.warnings).toHaveLength(1);
    expect(read.warnings[0]).toMatch(
      /^KV="good=1,novalue,=nokey,bad=%ZZ,fine=2" is invalid \(malformed entries "novalue", "=nokey", "bad=%ZZ", expected key=value\); using "?the well-formed entries only"? instead$/,
    );
  });

  it('says "entry" for a single malformed pair', () => {
    const read = new EnvReader({ KV: 'novalue' });
    expect(read.keyValues('KV')).toEqual({});
    expect(read.warnings).toHaveLength(1);
    expect(read.warnings[0]).toMatch(/^KV="novalue" is invalid \(malformed entry "novalue", expected key=value\); using "?the well-formed entries only"? instead$/);
  });
});

describe('EnvReader warnings', () => {
  it('are given once per variable however often it is read', () => {
    const read = new EnvReader({ FLAG: 'maybe' });
    read.boolean('FLAG', false);
    read.boolean('FLAG', false);
    read.invalid('FLAG', 'another reason', 'x');
    expect(read.warnings).toHaveLength(1);
  });

  it('show long values shortened to 120 characters', () => {
    const value = 'z'.repeat(100_000);
    const read = new EnvReader({ FLAG: value });
    read.boolean('FLAG', false);
    expect(read.warnings).toEqual([`FLAG="${'z'.repeat(117)}..." is invalid (expected true or false); using false instead`]);
  });

  it('describe empty fallbacks in words', () => {
    const read = new EnvReader({ A: 'x', B: 'y' });
    read.invalid('A', 'because', '');
    read.invalid('B', 'because', []);
    expect(read.warnings).toEqual(['A="x" is invalid (because); using nothing instead', 'B="y" is invalid (because); using an empty list instead']);
  });
});
