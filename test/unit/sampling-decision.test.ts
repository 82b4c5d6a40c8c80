/** The sampling policy as a pure function (src/sampler/sampling-decision.ts). */
import { describe, expect, it } from 'vitest';
import { decideSampling, ratioKeeps, requestMethod, requestPath, type SamplingInput, type SamplingPolicy } from '../../src/sampler/sampling-decision';
import { HealthPaths } from '../../src/sampler/health-paths';
import { parseSamplingRules } from '../../src/sampler/sampling-rules';
import { randomHex, seededRandom, testSeed } from './support/seeded-random';

function policy(overrides: Partial<SamplingPolicy> = {}): SamplingPolicy {
  return {
    healthPaths: new HealthPaths(['/health', '/ready']),
    parentBased: true,
    rootRatio: 1,
    rootByProbability: false,
    followParent: { sampled: true, notSampled: false },
    rules: [],
    ...overrides,
  };
}

function input(overrides: Partial<SamplingInput> = {}): SamplingInput {
  return { isServer: true, method: 'GET', path: '/orders', parentSampled: undefined, traceId: '0af7651916cd43dd8448eb211c80319c', ...overrides };
}

describe('decideSampling', () => {
  it('drops health checks of server spans, even under a sampled parent', () => {
    expect(decideSampling(input({ path: '/health' }), policy())).toMatchObject({ sample: false, verdict: 'drop-health-check', newTrace: false });
    expect(decideSampling(input({ path: '/ready', parentSampled: true }), policy())).toMatchObject({ sample: false, verdict: 'drop-health-check', newTrace: false });
  });

  it('matches health paths exactly and only for server spans', () => {
    expect(decideSampling(input({ path: '/health/deep' }), policy()).verdict).toBe('ratio');
    expect(decideSampling(input({ isServer: false, path: '/health' }), policy())).toMatchObject({ sample: true, verdict: 'ratio', newTrace: true });
  });

  it('follows the parent for parent-based samplers', () => {
    expect(decideSampling(input({ parentSampled: true }), policy({ rootRatio: 0 }))).toMatchObject({ sample: true, verdict: 'follow-parent', newTrace: false });
    expect(decideSampling(input({ parentSampled: false }), policy({ rootRatio: 1 }))).toMatchObject({ sample: false, verdict: 'follow-parent', newTrace: false });
  });

  it('ignores the parent for samplers that are not parent-based', () => {
    expect(decideSampling(input({ parentSampled: false }), policy({ parentBased: false, rootRatio: 1 }))).toMatchObject({ sample: true, verdict: 'ratio', newTrace: true });
    expect(decideSampling(input({ parentSampled: true }), policy({ parentBased: false, rootRatio: 0 }))).toMatchObject({ sample: false, verdict: 'ratio', newTrace: true });
  });

  it('applies path rules before the ratio, for root spans', () => {
    const rules = parseSamplingRules('/api=1,/static=0').rules;
    expect(decideSampling(input({ path: '/api/x' }), policy({ rootRatio: 0, rules }))).toMatchObject({ sample: true, verdict: 'rule', newTrace: true });
    expect(decideSampling(input({ path: '/static/app.js' }), policy({ rootRatio: 1, rules }))).toMatchObject({ sample: false, verdict: 'rule', newTrace: true });
    expect(decideSampling(input({ path: '/other' }), policy({ rootRatio: 0, rules }))).toMatchObject({ sample: false, verdict: 'ratio', newTrace: true });
    // No path (not an HTTP request): rules cannot apply.
    expect(decideSampling(input({ path: undefined, isServer: false }), policy({ rootRatio: 0, rules }))).toMatchObject({ sample: false, verdict: 'ratio', newTrace: true });
  });

  it('ignores the query of an http.target path, for health checks and rules alike', () => {
    expect(decideSampling(input({ path: '/health?probe=1' }), policy())).toMatchObject({ sample: false, verdict: 'drop-health-check', newTrace: false });
    expect(decideSampling(input({ path: '/healthz?x' }), policy()).verdict).toBe('ratio');
    expect(decideSampling(input({ path: '/orders?next=/health' }), policy()).verdict).toBe('ratio');
    const rules = parseSamplingRules('/api/x=0,GET /api=1').rules;
    // '/api?x' is the path '/api', which the prefix '/api/x' does not cover.
    expect(decideSampling(input({ path: '/api?x=1' }), policy({ rootRatio: 0, rules }))).toMatchObject({ sample: true, verdict: 'rule', newTrace: true });
    expect(decideSampling(input({ path: '/api/x?y' }), policy({ rootRatio: 1, rules }))).toMatchObject({ sample: false, verdict: 'rule', newTrace: true });
  });

  it('lets the parent win over rules for parent-based samplers', () => {
    const rules = parseSamplingRules('/api=0').rules;
    expect(decideSampling(input({ path: '/api', parentSampled: true }), policy({ rules })).verdict).toBe('follow-parent');
  });
});

describe('ratioKeeps', () => {
  it('samples all at 1 and none at 0, whatever the id', () => {
    expect(ratioKeeps('ffffffffffffffffffffffffffffffff', undefined, 1)).toBe(true);
    expect(ratioKeeps('00000000000000000000000000000000', undefined, 1)).toBe(true);
    expect(ratioKeeps('ffffffffffffffffffffffffffffffff', undefined, 0)).toBe(false);
  });

  it('decides by the low 56 bits of the trace id, not the high 72', () => {
    expect(ratioKeeps('00000000000000000080000000000000', undefined, 0.5)).toBe(true);
    expect(ratioKeeps('ffffffffffffffffff7fffffffffffff', undefined, 0.5)).toBe(false);
  });

  it('is deterministic in the trace id and close to the ratio over 20,000 random ids', () => {
    const seed = testSeed();
    const random = seededRandom(seed);
    const ids = Array.from({ length: 20_000 }, () => randomHex(random, 32));
    for (const ratio of [0.01, 0.1, 0.25, 0.5, 0.9]) {
      const first = ids.map((id) => ratioKeeps(id, undefined, ratio));
      expect(ids.map((id) => ratioKeeps(id, undefined, ratio)), `seed ${seed}`).toEqual(first);
      const share = first.filter(Boolean).length / ids.length;
      expect(Math.abs(share - ratio), `ratio ${ratio}: sampled share ${share} (seed ${seed}, UNIT_TEST_SEED=${seed} replays)`).toBeLessThanOrEqual(0.02);
    }
  });

  it('samples an id at a higher ratio whenever it samples it at a lower one', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 1000; i++) {
      const id = randomHex(random, 32);
      if (ratioKeeps(id, undefined, 0.2)) expect(ratioKeeps(id, undefined, 0.3)).toBe(true);
    }
  });
});

describe('requestPath and requestMethod', () => {
  it('read the path from url.path, else from http.target with its query left on', () => {
    expect(requestPath({ 'url.path': '/a', 'http.target': '/b?x' })).toBe('/a');
    expect(requestPath({ 'http.target': '/b?x=1' })).toBe('/b?x=1');
    expect(requestPath({ 'http.target': '/c' })).toBe('/c');
    expect(requestPath({ 'url.path': 7 })).toBeUndefined();
    expect(requestPath({})).toBeUndefined();
    expect(requestPath(undefined)).toBeUndefined();
  });

  it('read the method from the stable name first, then the old one', () => {
    expect(requestMethod({ 'http.request.method': 'POST', 'http.method': 'GET' })).toBe('POST');
    expect(requestMethod({ 'http.method': 'GET' })).toBe('GET');
    expect(requestMethod({ 'http.method': 1 })).toBeUndefined();
    expect(requestMethod(undefined)).toBeUndefined();
  });
});
