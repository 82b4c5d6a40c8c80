/**
 * The app's own work and its own ending, under every SDK line (newest Node
 * of 14, 18, 22, 26), with the collector up, refused and hanging:
 * - a job whose 'beforeExit' handler schedules work 4 s later: the work is
 *   done (its file written) and the exit code is bare's; with the collector
 *   up its span arrives;
 * - a server that ends itself with process.exit(): in its SIGTERM handler
 *   right after the last answer, after its work, or in its 'exit' listener:
 *   the exit code is bare's, and with the collector up every server span of
 *   the requests it answered arrives (the last ones only by the synchronous
 *   delivery at 'exit'); refused or hanging, it ends on its own;
 * - a server that drains after SIGTERM (keeps serving 2 s): the requests
 *   answered after the signal are exported too;
 * - Node as PID 1 without a handler (its own PID namespace): SIGTERM is
 *   ignored bare, and under us it runs on and keeps exporting.
 * The hanging collector never answers and the export timeout is a minute, so
 * ending by itself before the test's kill proves the 1-s shutdown timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { EXIT_MAJORS, entryOf, nodeOf } from './support/major-trees';
import { recordFigures } from './support/figures';
import { checkMountNamespaces, namespacedNode, releaseFifo } from './support/hanging-machine-id';

const APP = join(__dirname, '../fixtures/reliability/exit-work-app.cjs');
const COLLECTORS = ['up', 'refused', 'hanging'] as const;
const ENDINGS = ['exit-in-handler', 'exit-after-work', 'exit-listener'] as const;
const SHUTDOWN_TIMEOUT_MS = 1000;
// Ends any process that did not end by itself: far beyond the 1-s bound.
const KILL_AFTER_MS = 30_000;
type Collector = (typeof COLLECTORS)[number];

const queryOf = (span: ReceivedSpan) => String(span.attributes['url.query'] ?? span.attributes['http.target'] ?? span.attributes['url.full'] ?? span.attributes['http.url'] ?? '');
const scratch = mkdtempSync(join(tmpdir(), 'exit-work-'));

function runToEnd(node: string, env: Record<string, string>): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [APP], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

let up: OtlpReceiver;
let hanging: OtlpReceiver;
let target: Server;
let targetUrl: string;
const endpoint = (collector: Collector) => (collector === 'up' ? up.grpcUrl : collector === 'hanging' ? hanging.grpcUrl : 'http://127.0.0.1:1');
const ourEnv = (entry: string, collector: Collector, extra: Record<string, string> = {}) =>
  operatorEnv(entry, endpoint(collector), { CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS), OTEL_EXPORTER_OTLP_TIMEOUT: '60000', OTEL_LOGS_EXPORTER: 'none', ...extra });
const rows: Array<{ name: string; value: string; bound: string }> = [];

beforeAll(async () => {
  up = await OtlpReceiver.start();
  hanging = await OtlpReceiver.start();
  hanging.behaviour = { kind: 'hang' };
  target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as { port: number }).port}`;
});
afterAll(async () => {
  recordFigures('exit-work', `The app's own exit work and endings (CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${SHUTDOWN_TIMEOUT_MS}; hanging: never answers)`, rows);
  await up?.close();
  await hanging?.close();
  await new Promise((resolve) => target?.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(EXIT_MAJORS)('Node %i', (major) => {
  let node: string;
  let entry: string;
  beforeAll(async () => {
    [node, entry] = await Promise.all([nodeOf(major), entryOf(major)]);
  }, 600_000);

  it.each(COLLECTORS)("a 'beforeExit' handler's work 4 s later is done, collector %s", async (collector) => {
    const marker = `before-exit-${major}-${collector}`;
    const bareOutput = join(scratch, `${marker}-bare`);
    const ourOutput = join(scratch, `${marker}-ours`);
    const bare = await runToEnd(node, { APP_MODE: 'before-exit', APP_TARGET: `${targetUrl}/?bare`, APP_OUTPUT: bareOutput });
    const ours = await runToEnd(node, ourEnv(entry, collector, { APP_MODE: 'before-exit', APP_TARGET: `${targetUrl}/?${marker}`, APP_OUTPUT: ourOutput }));
    const delivered = up.spans.some((s) => s.kind === 'CLIENT' && queryOf(s).includes(marker));
    rows.push({ name: `Node ${major}, beforeExit work, collector ${collector}`, value: `exit ${ours.signal ?? ours.code}, file ${existsSync(ourOutput) ? 'written' : 'MISSING'}${collector === 'up' ? `, span ${delivered ? 'delivered' : 'LOST'}` : ''}`, bound: 'as bare: file written, same exit' });

    expect(readFileSync(bareOutput, 'utf8')).toBe('written 4 s after beforeExit\n');
    expect(existsSync(ourOutput), ours.stderr).toBe(true);
    expect(readFileSync(ourOutput, 'utf8')).toBe(readFileSync(bareOutput, 'utf8'));
    expect({ code: ours.code, signal: ours.signal }).toEqual({ code: bare.code, signal: bare.signal });
    expect(ours.stdout).toBe(bare.stdout);
    if (collector === 'up') expect(delivered, ours.stderr).toBe(true);
  });

  const endings = ENDINGS.flatMap((ending) => COLLECTORS.map((collector) => ({ ending, collector })));
  it.each(endings)('ending itself ($ending), collector $collector: exits as bare, every answered request exported', async ({ ending, collector }) => {
    const marker = `${ending}-${major}-${collector}`;
    const requests = 4;
    const drive = async (env: Record<string, string>, tag: string) => {
      const app = await startApp(APP, { ...env, APP_MODE: ending, APP_REQUESTS: String(requests) }, { node });
      for (let i = 0; i < requests; i++) expect((await get(app.port, `/r${i}?${tag}`).catch(() => ({ status: 0 }))).status).toBe(200);
      // Right after the last answer, as a rollout does; exit-after-work ends by itself.
      const result = ending === 'exit-after-work' ? await app.exited : await app.stop('SIGTERM');
      return { ...result, stderr: app.stderr() };
    };
    const bare = await drive({}, 'bare');
    const ours = await drive(ourEnv(entry, collector), marker);
    // Distinct spans: a batch sent but not answered when the process exits is sent again (at least once).
    const exported = new Set(up.spans.filter((s) => s.kind === 'SERVER' && queryOf(s).includes(marker)).map((s) => s.spanId)).size;
    rows.push({ name: `Node ${major}, ${ending}, collector ${collector}`, value: `exit ${ours.signal ?? ours.code}${collector === 'up' ? `, ${exported} of ${requests} server spans` : ''}`, bound: `as bare (${bare.signal ?? bare.code})${collector === 'up' ? `, ${requests} of ${requests}` : ''}` });

    expect({ code: ours.code, signal: ours.signal }, ours.stderr).toEqual({ code: bare.code, signal: bare.signal });
    if (collector === 'up') expect(exported, ours.stderr).toBe(requests);
    expect(ours.stderr).not.toMatch(/\[custom-otel\] error/);
  });

  it('ending right after its first answer while a resource detector still reads (hung machine-id): the span is delivered with what has settled, no error line', async () => {
    checkMountNamespaces();
    const marker = `detector-pending-${major}`;
    // The host detector's read of /etc/machine-id returns only when the test answers it, after the span arrived: the resource is pending when the process exits.
    const { node: unshare, args, fifo } = namespacedNode(true, node);
    const app = await startApp(APP, ourEnv(entry, 'up', { APP_MODE: 'exit-after-work', APP_REQUESTS: '1', OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process' }), { node: unshare, args });
    let delivered: ReceivedSpan | undefined;
    try {
      expect((await get(app.port, `/r0?${marker}`)).status).toBe(200);
      const isOurs = (s: ReceivedSpan) => s.kind === 'SERVER' && queryOf(s).includes(marker);
      await up.waitForSpans((all) => all.some(isOurs), 20_000, `the server span of /r0?${marker}, delivered at exit`).catch(() => undefined);
      delivered = up.spans.find(isOurs);
    } finally {
      // Bare Node would not be reading: let the read return so the process can end (libuv waits for its threads at exit).
      releaseFifo(fifo!);
    }
    const result = await app.exited;
    rows.push({ name: `Node ${major}, exit while a detector reads`, value: `exit ${result.signal ?? result.code}, span ${delivered ? 'delivered' : 'LOST'}`, bound: 'exit 0, span delivered, no error line' });

    expect({ code: result.code, signal: result.signal }, app.stderr()).toEqual({ code: 0, signal: null });
    expect(delivered, app.stderr()).toBeDefined();
    expect(delivered!.resource['host.name'], "the host detector's settled attributes").toBeDefined();
    expect(delivered!.resource['host.id'], 'the one still being read').toBeUndefined();
    expect(app.stderr()).not.toMatch(/\[custom-otel\] error/);
  });

  it('draining after SIGTERM (2 s of serving): requests answered after the signal are exported', async () => {
    const marker = `drain-${major}`;
    const app = await startApp(APP, ourEnv(entry, 'up', { APP_MODE: 'drain', APP_DRAIN_MS: '2000' }), { node });
    for (let i = 0; i < 3; i++) expect((await get(app.port, `/before${i}?${marker}`)).status).toBe(200);
    app.child.kill('SIGTERM');
    await new Promise<void>((resolve) => app.child.stdout!.on('data', () => app.stdout().includes('DRAINING') && resolve()));
    for (let i = 0; i < 5; i++) expect((await get(app.port, `/after${i}?${marker}`)).status).toBe(200);
    const result = await app.exited;
    // Distinct spans: a batch sent but not answered when the process exits is sent again (at least once).
    const spans = [...new Set(up.spans.filter((s) => s.kind === 'SERVER' && queryOf(s).includes(marker)).map((s) => s.spanId))];
    rows.push({ name: `Node ${major}, drain after SIGTERM`, value: `exit ${result.signal ?? result.code}, ${spans.length} of 8 server spans`, bound: 'exit 0, 8 of 8' });

    expect(result.code, app.stderr()).toBe(0);
    expect(spans, 'the 3 spans before the signal and the 5 during the drain').toHaveLength(8);
  });

  it('as PID 1 without a handler, SIGTERM is ignored as bare, and export goes on', async () => {
    const marker = `pid1-${major}`;
    const underPid1 = async (env: Record<string, string>, tag: string) => {
      const app = await startApp(APP, { ...env, APP_MODE: 'plain' }, { node: 'unshare', args: ['--pid', '--fork', '--mount-proc', node] });
      try {
        const pid = Number(readFileSync(`/proc/${app.child.pid}/task/${app.child.pid}/children`, 'utf8').trim().split(' ')[0]);
        expect(pid, 'the node process inside the namespace').toBeGreaterThan(0);
        expect((await get(app.port, `/before?${tag}`)).status).toBe(200);
        process.kill(pid, 'SIGTERM');
        // Still serving after the signal: each answer is proof it runs on.
        for (let i = 0; i < 3; i++) expect((await get(app.port, `/after${i}?${tag}`)).status).toBe(200);
        if (tag === marker) {
          await up.waitForSpans((all) => all.filter((s) => s.kind === 'SERVER' && queryOf(s).includes(marker)).length === 4, 20_000, 'the 4 server spans, 3 of them after SIGTERM');
        }
        expect(app.child.exitCode).toBeNull();
        process.kill(pid, 'SIGKILL');
      } finally {
        await app.stop('SIGKILL');
      }
    };
    await underPid1({}, 'bare');
    await underPid1(ourEnv(entry, 'up'), marker);
    rows.push({ name: `Node ${major}, PID 1 without a handler`, value: 'ran on after SIGTERM, 3 later requests exported', bound: 'as bare: runs on; spans exported' });
  });
});
