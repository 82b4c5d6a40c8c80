/**
 * Sampled spans encoded as they end (encoded-span.ts), for an exporter that
 * takes them so: ours over gRPC, once it is made. Until then (it is made on
 * the first export), and for any other exporter, spans go on as the SDK made
 * them; the encoder takes both kinds in one batch. Should encoding a span
 * fail, that span and every later one go on as the SDK made them, said once.
 */
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describeError, type Level } from '../diagnostics';
import { encodeSpan } from './otlp-trace-encoding';

const SAMPLED = 1;

/** `exporterTakesEncoded`: undefined while the exporter is not made, then whether it takes encoded spans. */
export function encodingAtEnd(
  next: SpanProcessor,
  exporterTakesEncoded: () => boolean | undefined,
  say: (level: Level, line: string) => void,
): SpanProcessor & { next: SpanProcessor } {
  let encoding: boolean | undefined;
  const decide = (): boolean | undefined => {
    encoding = exporterTakesEncoded();
    if (encoding) say('debug', 'sampled spans are encoded as they end: the export queue holds their bytes');
    return encoding;
  };
  return {
    next,
    onStart: (span: Span, parentContext: Context) => next.onStart(span, parentContext),
    onEnd: (span: ReadableSpan) => {
      if (encoding === undefined) decide();
      if (encoding !== true || (span.spanContext().traceFlags & SAMPLED) === 0) {
        next.onEnd(span);
        return;
      }
      let encoded: ReadableSpan;
      try {
        encoded = encodeSpan(span) as unknown as ReadableSpan;
      } catch (error) {
        encoding = false;
        say('warn', `encoding a span as it ended failed (${describeError(error)}): spans are queued as the SDK made them from now on (more memory until their batch is sent)`);
        encoded = span;
      }
      next.onEnd(encoded);
    },
    forceFlush: () => next.forceFlush(),
    shutdown: () => next.shutdown(),
  };
}
