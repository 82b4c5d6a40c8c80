/**
 * CUSTOM_OTEL_SPAN_NAME_RULES on a plain node:http app (no framework, so no
 * http.route) under the staged tree, judged on what a real OTLP receiver gets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { join } from 'node:path';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { get, operatorEnv, startApp, type AppProcess } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';

const APP = join(__dirname, '../fixtures/plain-http/server.cjs');

describe('span-name rules on a plain node:http app', () => {
  let receiver: OtlpReceiver;
  let app: AppProcess;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    app = await startApp(
      APP,
      operatorEnv(stagedEntry(), receiver.grpcUrl, {
        OTEL_METRICS_EXPORTER: 'none',
        // One malformed entry: warned once, the others still apply.
        CUSTOM_OTEL_SPAN_NAME_RULES: 'GET /users/:id,POST /orders/:id/items,orders/:id',
      }),
    );
    for (const path of ['/users/42', '/users/7?tab=profile', '/other/1']) expect((await get(app.port, path)).status).toBe(200);
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: app.port, path: '/orders/9/items', method: 'POST' }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
    spans = await receiver.waitForSpans((all) => all.filter((s) => s.kind === 'SERVER').length >= 4, 15_000, 'four server spans');
  });
  afterAll(async () => {
    await app?.stop();
    await receiver?.close();
  });

  const server = (path: string) => spans.find((s) => s.kind === 'SERVER' && String(s.attributes['url.path']) === path);

  it('names matching server spans after the template and sets http.route', () => {
    expect(server('/users/42')).toMatchObject({ name: 'GET /users/:id', attributes: { 'http.route': '/users/:id' } });
    expect(server('/users/7')).toMatchObject({ name: 'GET /users/:id', attributes: { 'http.route': '/users/:id' } });
    expect(server('/orders/9/items')).toMatchObject({ name: 'POST /orders/:id/items', attributes: { 'http.route': '/orders/:id/items' } });
  });

  it('leaves a path no rule matches as the instrumentation named it, without a route', () => {
    const other = server('/other/1')!;
    expect(other.name).toBe('GET');
    expect(other.attributes['http.route']).toBeUndefined();
  });

  it('warns once about the malformed rule, naming the variable and what it does instead', () => {
    const lines = app.stderr().split('\n').filter((line) => line.includes('CUSTOM_OTEL_SPAN_NAME_RULES'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"orders/:id"');
    expect(lines[0]).toContain('the well-formed rules only');
  });
});
