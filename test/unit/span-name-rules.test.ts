/** CUSTOM_OTEL_SPAN_NAME_RULES (src/processor/span-name-rules.ts): parsing and matching as pure functions. */
import { describe, expect, it } from 'vitest';
import { matchSpanNameRule, parseSpanNameRules } from '../../src/processor/span-name-rules';

const templates = (value: string) => parseSpanNameRules(value).rules.map((r) => `${r.method ?? '*'} ${r.template}`);

describe('parseSpanNameRules', () => {
  it('reads [METHOD ]TEMPLATE entries in order, methods upper-cased, * or none meaning any', () => {
    expect(templates('GET /users/:id, post /orders/:id/items ,/static/*, * /')).toEqual(['GET /users/:id', 'POST /orders/:id/items', '* /static/*', '* /']);
    expect(parseSpanNameRules('GET /users/:id').rules[0]).toEqual({ method: 'GET', template: '/users/:id', segments: ['users', null], rest: false });
  });

  it.each(['users/:id', 'GET users', 'GET POST /x', '/a/*/b', '/a/b*', '/a//b', '/a/:', 'G3T /x', '', ' , '])('reports %j as malformed', (entry) => {
    const { rules, malformed } = parseSpanNameRules(entry);
    expect(rules).toEqual([]);
    expect(malformed).toEqual(entry.trim() === '' || entry.trim() === ',' ? [] : [entry.trim()]);
  });

  it('keeps the good rules next to malformed ones', () => {
    expect(parseSpanNameRules('/a/:id,bad,/b/')).toMatchObject({ rules: [{ template: '/a/:id' }, { template: '/b/', segments: ['b'] }], malformed: ['bad'] });
  });
});

describe('matchSpanNameRule', () => {
  const { rules } = parseSpanNameRules('GET /users/:id,POST /orders/:id/items,/users/:id/avatar,/static/*,GET /,DELETE /users/me');
  const match = (method: string | undefined, path: string) => matchSpanNameRule(rules, method, path)?.template;

  it('matches a :param to exactly one non-empty segment', () => {
    expect(match('GET', '/users/42')).toBe('/users/:id');
    expect(match('GET', '/users/42/')).toBe('/users/:id');
    expect(match('GET', '/users')).toBeUndefined();
    expect(match('GET', '/users/')).toBeUndefined();
    expect(match('GET', '/users//')).toBeUndefined();
    expect(match('GET', '/usersX/42')).toBeUndefined();
    expect(match('GET', '/user/42')).toBeUndefined();
  });

  it('honours the method, and rules without one match any', () => {
    expect(match('POST', '/users/42')).toBeUndefined();
    expect(match('POST', '/orders/7/items')).toBe('/orders/:id/items');
    expect(match('GET', '/orders/7/items')).toBeUndefined();
    expect(match('PUT', '/users/7/avatar')).toBe('/users/:id/avatar');
    expect(match(undefined, '/users/7/avatar')).toBe('/users/:id/avatar');
  });

  it('matches a final * to one or more segments', () => {
    expect(match('GET', '/static/app.js')).toBe('/static/*');
    expect(match('GET', '/static/css/site.css')).toBe('/static/*');
    expect(match('GET', '/static')).toBeUndefined();
    expect(match('GET', '/static/')).toBeUndefined();
  });

  it('matches / only to /, and takes the first matching rule', () => {
    expect(match('GET', '/')).toBe('/');
    expect(match('GET', '/x')).toBeUndefined();
    // DELETE /users/me comes after /users/:id (GET only), so it is reached for DELETE.
    expect(match('DELETE', '/users/me')).toBe('/users/me');
    const first = parseSpanNameRules('/a/:x,/a/b').rules;
    expect(matchSpanNameRule(first, 'GET', '/a/b')?.template).toBe('/a/:x');
  });

  it('does not match paths that are not absolute', () => {
    expect(match('GET', 'users/42')).toBeUndefined();
    expect(match('GET', '')).toBeUndefined();
  });
});
