/**
 * OTLP exporters of every signal, over gRPC (our default) or HTTP/protobuf.
 * Each package is required only when its protocol and signal are in use.
 */
import type { OtlpTarget } from './config/otlp-target';
import { diagnostics } from './diagnostics';
import { LazyExporter } from './lazy-exporter';
import { sdkLine } from './sdk-line';
import { withSdkEnv } from './config/sdk-env';

type ExporterClass = new (options: Record<string, unknown>) => unknown;

const PACKAGES = {
  traces: {
    grpc: () => require('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter as ExporterClass,
    'http/protobuf': () => require('@opentelemetry/exporter-trace-otlp-proto').OTLPTraceExporter as ExporterClass,
  },
  metrics: {
    grpc: () => require('@opentelemetry/exporter-metrics-otlp-grpc').OTLPMetricExporter as ExporterClass,
    'http/protobuf': () => require('@opentelemetry/exporter-metrics-otlp-proto').OTLPMetricExporter as ExporterClass,
  },
  logs: {
    grpc: () => require('@opentelemetry/exporter-logs-otlp-grpc').OTLPLogExporter as ExporterClass,
    'http/protobuf': () => require('@opentelemetry/exporter-logs-otlp-proto').OTLPLogExporter as ExporterClass,
  },
};

/**
 * The exporter of a signal, made on its first export. Metric readers ask their
 * exporter for its temporality when they are built; the lazy one answers
 * cumulative (the OTLP default), so a set temporality preference means the
 * real exporter is made at once.
 */
export function createOtlpExporter<T>(signal: keyof typeof PACKAGES, target: OtlpTarget, env: NodeJS.ProcessEnv = process.env): T {
  if (signal === 'metrics') {
    if ((target.sdkEnv ?? env).OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE) return makeOtlpExporter<T>(signal, target);
    const lazy = new LazyExporter(() => makeOtlpExporter<never>(signal, target)) as unknown as Record<string, unknown>;
    const { AggregationTemporality } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
    lazy.selectAggregationTemporality = () => AggregationTemporality.CUMULATIVE;
    return lazy as T;
  }
  return new LazyExporter(() => makeOtlpExporter<never>(signal, target)) as unknown as T;
}

function makeOtlpExporter<T>(signal: keyof typeof PACKAGES, target: OtlpTarget): T {
  return withSdkEnv(target.sdkEnv, () => constructOtlpExporter<T>(signal, target));
}

function constructOtlpExporter<T>(signal: keyof typeof PACKAGES, target: OtlpTarget): T {
  // Our own span encoding where the SDK line allows it (see src/traces/grpc-trace-exporter.ts).
  const ownTraceExporter = signal === 'traces' && target.protocol === 'grpc' ? sdkLine.grpcTraceExporter : undefined;
  const Exporter = ownTraceExporter ? undefined : PACKAGES[signal][target.protocol]();
  const options: Record<string, unknown> = {
    url: target.url,
    timeoutMillis: target.timeoutMs,
    compression: target.compression,
  };
  if (Object.keys(target.headers).length > 0) {
    if (target.protocol === 'grpc') {
      const { Metadata } = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
      const metadata = new Metadata();
      for (const [key, value] of Object.entries(target.headers)) metadata.set(key, value);
      options.metadata = metadata;
    } else {
      options.headers = target.headers;
    }
  }
  // A fallback to upstream's exporter is said once, when the exporter is made.
  return (ownTraceExporter ? ownTraceExporter(options, (line) => diagnostics.log('warn', line)) : new Exporter!(options)) as T;
}
