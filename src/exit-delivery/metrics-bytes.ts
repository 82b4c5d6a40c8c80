/** The OTLP ExportMetricsServiceRequest bytes of one collection (upstream's serializer; the same call on every SDK line). */
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

export function metricsRequestBytes(metrics: ResourceMetrics): Uint8Array | undefined {
  const transformer = require('@opentelemetry/otlp-transformer') as { ProtobufMetricsSerializer: { serializeRequest(m: ResourceMetrics): Uint8Array | undefined } };
  return transformer.ProtobufMetricsSerializer.serializeRequest(metrics);
}
