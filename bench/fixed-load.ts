/**
 * The offered load every variant of one app gets for the "server CPU per
 * request at a fixed load" figure (pure). Saturated, each variant batches and
 * queues differently, which inflates the instrumented ones' CPU per request;
 * at one rate below every variant's saturation they all do the same work.
 */

/** The fixed load is this share of the slowest variant's saturated requests/s. */
export const FIXED_LOAD_SHARE_OF_SLOWEST = 0.5;

/** Rounds down to two significant digits (694 → 690, 4246 → 4200), so the rate reads as a chosen figure. */
export function roundDownToTwoDigits(value: number): number {
  if (value < 10) return Math.floor(value);
  const unit = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.floor(value / unit) * unit;
}

/**
 * Requests per second to offer every variant: half of the slowest variant's
 * saturated requests/s measured in the same run, rounded down.
 */
export function fixedLoadRate(saturatedRequestsPerSecond: Record<string, number>): number {
  const entries = Object.entries(saturatedRequestsPerSecond);
  if (entries.length === 0) throw new Error('fixed load: no saturated requests/s to choose a rate from');
  const bad = entries.filter(([, value]) => !(Number.isFinite(value) && value > 0));
  if (bad.length > 0) throw new Error(`fixed load: saturated requests/s must be positive numbers; got ${bad.map(([name, value]) => `${name}=${value}`).join(', ')}`);
  const slowest = Math.min(...entries.map(([, value]) => value));
  const rate = roundDownToTwoDigits(slowest * FIXED_LOAD_SHARE_OF_SLOWEST);
  if (rate < 1) throw new Error(`fixed load: the slowest variant served ${slowest} requests/s, too few to offer a fixed load below it`);
  return rate;
}

/** A case that served less than this share of the offered rate was saturated after all (a busy machine). */
export const HELD_RATE_SHARE = 0.95;

/** The cases whose median served requests/s fell short of the offered rate, so their CPU figure is partly a saturated one. */
export function casesShortOfRate(ratePerSecond: number, servedRequestsPerSecond: Record<string, number>): string[] {
  return Object.entries(servedRequestsPerSecond)
    .filter(([, served]) => !(served >= ratePerSecond * HELD_RATE_SHARE))
    .map(([name]) => name);
}
