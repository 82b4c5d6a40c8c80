/**
 * The 1.x SDK line (Node 14 and 16): resources are classes with synchronous
 * detectors, parents are referenced by id, and providers take processors
 * through add* methods.
 */
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import type { SdkLine, SdkTracerProvider } from './types';
import { loadMetricsSdk, loadLogsSdk, loadContainerDetector } from './lazy-packages';
import { DETECTION_TIME_LIMIT_MS, isPromiseLike, withTimeLimit } from './time-limit';
import { withSettledResources } from '../settled-resource';

// Loose types: this file compiles against the 2.x declarations used in development.
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const { Resource, detectResourcesSync, envDetectorSync, hostDetectorSync, osDetectorSync, processDetectorSync, serviceInstanceIdDetectorSync } =
  require('@opentelemetry/resources') as Loose;

const DETECTORS: Record<string, () => unknown> = {
  env: () => envDetectorSync,
  host: () => hostDetectorSync,
  os: () => osDetectorSync,
  process: () => processDetectorSync,
  serviceinstance: () => serviceInstanceIdDetectorSync,
  container: loadContainerDetector,
};


/** 1.x detectors are either async (a promised Resource) or sync with promised attributes. */
function timeLimited(detector: Loose): Loose {
  return {
    detect: (config: unknown) => {
      const detected = detector.detect(config);
      if (isPromiseLike(detected)) return withTimeLimit(detected, DETECTION_TIME_LIMIT_MS, Resource.empty());
      if (!detected.asyncAttributesPromise) return detected;
      // `attributes` would complain while the promise is pending: read the settled part.
      return new Resource(detected._syncAttributes ?? {}, withTimeLimit(detected.asyncAttributesPromise, DETECTION_TIME_LIMIT_MS, {}));
    },
  };
}

export const sdkLine: SdkLine = {
  name: '1.x',
  resourceFromAttributes: (attributes) => new Resource(attributes),
  defaultResource: () => Resource.default(),
  detectResources: (names) =>
    detectResourcesSync({ detectors: names.filter((n) => DETECTORS[n]).map((n) => timeLimited(DETECTORS[n]!())) }),
  mergeResources: (base, override) => base.merge(override),
  createTracerProvider: ({ resource, sampler, idGenerator, spanProcessors, spanLimits }) => {
    // 1.x providers build an exporter of their own from OTEL_TRACES_EXPORTER and
    // log an error when they cannot; ours is configured explicitly, so hide it.
    const traceExporter = process.env.OTEL_TRACES_EXPORTER;
    process.env.OTEL_TRACES_EXPORTER = 'none';
    let provider: Loose;
    try {
      provider = new BasicTracerProvider({ resource, sampler, idGenerator, spanLimits } as Loose);
    } finally {
      if (traceExporter === undefined) delete process.env.OTEL_TRACES_EXPORTER;
      else process.env.OTEL_TRACES_EXPORTER = traceExporter;
    }
    for (const processor of spanProcessors) provider.addSpanProcessor(processor);
    return provider as SdkTracerProvider;
  },
  batchSpanProcessor: (exporter, options) => new BatchSpanProcessor(exporter, options),
  consoleSpanExporter: () => new ConsoleSpanExporter(),
  createMeterProvider: (options) => new (loadMetricsSdk().MeterProvider)(options),
  periodicReader: (exporter, exportIntervalMillis, exportTimeoutMillis) =>
    new (loadMetricsSdk().PeriodicExportingMetricReader)({ exporter, exportIntervalMillis, exportTimeoutMillis }),
  consoleMetricExporter: () => new (loadMetricsSdk().ConsoleMetricExporter)(),
  createLoggerProvider: ({ resource, processors }) => {
    const provider: Loose = new (loadLogsSdk().LoggerProvider)({ resource } as Loose);
    for (const processor of processors) provider.addLogRecordProcessor(processor);
    return provider;
  },
  batchLogProcessor: (exporter) => new (loadLogsSdk().BatchLogRecordProcessor as Loose)(exporter),
  consoleLogExporter: () => new (loadLogsSdk().ConsoleLogRecordExporter)(),
  parentSpanId: (span) => (span as Loose).parentSpanId,
  // Spans may reach the exit delivery before the detectors settle: the serializer then reads what has settled so far.
  traceRequestBytes: (spans) => (require('@opentelemetry/otlp-transformer') as Loose).ProtobufTraceSerializer.serializeRequest(withSettledResources(spans as Loose[])),
  setGlobalLoggerProvider: (provider) => void (require('@opentelemetry/api-logs') as Loose).logs.setGlobalLoggerProvider(provider),
  jaegerPropagator: () => new (require('@opentelemetry/propagator-jaeger') as Loose).JaegerPropagator(),
  decision: {
    notRecord: SamplingDecision.NOT_RECORD,
    record: SamplingDecision.RECORD,
    recordAndSample: SamplingDecision.RECORD_AND_SAMPLED,
  },
};
