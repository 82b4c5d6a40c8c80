/** CUSTOM_OTEL_HEALTH_PATHS matched in place (src/sampler/health-paths.ts). */
import { describe, expect, it } from 'vitest';
import { HealthPaths } from '../../src/sampler/health-paths';
import { seededRandom, testSeed } from './support/seeded-random';

const paths = new HealthPaths(['/health', '/healthz', '/ready', '/ping', '/ping']);

describe('HealthPaths', () => {
  it('matches a path exactly', () => {
    for (const path of ['/health', '/healthz', '/ready', '/ping']) expect(paths.matches(path)).toBe(true);
    for (const path of ['/healt', '/health/', '/health/deep', '/Health', '/', '', '/pong', '/readyz']) expect(paths.matches(path)).toBe(false);
  });

  it('matches the path part of a target when told where the path ends', () => {
    expect(paths.matches('/health?probe=1', 7)).toBe(true);
    expect(paths.matches('/healthz?x', 8)).toBe(true);
    expect(paths.matches('/healthz?x', 7)).toBe(true); // the caller said the path is '/health'
    expect(paths.matches('/orders?next=/health', 7)).toBe(false);
    expect(paths.matches('/health?x', 9)).toBe(false); // the whole target is no health path
  });

  it('lists each configured path once, in order', () => {
    expect([...paths]).toEqual(['/health', '/healthz', '/ready', '/ping']);
    expect([...new HealthPaths([])]).toEqual([]);
    expect(new HealthPaths([]).matches('/health')).toBe(false);
  });

  it('decides as a set of the path before the first ? does, on random targets', () => {
    const seed = testSeed();
    const random = seededRandom(seed);
    const configured = ['/a', '/ab', '/b/c', '/health', '/x?y'];
    const matcher = new HealthPaths(configured);
    const set = new Set(configured);
    const pieces = ['/a', '/ab', 'b', '/c', '?', 'q=1', '/health', 'x', '?y'];
    for (let i = 0; i < 2000; i++) {
      let target = '';
      const count = 1 + Math.floor(random() * 4);
      for (let j = 0; j < count; j++) target += pieces[Math.floor(random() * pieces.length)];
      const q = target.indexOf('?');
      const path = q < 0 ? target : target.slice(0, q);
      expect(matcher.matches(target, path.length), `${target} (UNIT_TEST_SEED=${seed})`).toBe(set.has(path));
    }
  });
});
