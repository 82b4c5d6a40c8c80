/**
 * Benchmark 2: throughput and latency. Each run starts a fresh server, warms
 * it with a short load (JIT, pools, exporter connection), then measures a
 * fixed-length autocannon run while sampling the server's RSS. The receiver
 * counts the spans that arrived during the measured run, so a variant that
 * silently exported nothing cannot pass for a cheap one.
 */
import { APPS, APPS_DIR, type AppName } from './apps';
import { runAutocannon, type LoadResult } from './autocannon';
import { runInterleaved } from './interleave';
import { processEnv, spansFrom, type MajorContext } from './major-context';
import type { BenchProfile } from './options';
import { readProcCpuSeconds, readProcMemory } from './proc-status';
import { startServer } from './server-process';
import { serviceNameOf, VARIANTS, type Variant } from './variants';

export interface ThroughputSample extends LoadResult {
  /** Highest RSS sampled (every 200 ms) during the measured run. */
  rssUnderLoadBytes: number;
  /** Spans the receiver got from this server during the measured run, per request served. */
  spansPerRequest: number;
  /** Server CPU time (user + system) per request served in the measured run: unlike requests/s, not skewed by waiting for a busy core. */
  serverCpuMicrosPerRequest: number;
  /** CPU seconds the runner (mostly the receiver decoding OTLP) used during the measured run. */
  receiverCpuSeconds: number;
}

export type ThroughputResult = Record<Variant, ThroughputSample[]>;

const RSS_SAMPLE_MS = 200;

export async function benchThroughput(context: MajorContext, app: AppName, profile: BenchProfile['throughput']): Promise<ThroughputResult> {
  const { major } = context.prepared;
  context.log(`node${major} throughput, ${APPS[app].title}: ${profile.rounds} rounds of ${VARIANTS.join(' ')}, each ${profile.warmupSeconds} s warm-up + ${profile.durationSeconds} s at -c ${profile.connections}`);
  return runInterleaved(VARIANTS, 0, profile.rounds, async (variant, run) => {
    const what = `node${major} ${app} ${variant} round ${run.round + 1}`;
    const server = await startServer({ node: context.prepared.node, script: APPS[app].script, cwd: APPS_DIR, env: processEnv(context, variant, app), timeoutMs: 30_000 });
    try {
      const url = `http://127.0.0.1:${server.port}/`;
      await runAutocannon(url, profile.connections, profile.warmupSeconds, `${what} (warm-up)`);
      context.receiver.clear();
      let rssUnderLoadBytes = 0;
      const sampler = setInterval(() => {
        rssUnderLoadBytes = Math.max(rssUnderLoadBytes, readProcMemory(server.pid).rssBytes);
      }, RSS_SAMPLE_MS);
      const cpuBefore = process.cpuUsage();
      const serverCpuBefore = readProcCpuSeconds(server.pid);
      let load: LoadResult;
      try {
        load = await runAutocannon(url, profile.connections, profile.durationSeconds, what);
      } finally {
        clearInterval(sampler);
      }
      const serverCpuSeconds = readProcCpuSeconds(server.pid) - serverCpuBefore;
      const cpu = process.cpuUsage(cpuBefore);
      rssUnderLoadBytes = Math.max(rssUnderLoadBytes, readProcMemory(server.pid).rssBytes);
      const spans = spansFrom(context.receiver, serviceNameOf(variant, app));
      context.receiver.clear();
      if (variant !== 'bare' && spans === 0) {
        throw new Error(`${what}: the receiver got no spans from ${serviceNameOf(variant, app)} during the run; the instrumentation did not work, so its figures would mean nothing.\nstderr: ${server.stderr().slice(-2000)}`);
      }
      return {
        ...load,
        rssUnderLoadBytes,
        serverCpuMicrosPerRequest: (serverCpuSeconds * 1e6) / load.requests,
        spansPerRequest: spans / load.requests,
        receiverCpuSeconds: (cpu.user + cpu.system) / 1e6,
      };
    } finally {
      await server.kill();
    }
  });
}
