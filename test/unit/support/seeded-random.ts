/**
 * A tiny seeded PRNG (mulberry32), so randomised tests reproduce: every
 * failure message carries the seed, and UNIT_TEST_SEED=<seed> replays it.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

/** The seed for this run: UNIT_TEST_SEED when given, otherwise a fresh one. */
export function testSeed(): number {
  const given = process.env.UNIT_TEST_SEED;
  if (given !== undefined && given.trim() !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`UNIT_TEST_SEED=${JSON.stringify(given)} is not a whole number from 0 to 4294967295`);
    }
    return seed;
  }
  return Math.floor(Math.random() * 0x100000000);
}

export function randomInt(random: Random, below: number): number {
  return Math.floor(random() * below);
}

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[randomInt(random, items.length)]!;
}

export function randomHex(random: Random, digits: number): string {
  let text = '';
  for (let i = 0; i < digits; i++) text += randomInt(random, 16).toString(16);
  return text;
}
