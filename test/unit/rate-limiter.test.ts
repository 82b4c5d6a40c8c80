/** The cap on new traces per second (src/sampler/rate-limiter.ts), with a clock we move by hand. */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/sampler/rate-limiter';

function clock(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

function takes(limiter: RateLimiter, n: number): boolean[] {
  return Array.from({ length: n }, () => limiter.tryTake());
}

describe('RateLimiter', () => {
  it('admits a burst of one second worth, then refuses', () => {
    const time = clock();
    const limiter = new RateLimiter(3, time.now);
    expect(takes(limiter, 4)).toEqual([true, true, true, false]);
  });

  it('refills at the configured rate', () => {
    const time = clock();
    const limiter = new RateLimiter(2, time.now);
    takes(limiter, 2);
    time.advance(499);
    expect(limiter.tryTake()).toBe(false);
    time.advance(1);
    expect(takes(limiter, 2)).toEqual([true, false]);
  });

  it('never stores more than one second worth', () => {
    const time = clock();
    const limiter = new RateLimiter(2, time.now);
    takes(limiter, 2);
    time.advance(60_000);
    expect(takes(limiter, 3)).toEqual([true, true, false]);
  });

  it('admits one trace every two seconds at 0.5 per second', () => {
    const time = clock();
    const limiter = new RateLimiter(0.5, time.now);
    expect(takes(limiter, 2)).toEqual([true, false]);
    time.advance(1000);
    expect(limiter.tryTake()).toBe(false);
    time.advance(1000);
    expect(takes(limiter, 2)).toEqual([true, false]);
  });

  it('admits about the rate over a long steady stream', () => {
    const time = clock();
    const limiter = new RateLimiter(10, time.now);
    let admitted = 0;
    for (let i = 0; i < 10_000; i++) {
      if (limiter.tryTake()) admitted++;
      time.advance(1); // 1000 attempts a second for 10 s
    }
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(110); // 10 s at 10/s plus the initial burst
  });
});
