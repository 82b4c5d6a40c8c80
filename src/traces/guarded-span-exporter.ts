/**
 * Puts a fence around the real exporter: a throw becomes a failed result, an
 * export that never settles is failed after its timeout, and each kind of
 * failure is logged once with the spans lost counted for the periodic summary.
 */
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describeError, type Diagnostics } from '../diagnostics';

interface ExportResult {
  code: number;
  error?: Error;
}
const SUCCESS = 0;
const FAILED = 1;

export class GuardedSpanExporter implements SpanExporter {
  /** Spans handed to the inner exporter and not answered yet. */
  private unanswered = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly destination: string,
    private readonly timeoutMs: number,
    private readonly diagnostics: Diagnostics,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let settled = false;
    this.unanswered += spans.length;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      this.unanswered -= spans.length;
      clearTimeout(timer);
      if (result.code !== SUCCESS) {
        this.diagnostics.markReported(result.error);
        const reason = describeError(result.error ?? 'unknown error');
        this.diagnostics.once(`export:${reason.slice(0, 40)}`, 'warn', `exporting spans to ${this.destination} failed: ${reason} (the app is unaffected; lost spans are counted)`);
        this.diagnostics.count('spans not exported', spans.length);
      }
      try {
        resultCallback(result);
      } catch {
        // the batch processor's callback: nothing of ours to recover
      }
    };
    const timer = setTimeout(() => settle({ code: FAILED, error: new Error(`no answer within ${this.timeoutMs} ms`) }), this.timeoutMs + 1000);
    timer.unref();
    try {
      this.inner.export(spans, settle);
    } catch (error) {
      settle({ code: FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  /** The process exits without waiting for the collector: what it has not answered is lost. */
  abandon(reason: string): void {
    if (this.unanswered === 0) return;
    this.diagnostics.once('export.abandoned', 'warn', `exiting without the answer to an export to ${this.destination}: ${reason} (lost spans are counted)`);
    this.diagnostics.count('spans not exported', this.unanswered);
    this.unanswered = 0;
  }

  async shutdown(): Promise<void> {
    try {
      await this.inner.shutdown();
    } catch (error) {
      this.diagnostics.once('export.shutdown', 'warn', `closing the span exporter failed: ${describeError(error)}`);
    }
  }

  async forceFlush(): Promise<void> {
    try {
      await this.inner.forceFlush?.();
    } catch (error) {
      this.diagnostics.once('export.flush', 'warn', `flushing the span exporter failed: ${describeError(error)}`);
    }
  }
}
