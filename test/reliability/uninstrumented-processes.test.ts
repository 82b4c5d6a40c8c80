/**
 * NODE_OPTIONS reaches every Node process in the container. Only the app is
 * to be instrumented: not npm running its start script (unless
 * CUSTOM_OTEL_EXCLUDE_COMMANDS says otherwise), not a worker thread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp, type AppProcess } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { recordFigures } from './support/figures';

const NPM_FIXTURE = join(__dirname, '../fixtures/reliability/npm-start');
const WORKER_APP = join(__dirname, '../fixtures/reliability/worker-app.cjs');
const TITLE = 'Processes that should not be instrumented';
const START_LINE = /\[custom-otel\] info: started /g;
// Long enough for a batch (sent every second) to reach the receiver if there were one.
const QUIET_MS = 3000;

const startLines = (app: AppProcess) => app.stderr().match(START_LINE)?.length ?? 0;

describe('processes that should not be instrumented', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await receiver.close();
  });

  // npm's update check would call the registry: not from a test.
  const npmEnv = (extra: Record<string, string> = {}) =>
    operatorEnv(stagedEntry(), receiver.grpcUrl, { npm_config_update_notifier: 'false', OTEL_METRICS_EXPORTER: 'none', ...extra });
  // npm in its own process group (setsid): on SIGTERM npm exits without
  // stopping the app its start script runs, so the test ends the whole group.
  const npmStart = (env: Record<string, string>) => startApp('start', env, { node: 'setsid', args: ['npm'], cwd: NPM_FIXTURE, timeoutMs: 30_000 });
  const stopGroup = async (app: AppProcess) => {
    process.kill(-app.child.pid!, 'SIGTERM');
    await app.exited;
  };

  it('npm start: npm is not instrumented, the app it starts is, once', async () => {
    receiver.clear();
    const app = await npmStart(npmEnv());
    expect((await get(app.port, '/hello?via=npm')).status).toBe(200);
    await receiver.waitForSpans((spans) => spans.some((s) => s.kind === 'SERVER' && s.attributes['url.query'] === 'via=npm'), 10_000, 'the app span');
    await stopGroup(app);
    recordFigures('uninstrumented-processes', TITLE, [{ name: '`npm start`: start lines (npm + app)', value: String(startLines(app)), bound: '1 (the app)' }]);
    expect(startLines(app)).toBe(1);
  });

  it('npm start with CUSTOM_OTEL_EXCLUDE_COMMANDS=server: the list is replaced, so npm is instrumented and the app is not', async () => {
    receiver.clear();
    const app = await npmStart(npmEnv({ CUSTOM_OTEL_EXCLUDE_COMMANDS: 'server' }));
    expect((await get(app.port, '/hello?via=npm-excluded')).status).toBe(200);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await stopGroup(app);
    const appSpans = receiver.spans.filter((s) => s.attributes['url.query'] === 'via=npm-excluded').length;
    recordFigures('uninstrumented-processes', TITLE, [
      { name: '`npm start`, CUSTOM_OTEL_EXCLUDE_COMMANDS=server: start lines', value: String(startLines(app)), bound: '1 (npm)' },
      { name: '`npm start`, CUSTOM_OTEL_EXCLUDE_COMMANDS=server: app spans exported', value: String(appSpans), bound: '0' },
    ]);
    expect(startLines(app)).toBe(1);
    expect(appSpans).toBe(0);
  });

  it('worker threads: one start line, each span exported once, the worker not instrumented', async () => {
    receiver.clear();
    const app = await startApp(WORKER_APP, operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_METRICS_EXPORTER: 'none' }));
    for (let i = 0; i < 5; i++) expect((await get(app.port, `/work?n=${i}`)).status).toBe(200);
    await receiver.waitForSpans((spans) => spans.filter((s) => s.kind === 'SERVER').length >= 10, 10_000, '5 /work and 5 /hello server spans');
    await new Promise((r) => setTimeout(r, QUIET_MS));
    await app.stop('SIGTERM');
    const server = receiver.spans.filter((s) => s.kind === 'SERVER');
    const client = receiver.spans.filter((s) => s.kind === 'CLIENT');
    const ids = receiver.spans.map((s) => s.spanId);
    recordFigures('uninstrumented-processes', TITLE, [
      { name: 'worker app: start lines', value: String(startLines(app)), bound: '1' },
      { name: 'worker app, 5 requests: server spans of /work / of the worker’s /hello calls', value: `${server.filter((s) => String(s.attributes['url.path'] ?? s.attributes['http.target']).startsWith('/work')).length} / ${server.filter((s) => s.attributes['url.query'] === 'from=worker').length}`, bound: '5 / 5' },
      { name: 'worker app: client spans from the worker / duplicate span ids', value: `${client.length} / ${ids.length - new Set(ids).size}`, bound: '0 / 0' },
    ]);
    expect(startLines(app)).toBe(1);
    expect(server.filter((s) => String(s.attributes['url.path'] ?? s.attributes['http.target']).startsWith('/work'))).toHaveLength(5);
    expect(server.filter((s) => s.attributes['url.query'] === 'from=worker')).toHaveLength(5);
    expect(client).toEqual([]);
    expect(ids.length - new Set(ids).size).toBe(0);
  });
});
