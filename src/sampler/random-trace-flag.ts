/**
 * W3C Trace Context Level 2's random flag (trace-flags bit 0x02): the trace
 * id's low 56 bits are random, so consistent probability samplers downstream
 * may use them as randomness without warning.
 *
 * No SDK line lets a sampler set it: each line's tracer makes the span's flags
 * from the decision alone (sampled or not). But the span keeps that span
 * context object as it is, and nothing reads its flags before the span
 * processors' onStart, so the flag is added there: to root spans, whose trace
 * id the SDK's random id generator made, and to children of a parent that
 * carries it (the trace id is the same).
 */
import type { Context, SpanContext } from '@opentelemetry/api';
import { trace, isSpanContextValid } from '../otel-api';

export const RANDOM_TRACE_FLAG = 0x02;

export function markRandomTraceId(spanContext: SpanContext, parentContext: Context): void {
  const parent = trace.getSpanContext(parentContext);
  if (parent === undefined || !isSpanContextValid(parent) || (parent.traceFlags & RANDOM_TRACE_FLAG) !== 0) spanContext.traceFlags |= RANDOM_TRACE_FLAG;
}
