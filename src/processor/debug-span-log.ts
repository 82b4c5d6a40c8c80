/** CUSTOM_OTEL_DEBUG_SPANS: one JSON line per processed span, enums written as names. */
import { SpanKind, SpanStatusCode } from '../otel-api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanObserver } from './span-processor';

export function formatDebugSpan(
  span: ReadableSpan,
  attributes: Readonly<Record<string, unknown>>,
  durationMs: number,
  parentSpanId: string | undefined,
): string {
  const context = span.spanContext();
  return JSON.stringify({
    name: span.name,
    kind: SpanKind[span.kind] ?? String(span.kind),
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId,
    status: { code: SpanStatusCode[span.status.code] ?? String(span.status.code), message: span.status.message },
    durationMs: Math.round(durationMs * 1000) / 1000,
    attributes,
  });
}

export function debugSpanLogger(write: (line: string) => void, parentSpanId: (span: ReadableSpan) => string | undefined): SpanObserver {
  return {
    observe: (span, attributes, durationMs) => write(formatDebugSpan(span, attributes, durationMs, parentSpanId(span))),
  };
}
