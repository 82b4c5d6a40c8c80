/**
 * The targets our distribution is held to, checked against measured figures
 * (pure). Every verdict carries the numbers it was decided on.
 */
import type { Comparison } from './summary';

export interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean;
}

const pct = (share: number) => (Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : 'n/a');
const x = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a');

export const LIMITS = {
  startupAddedShare: 0.25,
  memoryAddedShare: 0.4,
  expressThroughputOverBare: 0.75,
  expressThroughputOverUpstream: 1.6,
  httpThroughputOverBare: 0.5,
  /** Every app: ours' requests/s over upstream's. */
  throughputOverUpstream: 1.5,
  /** Server CPU per request that ours adds over bare (µs). */
  httpCpuAddedMicros: 23,
  expressCpuAddedMicros: 40,
  /** node:http app, ours with OTEL_TRACES_SAMPLER=always_off: server CPU per request at most this times bare's. */
  alwaysOffCpuOverBare: 1.25,
  treeBytes: 15_000_000,
  treeFiles: 100,
  treeCopyShare: 0.05,
  pipelineNs: 1000,
};

/** A share that cannot be computed (upstream added nothing) is not a pass. */
function shareAtMost(share: number, limit: number): boolean {
  return Number.isFinite(share) && share <= limit;
}

export function startupTarget(app: string, firstResponse: Comparison): TargetVerdict {
  return {
    target: `${app}: start-up added ≤ ${LIMITS.startupAddedShare * 100}% of upstream's added`,
    measured: `${pct(firstResponse.addedShare)} (bare ${firstResponse.bare.toFixed(0)} ms, ours ${firstResponse.ours.toFixed(0)} ms, upstream ${firstResponse.upstream.toFixed(0)} ms)`,
    met: shareAtMost(firstResponse.addedShare, LIMITS.startupAddedShare),
  };
}

export function memoryTarget(app: string, peakRss: Comparison): TargetVerdict {
  const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;
  return {
    target: `${app}: peak memory added ≤ ${LIMITS.memoryAddedShare * 100}% of upstream's added`,
    measured: `${pct(peakRss.addedShare)} (bare ${mib(peakRss.bare)}, ours ${mib(peakRss.ours)}, upstream ${mib(peakRss.upstream)})`,
    met: shareAtMost(peakRss.addedShare, LIMITS.memoryAddedShare),
  };
}

export function expressThroughputTargets(requestsPerSecond: Comparison, p99Ms: Comparison): TargetVerdict[] {
  const oursOverUpstream = requestsPerSecond.ours / requestsPerSecond.upstream;
  return [
    {
      target: `express: throughput ≥ ${LIMITS.expressThroughputOverBare}x bare`,
      measured: `${x(requestsPerSecond.oursOverBare)} (${requestsPerSecond.ours.toFixed(0)} vs ${requestsPerSecond.bare.toFixed(0)} req/s)`,
      met: requestsPerSecond.oursOverBare >= LIMITS.expressThroughputOverBare,
    },
    {
      target: `express: throughput ≥ ${LIMITS.expressThroughputOverUpstream}x upstream`,
      measured: `${x(oursOverUpstream)} (${requestsPerSecond.ours.toFixed(0)} vs ${requestsPerSecond.upstream.toFixed(0)} req/s)`,
      met: oursOverUpstream >= LIMITS.expressThroughputOverUpstream,
    },
    {
      target: 'express: p99 latency no worse than upstream',
      measured: `ours ${p99Ms.ours} ms, upstream ${p99Ms.upstream} ms`,
      met: p99Ms.ours <= p99Ms.upstream,
    },
  ];
}

export function httpThroughputTarget(requestsPerSecond: Comparison): TargetVerdict {
  return {
    target: `node:http: throughput ≥ ${LIMITS.httpThroughputOverBare}x bare`,
    measured: `${x(requestsPerSecond.oursOverBare)} (${requestsPerSecond.ours.toFixed(0)} vs ${requestsPerSecond.bare.toFixed(0)} req/s)`,
    met: requestsPerSecond.oursOverBare >= LIMITS.httpThroughputOverBare,
  };
}

export function throughputOverUpstreamTarget(app: string, requestsPerSecond: Comparison): TargetVerdict {
  const oursOverUpstream = requestsPerSecond.ours / requestsPerSecond.upstream;
  return {
    target: `${app}: throughput ≥ ${LIMITS.throughputOverUpstream}x upstream`,
    measured: `${x(oursOverUpstream)} (${requestsPerSecond.ours.toFixed(0)} vs ${requestsPerSecond.upstream.toFixed(0)} req/s)`,
    met: oursOverUpstream >= LIMITS.throughputOverUpstream,
  };
}

/** Server CPU per request ours adds over bare, against a limit in µs; `load` says where it was measured (the fixed offered load). */
export function cpuAddedTarget(app: string, cpuMicros: Comparison, limitMicros: number, load: string): TargetVerdict {
  const added = cpuMicros.ours - cpuMicros.bare;
  return {
    target: `${app}: server CPU added per request ≤ ${limitMicros} µs (${load})`,
    measured: `${added.toFixed(1)} µs (bare ${cpuMicros.bare.toFixed(1)}, ours ${cpuMicros.ours.toFixed(1)}, upstream ${cpuMicros.upstream.toFixed(1)} µs)`,
    met: added <= limitMicros,
  };
}

/** Ours with sampling off against bare, both at the same fixed offered load. */
export function alwaysOffCpuTarget(app: string, bareMicros: number, alwaysOffMicros: number, load: string): TargetVerdict {
  const over = alwaysOffMicros / bareMicros;
  return {
    target: `${app}: ours with OTEL_TRACES_SAMPLER=always_off, server CPU per request ≤ ${LIMITS.alwaysOffCpuOverBare}x bare (${load})`,
    measured: `${x(over)} (bare ${bareMicros.toFixed(1)} µs, ours always_off ${alwaysOffMicros.toFixed(1)} µs)`,
    met: Number.isFinite(over) && over <= LIMITS.alwaysOffCpuOverBare,
  };
}

export function treeTargets(ours: { bytes: number; files: number; copyMs: number }, upstream: { copyMs: number }): TargetVerdict[] {
  const copyShare = ours.copyMs / upstream.copyMs;
  return [
    { target: `staged tree ≤ ${LIMITS.treeBytes / 1e6} MB (10^6 bytes)`, measured: `${(ours.bytes / 1e6).toFixed(2)} MB (${ours.bytes} bytes)`, met: ours.bytes <= LIMITS.treeBytes },
    { target: `staged tree ≤ ${LIMITS.treeFiles} files`, measured: `${ours.files} files`, met: ours.files <= LIMITS.treeFiles },
    {
      target: `cp -r of the tree ≤ ${LIMITS.treeCopyShare * 100}% of upstream's`,
      measured: `${pct(copyShare)} (${ours.copyMs.toFixed(1)} ms vs ${upstream.copyMs.toFixed(1)} ms)`,
      met: copyShare <= LIMITS.treeCopyShare,
    },
  ];
}

export function pipelineTarget(wallNs: number, cpuNs: number): TargetVerdict {
  return {
    target: `processor + sampler < ${LIMITS.pipelineNs} ns/span`,
    measured: `${wallNs.toFixed(0)} ns wall (${cpuNs.toFixed(0)} ns CPU)`,
    met: wallNs < LIMITS.pipelineNs,
  };
}
