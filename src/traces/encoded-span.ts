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

type SpanContext = ReturnType<ReadableSpan['spanContext']>;

export class EncodedSpan {
  constructor(
    readonly traceFlags: number,
    readonly traceState: SpanContext['traceState'],
    readonly resource: ReadableSpan['resource'],
    readonly instrumentationScope: ReadableSpan['instrumentationScope'],
    readonly name: string,
    /** The content of the span's Span message (trace.proto), without its tag and length: chunk[start, end); trace_id and span_id come first. */
    readonly chunk: Buffer,
    readonly start: number,
    readonly end: number,
  ) {}

  get byteLength(): number {
    return this.end - this.start;
  }

  /** trace_id (field 1), in lowercase hex as the SDK makes ids. */
  get traceId(): string {
    return bytesField(this.chunk, this.start, this.end).hex;
  }

  /** span_id (field 2), right after it. */
  get spanId(): string {
    return bytesField(this.chunk, bytesField(this.chunk, this.start, this.end).next, this.end).hex;
  }

  spanContext(): SpanContext {
    return this;
  }
}

/** The bytes field at `at` (tag, varint length, bytes) as hex, and where the next field starts. */
function bytesField(chunk: Buffer, at: number, end: number): { hex: string; next: number } {
  let position = at + 1;
  let length = 0;
  for (let shift = 0; position < end; shift += 7) {
    const byte = chunk[position++]!;
    length |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
  }
  const next = Math.min(position + length, end);
  return { hex: chunk.toString('hex', position, next), next };
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
