/**
 * The sampled spans started and not yet ended. When the process exits, they
 * are ended then, marked `custom.ended_at_exit`, so they go out with the exit
 * delivery: an app that calls process.exit() in its response's 'finish'
 * listener (it answered, then ended itself) runs before the HTTP
 * instrumentation ends that request's span, which would otherwise be lost.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

const SAMPLED = 1;

export class OpenSpans implements SpanProcessor {
  private readonly open = new Set<Span>();

  onStart(span: Span, _parentContext: Context): void {
    if ((span.spanContext().traceFlags & SAMPLED) !== 0) this.open.add(span);
  }

  onEnd(span: ReadableSpan): void {
    this.open.delete(span as Span);
  }

  /** Ends every span still open, now; each then passes through the other processors as usual. */
  endAll(): number {
    const spans = [...this.open];
    this.open.clear();
    for (const span of spans) {
      try {
        span.setAttribute('custom.ended_at_exit', true);
        span.end();
      } catch {
        // a span the SDK refuses to end: nothing of the app's depends on it
      }
    }
    return spans.length;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
