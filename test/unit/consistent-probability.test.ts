/**
 * Consistent probability sampling's arithmetic (src/sampler/consistent-probability.ts):
 * thresholds as the specification writes them, checked byte for byte against
 * upstream's @opentelemetry/sampler-composite and an exact BigInt computation.
 */
import { describe, expect, it } from 'vitest';
import {
  keeps,
  otEntryWithThreshold,
  parentThresholdHolds,
  parseOtEntry,
  parseRandomness,
  parseThreshold,
  probabilityThreshold,
  randomnessOf,
  traceIdKeeps,
} from '../../src/sampler/consistent-probability';
import { seededRandom, testSeed } from './support/seeded-random';

const TWO_56 = 1n << 56n;
/** The specification's formula in exact integers: T = 2^56 − round(p·2^56). */
function exactThreshold(p: number): bigint {
  return TWO_56 - BigInt(Math.round(p * 2 ** 56));
}
function thresholdValue(t: { high: number; low: number }): bigint {
  return (BigInt(t.high) << 28n) | BigInt(t.low);
}

/** upstream's threshold text for p, read from the `ot` entry its composite sampler writes for a kept span. */
function upstreamTh(p: number): string | undefined {
  const composite = require('@opentelemetry/sampler-composite');
  const { ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
  const sampler = composite.createCompositeSampler(composite.createComposableProbabilitySampler(p));
  // R = 2^56 − 1: kept whenever anything is.
  const result = sampler.shouldSample(ROOT_CONTEXT, '0000000000000000' + '00ffffffffffffff', 'span', SpanKind.INTERNAL, {}, []);
  const ot: string | undefined = result.traceState?.get('ot');
  return ot?.match(/(?:^|;)th:([0-9a-f]+)/)?.[1];
}

describe('probabilityThreshold', () => {
  it('gives the thresholds of the specification’s examples, trailing zeros trimmed', () => {
    expect(probabilityThreshold(1)?.th).toBe('0');
    expect(probabilityThreshold(0.5)?.th).toBe('8');
    expect(probabilityThreshold(0.25)?.th).toBe('c');
    expect(probabilityThreshold(0.125)?.th).toBe('e');
    expect(probabilityThreshold(0.0625)?.th).toBe('f');
    // Full precision: the specification's 1 % example rounded to 5 digits is fd70a4.
    expect(probabilityThreshold(0.01)?.th).toBe('fd70a3d70a3d71');
    expect(probabilityThreshold(2 ** -56)?.th).toBe('ffffffffffffff');
  });

  it('never samples at 0, or below the smallest probability 56 bits can express', () => {
    expect(probabilityThreshold(0)).toBeUndefined();
    expect(probabilityThreshold(2 ** -58)).toBeUndefined();
    expect(probabilityThreshold(Number.NaN)).toBeUndefined();
  });

  it('agrees with exact integer arithmetic and with @opentelemetry/sampler-composite, byte for byte', () => {
    const seed = testSeed();
    const random = seededRandom(seed);
    const ratios = [1, 0.5, 0.25, 0.1, 0.3, 1 / 3, 0.2, 0.01, 0.001, 1e-6, 1e-12, 2 ** -56, 2 ** -55, 0.999999, 1 - 2 ** -53];
    for (let i = 0; i < 2000; i++) ratios.push(random(), random() ** 8);
    for (const p of ratios) {
      const exact = exactThreshold(p);
      const ours = probabilityThreshold(p);
      if (exact === TWO_56) {
        expect(ours, `p=${p} keeps nothing`).toBeUndefined();
        continue;
      }
      if (!ours) throw new Error(`p=${p}: no threshold (seed ${seed})`);
      expect(thresholdValue(ours), `p=${p} (seed ${seed})`).toBe(exact);
      expect(ours.th, `p=${p}`).toBe(exact === 0n ? '0' : exact.toString(16).padStart(14, '0').replace(/0+$/, ''));
    }
    for (const p of ratios.slice(0, 400)) expect(upstreamTh(p), `p=${p} (seed ${seed})`).toBe(probabilityThreshold(p)?.th);
  });
});

describe('keeping by randomness', () => {
  const quarter = probabilityThreshold(0.25)!;
  it('keeps R = T and drops R = T − 1, from the trace id’s low 56 bits', () => {
    expect(traceIdKeeps('ffffffffffffffffffc0000000000000', quarter)).toBe(true);
    expect(traceIdKeeps('ffffffffffffffffffbfffffffffffff', quarter)).toBe(false);
    // The high 72 bits play no part.
    expect(traceIdKeeps('00000000000000000fc0000000000000', quarter)).toBe(true);
    const odd = probabilityThreshold(0.1)!; // T = 0xe6666666666666
    expect(traceIdKeeps('0123456789abcdef01e6666666666666', odd)).toBe(true);
    expect(traceIdKeeps('0123456789abcdef01e6666666666665', odd)).toBe(false);
    expect(traceIdKeeps('0123456789abcdef01e6666566666666', odd)).toBe(false);
    expect(traceIdKeeps('0123456789abcdef01e6666766666665', odd)).toBe(true);
  });

  it('takes rv over the trace id when the ot entry has a valid one', () => {
    const ot = parseOtEntry('rv:c0000000000000;th:c');
    expect(randomnessOf('ffffffffffffffffff00000000000000', ot)).toEqual({ high: 0xc000000, low: 0 });
    expect(keeps(randomnessOf('ffffffffffffffffff00000000000000', ot)!, quarter)).toBe(true);
    expect(keeps(randomnessOf('ffffffffffffffffffffffffffffffff', parseOtEntry('rv:bfffffffffffff'))!, quarter)).toBe(false);
    // An invalid rv (not 14 hex digits) is ignored: the trace id decides.
    expect(randomnessOf('ffffffffffffffffff00000000000001', parseOtEntry('rv:c000'))).toEqual({ high: 0, low: 1 });
    expect(randomnessOf('ffffffffffffffffff00000000000001', parseOtEntry('rv:zz000000000000'))).toEqual({ high: 0, low: 1 });
  });
});

describe('the ot entry', () => {
  it('parses th and rv and keeps every other sub-key in order', () => {
    expect(parseOtEntry('th:c;rv:0123456789abcd;k1:13;foo:bar')).toEqual({ th: 'c', rv: '0123456789abcd', others: ['k1:13', 'foo:bar'] });
    expect(parseOtEntry(undefined)).toEqual({ th: undefined, rv: undefined, others: [] });
  });

  it('sets or erases th, leaving rv and the other sub-keys', () => {
    const ot = parseOtEntry('k1:13;rv:0123456789abcd;th:8');
    expect(otEntryWithThreshold(ot, 'c')).toBe('th:c;rv:0123456789abcd;k1:13');
    expect(otEntryWithThreshold(ot, undefined)).toBe('rv:0123456789abcd;k1:13');
    expect(otEntryWithThreshold(parseOtEntry('th:8'), undefined)).toBe('');
  });

  it('reads th of 1 to 14 hex digits, right-padded; anything else is invalid', () => {
    expect(parseThreshold('c')).toEqual({ high: 0xc000000, low: 0, th: 'c' });
    expect(parseThreshold('fd70a4')).toEqual({ high: 0xfd70a40, low: 0, th: 'fd70a4' });
    expect(parseThreshold('C0')?.th).toBe('c');
    expect(parseThreshold('ffffffffffffff')).toEqual({ high: 0xfffffff, low: 0xfffffff, th: 'ffffffffffffff' });
    for (const bad of ['', 'fffffffffffffff', 'g', '-1', '0x8', ' 8']) expect(parseThreshold(bad), bad).toBeUndefined();
    expect(parseRandomness('0123456789abcd')).toEqual({ high: 0x0123456, low: 0x789abcd });
    expect(parseRandomness('0123456789abc')).toBeUndefined();
  });

  it('holds a parent’s th when valid and consistent with R, not otherwise', () => {
    expect(parentThresholdHolds('ffffffffffffffffffc0000000000000', parseOtEntry('th:c'))).toBe(true);
    expect(parentThresholdHolds('ffffffffffffffffffbfffffffffffff', parseOtEntry('th:c'))).toBe(false);
    expect(parentThresholdHolds('ffffffffffffffffff00000000000000', parseOtEntry('th:c;rv:c0000000000000'))).toBe(true);
    expect(parentThresholdHolds('ffffffffffffffffffffffffffffffff', parseOtEntry('th:xyz'))).toBe(false);
    expect(parentThresholdHolds('ffffffffffffffffffffffffffffffff', parseOtEntry('rv:00000000000000'))).toBe(true);
  });
});
