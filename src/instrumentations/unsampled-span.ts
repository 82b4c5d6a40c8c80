/**
 * The span of a request that is not sampled: what the SDK's tracer returns for
 * a NOT_RECORD decision (records nothing), except that its ids are drawn only
 * when something asks for its context (an outbound call propagating it, a
 * log line correlating with it). Most unsampled requests never do.
 */
import type { Span, SpanContext, TraceState } from '@opentelemetry/api';
import { TraceFlags } from '../otel-api';
import { randomId } from '../traces/random-ids';

export class UnsampledSpan implements Span {
  private context: SpanContext | undefined;

  /** `parent`: the valid remote parent, whose trace it continues; none: a new trace. */
  constructor(private readonly parent: SpanContext | undefined) {}

  spanContext(): SpanContext {
    return (this.context ??= {
      traceId: this.parent?.traceId ?? randomId(16),
      spanId: randomId(8),
      traceFlags: TraceFlags.NONE,
      traceState: this.parent?.traceState as TraceState | undefined,
    });
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return false;
  }
  recordException(): void {}
}
