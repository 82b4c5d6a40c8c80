/**
 * Our span processor: enriches, flags, filters and redacts every span, then
 * hands it to the next processor (the batch exporter). It never throws into
 * the app: a span whose processing fails is dropped, because an unredacted
 * span must not leave the process.
 */
import type { Context } from '@opentelemetry/api';
import { context as apiContext, propagation, SpanStatusCode, SpanKind } from '../otel-api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { DistributionConfig } from '../config/config';
import { matchesDropRule } from './drop-rules';
import { harmonizeHttpAttributes } from './http-semconv';
import { matchSpanNameRule } from './span-name-rules';
import { Redactor } from './redaction';
import { describeError, type Diagnostics } from '../diagnostics';
import { markRandomTraceId } from '../sampler/random-trace-flag';

export interface SpanObserver {
  /** Called for every exported span after processing (request metrics, debug output). */
  observe(span: ReadableSpan, attributes: Readonly<Record<string, unknown>>, durationMs: number): void;
}

export class CustomSpanProcessor implements SpanProcessor {
  private readonly redactor: Redactor;
  private readonly version: string;
  /** CUSTOM_OTEL_SPAN_ATTRIBUTES, as parallel arrays: usually empty. */
  private readonly staticKeys: string[];
  private readonly staticValues: string[];
  private readonly slowThresholdMs: number;
  private readonly spanNameRules: DistributionConfig['processor']['spanNameRules'];

  constructor(
    private readonly next: SpanProcessor,
    private readonly options: DistributionConfig['processor'],
    distributionVersion: string,
    private readonly diagnostics: Diagnostics,
    private readonly observers: SpanObserver[] = [],
  ) {
    this.redactor = new Redactor(options.redactKeys, options.sanitizeDbStatements);
    this.slowThresholdMs = options.slowThresholdMs;
    this.spanNameRules = options.spanNameRules;
    this.version = distributionVersion;
    this.staticKeys = Object.keys(options.spanAttributes);
    this.staticValues = Object.values(options.spanAttributes);
  }

  onStart(span: Span, parentContext: Context): void {
    const context = parentContext ?? apiContext.active();
    try {
      markRandomTraceId(span.spanContext(), context);
    } catch (error) {
      this.diagnostics.once('processor.random-flag', 'warn', `setting the random trace flag failed: ${describeError(error)}`);
    }
    if (this.options.baggageKeys.length === 0) return;
    try {
      const baggage = propagation.getBaggage(context);
      if (!baggage) return;
      for (const key of this.options.baggageKeys) {
        const entry = baggage.getEntry(key);
        if (entry) span.setAttribute(key, entry.value);
      }
    } catch (error) {
      this.diagnostics.once('processor.baggage', 'warn', `copying baggage onto a span failed: ${describeError(error)}`);
    }
  }

  onEnd(span: ReadableSpan): void {
    let durationMs: number;
    let attributes: Record<string, unknown>;
    try {
      // The span has ended and its attributes are a plain object on every SDK
      // line; writing them here, before the batch processor copies them, is
      // the cheapest way to enrich a finished span.
      attributes = span.attributes as Record<string, unknown>;
      // Both conventions first, so a drop rule written in either matches.
      if (span.kind === SpanKind.SERVER || span.kind === SpanKind.CLIENT) harmonizeHttpAttributes(attributes);
      if (this.spanNameRules.length > 0 && span.kind === SpanKind.SERVER && attributes['http.route'] === undefined) this.nameByRule(span, attributes);
      if (this.options.dropRules.length > 0 && matchesDropRule(this.options.dropRules, span.name, attributes as never)) {
        return;
      }
      // Literal keys for the two every span gets: V8 caches such a store per
      // call site, while a computed key that adds a property is a generic lookup.
      attributes['custom.processed'] = true;
      attributes['custom.processor.version'] = this.version;
      for (let i = 0; i < this.staticKeys.length; i++) attributes[this.staticKeys[i]!] = this.staticValues[i];
      durationMs = span.duration[0] * 1e3 + span.duration[1] / 1e6;
      if (durationMs > this.slowThresholdMs) attributes['custom.slow_operation'] = true;
      if (span.status.code === SpanStatusCode.ERROR) attributes['custom.error_processed'] = true;
      this.redactor.redactAttributes(attributes);
      for (const event of span.events) {
        if (event.attributes) this.redactor.redactAttributes(event.attributes as Record<string, unknown>);
      }
      // A database error quotes the statement, literals included, into the
      // status and the exception event.
      if (this.options.sanitizeDbStatements && (attributes['db.system'] !== undefined || attributes['db.system.name'] !== undefined)) {
        this.redactor.sanitizeDbError(span);
      }
    } catch (error) {
      this.diagnostics.once('processor', 'error', `span processing failed, such spans are dropped: ${describeError(error)}`);
      this.diagnostics.count('spans dropped by processing failures', 1);
      return;
    }
    for (const observer of this.observers) {
      try {
        observer.observe(span, attributes, durationMs);
      } catch (error) {
        this.diagnostics.once('processor.observer', 'warn', `a span observer failed: ${describeError(error)}`);
      }
    }
    this.next.onEnd(span);
  }

  /** Before the drop rules, so a rule on the route or the new name applies to it. */
  private nameByRule(span: ReadableSpan, attributes: Record<string, unknown>): void {
    const path = attributes['url.path'];
    if (typeof path !== 'string') return;
    const method = attributes['http.request.method'];
    const rule = matchSpanNameRule(this.spanNameRules, typeof method === 'string' ? method : undefined, path);
    if (!rule) return;
    attributes['http.route'] = rule.template;
    // The span has ended, so updateName() would refuse; the name is a plain field on every SDK line.
    (span as { name: string }).name = `${typeof method === 'string' ? method : 'HTTP'} ${rule.template}`;
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
