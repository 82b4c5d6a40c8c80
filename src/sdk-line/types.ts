/**
 * What differs between the OpenTelemetry JS SDK lines (1.x for Node 14/16,
 * 2.x for Node 18/20, 3.x for Node 22+). Each line implements this once, in
 * its own file; the bundler picks the file for the major being built, and
 * nothing else in src/ knows which line it runs on.
 */
import type { Attributes, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, ReadableSpan, Sampler, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MeterProvider, MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { LoggerProvider, LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ExportedSpan } from '../traces/encoded-span';

export interface SdkTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface SdkLine {
  readonly name: '1.x' | '2.x' | '3.x';
  resourceFromAttributes(attributes: Attributes): Resource;
  /** telemetry.sdk.* of this line. */
  defaultResource(): Resource;
  /** Runs the named detectors; asynchronous attributes settle in the background. */
  detectResources(detectorNames: readonly string[]): Resource;
  mergeResources(base: Resource, override: Resource): Resource;
  createTracerProvider(options: { resource: Resource; sampler: Sampler; idGenerator?: IdGenerator; spanProcessors: SpanProcessor[]; spanLimits: { attributeValueLengthLimit: number } & Partial<Record<'attributeCountLimit' | 'eventCountLimit' | 'linkCountLimit' | 'attributePerEventCountLimit' | 'attributePerLinkCountLimit', number>> }): SdkTracerProvider;
  batchSpanProcessor(exporter: SpanExporter, options: { maxQueueSize: number; maxExportBatchSize: number; scheduledDelayMillis: number; exportTimeoutMillis: number }): SpanProcessor;
  consoleSpanExporter(): SpanExporter;
  createMeterProvider(options: { resource: Resource; readers: MetricReader[] }): MeterProvider;
  periodicReader(exporter: PushMetricExporter, intervalMs: number, timeoutMs: number): MetricReader;
  consoleMetricExporter(): PushMetricExporter;
  createLoggerProvider(options: { resource: Resource; processors: LogRecordProcessor[] }): LoggerProvider;
  batchLogProcessor(exporter: LogRecordExporter): LogRecordProcessor;
  consoleLogExporter(): LogRecordExporter;
  parentSpanId(span: ReadableSpan): string | undefined;
  /** The logs API moved into @opentelemetry/api in the 3.x line. */
  setGlobalLoggerProvider(provider: LoggerProvider): void;
  /** undefined where the line ships no Jaeger propagator (3.x). */
  jaegerPropagator(): TextMapPropagator | undefined;
  /**
   * The OTLP/gRPC trace exporter: ours (our span encoder inside upstream's
   * delegate) where the line's exporter packages take a serializer in the
   * same shape (2.x, 3.x); undefined where upstream's is used as it is (1.x).
   */
  grpcTraceExporter?: (options: Record<string, unknown>, say: (line: string) => void) => SpanExporter;
  /**
   * The OTLP ExportTraceServiceRequest bytes of `spans`, for the exit delivery (ours where the line allows, else upstream's serializer;
   * spans encoded as they ended come only on a line with our exporter).
   */
  traceRequestBytes(spans: ExportedSpan[]): Uint8Array;
  /** Samplers' decision values (same numbers on every line, read from the SDK to be sure). */
  readonly decision: { notRecord: number; record: number; recordAndSample: number };
}
