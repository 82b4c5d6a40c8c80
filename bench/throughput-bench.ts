/**
 * Benchmark 2: throughput and latency. Each run starts a fresh server, warms
 * it with a short load (JIT, pools, exporter connection), then measures a
 * fixed-length autocannon run while sampling the server's RSS. The receiver
 * counts the spans that arrived during the measured run, so a variant that
 * silently exported nothing cannot pass for a cheap one.
 *
 * Two phases per app: saturated (as many requests as each server takes), then
 * a fixed offered load (autocannon -R) the same for every variant, chosen
 * below every variant's saturation measured in the first phase. CPU per
 * request is compared at the fixed load: saturated, the instrumented variants
 * batch differently and a pod rarely runs that way. The fixed load also runs
 * ours with settings changed on some apps (fixed-load-cases.ts).
 */
import type { BenchApp } from './apps';
import { runAutocannon, type LoadResult } from './autocannon';
import { fixedLoadCases, type FixedLoadCase } from './fixed-load-cases';
import { fixedLoadRate } from './fixed-load';
import { runInterleaved } from './interleave';
import { processEnv, spansFrom, type MajorContext } from './major-context';
import type { BenchProfile } from './options';
import { readProcCpuSeconds, readProcMemory } from './proc-status';
import { startServer } from './server-process';
import { median } from './statistics';
import { pick } from './summary';
import { serviceNameOf, VARIANTS, type Variant } from './variants';

export interface ThroughputSample extends LoadResult {
  /** Highest RSS sampled (every 200 ms) during the measured run. */
  rssUnderLoadBytes: number;
  /** Spans the receiver got from this server during the measured run, per request served. */
  spansPerRequest: number;
  /** Server CPU time (user + system) per request served in the measured run: unlike requests/s, not skewed by waiting for a busy core. */
  serverCpuMicrosPerRequest: number;
  /** CPU seconds the runner (mostly the receiver taking OTLP requests; it decodes them after the run) used during the measured run. */
  receiverCpuSeconds: number;
}

export interface ThroughputResult {
  saturated: Record<Variant, ThroughputSample[]>;
  fixedLoad: {
    /** Requests per second offered to every case (autocannon -R). */
    ratePerSecond: number;
    /** Per case name (fixed-load-cases.ts): bare, ours and upstream always, further cases on some apps. */
    runs: Record<Variant, ThroughputSample[]> & { [caseName: string]: ThroughputSample[] | undefined };
  };
}

const RSS_SAMPLE_MS = 200;

interface MeasureOptions extends Omit<FixedLoadCase, 'name'> {
  warmupSeconds: number;
  durationSeconds: number;
  /** undefined: saturate. */
  ratePerSecond: number | undefined;
  what: string;
}

async function measureServer(context: MajorContext, app: BenchApp, connections: number, options: MeasureOptions): Promise<ThroughputSample> {
  const { what, variant } = options;
  const env = { ...processEnv(context, variant, app.name), ...options.extraEnv };
  const server = await startServer({ node: context.prepared.node, script: app.script, cwd: app.cwd, env, timeoutMs: 30_000 });
  try {
    const url = `http://127.0.0.1:${server.port}/`;
    await runAutocannon(url, connections, options.warmupSeconds, `${what} (warm-up)`, options.ratePerSecond);
    context.receiver.clear();
    let rssUnderLoadBytes = 0;
    const sampler = setInterval(() => {
      rssUnderLoadBytes = Math.max(rssUnderLoadBytes, readProcMemory(server.pid).rssBytes);
    }, RSS_SAMPLE_MS);
    const cpuBefore = process.cpuUsage();
    const serverCpuBefore = readProcCpuSeconds(server.pid);
    let load: LoadResult;
    try {
      load = await runAutocannon(url, connections, options.durationSeconds, what, options.ratePerSecond);
    } finally {
      clearInterval(sampler);
    }
    const serverCpuSeconds = readProcCpuSeconds(server.pid) - serverCpuBefore;
    const cpu = process.cpuUsage(cpuBefore);
    rssUnderLoadBytes = Math.max(rssUnderLoadBytes, readProcMemory(server.pid).rssBytes);
    const spans = spansFrom(context.receiver, serviceNameOf(variant, app.name));
    context.receiver.clear();
    if (options.expectSpans === 'some' && spans === 0) {
      throw new Error(`${what}: the receiver got no spans from ${serviceNameOf(variant, app.name)} during the run; the instrumentation did not work, so its figures would mean nothing.\nstderr: ${server.stderr().slice(-2000)}`);
    }
    if (options.expectSpans === 'none' && spans > 0) {
      throw new Error(`${what}: the receiver got ${spans} spans from ${serviceNameOf(variant, app.name)} although sampling is off; the case is not what it says.`);
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
}

/** `cases`: what runs at the fixed load, by default the bench's choice for this app. */
export async function benchThroughput(
  context: MajorContext,
  app: BenchApp,
  profile: BenchProfile['throughput'],
  cases: FixedLoadCase[] = fixedLoadCases(app.name),
): Promise<ThroughputResult> {
  const { major } = context.prepared;
  context.log(`node${major} throughput, ${app.title}: ${profile.rounds} rounds of ${VARIANTS.join(' ')}, each ${profile.warmupSeconds} s warm-up + ${profile.durationSeconds} s at -c ${profile.connections}`);
  const saturated = await runInterleaved(VARIANTS, 0, profile.rounds, (variant, run) =>
    measureServer(context, app, profile.connections, {
      variant,
      extraEnv: {},
      expectSpans: variant === 'bare' ? 'any' : 'some',
      warmupSeconds: profile.warmupSeconds,
      durationSeconds: profile.durationSeconds,
      ratePerSecond: undefined,
      what: `node${major} ${app.name} ${variant} round ${run.round + 1}`,
    }),
  );
  const medians = pick(saturated, (s) => s.requestsPerSecond);
  const ratePerSecond = fixedLoadRate({ bare: median(medians.bare), ours: median(medians.ours), upstream: median(medians.upstream) });
  const byName = new Map(cases.map((c) => [c.name, c]));
  for (const variant of VARIANTS) if (!byName.has(variant)) throw new Error(`fixed load of ${app.name}: the cases must include ${variant}`);
  context.log(`node${major} fixed load, ${app.title}: ${profile.fixedLoadRounds} rounds of ${[...byName.keys()].join(' / ')} at -R ${ratePerSecond}, each ${profile.fixedLoadWarmupSeconds} s warm-up + ${profile.fixedLoadSeconds} s`);
  const runs = await runInterleaved([...byName.keys()], 0, profile.fixedLoadRounds, (name, run) =>
    measureServer(context, app, profile.connections, {
      ...byName.get(name)!,
      warmupSeconds: profile.fixedLoadWarmupSeconds,
      durationSeconds: profile.fixedLoadSeconds,
      ratePerSecond,
      what: `node${major} ${app.name} ${name} at ${ratePerSecond} req/s round ${run.round + 1}`,
    }),
  );
  return { saturated, fixedLoad: { ratePerSecond, runs: runs as ThroughputResult['fixedLoad']['runs'] } };
}
