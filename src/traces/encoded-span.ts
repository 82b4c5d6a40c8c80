/**
 * A sampled span as the export queue holds it once it has ended: its OTLP
 * bytes, and the little the batch processor and the export path still read
 * (the span context for the sampled flag, the resource and scope it is
 * grouped under, the name a size warning quotes). The SDK's span object,
 * with its attributes, events and times, is then garbage at once instead of
 * living in the queue until its batch goes out.
 *
 * It is its own span context: the flags and trace state are kept, the two
 * ids are read back from the bytes when asked (the export path never asks).
 * Queued spans outlive several scavenges, and each copies what they hold:
 * the SDK's context object with its two id strings was ~130 bytes a span.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { bytesField, readFields } from '../protobuf-wire';

type SpanContext = ReturnType<ReadableSpan['spanContext']>;

export class EncodedSpan {
  constructor(
    readonly traceFlags: number,
    readonly traceState: SpanContext['traceState'],
    readonly resource: ReadableSpan['resource'],
    readonly instrumentationScope: ReadableSpan['instrumentationScope'],
    readonly name: string,
    /** The content of the span's Span message (trace.proto), without its tag and length: chunk[start, end). */
    readonly chunk: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  get byteLength(): number {
    return this.end - this.start;
  }

  /** trace_id (field 1 of the Span message), in lowercase hex as the SDK makes ids. */
  get traceId(): string {
    return this.idField(1);
  }

  /** span_id (field 2). */
  get spanId(): string {
    return this.idField(2);
  }

  spanContext(): SpanContext {
    return this;
  }

  // Parses the whole message: only asked for outside the export path, which reads the flags alone.
  private idField(field: number): string {
    return bytesField(readFields(this.chunk.subarray(this.start, this.end)), field)?.toString('hex') ?? '';
  }
}

/** What the export path carries: spans as the SDK made them, or already encoded. */
export type ExportedSpan = ReadableSpan | EncodedSpan;

/** An exporter on the export path past the batch processor (the size limit, the guard). */
export interface ExportedSpanExporter {
  export(spans: ExportedSpan[], resultCallback: (result: { code: number; error?: Error }) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

const TAKES_ENCODED_SPANS = Symbol('custom-otel.takes-encoded-spans');

/** Marks an exporter that takes spans encoded as they ended (ours over gRPC). */
export function markTakesEncodedSpans<T extends object>(exporter: T): T {
  return Object.defineProperty(exporter, TAKES_ENCODED_SPANS, { value: true });
}

export function takesEncodedSpans(exporter: unknown): boolean {
  return (exporter as { [TAKES_ENCODED_SPANS]?: boolean } | undefined)?.[TAKES_ENCODED_SPANS] === true;
}
