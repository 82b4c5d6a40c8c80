/** Credentials never leave the process (src/processor/redaction.ts). */
import { describe, expect, it } from 'vitest';
import { DEFAULT_REDACT_KEYS, REDACTED, Redactor, sanitizeDbErrorText, sanitizeSql } from '../../src/processor/redaction';
import { parseConfig } from '../../src/config/config';

const R = REDACTED;

function redactor(custom: string[] = [], sanitizeDbStatements = false): Redactor {
  return new Redactor([...DEFAULT_REDACT_KEYS, ...custom], sanitizeDbStatements);
}

function redacted(attributes: Record<string, unknown>, r = redactor()): Record<string, unknown> {
  const copy = structuredClone(attributes);
  r.redactAttributes(copy);
  return copy;
}

describe('header attributes', () => {
  it('replace every value of authorization, cookie and set-cookie arrays', () => {
    expect(
      redacted({
        'http.request.header.authorization': ['Bearer abc.def'],
        'http.request.header.cookie': ['session=1; theme=dark'],
        'http.response.header.set-cookie': ['a=1; HttpOnly', 'b=2'],
        'http.request.header.proxy-authorization': ['Basic eDp5'],
      }),
    ).toEqual({
      'http.request.header.authorization': [R],
      'http.request.header.cookie': [R],
      'http.response.header.set-cookie': [R, R],
      'http.request.header.proxy-authorization': [R],
    });
  });

  it('match header names case-insensitively and in the old underscore form', () => {
    expect(
      redacted({
        'http.request.header.Authorization': ['Bearer x'],
        'http.request.header.x_api_key': ['k'],
        'http.response.header.set_cookie': ['c=1'],
      }),
    ).toEqual({ 'http.request.header.Authorization': [R], 'http.request.header.x_api_key': [R], 'http.response.header.set_cookie': [R] });
  });

  it('replace a single string value too', () => {
    expect(redacted({ 'http.request.header.authorization': 'Bearer x' })).toEqual({ 'http.request.header.authorization': R });
  });

  it('keep ordinary headers', () => {
    const attributes = { 'http.request.header.user-agent': ['curl/8'], 'http.request.header.accept': ['*/*'], 'http.response.header.content-type': ['text/html'] };
    expect(redacted(attributes)).toEqual(attributes);
  });

  it('include the custom keys of CUSTOM_OTEL_REDACT_KEYS', () => {
    const keys = parseConfig({ CUSTOM_OTEL_REDACT_KEYS: 'X-Internal-Token, ssn' }).config.processor.redactKeys;
    const r = new Redactor(keys, false);
    expect(
      redacted({ 'http.request.header.x-internal-token': ['t'], 'http.request.header.x_internal_token': ['t'], 'user.ssn': '123-45-6789', 'http.request.header.x-other': ['o'] }, r),
    ).toEqual({ 'http.request.header.x-internal-token': [R], 'http.request.header.x_internal_token': [R], 'user.ssn': R, 'http.request.header.x-other': ['o'] });
    // Without the custom keys the same attributes pass.
    expect(redacted({ 'http.request.header.x-internal-token': ['t'], 'user.ssn': '1' })).toEqual({ 'http.request.header.x-internal-token': ['t'], 'user.ssn': '1' });
  });
});

describe('other attributes', () => {
  it('are secret when the last part of their key is a secret name', () => {
    expect(redacted({ 'db.password': 'hunter2', 'app.client_secret': 's', token: 't', 'auth.TOKEN': 9 })).toEqual({
      'db.password': R, 'app.client_secret': R, token: R, 'auth.TOKEN': R,
    });
  });

  it('are kept otherwise, whatever their type', () => {
    const attributes = { 'http.route': '/users/:id', 'token.count': 3, 'app.enabled': true, 'app.list': ['a'], 'password.policy.length': 12 };
    expect(redacted(attributes)).toEqual(attributes);
  });
});

describe('one redactor, attribute sets of different keys', () => {
  it('classifies each key wherever it stands, whatever the set before had there', () => {
    // The redactor remembers the last set's keys by position: each set here puts other keys where the one before had a secret.
    const r = redactor();
    const sets: Array<[Record<string, unknown>, Record<string, unknown>]> = [
      [{ 'app.name': 'a', 'db.password': 'p', 'url.path': '/x' }, { 'app.name': 'a', 'db.password': R, 'url.path': '/x' }],
      [{ 'db.password': 'p', 'app.name': 'a', 'url.full': 'https://h/?token=t' }, { 'db.password': R, 'app.name': 'a', 'url.full': `https://h/?token=${R}` }],
      [{ 'app.name': 'a', 'db.name': 'p', 'url.path': '/?token=t' }, { 'app.name': 'a', 'db.name': 'p', 'url.path': '/?token=t' }],
      [{ 'app.name': 'a', 'db.password': 'p' }, { 'app.name': 'a', 'db.password': R }],
      [{ 'app.name': 'a', 'db.password': 'p', 'url.path': '/x', 'http.target': '/?token=t' }, { 'app.name': 'a', 'db.password': R, 'url.path': '/x', 'http.target': `/?token=${R}` }],
    ];
    for (let round = 0; round < 2; round++) {
      for (const [input, expected] of sets) expect(redacted(input, r)).toEqual(expected);
    }
  });
});

describe('URLs', () => {
  const r = redactor();

  it('lose their user-info', () => {
    expect(r.redactUrl('https://alice:s3cret@api.example.com/v1/items')).toBe(`https://${R}@api.example.com/v1/items`);
    expect(r.redactUrl('postgres://user@db:5432/app')).toBe(`postgres://${R}@db:5432/app`);
  });

  it('keep an @ that is not user-info', () => {
    expect(r.redactUrl('https://api.example.com/users/a@b.com?email=a@b.com')).toBe('https://api.example.com/users/a@b.com?email=a@b.com');
    expect(r.redactUrl('https://api.example.com?email=a@b.com')).toBe('https://api.example.com?email=a@b.com');
  });

  it.each([
    ['token', 'https://h/p?token=abc&page=2', `https://h/p?token=${R}&page=2`],
    ['password', 'https://h/p?user=bob&password=pw', `https://h/p?user=bob&password=${R}`],
    ['secret', '/p?secret=x', `/p?secret=${R}`],
    ['api_key', '/p?api_key=k&q=shoes', `/p?api_key=${R}&q=shoes`],
    ['access_token', '/cb?access_token=at&state=s', `/cb?access_token=${R}&state=s`],
    ['upper case', '/p?TOKEN=a&Api_Key=b&PassWord=c', `/p?TOKEN=${R}&Api_Key=${R}&PassWord=${R}`],
    ['percent-encoded name', '/p?api%5Fkey=k&%74oken=t', `/p?api%5Fkey=${R}&%74oken=${R}`],
    ['a name without a value', '/p?token&x=1', `/p?token=${R}&x=1`],
    ['an empty value', '/p?token=&x=1', `/p?token=${R}&x=1`],
    ['repeated', '/p?token=a&token=b', `/p?token=${R}&token=${R}`],
  ])('lose secret query parameters: %s', (_case, url, expected) => {
    expect(r.redactUrl(url)).toBe(expected);
  });

  it('keep the fragment and non-secret parameters', () => {
    expect(r.redactUrl('https://h/p?page=2&token=abc&sort=asc#section-2')).toBe(`https://h/p?page=2&token=${R}&sort=asc#section-2`);
    const plain = 'https://h/p?page=2&tokens=5&my_token_count=1#token=x';
    expect(r.redactUrl(plain)).toBe(plain);
  });

  it('without a query are unchanged', () => {
    expect(r.redactUrl('https://h/a/b')).toBe('https://h/a/b');
    expect(r.redactUrl('/a/b?')).toBe('/a/b?');
    expect(r.redactUrl('/a/b?flag')).toBe('/a/b?flag');
  });

  it('handle a bare query string with and without a leading ?', () => {
    expect(r.redactUrl('token=abc&page=2', true)).toBe(`token=${R}&page=2`);
    expect(r.redactUrl('?token=abc&page=2', true)).toBe(`?token=${R}&page=2`);
    expect(r.redactUrl('page=2', true)).toBe('page=2');
  });

  it('tolerate broken percent-encoding in names', () => {
    expect(r.redactUrl('/p?%ZZ=1&token=t')).toBe(`/p?%ZZ=1&token=${R}`);
  });

  it('are redacted in every URL attribute', () => {
    expect(
      redacted({
        'http.url': 'https://u:p@h/p?token=a',
        'url.full': 'https://h/p?password=b',
        'http.target': '/p?secret=c',
        'url.query': 'api_key=d',
        'url.original': '/p?access_token=e',
        'http.client.url': 'https://h/?token=f',
        'url.path': '/p',
      }),
    ).toEqual({
      'http.url': `https://${R}@h/p?token=${R}`,
      'url.full': `https://h/p?password=${R}`,
      'http.target': `/p?secret=${R}`,
      'url.query': `api_key=${R}`,
      'url.original': `/p?access_token=${R}`,
      'http.client.url': `https://h/?token=${R}`,
      'url.path': '/p',
    });
  });

  it('are redacted in each key when one URL is written under two', () => {
    const url = 'https://u:p@h/p?token=a';
    expect(redacted({ 'http.url': url, 'url.full': url, 'url.query': 'token=a' })).toEqual({
      'http.url': `https://${R}@h/p?token=${R}`,
      'url.full': `https://${R}@h/p?token=${R}`,
      'url.query': `token=${R}`,
    });
  });

  it("give a span's URLs and query what each gives redacted on its own, whatever was redacted before it", () => {
    // Pieces that make a query secret, plain, or read differently on its own (a leading ?, user-info, a fragment, encoding).
    const queries = ['page=2&size=20', 'token=a', 'x=1&Password=b', '?token=a', 'a=1?token=b', 'http://u@h', 'a=b@c', 'to%6Ben=a', 'x=1#token=a', 'p', '', 'token', 'a=1&&sig=2'];
    const paths = ['/api/orders/7', '/p', '/'];
    let seed = 21;
    const pick = <T,>(items: readonly T[]): T => items[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % items.length]!;
    const r = redactor();
    let shortcut = 0;
    for (let i = 0; i < 3000; i++) {
      const target = `${pick(paths)}${pick(['?', '??', '?', ''])}${pick(queries)}`;
      const full = `${pick(['http://h:8080', 'https://u:p@h', 'http://h'])}${pick([target, `${pick(paths)}?${pick(queries)}`])}`;
      const attributes: Record<string, unknown> = { 'http.url': full, 'http.target': target };
      if (pick([true, false])) attributes['url.full'] = pick([full, `${full}x`]);
      const q = target.indexOf('?');
      attributes['url.query'] = pick([q < 0 ? pick(queries) : target.slice(q + 1), pick(queries), target.slice(Math.max(0, q))]);
      const alone = Object.fromEntries(Object.entries(attributes).map(([key, value]) => [key, redacted({ [key]: value }, redactor())[key]]));
      const together = redacted(attributes, r);
      expect(together, JSON.stringify(attributes)).toEqual(alone);
      if (q >= 0 && attributes['url.query'] === target.slice(q + 1) && together['http.target'] === target) shortcut++;
    }
    // The case the kept URLs shorten (a query the target already showed clean) was among them.
    expect(shortcut).toBeGreaterThan(100);
  });

  it('use the custom keys for query parameters too', () => {
    expect(redactor(['session-key']).redactUrl('/p?Session-Key=abc&x=1')).toBe(`/p?Session-Key=${R}&x=1`);
  });
});

describe('SQL statements', () => {
  const statement = "SELECT * FROM users WHERE name = 'O''Brien' AND id = 42 AND score > 3.5 AND note = \"it\\\"s\" AND t1.col = 7";

  it('lose their literals when sanitising is on', () => {
    expect(redacted({ 'db.statement': statement, 'db.query.text': "UPDATE t SET v = 'x' WHERE id = 1" }, redactor([], true))).toEqual({
      'db.statement': 'SELECT * FROM users WHERE name = ? AND id = ? AND score > ? AND note = ? AND t1.col = ?',
      'db.query.text': 'UPDATE t SET v = ? WHERE id = ?',
    });
  });

  it('are kept as they are when sanitising is off', () => {
    expect(redacted({ 'db.statement': statement }, redactor([], false))).toEqual({ 'db.statement': statement });
  });

  it('keep identifiers that contain digits', () => {
    expect(sanitizeSql('SELECT col2 FROM table_1 WHERE v = 10')).toBe('SELECT col2 FROM table_1 WHERE v = ?');
    expect(sanitizeSql("INSERT INTO logs (msg) VALUES ('a\\'b')")).toBe('INSERT INTO logs (msg) VALUES (?)');
  });
});

describe('secret names compare with `_` and `-` alike', () => {
  it.each(['access_token', 'client_secret', 'session_id', 'x_api_key'])('redacts the header attribute http.request.header.%s', (name) => {
    expect(redacted({ [`http.request.header.${name}`]: ['v'] })[`http.request.header.${name}`]).toEqual([R]);
  });

  it('redacts a custom key written with `_` in headers and in query parameters, spelled either way', () => {
    const r = redactor(['my_token']);
    expect(redacted({ 'http.request.header.my-token': ['v'], 'url.full': 'http://h/p?my-token=a&my_token=b&x=1' }, r)).toEqual({
      'http.request.header.my-token': [R],
      'url.full': `http://h/p?my-token=${R}&my_token=${R}&x=1`,
    });
  });
});

describe('sanitizeDbErrorText', () => {
  it("removes MariaDB's unescaped `near '...' at line N` quote of the rejected statement", () => {
    const message = "You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near ''s3cret'' AND id = 7' at line 1";
    expect(sanitizeDbErrorText(message)).toBe(
      'You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near ? at line ?',
    );
  });
});
