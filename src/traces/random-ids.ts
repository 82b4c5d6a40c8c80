/**
 * Trace and span ids, cut from a pool of random hex: one randomFillSync and
 * one hex conversion per 4 KiB, where the SDK's own generator makes two
 * native calls per id (Math.random's numbers written into a buffer, then
 * toString('hex')); about a third of the CPU for a trace id and two span ids
 * (bench/random-ids-micro.ts). An id is a substring of the pool's hex, which
 * V8 keeps as a view of it rather than a copy: the pool's 8 KiB live as long
 * as an id cut from it.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
const ALL_ZEROS = { 16: '0'.repeat(16), 32: '0'.repeat(32) } as const;
const pool = Buffer.allocUnsafeSlow(POOL_BYTES);
let poolHex = '';
let taken = 0;

/** A random lowercase hex id of `bytes` bytes, never all zeros (an all-zero id is invalid). */
export function randomId(bytes: 8 | 16): string {
  const chars = bytes === 8 ? 16 : 32;
  for (;;) {
    if (taken + chars > poolHex.length) {
      poolHex = randomFillSync(pool).toString('hex');
      taken = 0;
    }
    const id = poolHex.substring(taken, (taken += chars));
    if (id !== ALL_ZEROS[chars]) return id;
  }
}

/** The SDK's IdGenerator interface, for the tracer provider. */
export const randomIdGenerator = {
  generateTraceId: (): string => randomId(16),
  generateSpanId: (): string => randomId(8),
};
