/** CUSTOM_OTEL_SAMPLING_RULES (src/sampler/sampling-rules.ts). */
import { describe, expect, it } from 'vitest';
import { matchSamplingRule, parseSamplingRules } from '../../src/sampler/sampling-rules';

describe('parseSamplingRules', () => {
  it('reads [METHOD ]PATH_PREFIX=RATIO entries in order', () => {
    expect(parseSamplingRules('GET /api/orders=0.5, /static=0 ,POST *=1, * /any=0.25, get  /lower=1e-1')).toEqual({
      rules: [
        { method: 'GET', pathPrefix: '/api/orders', ratio: 0.5 },
        { method: undefined, pathPrefix: '/static', ratio: 0 },
        { method: 'POST', pathPrefix: '', ratio: 1 },
        { method: undefined, pathPrefix: '/any', ratio: 0.25 },
        { method: 'GET', pathPrefix: '/lower', ratio: 0.1 },
      ],
      malformed: [],
    });
  });

  it('splits at the last =, so paths may contain =', () => {
    expect(parseSamplingRules('/q=a=0.5').rules).toEqual([{ method: undefined, pathPrefix: '/q=a', ratio: 0.5 }]);
  });

  it.each(['/x=2', '/x=-0.1', '/x=half', '/x', 'x=1', 'GET x=1', 'GET /a b=1', '=1', 'GET=1', '/x=NaN'])('reports %j as malformed', (entry) => {
    expect(parseSamplingRules(entry)).toEqual({ rules: [], malformed: [entry] });
  });

  it('keeps the good rules next to malformed ones and ignores empty entries', () => {
    expect(parseSamplingRules(',/a=1,,bad,/b=0,')).toEqual({
      rules: [{ method: undefined, pathPrefix: '/a', ratio: 1 }, { method: undefined, pathPrefix: '/b', ratio: 0 }],
      malformed: ['bad'],
    });
  });
});

describe('matchSamplingRule', () => {
  const { rules } = parseSamplingRules('GET /api/orders=0.5,/api=0.1,POST *=1');

  it('returns the first rule whose method and path prefix match', () => {
    expect(matchSamplingRule(rules, 'GET', '/api/orders/7')?.ratio).toBe(0.5);
    expect(matchSamplingRule(rules, 'PUT', '/api/orders/7')?.ratio).toBe(0.1);
    expect(matchSamplingRule(rules, 'POST', '/checkout')?.ratio).toBe(1);
    expect(matchSamplingRule(rules, undefined, '/api/x')?.ratio).toBe(0.1);
  });

  it('returns undefined when nothing matches', () => {
    expect(matchSamplingRule(rules, 'GET', '/checkout')).toBeUndefined();
    expect(matchSamplingRule(rules, undefined, '/checkout')).toBeUndefined();
    expect(matchSamplingRule([], 'GET', '/api')).toBeUndefined();
  });

  it('compares methods as given (rules are upper case)', () => {
    expect(matchSamplingRule(rules, 'get', '/api/orders')?.ratio).toBe(0.1);
  });
});

describe('parseSamplingRules rejects ratios that are not decimal numbers', () => {
  it.each(['/api=', '/api= ', '/c=0x1', '/c=1.5', '/c=-0.1', '/c=half'])('%s is malformed, not a rule', (value) => {
    expect(parseSamplingRules(value)).toEqual({ rules: [], malformed: [value.trim()] });
  });
});
