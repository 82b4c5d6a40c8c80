/** A token bucket: at most `perSecond` admissions a second, bursts up to one second's worth. */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(private readonly perSecond: number, private readonly now: () => number = () => performance.now()) {
    this.tokens = Math.max(perSecond, 1);
    this.last = now();
  }

  tryTake(): boolean {
    const now = this.now();
    const capacity = Math.max(this.perSecond, 1);
    this.tokens = Math.min(capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
