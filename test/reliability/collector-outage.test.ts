/**
 * The collector goes away while the app is under a fixed load of 200
 * requests/s: first its port is closed, then it answers only after 10 s,
 * then it is restarted and answers at once. The app must not notice: no
 * failed request, no event-loop stall, bounded memory, lost spans counted in
 * a periodic summary (never a line per span), export resumed once the
 * collector is back. Latencies (against the same app uninstrumented, loaded
 * alongside) are measured and reported in FIGURES.md, not asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { operatorEnv, startApp, type AppProcess } from '../support/app-process';
import { stagedEntry } from '../support/staged-tree';
import { runFixedRateLoad, type LoadResult } from './support/fixed-rate-load';
import { sampleResident, residentMiB } from './support/process-memory';
import { distributionLines, repeatedLines, summaryCounts } from './support/diagnostics-lines';
import { timeWhen } from './support/polling';
import { EVENT_LOOP_MONITOR, takeEventLoopDelay, type EventLoopDelay } from './support/event-loop-delay';
import { recordFigures } from './support/figures';

const FIXTURE = join(__dirname, '../fixtures/express-app');
const RATE = 200;
const PHASE_MS = 20_000;
const DELAY_MS = 10_000;
// Only what cannot drift with the machine's load is asserted. Latency is
// reported, never asserted: the same app uninstrumented, under the same load
// alongside, shows how much of a move is the machine's (a p50 bound of
// +10 % + 0.1 ms over the collector-up value failed a CI run without a defect:
// the uninstrumented app's p50 moved by 0.2 ms between phases, ours did not).
// Telemetry work stalling the app's event loop is what would hurt it; the
// bound catches a real stall (a synchronous wait on the network, an encoder
// blocking for a whole queue). A starved machine stretches the instrumented
// app's longest delay more (it needs more CPU per request and falls behind):
// 786 ms over the uninstrumented app's with the load average at 10 on 2 cores.
const STALL_LIMIT_MS = 2000;
// The export queue holds at most 2,048 spans, so memory stays bounded by
// design; RSS also follows the GC's mood and the backlog of a starved app
// (2 to 19 MiB in quiet runs, 35 and 44 with the machine's load average at 6
// and 10 on 2 cores), so the bound catches growth without end, not noise.
const RSS_GROWTH_LIMIT_MIB = 96;
// A request fails when it errs or is not 2xx. Slow answers on a starved
// machine are latency (reported); only one never answered is a failure.
const REQUEST_TIMEOUT_MS = 30_000;
// Export must resume while the last phase runs (gRPC reconnects in 0.6 to 2 s).
const RESUME_LIMIT_MS = PHASE_MS;

interface Phase {
  app: LoadResult;
  control: LoadResult;
  appLoop: EventLoopDelay;
  controlLoop: EventLoopDelay;
}

const phaseOf = (span: ReceivedSpan) => /(?:^|&)phase=(\w+)/.exec(String(span.attributes['url.query'] ?? ''))?.[1];

describe('collector outage under a fixed load', () => {
  let receiver: OtlpReceiver | undefined;
  let app: AppProcess | undefined;
  let control: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    await control?.stop();
    await receiver?.close();
  });

  it('serves every request without stalls, keeps memory bounded, counts lost spans once a minute and resumes export', async () => {
    receiver = await OtlpReceiver.start();
    const collectorPort = receiver.grpcPort;
    const env = operatorEnv(stagedEntry(), receiver.grpcUrl, { OTEL_METRIC_EXPORT_INTERVAL: '5000' });
    env.NODE_OPTIONS += ` --require ${EVENT_LOOP_MONITOR}`;
    app = await startApp(join(FIXTURE, 'server.cjs'), env, { cwd: FIXTURE });
    // The same app without instrumentation, under the same load at the same
    // time: whatever else the machine does hits both, so comparing each
    // phase with it cancels most of the noise of a shared 2-core machine.
    control = await startApp(join(FIXTURE, 'server.cjs'), { NODE_OPTIONS: `--require ${EVENT_LOOP_MONITOR}` }, { cwd: FIXTURE });
    const load = async (phase: string, durationMs = PHASE_MS): Promise<Phase> => {
      await Promise.all([takeEventLoopDelay(app!), takeEventLoopDelay(control!)]); // measure this phase only
      const [instrumented, bare] = await Promise.all([
        runFixedRateLoad({ port: app!.port, path: `/hello?phase=${phase}`, rate: RATE, durationMs, timeoutMs: REQUEST_TIMEOUT_MS }),
        runFixedRateLoad({ port: control!.port, path: `/hello?phase=${phase}`, rate: RATE, durationMs, timeoutMs: REQUEST_TIMEOUT_MS }),
      ]);
      const [appLoop, controlLoop] = await Promise.all([takeEventLoopDelay(app!), takeEventLoopDelay(control!)]);
      return { app: instrumented, control: bare, appLoop, controlLoop };
    };

    // Warm-up (JIT, sockets, first exports), not measured.
    const warmup = await load('warmup', 5_000);
    const baseline = await load('baseline');
    await receiver.waitForSpans((spans) => spans.filter((s) => phaseOf(s) === 'baseline').length >= baseline.app.ok, 15_000, 'every baseline server span');
    const baselineTraces = new Set(receiver.spans.filter((s) => phaseOf(s) === 'baseline').map((s) => s.traceId));
    const spansPerRequest = receiver.spans.filter((s) => baselineTraces.has(s.traceId)).length / baselineTraces.size;
    const rssBefore = residentMiB(app.child.pid!);
    const rss = sampleResident(app.child.pid!);
    let received = 0;

    // 1. The collector's port is closed.
    received += receiver.spans.length;
    await receiver.close();
    const down = await load('down');

    // 2. The collector is back on the same port but answers only after 10 s.
    receiver = await OtlpReceiver.start({ grpcPort: collectorPort });
    const reopenedAt = Date.now();
    receiver.behaviour = { kind: 'delay', ms: DELAY_MS };
    const delayedRun = load('delayed');
    // An export call reaching the delaying receiver is seen only when answered, DELAY_MS later.
    const firstDelayedAnswer = await timeWhen(() => receiver!.requests.traces > 0, PHASE_MS + DELAY_MS + 5_000, 'a trace export reaching the reopened port').catch(() => undefined);
    const delayed = await delayedRun;

    // 3. The slow collector is restarted and answers at once again. (Its
    // graceful stop first answers the calls it holds, up to 10 s.)
    const backRun = load('back');
    received += receiver.spans.length;
    await receiver.close();
    receiver = await OtlpReceiver.start({ grpcPort: collectorPort });
    const backAt = Date.now();
    const resumedAt = await timeWhen(() => receiver!.spans.some((s) => phaseOf(s) === 'back'), RESUME_LIMIT_MS, 'a span of a request made after the collector came back');
    const back = await backRun;
    const rssSamples = rss.stop();
    const rssMax = Math.max(...rssSamples);

    await app.stop('SIGTERM');
    received += receiver.spans.length;
    const stderr = app.stderr();
    const lines = distributionLines(stderr);
    const summaries = lines.filter((l) => l.includes('in the last minute: '));
    const counted = summaryCounts(stderr);
    const queueDrops = lines.reduce((n, l) => n + Number(/Dropped (\d+) spans because maxQueueSize reached/.exec(l)?.[1] ?? 0), 0);
    const sentTotal = [warmup, baseline, down, delayed, back].reduce((n, r) => n + r.app.ok, 0);
    const lostOverall = Math.round(sentTotal * spansPerRequest) - received;
    const reconnectMs = firstDelayedAnswer === undefined ? undefined : firstDelayedAnswer - DELAY_MS - reopenedAt;
    const phases: Array<[string, Phase]> = [['collector up (baseline)', baseline], ['port closed', down], ['answers after 10 s', delayed], ['restarted, answers at once', back]];
    const excess = (p: Phase, q: 'p50' | 'p99') => p.app.latencyMs[q] / p.control.latencyMs[q];
    const p50Added = (p: Phase) => p.app.latencyMs.p50 - p.control.latencyMs.p50;
    const p99Excess = (p: Phase) => p.app.latencyMs.p99 - p.control.latencyMs.p99;

    recordFigures(
      'collector-outage',
      `Collector outage under load (${RATE} requests/s, ${PHASE_MS / 1000} s per phase; the same app uninstrumented under the same load alongside)`,
      [
        ...phases.map(([name, p]) => ({ name: `${name}: requests sent / failed`, value: `${p.app.sent} / ${p.app.failed}`, bound: `failed = 0 (an error, not 2xx, or no answer in ${REQUEST_TIMEOUT_MS / 1000} s)` })),
        ...phases.map(([name, p]) => ({
          name: `${name}: requests sent again (kept-alive socket closed by the server as it was written to), instrumented | uninstrumented`,
          value: `${p.app.resentAfterStaleSocket} | ${p.control.resentAfterStaleSocket}`,
          bound: 'reported',
        })),
        ...phases.map(([name, p]) => ({
          name: `${name}: latency p50 / p99 / max, instrumented | uninstrumented`,
          value: `${p.app.latencyMs.p50} / ${p.app.latencyMs.p99} / ${p.app.latencyMs.max} | ${p.control.latencyMs.p50} / ${p.control.latencyMs.p99} / ${p.control.latencyMs.max} ms`,
          bound: 'reported',
        })),
        ...phases.map(([name, p]) => ({
          name: `${name}: instrumented ÷ uninstrumented, p50 / p99`,
          value: `${excess(p, 'p50').toFixed(2)} / ${excess(p, 'p99').toFixed(2)}`,
          bound: 'reported',
        })),
        ...phases.map(([name, p]) => ({
          name: `${name}: latency p50 added by the instrumentation (instrumented − uninstrumented)`,
          value: `${p50Added(p).toFixed(3)} ms`,
          bound: 'reported',
        })),
        ...phases.map(([name, p]) => ({
          name: `${name}: latency p99 instrumented − uninstrumented`,
          value: `${p99Excess(p).toFixed(1)} ms`,
          bound: 'reported',
        })),
        ...phases.map(([name, p]) => ({
          name: `${name}: event-loop delay p99 / max in the app, instrumented | uninstrumented`,
          value: `${p.appLoop.p99} / ${p.appLoop.max} | ${p.controlLoop.p99} / ${p.controlLoop.max} ms`,
          bound: `max instrumented − max uninstrumented ≤ ${STALL_LIMIT_MS} ms`,
        })),
        { name: 'RSS after baseline → max during outage and recovery', value: `${rssBefore.toFixed(1)} → ${rssMax.toFixed(1)} MiB (+${(rssMax - rssBefore).toFixed(1)})`, bound: `growth ≤ ${RSS_GROWTH_LIMIT_MIB} MiB` },
        { name: 'spans per request', value: spansPerRequest.toFixed(2), bound: 'reported' },
        { name: 'spans lost overall (sent × spans per request − received)', value: String(lostOverall), bound: 'reported' },
        { name: 'lost spans counted in the summaries', value: Object.entries(counted).map(([k, n]) => `${k}: ${n}`).join('; ') || 'none', bound: 'reported' },
        { name: 'spans dropped by the full export queue (SDK warnings)', value: String(queueDrops), bound: 'reported' },
        { name: '"in the last minute" summary lines', value: String(summaries.length), bound: '1 or 2 (one a minute, one at exit)' },
        { name: 'all [custom-otel] lines on stderr', value: String(lines.length), bound: 'no line repeated' },
        { name: 'port reopened after 20 s closed → first export reaching it', value: reconnectMs === undefined ? 'never' : `${(reconnectMs / 1000).toFixed(1)} s`, bound: 'reported (gRPC reconnect back-off)' },
        { name: 'collector restarted → first span of a fresh request received', value: `${((resumedAt - backAt) / 1000).toFixed(1)} s`, bound: `resumes (within the ${RESUME_LIMIT_MS / 1000}-s phase)` },
      ],
      lines.map((l) => `stderr: \`${l.length > 300 ? `${l.slice(0, 300)}…` : l}\``),
    );

    for (const [name, p] of phases) {
      expect(p.app.failed, `${name}: ${p.app.errorSamples.join(', ')}`).toBe(0);
      expect(p.control.failed, `${name} (uninstrumented): ${p.control.errorSamples.join(', ')}`).toBe(0);
    }
    for (const [name, p] of phases) expect(p.appLoop.max - p.controlLoop.max, `${name}: longest event-loop stall, instrumented − uninstrumented (ms)`).toBeLessThanOrEqual(STALL_LIMIT_MS);
    expect(rssMax - rssBefore).toBeLessThanOrEqual(RSS_GROWTH_LIMIT_MIB);
    expect(lostOverall, 'the outage must have cost spans, or the test measured nothing').toBeGreaterThan(0);
    expect(Object.values(counted).reduce((a, b) => a + b, 0) + queueDrops, 'lost spans are counted').toBeGreaterThan(0);
    expect(summaries.length).toBeGreaterThanOrEqual(1);
    expect(summaries.length).toBeLessThanOrEqual(2);
    expect(repeatedLines(lines)).toEqual([]);
    expect(receiver.spans.some((s) => phaseOf(s) === 'back'), 'export resumed after the collector came back').toBe(true);
  });
});
