import { describe, expect, it, vi } from 'vitest';
import { diag } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { chunkBySize, spanBytes } from '../../src/traces/span-size';
import type { ExportedSpan } from '../../src/traces/encoded-span';
import { isTooLargeRejection, SizeLimitedSpanExporter } from '../../src/traces/size-limited-span-exporter';
import { Diagnostics } from '../../src/diagnostics';

/** Real SDK spans, one per entry: [name, length of its `payload` attribute]. */
function spans(...shapes: Array<[string, number]>): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('size');
  for (const [name, length] of shapes) tracer.startSpan(name, { attributes: { payload: 'p'.repeat(length) } }).end();
  return memory.getFinishedSpans();
}

const names = (chunk: ExportedSpan[]) => chunk.map((s) => s.name);

/** A receiver that rejects requests above `limit` estimated bytes as a collector does, and records what it accepted. */
function receiver(limit: number, rejection = new Error('8 RESOURCE_EXHAUSTED: Received message larger than max (6291600 vs. 4194304)')) {
  const accepted: string[][] = [];
  let calls = 0;
  const exporter: SpanExporter = {
    export(batch, callback) {
      calls++;
      const bytes = batch.reduce((n, s) => n + spanBytes(s, true), 0);
      setImmediate(() => {
        if (bytes > limit) callback({ code: 1, error: rejection });
        else {
          accepted.push(names(batch));
          callback({ code: 0 });
        }
      });
    },
    shutdown: async () => undefined,
  };
  return { exporter, accepted, calls: () => calls };
}

function capture() {
  const lines: string[] = [];
  return { diagnostics: new Diagnostics((line) => lines.push(line)), lines };
}

const exportAll = (exporter: SpanExporter, batch: ReadableSpan[]) => new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(batch, resolve));

describe('chunkBySize', () => {
  it('leaves a batch within the limit whole (the same array, no copy)', () => {
    const batch = spans(['a', 10], ['b', 10]);
    const { chunks, oversized } = chunkBySize(batch, 10_000, 100);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(batch);
    expect(oversized).toEqual([]);
  });

  it('splits in order into requests within the limit and sets aside a span too large alone', () => {
    const { chunks, oversized } = chunkBySize(spans(['a', 4000], ['b', 4000], ['huge', 50_000], ['c', 4000]), 10_000, 1000);
    expect(chunks.map(names)).toEqual([['a', 'b'], ['c']]);
    expect(oversized.map((o) => o.span.name)).toEqual(['huge']);
    for (const chunk of chunks) expect(chunk.reduce((n, s) => n + spanBytes(s, true), 0)).toBeLessThanOrEqual(9000);
  });

  it('counts UTF-8 bytes exactly when it has to split', () => {
    const [ascii, accented] = [spans(['x', 1000])[0]!, spans(['x', 0])[0]!];
    (accented.attributes as Record<string, unknown>).payload = 'é'.repeat(1000);
    expect(spanBytes(accented, true) - spanBytes(ascii, true)).toBe(1000);
    expect(spanBytes(accented, false)).toBeGreaterThanOrEqual(spanBytes(accented, true));
  });
});

describe('SizeLimitedSpanExporter', () => {
  it('passes a batch within the limit straight through, in one request', async () => {
    const { exporter, accepted, calls } = receiver(1_000_000);
    const { diagnostics, lines } = capture();
    expect(await exportAll(new SizeLimitedSpanExporter(exporter, 3_000_000, diagnostics), spans(['a', 10], ['b', 10]))).toEqual({ code: 0 });
    expect(accepted).toEqual([['a', 'b']]);
    expect(calls()).toBe(1);
    expect(lines).toEqual([]);
  });

  it('drops a span larger than the request limit before sending, sends the rest, counts it once', async () => {
    const { exporter, accepted } = receiver(1_000_000);
    const { diagnostics, lines } = capture();
    const batch = spans(...Array.from({ length: 50 }, (_, i): [string, number] => [`ordinary ${i}`, 100]), ['huge', 200_000]);
    expect(await exportAll(new SizeLimitedSpanExporter(exporter, 100_000, diagnostics), batch)).toEqual({ code: 0 });
    expect(accepted.flat()).toHaveLength(50);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/span "huge" is too large to export \(about \d+ bytes, more than CUSTOM_OTEL_EXPORT_MAX_BYTES=100000\)/);
    diagnostics.flushSummary();
    expect(lines[1]).toBe('[custom-otel] warn: in the last minute: spans too large to export: 1');
  });

  it('halves a batch the collector rejects as too large until only the span at fault is left, and drops that one', async () => {
    const { exporter, accepted, calls } = receiver(60_000);
    const { diagnostics, lines } = capture();
    const batch = spans(...Array.from({ length: 50 }, (_, i): [string, number] => [`ordinary ${i}`, 100]), ['huge', 200_000]);
    // Our own limit is above the collector's: only its rejection can tell.
    expect(await exportAll(new SizeLimitedSpanExporter(exporter, 10_000_000, diagnostics), batch)).toEqual({ code: 0 });
    expect(accepted.flat().sort()).toEqual(names(batch).filter((n) => n !== 'huge').sort());
    expect(calls()).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(batch.length)) + 2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('the collector rejected it as too large: 8 RESOURCE_EXHAUSTED: Received message larger than max');
  });

  it('does not split on other failures, a memory limiter\'s RESOURCE_EXHAUSTED included', async () => {
    const refusing = new Error('8 RESOURCE_EXHAUSTED: data refused due to high memory usage');
    const { exporter, calls } = receiver(0, refusing);
    const { diagnostics, lines } = capture();
    const result = await exportAll(new SizeLimitedSpanExporter(exporter, 10_000_000, diagnostics), spans(['a', 10], ['b', 10]));
    expect(result).toEqual({ code: 1, error: refusing });
    expect(calls()).toBe(1);
    expect(lines).toEqual([]);
  });

  it('knows a too-large rejection by gRPC\'s message or HTTP 413', () => {
    expect(isTooLargeRejection(new Error('8 RESOURCE_EXHAUSTED: Received message larger than max (6291600 vs. 4194304)'))).toBe(true);
    expect(isTooLargeRejection(Object.assign(new Error('Payload Too Large'), { code: 413 }))).toBe(true);
    expect(isTooLargeRejection(new Error('14 UNAVAILABLE: No connection established'))).toBe(false);
    expect(isTooLargeRejection(undefined)).toBe(false);
  });
});

describe('sizing the requests of spans whose resource is still pending (the exit delivery before a detector settles)', () => {
  it("reads the resource's settled attributes, without the SDK's error for reading them early", () => {
    const resource = resourceFromAttributes({ 'service.name': 'early', 'host.id': new Promise<string>(() => undefined) });
    // The span itself: the SDK's processors hold spans back until their resource settles.
    const span = new BasicTracerProvider({ resource }).getTracer('size').startSpan('a');
    span.end();
    const error = vi.spyOn(diag, 'error');
    try {
      const { diagnostics } = capture();
      const requests = new SizeLimitedSpanExporter(receiver(1_000_000).exporter, 1_000_000, diagnostics).requestsFor([span as unknown as ReadableSpan]);
      expect(requests.map(names)).toEqual([['a']]);
      expect(error).not.toHaveBeenCalled();
    } finally {
      error.mockRestore();
    }
  });
});
