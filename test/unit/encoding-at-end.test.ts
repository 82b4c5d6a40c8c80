/**
 * Spans encoded as they end: only sampled spans, only for an exporter that
 * takes them (once it is made), back to spans as the SDK made them when
 * encoding fails; the queue in front of the exporter bounded in bytes; a
 * size estimate that is the encoded size.
 */
import { describe, expect, it } from 'vitest';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TraceState } from '@opentelemetry/core';
import { encodingAtEnd } from '../../src/traces/encoding-at-end';
import { EncodedSpan, markTakesEncodedSpans, takesEncodedSpans } from '../../src/traces/encoded-span';
import { encodeSpan, encodeTraceExportRequest } from '../../src/traces/otlp-trace-encoding';
import { spanBytes } from '../../src/traces/span-size';
import { GuardedSpanExporter } from '../../src/traces/guarded-span-exporter';
import { Diagnostics } from '../../src/diagnostics';
import { serverSpans } from '../support/span-corpus';

function collecting(): SpanProcessor & { reached: ReadableSpan[] } {
  const reached: ReadableSpan[] = [];
  return { reached, onStart: () => undefined, onEnd: (span) => void reached.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
}

const unsampled = (span: ReadableSpan): ReadableSpan => {
  const context = { ...span.spanContext(), traceFlags: 0 };
  return Object.assign(Object.create(span), { spanContext: () => context });
};

describe('encodingAtEnd', () => {
  it('passes spans on as they are until the exporter is made, then encodes the sampled ones', () => {
    const next = collecting();
    let made: boolean | undefined;
    const stage = encodingAtEnd(next, () => made, () => undefined);
    const [early, later, notSampled] = serverSpans(3);
    stage.onEnd(early!);
    made = true;
    stage.onEnd(later!);
    stage.onEnd(unsampled(notSampled!));
    expect(next.reached[0]).toBe(early);
    expect(next.reached[1]).toBeInstanceOf(EncodedSpan);
    expect(next.reached[2]).not.toBeInstanceOf(EncodedSpan);
    const encoded = next.reached[1] as unknown as EncodedSpan;
    const context = encoded.spanContext();
    expect({ traceId: context.traceId, spanId: context.spanId, traceFlags: context.traceFlags, traceState: context.traceState }).toEqual(later!.spanContext());
    expect([encoded.name, encoded.resource, encoded.instrumentationScope]).toEqual([later!.name, later!.resource, later!.instrumentationScope]);
    expect(Buffer.from(encodeTraceExportRequest([encoded])).equals(Buffer.from(encodeTraceExportRequest([later!])))).toBe(true);
  });

  it("keeps each span's context: ids read back from its bytes, flags and trace state as they were", () => {
    const withState = (span: ReadableSpan, traceState: string): ReadableSpan => {
      const context = { ...span.spanContext(), traceFlags: 3, traceState: new TraceState(traceState) };
      return Object.assign(Object.create(span), { spanContext: () => context });
    };
    const spans = [...serverSpans(20), ...serverSpans(2).map((span) => withState(span, 'vendor=a,other=b'))];
    for (const span of spans) {
      const context = encodeSpan(span).spanContext();
      const original = span.spanContext();
      expect([context.traceId, context.spanId, context.traceFlags, context.traceState]).toEqual([original.traceId, original.spanId, original.traceFlags, original.traceState]);
      expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  it('never encodes for an exporter that does not take encoded spans', () => {
    const next = collecting();
    let asked = 0;
    const stage = encodingAtEnd(next, () => (asked++, false), () => undefined);
    for (const span of serverSpans(5)) stage.onEnd(span);
    expect(next.reached.some((span) => span instanceof EncodedSpan)).toBe(false);
    expect(asked, 'the answer is kept once the exporter is made').toBe(1);
  });

  it('when encoding a span fails, says so once and passes that span and every later one on as they are', () => {
    const next = collecting();
    const lines: string[] = [];
    const stage = encodingAtEnd(next, () => true, (level, line) => lines.push(`${level}: ${line}`));
    const [good, broken, after] = serverSpans(3);
    const brokenSpan = Object.assign(Object.create(broken!), { attributes: { bad: Symbol('not an attribute value') } });
    Object.defineProperty(brokenSpan, 'status', { get: () => { throw new Error('status unreadable'); } });
    stage.onEnd(good!);
    stage.onEnd(brokenSpan);
    stage.onEnd(after!);
    expect(next.reached[0]).toBeInstanceOf(EncodedSpan);
    expect(next.reached[1]).toBe(brokenSpan);
    expect(next.reached[2]).toBe(after);
    expect(lines).toEqual(['debug: sampled spans are encoded as they end: the export queue holds their bytes', 'warn: encoding a span as it ended failed (status unreadable): spans are queued as the SDK made them from now on (more memory until their batch is sent)']);
  });

  it('marks exporters that take encoded spans and no others', () => {
    expect(takesEncodedSpans(markTakesEncodedSpans({}))).toBe(true);
    expect(takesEncodedSpans({})).toBe(false);
    expect(takesEncodedSpans(undefined)).toBe(false);
  });
});

describe('spans encoded as they end share chunks of bytes', () => {
  it('keeps every span whole across chunks, one that outgrows a chunk\'s room included, however many are encoded after it', () => {
    // ~900 bytes a span: 300 fill several 64 KiB chunks; the large ones outgrow the room left at any point.
    const spans = serverSpans(300);
    spans.splice(100, 0, ...serverSpans(1, { payload: 'y'.repeat(100_000) }), ...serverSpans(1, { payload: 'z'.repeat(40_000) }));
    const encoded = spans.map((span) => encodeSpan(span));
    expect(new Set(encoded.map((span) => span.chunk)).size, 'spread over several chunks').toBeGreaterThan(4);
    spans.forEach((span, i) => {
      expect(Buffer.from(encodeTraceExportRequest([encoded[i]!])).equals(Buffer.from(encodeTraceExportRequest([span]))), `span ${i}`).toBe(true);
    });
  });
});

describe("an encoded span's size for the size limit", () => {
  it('is its bytes with their framing, and no less than a request of it takes beyond the envelope', () => {
    for (const span of serverSpans(20, { 'http.request.header.cookie': ['x'.repeat(300)] })) {
      const encoded = encodeSpan(span);
      const request = encodeTraceExportRequest([encoded]).length - encodeTraceExportRequest([]).length;
      expect(spanBytes(encoded, false)).toBe(encoded.byteLength + 4);
      expect(spanBytes(encoded, true)).toBeGreaterThanOrEqual(encoded.byteLength + 3);
      // The resource and scope of a request come once and are counted as its overhead, not per span.
      expect(request).toBeGreaterThan(encoded.byteLength);
    }
  });
});

/** A guard over an exporter that answers at once, watching the queue of a processor that collects what reaches it. */
function watchedQueue(bounds: { maxSpans: number; maxBytes: number }) {
  const lines: string[] = [];
  const diagnostics = new Diagnostics((line) => lines.push(line));
  const guarded = new GuardedSpanExporter({ export: (_spans, done) => done({ code: 0 }), shutdown: async () => undefined }, 'collector', 10_000, diagnostics);
  const batch = collecting();
  return { lines, diagnostics, guarded, batch, watched: guarded.watchQueue(batch, bounds) };
}

describe('the export queue is bounded in bytes', () => {
  it('drops and counts a span past the bound, and takes spans again once a batch is handed over', () => {
    const encoded = serverSpans(10).map((span) => encodeSpan(span));
    const size = encoded[0]!.byteLength;
    const { lines, diagnostics, guarded, batch, watched } = watchedQueue({ maxSpans: 2048, maxBytes: size * 3 + 1 });
    for (const span of encoded.slice(0, 4)) watched.onEnd(span as unknown as ReadableSpan);
    expect(batch.reached, 'three fit, the fourth is dropped').toHaveLength(3);
    expect(lines.join('\n')).toMatch(/export queue already holds \d+ bytes of spans \(at most \d+: CUSTOM_OTEL_EXPORT_MAX_BYTES for each batch the queue holds\); newer spans are dropped/);
    diagnostics.flushSummary();
    expect(lines.at(-1)).toContain('spans not exported: 1');
    guarded.export(batch.reached.splice(0, 2) as never, () => undefined);
    for (const span of encoded.slice(4, 6)) watched.onEnd(span as unknown as ReadableSpan);
    expect(batch.reached, 'two handed over: room for two').toHaveLength(3);
    // Spans as the SDK made them weigh no bytes here: only their count bounds them.
    for (const span of serverSpans(5)) watched.onEnd(span);
    expect(batch.reached).toHaveLength(8);
  });
});

describe('the export queue is bounded in spans', () => {
  it('drops and counts a span past OTEL_BSP_MAX_QUEUE_SIZE before the batch processor sees it, and takes spans again once a batch is handed over', () => {
    const encoded = serverSpans(6).map((span) => encodeSpan(span) as unknown as ReadableSpan);
    const { lines, diagnostics, guarded, batch, watched } = watchedQueue({ maxSpans: 3, maxBytes: 1 << 30 });
    for (const span of encoded.slice(0, 4)) watched.onEnd(span);
    expect(batch.reached, 'three fit, the fourth is dropped').toEqual(encoded.slice(0, 3));
    expect(lines.join('\n')).toContain('the export queue already holds 3 spans (at most 3: OTEL_BSP_MAX_QUEUE_SIZE); newer spans are dropped');
    diagnostics.flushSummary();
    expect(lines.at(-1)).toContain('spans not exported: 1');
    guarded.export(batch.reached.slice(0, 2) as never, () => undefined);
    for (const span of encoded.slice(4, 6)) watched.onEnd(span);
    expect(batch.reached, 'two handed over: room for two').toEqual([...encoded.slice(0, 3), ...encoded.slice(4, 6)]);
  });

  it('takes a batch handed over out of turn, and keeps for the exit delivery exactly what was not handed over', () => {
    const encoded = serverSpans(5).map((span) => encodeSpan(span) as unknown as ReadableSpan);
    const size = (encoded[0] as unknown as EncodedSpan).byteLength;
    const { guarded, watched } = watchedQueue({ maxSpans: 5, maxBytes: size * 5 });
    for (const span of encoded) watched.onEnd(span);
    guarded.export([encoded[3]!, encoded[1]!], () => undefined);
    guarded.export([encoded[0]!], () => undefined);
    // Room again for exactly what was handed over, in spans and in bytes.
    const more = serverSpans(3).map((span) => encodeSpan(span) as unknown as ReadableSpan);
    const reached = collecting();
    const again = guarded.watchQueue(reached, { maxSpans: 5, maxBytes: size * 5 });
    for (const span of more) again.onEnd(span);
    expect(reached.reached, 'three handed over: room for three').toHaveLength(3);
    expect(guarded.takeForExit(() => undefined)).toEqual([encoded[2], encoded[4], ...more]);
  });
});
