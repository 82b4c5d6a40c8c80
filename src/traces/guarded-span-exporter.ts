/**
 * Puts a fence around the real exporter: a throw becomes a failed result, an
 * export that never settles is failed after its timeout, and each kind of
 * failure is logged once with the spans lost counted for the periodic summary.
 * The batch processor gets its answer at once: its export timer is not
 * unref'd and would hold the app's event loop for the whole export timeout
 * of a collector that does not answer. We keep the batch until the collector
 * answers (at most MAX_UNANSWERED_SPANS: past that a new batch is dropped and
 * counted, as the processor's full queue would); flush() waits for them. At
 * exit it hands over what the process must still deliver: the batches sent
 * but not answered, and (while capturing) the batches the batch processor
 * flushes into it, which then do not go out asynchronously.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describeError, type Diagnostics } from '../diagnostics';
import { EncodedSpan, type ExportedSpan, type ExportedSpanExporter } from './encoded-span';

interface ExportResult {
  code: number;
  error?: Error;
}
const SUCCESS = 0;
const FAILED = 1;
/** The batch processor's default queue size (OTEL_BSP_MAX_QUEUE_SIZE): a collector that stops answering holds at most one more queue's worth. */
export const MAX_UNANSWERED_SPANS = 2048;

export class GuardedSpanExporter implements SpanExporter {
  /** Batches handed to the inner exporter and not answered yet. */
  private readonly unanswered = new Set<ExportedSpan[]>();
  private captured: ExportedSpan[][] | undefined;
  private unansweredSpans = 0;
  private readonly whenAnswered: Array<() => void> = [];
  /**
   * Sampled spans given to the batch processor and not yet handed to us,
   * oldest first (see watchQueue). An array, not a set: the processor hands
   * them over in the order given, and each scavenge copies an array's slot
   * for less than a set's entry.
   */
  private readonly queued: ExportedSpan[] = [];
  /** The bytes of the encoded spans among them. */
  private queuedBytes = 0;

  constructor(
    private readonly inner: ExportedSpanExporter,
    private readonly destination: string,
    private readonly timeoutMs: number,
    private readonly diagnostics: Diagnostics,
  ) {}

  export(spans: ExportedSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.captured) {
      this.handedOver(spans);
      this.captured.push(spans);
      resultCallback({ code: SUCCESS });
      return;
    }
    if (this.unansweredSpans + spans.length > MAX_UNANSWERED_SPANS) {
      // Dropped and counted as lost: not delivered at exit either, and no longer holding the queue's bytes.
      this.handedOver(spans);
      this.diagnostics.once('export.backlog', 'warn', `the collector at ${this.destination} has not answered ${this.unansweredSpans} spans yet; newer spans are dropped until it does (lost spans are counted)`);
      this.diagnostics.count('spans not exported', spans.length);
      resultCallback({ code: SUCCESS });
      return;
    }
    this.handedOver(spans);
    let settled = false;
    this.unanswered.add(spans);
    this.unansweredSpans += spans.length;
    const settle = (result: ExportResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!this.unanswered.delete(spans)) return; // taken for the exit delivery meanwhile
      this.unansweredSpans -= spans.length;
      if (result.code !== SUCCESS) {
        this.diagnostics.markReported(result.error);
        const reason = describeError(result.error ?? 'unknown error');
        this.diagnostics.once(`export:${reason.slice(0, 40)}`, 'warn', `exporting spans to ${this.destination} failed: ${reason} (the app is unaffected; lost spans are counted)`);
        this.diagnostics.count('spans not exported', spans.length);
      }
      if (this.unanswered.size === 0) for (const resolve of this.whenAnswered.splice(0)) resolve();
    };
    const timer = setTimeout(() => settle({ code: FAILED, error: new Error(`no answer within ${this.timeoutMs} ms`) }), this.timeoutMs + 1000);
    timer.unref();
    try {
      resultCallback({ code: SUCCESS });
    } catch {
      // the batch processor's callback: nothing of ours to recover
    }
    try {
      this.inner.export(spans, settle);
    } catch (error) {
      settle({ code: FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  /**
   * `batchProcessor` with the spans it queues watched: at exit, a flush hands
   * its queue over synchronously, except while the resource's asynchronous
   * attributes (detectors, up to 1 s) are pending, when the processor defers
   * the export to a promise an 'exit' listener never sees resolve. The spans
   * watched here are taken then all the same. The queue's bounds are kept
   * here, before the processor: a span past them is dropped and counted, so
   * the processor (whose own queue is never longer) is given every span
   * watched, and its batches are the head of ours.
   */
  watchQueue(batchProcessor: SpanProcessor, bounds: { maxSpans: number; maxBytes: number }): SpanProcessor & { next: SpanProcessor } {
    const { maxSpans, maxBytes } = bounds;
    return {
      next: batchProcessor,
      onStart: (span: Span, parentContext: Context) => batchProcessor.onStart(span, parentContext),
      onEnd: (span: ReadableSpan) => {
        if ((span.spanContext().traceFlags & 1) !== 0) {
          if (this.queued.length >= maxSpans) {
            this.diagnostics.once('export.queue-spans', 'warn', `the export queue already holds ${this.queued.length} spans (at most ${maxSpans}: OTEL_BSP_MAX_QUEUE_SIZE); newer spans are dropped until a batch is sent (dropped spans are counted)`);
            this.diagnostics.count('spans not exported', 1);
            return;
          }
          const bytes = encodedBytes(span);
          if (bytes > 0 && this.queuedBytes + bytes > maxBytes) {
            this.diagnostics.once('export.queue-bytes', 'warn', `the export queue already holds ${this.queuedBytes} bytes of spans (at most ${maxBytes}: CUSTOM_OTEL_EXPORT_MAX_BYTES for each batch the queue holds); newer spans are dropped until a batch is sent (dropped spans are counted)`);
            this.diagnostics.count('spans not exported', 1);
            return;
          }
          this.queued.push(span);
          this.queuedBytes += bytes;
        }
        batchProcessor.onEnd(span);
      },
      forceFlush: () => batchProcessor.forceFlush(),
      shutdown: () => batchProcessor.shutdown(),
    };
  }

  private handedOver(spans: ExportedSpan[]): void {
    const queued = this.queued;
    let taken = 0;
    while (taken < spans.length && queued[taken] === spans[taken]) this.queuedBytes -= encodedBytes(spans[taken++]!);
    if (taken < spans.length) this.takeOutOfTurn(new Set(spans.slice(taken)), taken);
    queued.copyWithin(0, taken);
    queued.length -= taken;
  }

  /** Spans handed over that were not the head of the queue (not watched, or not in turn): found by a pass over the rest. */
  private takeOutOfTurn(spans: Set<ExportedSpan>, from: number): void {
    const queued = this.queued;
    let kept = from;
    for (let i = from; i < queued.length; i++) {
      const span = queued[i]!;
      if (spans.has(span)) this.queuedBytes -= encodedBytes(span);
      else queued[kept++] = span;
    }
    queued.length = kept;
  }

  /** Resolves once every batch sent has its answer (or its failure). */
  answered(): Promise<void> {
    if (this.unanswered.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenAnswered.push(resolve));
  }

  /**
   * Every span the process still has to deliver as it exits: the batches not
   * answered yet (sent again: at least once beats lost) and those `flush`
   * hands over synchronously. Afterwards nothing goes out asynchronously.
   */
  takeForExit(flush: () => void): ExportedSpan[] {
    const captured: ExportedSpan[][] = [];
    this.captured = captured;
    try {
      flush();
    } catch {
      // the processor's flush: what it handed over is still taken
    }
    const spans = [...this.unanswered, ...captured, this.queued.slice()].flat();
    this.unanswered.clear();
    this.queued.length = 0;
    this.queuedBytes = 0;
    this.unansweredSpans = 0;
    for (const resolve of this.whenAnswered.splice(0)) resolve();
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

const encodedBytes = (span: ExportedSpan): number => (span instanceof EncodedSpan ? span.byteLength : 0);
