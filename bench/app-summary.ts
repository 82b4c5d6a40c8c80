/**
 * One app's figures in one line (pure): server CPU per request at the fixed
 * load as ratios to bare, ours' added CPU as a share of upstream's, and ours'
 * saturated requests/s over upstream's. Ratios of runs made side by side in
 * one run, so they compare across a busy and a quiet machine where µs do not.
 */
import { casesShortOfRate } from './fixed-load';
import { describeCase, EXTRA_CASES } from './fixed-load-cases';
import { addedCostShare, median, ratio } from './statistics';
import { compare, pick, type Comparison } from './summary';
import type { ThroughputResult } from './throughput-bench';

export interface AppSummary {
  title: string;
  /** The fixed offered load (req/s). */
  ratePerSecond: number;
  /** Cases that served less than the offered rate: their CPU figure is partly a saturated one. */
  shortOfRate: string[];
  /** Server CPU µs per request at the fixed load; addedShare is (ours − bare) ÷ (upstream − bare). */
  cpu: Comparison;
  /** Saturated requests/s of bare, ours and upstream. */
  saturated: Comparison;
  /** Ours' saturated requests/s over upstream's. */
  saturatedOursOverUpstream: number;
  /** Further cases of ours run on this app at the fixed load (fixed-load-cases.ts): CPU µs per request. */
  extras: Array<{ name: string; description: string; cpuMicros: number; overBare: number; addedShare: number }>;
}

export function summarizeApp(title: string, throughput: ThroughputResult): AppSummary {
  const { runs, ratePerSecond } = throughput.fixedLoad;
  const served: Record<string, number> = {};
  for (const [name, samples] of Object.entries(runs)) if (samples) served[name] = median(samples.map((s) => s.requestsPerSecond));
  const cpu = compare(pick(runs, (s) => s.serverCpuMicrosPerRequest));
  const saturated = compare(pick(throughput.saturated, (s) => s.requestsPerSecond), true);
  const extras: AppSummary['extras'] = [];
  for (const extra of EXTRA_CASES) {
    const samples = runs[extra.name];
    if (!samples) continue;
    const cpuMicros = median(samples.map((s) => s.serverCpuMicrosPerRequest));
    extras.push({ name: extra.name, description: describeCase(extra), cpuMicros, overBare: ratio(cpuMicros, cpu.bare), addedShare: addedCostShare(cpuMicros, cpu.bare, cpu.upstream) });
  }
  return {
    title,
    ratePerSecond,
    shortOfRate: casesShortOfRate(ratePerSecond, served),
    cpu,
    saturated,
    saturatedOursOverUpstream: ratio(saturated.ours, saturated.upstream),
    extras,
  };
}

/** Where a fixed-load figure was measured, naming the cases that could not keep up. */
export function fixedLoadLabel(summary: AppSummary): string {
  const short = summary.shortOfRate;
  return `at a fixed ${summary.ratePerSecond} req/s${short.length > 0 ? `; short of that rate, so partly saturated: ${short.join(', ')}` : ''}`;
}
