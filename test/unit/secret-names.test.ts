/** Secret names and the in-place query check (src/processor/secret-names.ts). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_KEYS } from '../../src/processor/redaction';
import { normalName, SecretNames } from '../../src/processor/secret-names';
import { seededRandom, testSeed } from './support/seeded-random';

const names = new SecretNames([...DEFAULT_REDACT_KEYS, 'My_Key']);

/** The reference: split the query and compare each normalised name, as the redaction's exact path does. */
function reference(query: string, set: ReadonlySet<string>): boolean {
  return query.split('&').some((param) => {
    const eq = param.indexOf('=');
    return set.has(normalName(eq < 0 ? param : param.slice(0, eq)));
  });
}

describe('SecretNames', () => {
  it('knows names lower-cased and with `_` as `-`', () => {
    for (const name of ['token', 'TOKEN', 'access_token', 'Access-Token', 'x_api_key', 'my-key', 'MY_KEY']) expect(names.has(name)).toBe(true);
    for (const name of ['tokens', 'page', '', 'my']) expect(names.has(name)).toBe(false);
  });

  it.each([
    ['token=a', true],
    ['page=2&size=20', false],
    ['page=2&TOKEN=x', true],
    ['page=2&Access_Token', true],
    ['page=2&token', true],
    ['tokens=1&my_token_count=2', false],
    ['next=/x?token=1', false],
    ['a=token&b=password', false],
    ['=token&&', false],
    ['', false],
  ])('finds a secret parameter name in %j: %s', (query, expected) => {
    expect(names.mayBeInQuery(query, 0, query.length)).toBe(expected);
  });

  it('looks only inside the given range', () => {
    const url = 'http://h/p?page=1&token=x#token=y';
    const start = url.indexOf('?') + 1;
    expect(names.mayBeInQuery(url, start, url.indexOf('&'))).toBe(false);
    expect(names.mayBeInQuery(url, start, url.indexOf('#'))).toBe(true);
    const fragmentOnly = 'http://h/p?page=1#token=y';
    expect(names.mayBeInQuery(fragmentOnly, fragmentOnly.indexOf('?') + 1, fragmentOnly.indexOf('#'))).toBe(false);
  });

  it('answers "maybe" for every query when a name is not ASCII, leaving the decision to the exact path', () => {
    const wide = new SecretNames(['clé']);
    expect(wide.mayBeInQuery('page=1', 0, 6)).toBe(true);
    expect(wide.has('CLÉ')).toBe(true);
  });

  it('decides as splitting and comparing does, on random queries', () => {
    const seed = testSeed();
    const random = seededRandom(seed);
    const set = new Set([...DEFAULT_REDACT_KEYS, 'My_Key'].map(normalName));
    const pieces = ['token', 'TOKEN', 'tok', 'en', 'api_key', 'Api-Key', 'pwd', 'sig', 'page', 'my_key', '=', '=', '&', '&', 'x', '1', '_', '-'];
    for (let i = 0; i < 5000; i++) {
      let query = '';
      const count = Math.floor(random() * 8);
      for (let j = 0; j < count; j++) query += pieces[Math.floor(random() * pieces.length)];
      expect(names.mayBeInQuery(query, 0, query.length), `${JSON.stringify(query)} (UNIT_TEST_SEED=${seed})`).toBe(reference(query, set));
    }
  });
});
