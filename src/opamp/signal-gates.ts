/**
 * Switches for sending each signal, flipped by remote config: a closed gate
 * drops what would be exported (spans as they end, metric and log batches as
 * they are exported) and reports success, so the SDK neither retries nor
 * complains. Installed only when OpAMP is on.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';

export interface SignalGate {
  open: boolean;
}

export interface SignalGates {
  traces: SignalGate;
  metrics: SignalGate;
  logs: SignalGate;
}

export function openGates(): SignalGates {
  return { traces: { open: true }, metrics: { open: true }, logs: { open: true } };
}

const SUCCESS = { code: 0 };

export function gatedSpanProcessor(inner: SpanProcessor, gate: SignalGate): SpanProcessor {
  return {
    onStart: (span: Span, parentContext: Context) => inner.onStart(span, parentContext),
    onEnd: (span: ReadableSpan) => {
      if (gate.open) inner.onEnd(span);
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
  };
}

/** The exporter's own object, its export() guarded: readers call its other methods (temporality, aggregation) too. */
export function gatedExporter<T extends PushMetricExporter | LogRecordExporter>(exporter: T, gate: SignalGate): T {
  const original = exporter.export.bind(exporter) as (items: unknown, done: (result: { code: number }) => void) => void;
  (exporter as { export: unknown }).export = (items: unknown, done: (result: { code: number }) => void) => {
    if (gate.open) original(items, done);
    else done(SUCCESS);
  };
  return exporter;
}
