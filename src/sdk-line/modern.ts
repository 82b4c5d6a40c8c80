/** What the 2.x and 3.x lines share; they differ only in where the trace SDK lives. */
import * as resources from '@opentelemetry/resources';
import type * as traceSdk from '@opentelemetry/sdk-trace-base';
import type { SdkLine, SdkTracerProvider } from './types';
import { loadMetricsSdk, loadLogsSdk, loadContainerDetector } from './lazy-packages';
import { DETECTION_TIME_LIMIT_MS, isPromiseLike, withTimeLimit } from './time-limit';
import { createGrpcTraceExporter } from '../traces/grpc-trace-exporter';
import { encodeTraceExportRequest } from '../traces/otlp-trace-encoding';

export interface LineSpecific {
  setGlobalLoggerProvider: SdkLine['setGlobalLoggerProvider'];
  jaegerPropagator: SdkLine['jaegerPropagator'];
}

export interface TraceSdk {
  TracerProvider: new (options: object) => unknown;
  batchSpanProcessor: SdkLine['batchSpanProcessor'];
  ConsoleSpanExporter: typeof traceSdk.ConsoleSpanExporter;
  SamplingDecision: typeof traceSdk.SamplingDecision;
}

const DETECTORS: Record<string, () => resources.ResourceDetector> = {
  env: () => resources.envDetector,
  host: () => resources.hostDetector,
  os: () => resources.osDetector,
  process: () => resources.processDetector,
  serviceinstance: () => resources.serviceInstanceIdDetector,
  container: () => loadContainerDetector() as resources.ResourceDetector,
};

function timeLimited(detector: resources.ResourceDetector): resources.ResourceDetector {
  return {
    detect: (config) => {
      const detected = detector.detect(config);
      if (!detected.attributes) return detected;
      const attributes: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(detected.attributes)) {
        attributes[key] = isPromiseLike(value) ? withTimeLimit(value, DETECTION_TIME_LIMIT_MS, undefined) : value;
      }
      return { ...detected, attributes: attributes as resources.DetectedResourceAttributes };
    },
  };
}

export function modernLine(name: '2.x' | '3.x', trace: TraceSdk, specific: LineSpecific): SdkLine {
  return {
    name,
    ...specific,
    resourceFromAttributes: (attributes) => resources.resourceFromAttributes(attributes),
    defaultResource: () => resources.defaultResource(),
    detectResources: (names) =>
      resources.detectResources({ detectors: names.filter((n) => DETECTORS[n]).map((n) => timeLimited(DETECTORS[n]!())) }),
    mergeResources: (base, override) => base.merge(override),
    createTracerProvider: (options) => new trace.TracerProvider(options) as SdkTracerProvider,
    batchSpanProcessor: trace.batchSpanProcessor,
    consoleSpanExporter: () => new trace.ConsoleSpanExporter(),
    createMeterProvider: (options) => new (loadMetricsSdk().MeterProvider)(options),
    periodicReader: (exporter, exportIntervalMillis, exportTimeoutMillis) =>
      new (loadMetricsSdk().PeriodicExportingMetricReader)({ exporter, exportIntervalMillis, exportTimeoutMillis }),
    consoleMetricExporter: () => new (loadMetricsSdk().ConsoleMetricExporter)(),
    createLoggerProvider: (options) => new (loadLogsSdk().LoggerProvider)(options),
    batchLogProcessor: (exporter) => new (loadLogsSdk().BatchLogRecordProcessor)({ exporter }),
    consoleLogExporter: () => new (loadLogsSdk().ConsoleLogRecordExporter)(),
    parentSpanId: (span) => span.parentSpanContext?.spanId,
    grpcTraceExporter: createGrpcTraceExporter,
    traceRequestBytes: encodeTraceExportRequest,
    decision: {
      notRecord: trace.SamplingDecision.NOT_RECORD,
      record: trace.SamplingDecision.RECORD,
      recordAndSample: trace.SamplingDecision.RECORD_AND_SAMPLED,
    },
  };
}
