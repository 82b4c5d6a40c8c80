/**
 * Puts a fence around the real exporter: a throw becomes a failed result, an
 * export that never settles is failed after its timeout, and each kind of
 * failure is logged once with the spans lost counted for the periodic summary.
 * At exit it hands over what the process must still deliver: the batches
 * sent but not answered, and (while capturing) the batches the batch
 * processor flushes into it, which then do not go out asynchronously.
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
  /** Batches handed to the inner exporter and not answered yet. */
  private readonly unanswered = new Set<ReadableSpan[]>();
  private captured: ReadableSpan[][] | undefined;

  constructor(
    private readonly inner: SpanExporter,
    private readonly destination: string,
    private readonly timeoutMs: number,
    private readonly diagnostics: Diagnostics,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.captured) {
      this.captured.push(spans);
      resultCallback({ code: SUCCESS });
      return;
    }
    let settled = false;
    this.unanswered.add(spans);
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      this.unanswered.delete(spans);
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

  /**
   * Every span the process still has to deliver as it exits: the batches not
   * answered yet (sent again: at least once beats lost) and those `flush`
   * hands over synchronously. Afterwards nothing goes out asynchronously.
   */
  takeForExit(flush: () => void): ReadableSpan[] {
    const captured: ReadableSpan[][] = [];
    this.captured = captured;
    try {
      flush();
    } catch {
      // the processor's flush: what it handed over is still taken
    }
    const spans = [...this.unanswered, ...captured].flat();
    this.unanswered.clear();
    return spans;
  }

  /** The exit delivery did not reach the collector: count what is lost. */
  lostAtExit(count: number, reason: string): void {
    if (count === 0) return;
    this.diagnostics.once('export.exit', 'warn', `exiting without delivering ${count} span${count === 1 ? '' : 's'} to ${this.destination}: ${reason} (lost spans are counted)`);
    this.diagnostics.count('spans not exported', count);
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
