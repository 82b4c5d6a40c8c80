/** The few statistics the benchmarks report, as pure functions. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values: the benchmark produced no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** value / reference; NaN when the reference is zero (nothing to compare against). */
export function ratio(value: number, reference: number): number {
  return reference === 0 ? Number.NaN : value / reference;
}

/**
 * Ours' added cost as a fraction of upstream's, for a figure where more is
 * worse (time, memory): (ours - bare) / (upstream - bare). NaN when upstream
 * adds nothing, because then there is no cost to compare against.
 */
export function addedCostShare(ours: number, bare: number, upstream: number): number {
  const upstreamAdded = upstream - bare;
  return upstreamAdded <= 0 ? Number.NaN : (ours - bare) / upstreamAdded;
}

/** The same for a figure where more is better (requests per second): the loss against bare. */
export function lostShare(ours: number, bare: number, upstream: number): number {
  return addedCostShare(-ours, -bare, -upstream);
}
