/**
 * The launcher of the staged tree (instrument.js) running real apps against
 * a real OTLP receiver: flags win over the environment, exit codes and
 * signals pass through, a bad flag stops it before the app starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, startApp } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';

const PLAIN_APP = join(__dirname, '../fixtures/plain-http/server.cjs');
const SIGNAL_APP = join(__dirname, '../fixtures/reliability/signal-app.cjs');
const launcher = () => join(dirname(stagedEntry()), 'instrument.js');
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root' };

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher(), ...args], { env: { ...baseEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(async () => {
  await receiver.close();
});

describe('instrument.js', () => {
  it('runs the command instrumented, its flags winning over the environment', async () => {
    receiver.clear();
    const app = await startApp(
      PLAIN_APP,
      { OTEL_SERVICE_NAME: 'from-env', OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' },
      { args: [launcher(), '--service_name', 'from-flag', '--traces_exporter=otlp', '--exporter_otlp_endpoint', receiver.grpcUrl, '--span_name_rules', 'GET /items/:id', '--', process.execPath] },
    );
    try {
      const answer = await get(app.port, '/items/5');
      // The app itself sees the flag's value: the variable is set for it.
      expect(JSON.parse(answer.body).service).toBe('from-flag');
      const spans = await receiver.waitForSpans((all) => all.some((s) => s.kind === 'SERVER'), 15_000, 'the server span');
      const server = spans.find((s) => s.kind === 'SERVER')!;
      expect(server.resource['service.name']).toBe('from-flag');
      expect(server.name).toBe('GET /items/:id');
    } finally {
      await app.stop();
    }
  });

  it("exits with the app's exit code", async () => {
    const result = await run(['--traces_exporter', 'none', '--metrics_exporter', 'none', '--logs_exporter', 'none', '--', process.execPath, PLAIN_APP], {
      APP_EXIT_AFTER_MS: '200',
      APP_EXIT_CODE: '7',
    });
    expect({ code: result.code, signal: result.signal }, result.stderr).toEqual({ code: 7, signal: null });
    expect(result.stdout).toMatch(/LISTENING \d+/);
  });

  it('passes SIGTERM to an app without a handler, flushes its last span, and ends by SIGTERM itself', async () => {
    receiver.clear();
    const app = await startApp(SIGNAL_APP, { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }, {
      args: [launcher(), '--exporter_otlp_endpoint', receiver.grpcUrl, '--service_name', 'signalled', '--', process.execPath],
    });
    expect((await get(app.port, '/last')).status).toBe(200);
    const stopped = await app.stop('SIGTERM');
    expect({ code: stopped.code, signal: stopped.signal }).toEqual({ code: null, signal: 'SIGTERM' });
    // Flushed by the app on its way out (the batch delay is 1 s; it was stopped at once).
    expect(receiver.spans.some((s) => s.kind === 'SERVER' && s.resource['service.name'] === 'signalled')).toBe(true);
  });

  it("passes SIGINT to an app with its own handler and exits with the app's code", async () => {
    const app = await startApp(SIGNAL_APP, { APP_HANDLED_SIGNALS: 'SIGINT', APP_EXIT_CODE: '3', OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }, {
      args: [launcher(), '--', process.execPath],
    });
    const stopped = await app.stop('SIGINT');
    expect({ code: stopped.code, signal: stopped.signal }, app.stderr()).toEqual({ code: 3, signal: null });
    expect(app.stdout()).toContain('APP HANDLED SIGINT');
  });

  it('refuses an unknown flag before the app starts, naming it and the valid ones', async () => {
    const result = await run(['--trace_exporter', 'console', '--', process.execPath, PLAIN_APP], {});
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('unknown option --trace_exporter');
    expect(result.stderr).toContain('--traces_exporter');
  });

  it('says so when the command does not exist (exit 127)', async () => {
    const result = await run(['--', 'no-such-command-4471'], {});
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('cannot run "no-such-command-4471": not found on PATH');
  });

  it('the tree it runs from is the one in NODE_OPTIONS, once', async () => {
    const result = await run(['--traces_exporter', 'none', '--', process.execPath, '-e', 'console.log(process.env.NODE_OPTIONS)'], { NODE_OPTIONS: '--max-old-space-size=200' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`--max-old-space-size=200 --require ${stagedEntry()}`);
  });
});
