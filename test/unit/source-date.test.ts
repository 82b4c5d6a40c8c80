/** The source date every time in an image is set to (scripts/build/source-date.ts). */
import { describe, expect, it } from 'vitest';
import { isoDate, sourceDate } from '../../scripts/build/source-date';

describe('sourceDate', () => {
  it('is SOURCE_DATE_EPOCH when set, whatever the commit time', () => {
    expect(sourceDate('1700000000', '1796201841\n')).toEqual({ epoch: 1700000000, origin: 'SOURCE_DATE_EPOCH' });
  });

  it('is the commit time of HEAD when SOURCE_DATE_EPOCH is unset or empty', () => {
    expect(sourceDate(undefined, '1796201841\n')).toEqual({ epoch: 1796201841, origin: 'the commit time of HEAD' });
    expect(sourceDate('', '1796201841')).toEqual({ epoch: 1796201841, origin: 'the commit time of HEAD' });
  });

  it('is undefined with neither (not a git checkout), so the caller can say what to set', () => {
    expect(sourceDate(undefined, '')).toBeUndefined();
    expect(sourceDate(undefined, 'fatal: not a git repository')).toBeUndefined();
  });

  it('refuses a SOURCE_DATE_EPOCH that is not whole seconds, naming it', () => {
    expect(() => sourceDate('2026-01-01', '1796201841')).toThrow('SOURCE_DATE_EPOCH takes whole seconds since 1970, not "2026-01-01"');
  });

  it('writes the instant as an RFC 3339 UTC time without fractions', () => {
    expect(isoDate(1796201841)).toBe('2026-12-02T08:57:21Z');
    expect(isoDate(0)).toBe('1970-01-01T00:00:00Z');
  });
});
