/**
 * Medians of each variant's runs and the comparisons the report prints:
 * ours/bare, upstream/bare, and ours' added cost as a share of upstream's.
 */
import { addedCostShare, lostShare, median, ratio } from './statistics';
import type { Variant } from './variants';

export interface Comparison {
  bare: number;
  ours: number;
  upstream: number;
  oursOverBare: number;
  upstreamOverBare: number;
  /** (ours - bare) / (upstream - bare), for a cost; the loss share for a figure where more is better. */
  addedShare: number;
}

/** `higherIsBetter`: throughput-like figures, whose "added cost" is what they lose against bare. */
export function compare(samples: Record<Variant, readonly number[]>, higherIsBetter = false): Comparison {
  const bare = median(samples.bare);
  const ours = median(samples.ours);
  const upstream = median(samples.upstream);
  return {
    bare,
    ours,
    upstream,
    oursOverBare: ratio(ours, bare),
    upstreamOverBare: ratio(upstream, bare),
    addedShare: higherIsBetter ? lostShare(ours, bare, upstream) : addedCostShare(ours, bare, upstream),
  };
}

/** One figure of every run of every variant. */
export function pick<S>(runs: Record<Variant, readonly S[]>, figure: (sample: S) => number): Record<Variant, number[]> {
  return { bare: runs.bare.map(figure), ours: runs.ours.map(figure), upstream: runs.upstream.map(figure) };
}
