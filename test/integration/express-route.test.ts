/**
 * http.route and the server span's name on Express without layer spans
 * (CUSTOM_OTEL_EXPRESS_SPANS=none, our route instrumentation) against the
 * upstream instrumentation (`handlers`, which wraps every layer), on one app
 * with nested routers, mounts with parameters, regular expressions, lists
 * of paths, a path-mounted middleware, errors and 404s; on Express 4 (the
 * repository's) and Express 5 (test/fixtures/express5, installed from its
 * lockfile when missing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { ensureLockedDependencies } from '../support/test-app-prerequisites';

const EXPRESS5_DIR = join(__dirname, '../fixtures/express5');

/** Path → expected status. */
const REQUESTS: Array<[string, number]> = [
  ['/api/users/42', 200],
  ['/api/users/42/items', 200],
  ['/api/users/42/items/7', 200],
  ['/api/users/42/fail', 500],
  ['/api/status', 200],
  ['/api/nope', 404],
  ['/static/app.css', 200],
  ['/re/12', 200],
  ['/one', 200],
  ['/two', 200],
  ['/throws', 500],
  ['/', 200],
  ['/nope', 404],
  ['/API/STATUS', 200],
  ['/passes', 404],
];
/** Where ours deliberately differs: upstream drops the mount path of a sub-app (`app.use('/v1', express())`). */
const SUB_APP: [string, number] = ['/v1/things/9', 200];

type Named = { name: string; route: unknown };

/** The server span of each path, as the app named it under CUSTOM_OTEL_EXPRESS_SPANS=`spans`. */
async function serverSpans(receiver: OtlpReceiver, app: string, spans: 'none' | 'handlers', stderr: (text: string) => void = () => undefined): Promise<Map<string, Named>> {
  receiver.clear();
  const process = await startApp(app, operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_METRICS_EXPORTER: 'none', CUSTOM_OTEL_EXPRESS_SPANS: spans }));
  try {
    for (const [path, status] of [...REQUESTS, SUB_APP]) expect((await get(process.port, path)).status, path).toBe(status);
    const server = (all: ReceivedSpan[]) => all.filter((s) => s.kind === 'SERVER');
    const received = await receiver.waitForSpans((all) => server(all).length > REQUESTS.length, 15_000, `${REQUESTS.length + 1} server spans`);
    const byPath = new Map<string, Named>();
    for (const span of server(received)) byPath.set(String(span.attributes['url.path'] ?? span.attributes['http.target']), { name: span.name, route: span.attributes['http.route'] });
    return byPath;
  } finally {
    await process.stop();
    stderr(process.stderr());
  }
}

describe.each([
  ['Express 4', join(__dirname, '../fixtures/express-app/nested.cjs')],
  ['Express 5', join(EXPRESS5_DIR, 'server.cjs')],
])('%s: the route without layer spans', (major, app) => {
  let receiver: OtlpReceiver;
  let ours: Map<string, Named>;
  let upstream: Map<string, Named>;

  beforeAll(async () => {
    if (major === 'Express 5') await ensureLockedDependencies(EXPRESS5_DIR);
    receiver = await OtlpReceiver.start();
    ours = await serverSpans(receiver, app, 'none');
    upstream = await serverSpans(receiver, app, 'handlers');
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
  });

  it('names each server span as the upstream instrumentation does', () => {
    for (const [path] of REQUESTS) expect(ours.get(path), path).toEqual(upstream.get(path));
  });

  it('builds the route from every mount template down to the matched route', () => {
    expect(ours.get('/api/users/42')).toEqual({ name: 'GET /api/users/:id', route: '/api/users/:id' });
    expect(ours.get('/api/users/42/items/7')).toEqual({ name: 'GET /api/users/:id/items/:itemId', route: '/api/users/:id/items/:itemId' });
    expect(ours.get('/api/users/42/fail')).toEqual({ name: 'GET /api/users/:id/fail', route: '/api/users/:id/fail' });
    expect(ours.get('/throws')).toEqual({ name: 'GET /throws', route: '/throws' });
  });

  it('gives an unmatched request no route, and a route that passes the request on keeps its route', () => {
    expect(ours.get('/nope')).toEqual({ name: 'GET', route: undefined });
    expect(ours.get('/passes')).toEqual({ name: 'GET /passes', route: '/passes' });
  });

  it('includes the mount path of a sub-app, which the upstream instrumentation leaves out', () => {
    expect(ours.get(SUB_APP[0])).toEqual({ name: 'GET /v1/things/:id', route: '/v1/things/:id' });
    expect(upstream.get(SUB_APP[0])).toEqual({ name: 'GET /things/:id', route: '/things/:id' });
  });
});

/**
 * An Express whose router is not shaped as ours expects (here: a later
 * version that no longer exports Route, made from the repository's express 4
 * as the package an app requires): upstream's express instrumentation takes
 * over, said in one line, and the server spans are named as upstream names them.
 */
describe('Express not shaped as checked: upstream instrumentation takes over', () => {
  let receiver: OtlpReceiver;
  let appDir: string;
  let fallback: Map<string, Named>;
  let upstream: Map<string, Named>;
  let stderr = '';

  beforeAll(async () => {
    appDir = mkdtempSync(join(tmpdir(), 'express-changed-'));
    const realExpress = require.resolve('express/package.json');
    const shimDir = join(appDir, 'node_modules/express');
    mkdirSync(shimDir, { recursive: true });
    writeFileSync(join(shimDir, 'package.json'), JSON.stringify({ name: 'express', version: require('express/package.json').version, main: 'index.js' }));
    // The real express's own files, required past its package entry so that only this package is patched as express.
    writeFileSync(
      join(shimDir, 'index.js'),
      `const real = require(${JSON.stringify(join(dirname(realExpress), 'lib/express.js'))});
const changed = function createApplication() { return real.apply(this, arguments); };
for (const key of Object.keys(real)) if (key !== 'Route') changed[key] = real[key];
module.exports = changed;
`,
    );
    for (const file of ['nested.cjs', 'nested-routes.cjs']) cpSync(join(__dirname, '../fixtures/express-app', file), join(appDir, file));
    receiver = await OtlpReceiver.start();
    fallback = await serverSpans(receiver, join(appDir, 'nested.cjs'), 'none', (text) => (stderr = text));
    upstream = await serverSpans(receiver, join(__dirname, '../fixtures/express-app/nested.cjs'), 'handlers');
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it('says so in one line, naming what changed', () => {
    const lines = stderr.split('\n').filter((line) => line.includes('express'));
    expect(lines).toEqual([
      `[custom-otel] warn: express ${require('express/package.json').version} is not shaped as checked (express.Route.prototype.dispatch is missing): http.route comes from upstream's express instrumentation instead (its per-layer wrapping, more CPU per request)`,
    ]);
  });

  it('names each server span as the upstream instrumentation does on the real express', () => {
    for (const [path] of [...REQUESTS, SUB_APP]) expect(fallback.get(path), path).toEqual(upstream.get(path));
    expect(fallback.get('/api/users/42/items/7')).toEqual({ name: 'GET /api/users/:id/items/:itemId', route: '/api/users/:id/items/:itemId' });
  });
});
