/** Old and stable HTTP semantic conventions filled in from each other (src/processor/http-semconv.ts). */
import { describe, expect, it } from 'vitest';
import { harmonizeHttpAttributes } from '../../src/processor/http-semconv';

function harmonized(attributes: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...attributes };
  harmonizeHttpAttributes(copy);
  return copy;
}

describe('harmonizeHttpAttributes', () => {
  it('adds the stable names to an old-convention span', () => {
    expect(harmonized({ 'http.method': 'GET', 'http.status_code': 200, 'http.url': 'http://h/a?b=1', 'http.target': '/a?b=1' })).toEqual({
      'http.method': 'GET',
      'http.status_code': 200,
      'http.url': 'http://h/a?b=1',
      'http.target': '/a?b=1',
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.full': 'http://h/a?b=1',
      'url.path': '/a',
      'url.query': 'b=1',
    });
  });

  it('adds the old names to a stable-convention span', () => {
    expect(harmonized({ 'http.request.method': 'POST', 'http.response.status_code': 201, 'url.full': 'http://h/x', 'url.path': '/x', 'url.query': 'q=1' })).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 201,
      'url.full': 'http://h/x',
      'url.path': '/x',
      'url.query': 'q=1',
      'http.method': 'POST',
      'http.status_code': 201,
      'http.url': 'http://h/x',
      'http.target': '/x?q=1',
    });
  });

  it('builds http.target from a query with a leading ? and from no query', () => {
    expect(harmonized({ 'http.request.method': 'GET', 'url.path': '/x', 'url.query': '?q=1' })['http.target']).toBe('/x?q=1');
    expect(harmonized({ 'http.request.method': 'GET', 'url.path': '/x' })['http.target']).toBe('/x');
    expect(harmonized({ 'http.request.method': 'GET', 'url.path': '/x', 'url.query': '' })['http.target']).toBe('/x');
  });

  it('splits an http.target without a query into the path only', () => {
    const result = harmonized({ 'http.method': 'GET', 'http.target': '/plain' });
    expect(result['url.path']).toBe('/plain');
    expect(result).not.toHaveProperty('url.query');
  });

  it('never overwrites a value that is present on both sides', () => {
    const both = { 'http.method': 'GET', 'http.request.method': '_OTHER', 'http.status_code': 500, 'http.response.status_code': 503, 'http.target': '/a?x=1', 'url.path': '/b' };
    expect(harmonized(both)).toEqual(both);
    // url.query already set: the one from http.target does not replace it.
    expect(harmonized({ 'http.method': 'GET', 'http.target': '/a?x=1', 'url.query': 'y=2' })['url.query']).toBe('y=2');
  });

  it('leaves spans that are not HTTP alone', () => {
    const notHttp = { 'db.system': 'mysql', 'http.target': '/looks/like?http', 'url.path': undefined };
    expect(harmonized(notHttp)).toEqual(notHttp);
    expect(harmonized({ 'http.status_code': 200 })).toEqual({ 'http.status_code': 200 });
  });
});
