/**
 * Benchmark 4: the span pipeline.
 *   a) our sampler and processor per span (span-pipeline-micro.ts, bundled as
 *      the distribution is, in its own process under the Node being measured);
 *   b) spans per second exported end to end: span-export-loop.cjs under
 *      --require of our tree (and of the upstream register, for scale) makes
 *      spans for a fixed time; the receiver counts what arrived.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../scripts/stage';
import { bundleScript } from './bundled-script';
import { runInterleaved } from './interleave';
import { processEnv, spansFrom, type MajorContext } from './major-context';
import type { BenchProfile } from './options';
import { serviceNameOf } from './variants';

export interface MicroFigures {
  node: string;
  spansPerRound: number;
  rounds: number;
  samplerNs: number;
  processorNs: number;
  processorWithMetricsNs: number;
  samplerCpuNs: number;
  processorCpuNs: number;
  processorWithMetricsCpuNs: number;
  sdkSpanNs: number;
}

export interface ExportLoopSample {
  created: number;
  received: number;
  loopMs: number;
  flushMs: number;
  /** Spans the receiver got per second of loop plus final flush. */
  exportedPerSecond: number;
  createdPerSecond: number;
}

export const EXPORT_VARIANTS = ['ours', 'upstream'] as const;
export type ExportVariant = (typeof EXPORT_VARIANTS)[number];

export interface SpanPipelineResult {
  micro: MicroFigures;
  exportLoop: Record<ExportVariant, ExportLoopSample[]>;
}

const EXPORT_APP = 'export-loop';

function runChild(command: string, args: string[], env: Record<string, string>, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-8000)));
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => reject(new Error(`${what}: cannot start ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (code === 0) resolve(out);
      else reject(new Error(`${what} failed (${signal ? `killed by ${signal} after ${timeoutMs} ms` : `exit ${code}`}):\n${err}`));
    });
  });
}

function lastJsonLine<T>(out: string, what: string): T {
  const line = out.trim().split('\n').filter((l) => l.startsWith('{')).at(-1);
  if (!line) throw new Error(`${what} printed no JSON result: ${out.slice(-500)}`);
  return JSON.parse(line) as T;
}

export async function benchSpanPipeline(context: MajorContext, profile: Pick<BenchProfile, 'micro' | 'exportLoop'>): Promise<SpanPipelineResult> {
  const { major, node, runtimeDir } = context.prepared;
  context.log(`node${major} span pipeline: processor + sampler micro-benchmark (${profile.micro.warmupRounds} warm-up + ${profile.micro.rounds} rounds of ${profile.micro.spansPerRound} spans)`);
  const microEnv = {
    PATH: [join(runtimeDir, 'bin'), process.env.PATH].filter(Boolean).join(':'),
    HOME: process.env.HOME ?? '/root',
    BENCH_SPANS_PER_ROUND: String(profile.micro.spansPerRound),
    BENCH_WARMUP_ROUNDS: String(profile.micro.warmupRounds),
    BENCH_ROUNDS: String(profile.micro.rounds),
  };
  const microOut = await runChild(node, [await bundleScript(join(__dirname, 'span-pipeline-micro.ts'))], microEnv, 300_000, `node${major} span pipeline micro-benchmark`);
  const micro = lastJsonLine<MicroFigures>(microOut, 'span-pipeline-micro.ts');

  context.log(`node${major} span pipeline: export loop, ${profile.exportLoop.rounds} rounds of ${profile.exportLoop.durationMs} ms, ours and upstream`);
  const exportLoop = await runInterleaved(EXPORT_VARIANTS, 0, profile.exportLoop.rounds, async (variant, run) => {
    const what = `node${major} export loop ${variant} round ${run.round + 1}`;
    context.receiver.clear();
    const env = { ...processEnv(context, variant, EXPORT_APP), BENCH_LOOP_MS: String(profile.exportLoop.durationMs) };
    const out = await runChild(node, [join(__dirname, 'span-export-loop.cjs')], env, profile.exportLoop.durationMs + 60_000, what);
    const { created, loopMs, flushMs } = lastJsonLine<{ created: number; loopMs: number; flushMs: number }>(out, what);
    const received = spansFrom(context.receiver, serviceNameOf(variant, EXPORT_APP));
    context.receiver.clear();
    if (received === 0) throw new Error(`${what}: the receiver got none of the ${created} spans`);
    const seconds = (loopMs + flushMs) / 1000;
    return { created, received, loopMs, flushMs, exportedPerSecond: received / seconds, createdPerSecond: created / (loopMs / 1000) };
  });
  return { micro, exportLoop };
}
