/**
 * CUSTOM_OTEL_MAX_TRACES_PER_SECOND as a probability: each second, the new
 * traces that the ratio or a rule would keep are counted, and for the next
 * second the cap keeps only a share q of them, decided consistently (R ≥ T
 * for probability p·q, with `th` of p·q on kept spans) so that the kept
 * traces are the same ones Java, Go or the collector would keep at p·q, and
 * their adjusted counts stay right. The token bucket (./rate-limiter.ts)
 * still bounds a burst inside a second, before q has caught up.
 */

/** q steps by 2^(1/8) (about 9 %): few distinct thresholds, each made once. */
const STEPS_PER_HALVING = 8;
/** Below 2^-56 nothing can be kept by probability. */
const MAX_STEP = 56 * STEPS_PER_HALVING;

/** q for a candidate rate: the largest step not above cap / rate (1 when under the cap). */
export function capProbability(candidatesPerSecond: number, maxPerSecond: number): number {
  if (!(candidatesPerSecond > maxPerSecond)) return 1;
  const share = maxPerSecond / candidatesPerSecond;
  const step = Math.min(MAX_STEP, Math.ceil(-Math.log2(share) * STEPS_PER_HALVING - 1e-9));
  return 2 ** (-step / STEPS_PER_HALVING);
}

export class CapProbability {
  private windowStart: number;
  private candidates = 0;
  private current = 1;

  constructor(private readonly maxPerSecond: number, private readonly now: () => number = () => performance.now()) {
    this.windowStart = now();
  }

  /** Counts one candidate trace and returns q for it, from the last full second's count. */
  admit(): number {
    const now = this.now();
    const elapsed = now - this.windowStart;
    if (elapsed >= 1000) {
      this.current = capProbability((this.candidates * 1000) / elapsed, this.maxPerSecond);
      this.windowStart = now;
      this.candidates = 0;
    }
    this.candidates++;
    return this.current;
  }
}
