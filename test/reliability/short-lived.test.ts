/**
 * Short-lived processes (exec probes, CLIs, jobs) under each collector state:
 * up, refusing connections, and taking connections without ever answering.
 * Asserted by behaviour, not by time:
 * - one that recorded no span exits as bare Node does (exit code, output)
 *   and makes no connection and no export at all;
 * - one that recorded a span delivers it when the collector is up (and no
 *   final metrics export), also when the collector answers only 300 ms after
 *   connect (a delaying proxy); refused, it exits at once with the lost span
 *   counted, even with shutdown and export timeouts of a minute; silent, it
 *   waits at most the shutdown timeout (1 s here, the export's own is a
 *   minute), so ending on its own before the test's kill proves the bound;
 * - a process that ran past the short-lived limit still flushes its spans
 *   and its metrics at exit.
 * Wall times are reported (the bench measures them against bare Node and
 * upstream); the bound only catches a process that waits for the collector.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { SilentServer } from '../support/silent-server';
import { DelayingProxy } from '../support/delaying-proxy';
import { operatorEnv } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { distributionLines, summaryCounts } from './support/diagnostics-lines';
import { recordFigures } from './support/figures';
import { SHORT_LIVED_MS } from '../../src/shutdown';

const CLI = join(__dirname, '../fixtures/short-lived/cli.cjs');
// Waiting for a collector that never answers would take these a minute.
const PATIENT = { CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS: '60000', OTEL_EXPORTER_OTLP_TIMEOUT: '60000', OTEL_METRIC_EXPORT_INTERVAL: '60000' };
const HANG_CATCH_MS = 20_000;
// The silent collector's case: the shutdown timeout is what bounds the wait.
const SILENT_BOUND = { ...PATIENT, CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS: '1000' };
// A collector that answers only this long after connect (DNS, another zone, TLS).
const DELAY_MS = 300;

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const calls = (receiver: OtlpReceiver) => receiver.calls.traces + receiver.calls.metrics + receiver.calls.logs;
const warnings = (stderr: string) => distributionLines(stderr).filter((line) => !line.startsWith('[custom-otel] info: '));

describe('short-lived processes', () => {
  let receiver: OtlpReceiver;
  let silent: SilentServer;
  let delayed: DelayingProxy;
  let target: Server;
  let targetUrl: string;
  let bare: Run;
  const rows: Array<{ name: string; value: string; bound: string }> = [];

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    silent = await SilentServer.start();
    delayed = await DelayingProxy.start(receiver.grpcPort, DELAY_MS);
    // What the CLI calls to record its one span.
    target = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}`;
    bare = await runCli([`${targetUrl}/bare`], {});
    expect(bare.code).toBe(0);
    expect(bare.stdout).toBe('done\n');
  });
  afterAll(async () => {
    recordFigures('short-lived', 'Short-lived processes (a CLI that prints one line; with a span: one HTTP call first)', rows);
    await receiver?.close();
    await silent?.close();
    await delayed?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  const endpoints = () => ({ up: receiver.grpcUrl, refused: 'http://127.0.0.1:1', silent: silent.url });
  const collectors = ['up', 'refused', 'silent'] as const;

  it.each(collectors)('recording no span, collector %s: exits as bare Node, no connection, no export', async (collector) => {
    const [callsBefore, connectionsBefore] = [calls(receiver), silent.connections];
    const run = await runCli([], operatorEnv(stagedEntry(), endpoints()[collector], PATIENT));
    rows.push({ name: `no span, collector ${collector}`, value: `exit ${run.code}, ${run.ms} ms (bare with a call: ${bare.ms} ms)`, bound: `exit 0, output as bare, no connection, < ${HANG_CATCH_MS / 1000} s` });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(warnings(run.stderr), 'nothing to warn about').toEqual([]);
    expect(calls(receiver) - callsBefore, 'export calls that reached the collector').toBe(0);
    expect(silent.connections - connectionsBefore, 'connections to the silent collector').toBe(0);
    expect(run.ms).toBeLessThan(HANG_CATCH_MS);
  });

  it('recording a span, collector up: the span is delivered, no final metrics export', async () => {
    const metricsBefore = receiver.calls.metrics;
    const run = await runCli([`${targetUrl}/up-span`], operatorEnv(stagedEntry(), receiver.grpcUrl, PATIENT));
    const delivered = receiver.spans.filter((s) => s.kind === 'CLIENT' && String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').endsWith('/up-span'));
    rows.push({ name: 'a span, collector up', value: `exit ${run.code}, ${run.ms} ms, span ${delivered.length === 1 ? 'delivered' : 'NOT delivered'}`, bound: 'exit 0, output as bare, delivered' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(delivered, 'the CLI\'s client span').toHaveLength(1);
    expect(receiver.calls.metrics - metricsBefore, 'a process this short sends its spans, not a metrics snapshot').toBe(0);
    expect(warnings(run.stderr)).toEqual([]);
  });

  it('recording a span, collector answering 300 ms after connect: the span is delivered', async () => {
    const run = await runCli([`${targetUrl}/delayed-span`], operatorEnv(stagedEntry(), delayed.url, { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }));
    const delivered = receiver.spans.filter((s) => s.kind === 'CLIENT' && String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').endsWith('/delayed-span'));
    rows.push({ name: `a span, collector behind a ${DELAY_MS}-ms proxy (default shutdown timeout)`, value: `exit ${run.code}, ${run.ms} ms, span ${delivered.length === 1 ? 'delivered' : 'NOT delivered'}`, bound: 'exit 0, output as bare, delivered' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(delivered, run.stderr).toHaveLength(1);
    expect(delayed.connections, 'through the proxy').toBeGreaterThanOrEqual(1);
    expect(warnings(run.stderr)).toEqual([]);
  });

  it.each(['refused', 'silent'] as const)('recording a span, collector %s: exits on its own, the lost span counted', async (collector) => {
    const run = await runCli([`${targetUrl}/${collector}-span`], operatorEnv(stagedEntry(), endpoints()[collector], collector === 'silent' ? SILENT_BOUND : PATIENT));
    const lost = summaryCounts(run.stderr)['spans not exported'] ?? 0;
    rows.push({
      name: `a span, collector ${collector}`,
      value: `exit ${run.code}, ${run.ms} ms, spans counted lost: ${lost}`,
      bound: `exit 0, output as bare, 1 counted, < ${HANG_CATCH_MS / 1000} s with 60-s export timeouts${collector === 'silent' ? ' and a 1-s shutdown timeout' : ' and a 60-s shutdown timeout'}`,
    });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(lost, run.stderr).toBe(1);
    expect(run.ms, 'waiting for a collector that does not answer').toBeLessThan(HANG_CATCH_MS);
  });

  it('a process that ran past the short-lived limit flushes its spans and its metrics at exit', async () => {
    const metricsBefore = receiver.requests.metrics;
    const run = await runCli([`${targetUrl}/long-span`, String(SHORT_LIVED_MS + 500)], operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_METRIC_EXPORT_INTERVAL: '600000' }));
    const delivered = receiver.spans.some((s) => s.kind === 'CLIENT' && String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '').endsWith('/long-span'));
    rows.push({ name: `ran ${(SHORT_LIVED_MS + 500) / 1000} s, collector up`, value: `exit ${run.code}, span ${delivered ? 'delivered' : 'NOT delivered'}, metrics exports at exit: ${receiver.requests.metrics - metricsBefore}`, bound: 'span and metrics delivered' });

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('done\n');
    expect(delivered, 'the span recorded before the wait').toBe(true);
    // The export interval is 10 minutes: only the exit flush can have sent them.
    expect(receiver.requests.metrics - metricsBefore).toBeGreaterThanOrEqual(1);
    expect([...receiver.metricNames].some((name) => name.startsWith('http.client.')), [...receiver.metricNames].join(', ')).toBe(true);
  }, 60_000);
});
