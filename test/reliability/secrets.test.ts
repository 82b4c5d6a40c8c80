/**
 * Credentials in requests never reach the collector: Authorization (Bearer
 * and Basic), Cookie, API-key and other token headers captured with
 * CUSTOM_OTEL_HTTP_CAPTURE_HEADERS, user:password URLs and query tokens of
 * outbound calls, a query parameter for every default redacted key, and SQL
 * with literal passwords under CUSTOM_OTEL_SANITIZE_DB_STATEMENTS=true (real
 * MariaDB). Each secret is a fresh random value, looked for in the raw bytes
 * of every trace, metric and log request the receiver got.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { DEFAULT_REDACT_KEYS } from '../../src/processor/redaction';
import { recordFigures } from './support/figures';

const APP = join(__dirname, '../fixtures/reliability/secrets-app.cjs');
const CAPTURED_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key', 'x-auth-token', 'x-csrf-token', 'x-amz-security-token'];

const secret = (label: string) => `${label}-${randomBytes(8).toString('hex')}`;

describe('secrets never reach the collector', () => {
  let receiver: OtlpReceiver;
  // MariaDB (127.0.0.1:3306) is started by the project's global set-up (prepare.sh).
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('redacts every credential of the corpus from traces, metrics and logs', async () => {
    const secrets: Record<string, string> = {};
    const keep = (label: string, value = secret(label)) => (secrets[label] = value);

    const basicPassword = keep('basic-password');
    const headerRequests: Array<Record<string, string>> = [
      { authorization: `Bearer ${keep('bearer')}` },
      { authorization: `Basic ${keep('basic-base64', Buffer.from(`ada:${basicPassword}`).toString('base64'))}` },
      { cookie: `session=${keep('cookie-session')}; theme=dark` },
      { 'x-api-key': keep('x-api-key') },
      { 'proxy-authorization': `Basic ${keep('proxy-auth')}` },
      { 'x-auth-token': keep('x-auth-token') },
      { 'x-csrf-token': keep('x-csrf-token') },
      { 'x-amz-security-token': keep('x-amz-security-token') },
    ];
    // Every default key, plus spellings a client may use for them.
    const queryKeys = [...DEFAULT_REDACT_KEYS, 'Access_Token', 'PASSWORD', 'pass%77ord'];
    const queries = queryKeys.map((key) => `${key}=${keep(`query-${key}`)}`);
    // Short: MariaDB quotes at most 80 characters of a rejected statement. Not in `secrets`: see /db-error below.
    const errorSecret = `pw${randomBytes(5).toString('hex')}`;
    const env = operatorEnv(stagedEntry(), receiver.grpcUrl, {
      CUSTOM_OTEL_HTTP_CAPTURE_HEADERS: CAPTURED_HEADERS.join(','),
      CUSTOM_OTEL_SANITIZE_DB_STATEMENTS: 'true',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OUTBOUND_PASSWORD: keep('outbound-password'),
      OUTBOUND_TOKEN: keep('outbound-token'),
      DB_SECRET_SINGLE: keep('db-single-quoted'),
      DB_SECRET_DOUBLE: keep('db-double-quoted'),
      DB_SECRET_PIN: keep('db-pin', String(100_000_000 + randomBytes(3).readUIntBE(0, 3))),
      DB_SECRET_IN_ERROR: errorSecret,
    });
    const app = await startApp(APP, env);

    for (const headers of headerRequests) expect((await get(app.port, '/echo?kind=header', headers)).status).toBe(200);
    for (const q of queries) expect((await get(app.port, `/echo?${q}&page=1`)).status).toBe(200);
    expect((await get(app.port, '/outbound')).status).toBe(200);
    const db = await get(app.port, '/db');
    expect(db.status, db.body).toBe(200);
    // MariaDB quotes a rejected statement, literal included, in its error
    // message, which becomes the span's status message and exception event.
    expect((await get(app.port, '/db-error')).status).toBe(500);

    const expectedServerSpans = headerRequests.length + queries.length + 4; // + /outbound, its inner /echo, /db, /db-error
    await receiver.waitForSpans(
      (spans) => spans.filter((s) => s.kind === 'SERVER').length >= expectedServerSpans && spans.filter((s) => s.attributes['db.system'] !== undefined || s.attributes['db.system.name'] !== undefined).length >= 4,
      20_000,
      `${expectedServerSpans} server spans and 4 database spans`,
    );
    await app.stop('SIGTERM'); // flushes metrics and logs too

    const spans = receiver.spans;
    const statements = spans.map((s) => s.attributes['db.statement'] ?? s.attributes['db.query.text']).filter((x): x is string => typeof x === 'string');
    const outboundClient = spans.find((s) => s.kind === 'CLIENT' && String(s.attributes['url.full'] ?? s.attributes['http.url']).includes('/echo'));
    const leaked = Object.entries(secrets).filter(([, value]) => receiver.rawContains(value)).map(([label]) => label);

    recordFigures('secrets', 'Secrets in requests (CUSTOM_OTEL_HTTP_CAPTURE_HEADERS, CUSTOM_OTEL_SANITIZE_DB_STATEMENTS=true)', [
      { name: 'secret values sent (headers, query keys, outbound URL, SQL literals)', value: String(Object.keys(secrets).length), bound: 'reported' },
      { name: 'requests received by the collector: traces / metrics / logs', value: `${receiver.requests.traces} / ${receiver.requests.metrics} / ${receiver.requests.logs}`, bound: 'reported' },
      { name: 'secret values found in the raw bytes the collector got', value: leaked.length === 0 ? '0' : `${leaked.length}: ${leaked.join(', ')}`, bound: '0' },
      { name: 'SQL statements as exported', value: statements.map((s) => `\`${s}\``).join('; '), bound: 'literals replaced by ?' },
      { name: 'a literal quoted in a database error message, found in what the collector got', value: receiver.rawContains(errorSecret) ? 'yes' : 'no', bound: 'no' },
      { name: 'outbound call URL as exported', value: `\`${String(outboundClient?.attributes['url.full'] ?? outboundClient?.attributes['http.url'])}\``, bound: 'no user-info, token redacted' },
    ]);

    // The corpus reached the collector (else "nothing leaked" would prove nothing) ...
    expect(spans.filter((s) => s.attributes['http.request.header.authorization'] !== undefined).length).toBeGreaterThanOrEqual(2);
    expect(spans.some((s) => String(s.attributes['url.query']).includes('password=[REDACTED]'))).toBe(true);
    expect(statements.some((s) => s.startsWith('INSERT INTO reliability_accounts') && s.includes('?'))).toBe(true);
    expect(outboundClient, 'the client span of the outbound call').toBeDefined();
    // ... and no secret value did, nor the literal quoted in the database error.
    expect(leaked).toEqual([]);
    expect(spans.some((s) => s.status.code === 'ERROR' && (s.attributes['db.system'] !== undefined || s.attributes['db.system.name'] !== undefined)), 'the failed database span').toBe(true);
    const where = JSON.stringify([...spans, ...receiver.logs]).includes(errorSecret) ? JSON.stringify([...spans, ...receiver.logs].filter((x) => JSON.stringify(x).includes(errorSecret))) : 'only in raw';
    expect(receiver.rawContains(errorSecret), where).toBe(false);
  });
});
