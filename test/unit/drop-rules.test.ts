/** CUSTOM_OTEL_DROP_SPANS rules (src/processor/drop-rules.ts). */
import { describe, expect, it } from 'vitest';
import { matchesDropRule, parseDropRules } from '../../src/processor/drop-rules';

describe('parseDropRules', () => {
  it('reads rules of one or more conditions, with * meaning a prefix', () => {
    expect(parseDropRules('name=GET /metrics, http.route=/internal*&http.request.method=GET')).toEqual({
      rules: [
        [{ key: 'name', value: 'GET /metrics', prefix: false }],
        [
          { key: 'http.route', value: '/internal', prefix: true },
          { key: 'http.request.method', value: 'GET', prefix: false },
        ],
      ],
      malformed: [],
    });
  });

  it('trims around keys and values, ignores empty entries, and keeps = inside values', () => {
    expect(parseDropRules(',, a = 1 & b=x=y ,,')).toEqual({
      rules: [[{ key: 'a', value: '1', prefix: false }, { key: 'b', value: 'x=y', prefix: false }]],
      malformed: [],
    });
  });

  it.each(['name', '=x', 'a=', 'a=1&b', '&a=1', 'a=1&', 'a=1&&b=2', ' = '])('reports %j as malformed', (entry) => {
    expect(parseDropRules(entry)).toEqual({ rules: [], malformed: [entry.trim()] });
  });

  it('keeps the well-formed rules next to malformed ones', () => {
    expect(parseDropRules('a=1,broken,b=2*')).toEqual({
      rules: [[{ key: 'a', value: '1', prefix: false }], [{ key: 'b', value: '2', prefix: true }]],
      malformed: ['broken'],
    });
  });
});

describe('matchesDropRule', () => {
  const { rules } = parseDropRules('name=GET /metrics,http.route=/internal*&http.request.method=GET,http.response.status_code=404');

  it('matches the span name exactly', () => {
    expect(matchesDropRule(rules, 'GET /metrics', {})).toBe(true);
    expect(matchesDropRule(rules, 'GET /metrics/extra', {})).toBe(false);
    expect(matchesDropRule(rules, 'get /metrics', {})).toBe(false);
  });

  it('needs every condition of a rule joined by &', () => {
    expect(matchesDropRule(rules, 'x', { 'http.route': '/internal/jobs', 'http.request.method': 'GET' })).toBe(true);
    expect(matchesDropRule(rules, 'x', { 'http.route': '/internal/jobs', 'http.request.method': 'POST' })).toBe(false);
    expect(matchesDropRule(rules, 'x', { 'http.route': '/internal/jobs' })).toBe(false);
  });

  it('matches a prefix only at the start', () => {
    expect(matchesDropRule(rules, 'x', { 'http.route': '/internal', 'http.request.method': 'GET' })).toBe(true);
    expect(matchesDropRule(rules, 'x', { 'http.route': '/api/internal', 'http.request.method': 'GET' })).toBe(false);
  });

  it('compares numbers and other values by their text', () => {
    expect(matchesDropRule(rules, 'x', { 'http.response.status_code': 404 })).toBe(true);
    expect(matchesDropRule(rules, 'x', { 'http.response.status_code': 4040 })).toBe(false);
    expect(matchesDropRule(parseDropRules('flag=true').rules, 'x', { flag: true })).toBe(true);
  });

  it('never matches a missing or null attribute, even with a bare * prefix', () => {
    const anyValue = parseDropRules('tenant=*').rules;
    expect(matchesDropRule(anyValue, 'x', { tenant: '' })).toBe(true);
    expect(matchesDropRule(anyValue, 'x', {})).toBe(false);
    expect(matchesDropRule(anyValue, 'x', { tenant: null })).toBe(false);
  });

  it('matches nothing without rules', () => {
    expect(matchesDropRule([], 'GET /metrics', { 'http.route': '/internal' })).toBe(false);
  });
});
