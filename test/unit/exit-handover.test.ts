/**
 * What the exporters hand over so that nothing of ours holds the app's loop
 * and nothing answered is lost at exit: the span exporter answers the batch
 * processor at once and keeps each batch until the collector answers (the
 * exit delivery takes those, and what a flush hands over then); the metric
 * exporter answers the reader at once and flush waits for the collector;
 * spans still open at exit are ended there.
 */
import { describe, expect, it } from 'vitest';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { Diagnostics } from '../../src/diagnostics';
import { GuardedSpanExporter, MAX_UNANSWERED_SPANS } from '../../src/traces/guarded-span-exporter';
import { detachedMetricExporter } from '../../src/metrics/detached-metric-exporter';
import { OpenSpans } from '../../src/processor/open-spans';
import { fakeSpan } from './support/fake-span';

type Result = { code: number; error?: Error };
const SUCCESS = 0;

function capture(): { diagnostics: Diagnostics; lines: string[] } {
  const lines: string[] = [];
  return { diagnostics: new Diagnostics((line) => lines.push(line)), lines };
}

/** An exporter whose answers the test gives. */
function heldExporter<T>() {
  const pending: Array<{ items: T; answer: (result: Result) => void }> = [];
  return { pending, exporter: { export: (items: T, answer: (result: Result) => void) => void pending.push({ items, answer }), shutdown: async () => undefined, forceFlush: async () => undefined } };
}

describe('the span exporter at exit', () => {
  it('answers the batch processor at once and keeps the batch until the collector answers', async () => {
    const { diagnostics } = capture();
    const held = heldExporter<ReadableSpan[]>();
    const guarded = new GuardedSpanExporter(held.exporter, 'collector', 10_000, diagnostics);
    const answers: Result[] = [];
    const first = [fakeSpan({ name: 'a' })];
    const second = [fakeSpan({ name: 'b' }), fakeSpan({ name: 'c' })];
    guarded.export(first, (r) => answers.push(r));
    guarded.export(second, (r) => answers.push(r));
    expect(answers).toEqual([{ code: SUCCESS }, { code: SUCCESS }]);

    let answered = false;
    const waiting = guarded.answered().then(() => (answered = true));
    held.pending[0]!.answer({ code: SUCCESS });
    await Promise.resolve();
    expect(answered, 'one batch is still unanswered').toBe(false);

    // At exit: the unanswered batch, and what the flush hands over (not sent asynchronously).
    const late = [fakeSpan({ name: 'd' })];
    const taken = guarded.takeForExit(() => guarded.export(late, () => undefined));
    expect(taken.map((s) => s.name)).toEqual(['b', 'c', 'd']);
    expect(held.pending, 'the flushed batch did not go to the exporter').toHaveLength(2);
    // A late answer for a batch taken for the exit delivery changes nothing.
    held.pending[1]!.answer({ code: 1, error: new Error('late') });
    await waiting;
    expect(answered, 'nothing is left unanswered once taken').toBe(true);
  });

  it('takes the spans the batch processor still holds when its flush hands nothing over (resource attributes pending)', () => {
    const { diagnostics } = capture();
    const held = heldExporter<ReadableSpan[]>();
    const guarded = new GuardedSpanExporter(held.exporter, 'collector', 10_000, diagnostics);
    const reached: ReadableSpan[] = [];
    const batch = { onStart: () => undefined, onEnd: (span: ReadableSpan) => void reached.push(span), forceFlush: async () => undefined, shutdown: async () => undefined };
    const watched = guarded.watchQueue(batch, { maxSpans: 2048, maxBytes: 1 << 30 });
    const sent = fakeSpan({ name: 'sent' });
    const held1 = fakeSpan({ name: 'still queued' });
    const unsampled = fakeSpan({ name: 'unsampled', spanContext: { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203332', traceFlags: 0 } });
    for (const span of [sent, held1, unsampled]) watched.onEnd(span);
    expect(reached, 'every span still reaches the batch processor').toHaveLength(3);
    guarded.export([sent], () => undefined);
    held.pending[0]!.answer({ code: SUCCESS });
    // The flush defers its export to a promise: it hands nothing over now.
    expect(guarded.takeForExit(() => undefined).map((s) => s.name)).toEqual(['still queued']);
  });

  it('drops and counts a batch beyond MAX_UNANSWERED_SPANS, warning once, and does not deliver it at exit', () => {
    const { diagnostics, lines } = capture();
    const held = heldExporter<ReadableSpan[]>();
    const guarded = new GuardedSpanExporter(held.exporter, 'collector', 10_000, diagnostics);
    const watched = guarded.watchQueue({ onStart: () => undefined, onEnd: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined }, { maxSpans: 2048, maxBytes: 1 << 30 });
    const dropped = [fakeSpan({ name: 'dropped' }), fakeSpan({ name: 'dropped too' })];
    for (const span of dropped) watched.onEnd(span);
    guarded.export(Array.from({ length: MAX_UNANSWERED_SPANS }, () => fakeSpan({ name: 'unanswered' })), () => undefined);
    guarded.export([dropped[0]!], () => undefined);
    guarded.export([dropped[1]!], () => undefined);
    expect(held.pending).toHaveLength(1);
    expect(guarded.takeForExit(() => undefined).filter((span) => span.name !== 'unanswered')).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`has not answered ${MAX_UNANSWERED_SPANS} spans yet`);
    diagnostics.flushSummary();
    expect(lines[1]).toContain('spans not exported: 2');
  });
});

describe('the metric exporter', () => {
  it('answers the reader at once; flush waits for the collector; a failure is logged once', async () => {
    const { diagnostics, lines } = capture();
    const held = heldExporter<ResourceMetrics>();
    const inner = { ...held.exporter, selectAggregationTemporality: () => AggregationTemporality.DELTA } as unknown as PushMetricExporter;
    const detached = detachedMetricExporter(inner, 'collector', diagnostics);
    expect(detached.selectAggregationTemporality?.(0 as never)).toBe(AggregationTemporality.DELTA);
    const answers: Result[] = [];
    detached.export({} as ResourceMetrics, (r) => answers.push(r));
    detached.export({} as ResourceMetrics, (r) => answers.push(r));
    expect(answers).toEqual([{ code: SUCCESS }, { code: SUCCESS }]);

    let flushed = false;
    const flushing = detached.forceFlush().then(() => (flushed = true));
    held.pending[0]!.answer({ code: 1, error: new Error('UNAVAILABLE') });
    await Promise.resolve();
    expect(flushed).toBe(false);
    held.pending[1]!.answer({ code: 1, error: new Error('UNAVAILABLE') });
    await flushing;
    expect(lines).toEqual(['[custom-otel] warn: exporting metrics to collector failed: UNAVAILABLE (the app is unaffected)']);
  });
});

describe('spans open at exit', () => {
  it('are ended then, marked, and reach the other processors; ended ones are not touched', () => {
    const exported = new InMemorySpanExporter();
    const open = new OpenSpans();
    const provider = new BasicTracerProvider({ spanProcessors: [open, new SimpleSpanProcessor(exported)] });
    const tracer = provider.getTracer('test');
    tracer.startSpan('done').end();
    tracer.startSpan('cut short by process.exit()');
    expect(exported.getFinishedSpans().map((s) => s.name)).toEqual(['done']);

    expect(open.endAll()).toBe(1);
    const spans = exported.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['done', 'cut short by process.exit()']);
    expect(spans[1]!.attributes['custom.ended_at_exit']).toBe(true);
    expect(spans[0]!.attributes['custom.ended_at_exit']).toBeUndefined();
    expect(open.endAll(), 'nothing left open').toBe(0);
  });
});
