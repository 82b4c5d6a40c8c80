/** Trace and span ids cut from a pool of random hex (src/traces/random-ids.ts). */
import { describe, expect, it, vi } from 'vitest';
import { AlwaysOnSampler } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { sdkLine } from '../../src/sdk-line';

// The first pool drawn is all zeros; every later one is random.
const zeroPools = vi.hoisted(() => ({ left: 1 }));
vi.mock('node:crypto', async (original) => {
  const crypto = await original<typeof import('node:crypto')>();
  return {
    ...crypto,
    randomFillSync: <T extends NodeJS.ArrayBufferView>(buffer: T): T => {
      if (zeroPools.left-- > 0) return (buffer as unknown as Buffer).fill(0) as unknown as T;
      return crypto.randomFillSync(buffer);
    },
  };
});
const { randomId, randomIdGenerator } = await import('../../src/traces/random-ids');

describe('random ids', () => {
  it('are never all zeros (an invalid W3C id), even when the random bytes are', () => {
    expect(zeroPools.left).toBe(1);
    const first = randomId(8);
    expect(zeroPools.left, 'the all-zero pool was drawn, then another').toBe(-1);
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(first).not.toBe('0'.repeat(16));
  });

  it('are lowercase hex of the length asked, different each time, across many refills of the pool', () => {
    const traceIds = new Set(Array.from({ length: 1000 }, () => randomId(16)));
    const spanIds = new Set(Array.from({ length: 3000 }, () => randomId(8)));
    expect(traceIds.size).toBe(1000);
    expect(spanIds.size).toBe(3000);
    for (const id of traceIds) expect(id).toMatch(/^[0-9a-f]{32}$/);
    for (const id of spanIds) expect(id).toMatch(/^[0-9a-f]{16}$/);
  });

  it("are the tracer provider's ids", () => {
    const traceIds = vi.spyOn(randomIdGenerator, 'generateTraceId');
    const spanIds = vi.spyOn(randomIdGenerator, 'generateSpanId');
    const provider = sdkLine.createTracerProvider({
      resource: resourceFromAttributes({}),
      sampler: new AlwaysOnSampler(),
      idGenerator: randomIdGenerator,
      spanProcessors: [],
      spanLimits: { attributeValueLengthLimit: 100 },
    });
    const span = provider.getTracer('t').startSpan('s');
    expect(span.spanContext().traceId).toBe(traceIds.mock.results[0]!.value);
    expect(span.spanContext().spanId).toBe(spanIds.mock.results[0]!.value);
  });
});
