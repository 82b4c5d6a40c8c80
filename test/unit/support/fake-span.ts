/**
 * Spans shaped like the SDK's ReadableSpan (what a span processor receives),
 * and a next processor that records what reaches it, so the processor's
 * decisions can be checked without an SDK pipeline.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface FakeSpanOptions {
  name?: string;
  kind?: SpanKind;
  attributes?: Attributes;
  status?: { code: SpanStatusCode; message?: string };
  /** [seconds, nanoseconds], as the SDK stores it. */
  duration?: [number, number];
  events?: Array<{ name: string; attributes?: Attributes; time: [number, number] }>;
  spanContext?: SpanContext;
}

export function fakeSpan(options: FakeSpanOptions = {}): ReadableSpan {
  const context = options.spanContext ?? { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
  return {
    name: options.name ?? 'GET /orders',
    kind: options.kind ?? SpanKind.SERVER,
    attributes: options.attributes ?? {},
    status: options.status ?? { code: SpanStatusCode.UNSET },
    duration: options.duration ?? [0, 5_000_000],
    events: options.events ?? [],
    spanContext: () => context,
  } as unknown as ReadableSpan;
}

/** A started span as onStart sees it: only setAttribute matters there. */
export function fakeStartedSpan(): Span & { set: Record<string, unknown> } {
  const set: Record<string, unknown> = {};
  const context = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
  return {
    set,
    spanContext: () => context,
    setAttribute(key: string, value: unknown) {
      set[key] = value;
      return this;
    },
  } as unknown as Span & { set: Record<string, unknown> };
}

export class RecordingProcessor implements SpanProcessor {
  readonly ended: ReadableSpan[] = [];
  flushed = 0;
  shutDown = 0;

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
  }

  forceFlush(): Promise<void> {
    this.flushed++;
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.shutDown++;
    return Promise.resolve();
  }
}
