/**
 * The rate cap as a probability (src/sampler/cap-probability.ts) and through
 * the sampler: under a cap, kept traces are those kept at ratio·q, with that
 * threshold. Clocks are moved by hand.
 */
import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { CapProbability, capProbability } from '../../src/sampler/cap-probability';
import { CustomSampler, samplingPolicy } from '../../src/sampler/custom-sampler';
import { parseConfig } from '../../src/config/config';
import { probabilityThreshold } from '../../src/sampler/consistent-probability';
import { randomHex, seededRandom, testSeed } from './support/seeded-random';

function clock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('capProbability', () => {
  it('is 1 at or under the cap', () => {
    expect(capProbability(0, 10)).toBe(1);
    expect(capProbability(10, 10)).toBe(1);
  });

  it('is the largest step of 2^(1/8) at most cap / rate', () => {
    expect(capProbability(20, 10)).toBe(0.5);
    expect(capProbability(40, 10)).toBe(0.25);
    for (const rate of [11, 15, 33, 99, 1000, 123456]) {
      const q = capProbability(rate, 10);
      expect(q, `rate ${rate}`).toBeLessThanOrEqual(10 / rate);
      expect(q * 2 ** (1 / 8), `rate ${rate}`).toBeGreaterThan(10 / rate);
    }
  });

  it('stops at 2^-56, the smallest probability 56 bits express', () => {
    expect(capProbability(1e300, 1e-3)).toBe(2 ** -56);
  });
});

describe('CapProbability', () => {
  it('keeps q = 1 in the first second, then follows the last second’s count', () => {
    const time = clock();
    const cap = new CapProbability(100, time.now);
    for (let i = 0; i < 400; i++) expect(cap.admit()).toBe(1);
    time.advance(1000);
    expect(cap.admit()).toBe(0.25);
    for (let i = 0; i < 49; i++) cap.admit();
    time.advance(1000);
    expect(cap.admit()).toBe(1);
  });
});

describe('CustomSampler under CUSTOM_OTEL_MAX_TRACES_PER_SECOND', () => {
  const DECISION = { notRecord: SamplingDecision.NOT_RECORD, recordAndSample: SamplingDecision.RECORD_AND_SAMPLED };

  it('keeps the traces kept at ratio·q, with that threshold, once the rate is known', () => {
    const time = clock();
    const firstSecondStart = time.now();
    const { config } = parseConfig({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5', CUSTOM_OTEL_MAX_TRACES_PER_SECOND: '100' });
    const sampler = new CustomSampler(samplingPolicy(config), 100, DECISION, 'test', time.now);
    const seed = testSeed();
    const random = seededRandom(seed);
    const decide = (traceId: string) => sampler.shouldSample(ROOT_CONTEXT, traceId, 'root', SpanKind.INTERNAL, {}, []);
    // Second 1: 800 new traces, about 400 kept by the ratio: the bucket lets 100 through, each with th:8.
    let kept = 0;
    let candidates = 0;
    for (let i = 0; i < 800; i++) {
      const traceId = randomHex(random, 32);
      if (BigInt(`0x${traceId.slice(-14)}`) >= 0x80000000000000n) candidates++;
      const result = decide(traceId);
      if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) {
        kept++;
        expect(result.traceState?.serialize()).toBe('ot=th:8');
      }
    }
    expect(kept).toBe(100);
    // Second 2: the same rate, spread over the second; q ≈ 100 / 400 of the ratio's 0.5.
    // The sampler takes the rate when the second's first candidate comes, over the time
    // since the first second began (a few ms more than 1000 when the traces before it are
    // not candidates), so the expected threshold is worked out there too.
    time.advance(1000);
    kept = 0;
    let th: string | undefined;
    let threshold = 0n;
    for (let i = 0; i < 800; i++) {
      time.advance(1);
      const traceId = randomHex(random, 32);
      const r = BigInt(`0x${traceId.slice(-14)}`);
      if (th === undefined && r >= 0x80000000000000n) {
        const q = capProbability((candidates * 1000) / (time.now() - firstSecondStart), 100);
        expect(q, `seed ${seed}`).toBeLessThan(0.3);
        th = probabilityThreshold(0.5 * q)!.th;
        threshold = BigInt(`0x${th.padEnd(14, '0')}`);
      }
      const result = decide(traceId);
      if (result.decision === SamplingDecision.RECORD_AND_SAMPLED) {
        kept++;
        expect(result.traceState?.serialize(), `seed ${seed}`).toBe(`ot=th:${th}`);
        expect(r >= threshold, `${traceId} (seed ${seed})`).toBe(true);
      } else {
        // Consistent: every trace kept at 0.5·q is kept (the bucket, refilled, does not run dry at ~100 a second).
        expect(th === undefined || r < threshold, `${traceId} (seed ${seed})`).toBe(true);
      }
    }
    expect(kept, `seed ${seed}`).toBeGreaterThan(50);
    expect(kept, `seed ${seed}`).toBeLessThan(150);
  });
});
