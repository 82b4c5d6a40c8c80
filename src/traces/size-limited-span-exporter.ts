/**
 * No export request larger than the collector takes: a batch is split into
 * requests within CUSTOM_OTEL_EXPORT_MAX_BYTES, a span too large on its own
 * is dropped (and counted), and a request the collector still rejects as
 * too large is halved and sent again, down to the one span at fault. One
 * oversized span never takes the rest of its batch with it.
 * Wraps any exporter with the export(spans, callback) contract.
 */
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Diagnostics } from '../diagnostics';
import type { ExportedSpan, ExportedSpanExporter } from './encoded-span';
import { attributesBytes, chunkBySize } from './span-size';
import { settledAttributes } from '../settled-resource';

interface ExportResult {
  code: number;
  error?: Error;
}
const SUCCESS = 0;
// The request's envelope besides the resource: scopes, framing.
const ENVELOPE_BYTES = 4096;

/**
 * What a collector says when a request is above its size limit: gRPC's
 * "Received message larger than max" (RESOURCE_EXHAUSTED; the same code from
 * a memory limiter means something else) or HTTP 413.
 */
export function isTooLargeRejection(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 413 || (typeof message === 'string' && /larger than max|payload too large|message too large/i.test(message));
}

export class SizeLimitedSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: ExportedSpanExporter,
    private readonly maxBytes: number,
    private readonly diagnostics: Diagnostics,
  ) {}

  /** The requests `spans` go out in, each within the limit; a span too large on its own is dropped and counted. */
  requestsFor(spans: ExportedSpan[]): ExportedSpan[][] {
    const { chunks, oversized } = chunkBySize(spans, this.maxBytes, this.overheadBytes(spans));
    for (const { span, bytes } of oversized) this.drop(span, `about ${bytes} bytes, more than CUSTOM_OTEL_EXPORT_MAX_BYTES=${this.maxBytes}`);
    return chunks;
  }

  /** The collector rejected `spans` as too large: halves to send again, or none when the one span at fault is dropped. */
  splitRejected(spans: ExportedSpan[], reason: string): ExportedSpan[][] {
    if (spans.length === 1) {
      this.drop(spans[0]!, `the collector rejected it as too large: ${reason}`);
      return [];
    }
    const half = Math.ceil(spans.length / 2);
    return [spans.slice(0, half), spans.slice(half)];
  }

  export(spans: ExportedSpan[], resultCallback: (result: ExportResult) => void): void {
    const { chunks, oversized } = chunkBySize(spans, this.maxBytes, this.overheadBytes(spans));
    for (const { span, bytes } of oversized) this.drop(span, `about ${bytes} bytes, more than CUSTOM_OTEL_EXPORT_MAX_BYTES=${this.maxBytes}`);
    if (chunks.length === 1 && oversized.length === 0) {
      // The common case: one request, the callback passed straight through.
      this.sendSplittingOnRejection(spans, resultCallback);
      return;
    }
    void Promise.all(chunks.map((chunk) => new Promise<ExportResult>((resolve) => this.sendSplittingOnRejection(chunk, resolve)))).then((results) =>
      resultCallback(results.find((r) => r.code !== SUCCESS) ?? { code: SUCCESS }),
    );
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private sendSplittingOnRejection(spans: ExportedSpan[], done: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === SUCCESS || !isTooLargeRejection(result.error)) {
        done(result);
        return;
      }
      if (spans.length === 1) {
        this.drop(spans[0]!, `the collector rejected it as too large: ${result.error?.message ?? 'no reason given'}`);
        done({ code: SUCCESS });
        return;
      }
      const half = Math.ceil(spans.length / 2);
      const parts = [spans.slice(0, half), spans.slice(half)];
      void Promise.all(parts.map((part) => new Promise<ExportResult>((resolve) => this.sendSplittingOnRejection(part, resolve)))).then((results) =>
        done(results.find((r) => r.code !== SUCCESS) ?? { code: SUCCESS }),
      );
    });
  }

  private overheadBytes(spans: ExportedSpan[]): number {
    try {
      // At exit the resource may still be pending (the exit delivery sizes its requests here too).
      const resource = spans[0]?.resource;
      return ENVELOPE_BYTES + attributesBytes(resource && settledAttributes(resource), true);
    } catch {
      return ENVELOPE_BYTES;
    }
  }

  private drop(span: ExportedSpan, why: string): void {
    this.diagnostics.once('export.too-large', 'warn', `span ${JSON.stringify(span.name.slice(0, 80))} is too large to export (${why}); it is dropped, the rest of its batch is sent (dropped spans are counted)`);
    this.diagnostics.count('spans too large to export', 1);
  }
}
