/** The OTLP ExportMetricsServiceRequest bytes of one collection (upstream's serializer; the same call on every SDK line). */
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { settledResource } from '../settled-resource';

export function metricsRequestBytes(metrics: ResourceMetrics): Uint8Array | undefined {
  const transformer = require('@opentelemetry/otlp-transformer') as { ProtobufMetricsSerializer: { serializeRequest(m: ResourceMetrics): Uint8Array | undefined } };
  // A process may end before the detectors settle: the serializer then reads what has settled so far.
  return transformer.ProtobufMetricsSerializer.serializeRequest({ ...metrics, resource: settledResource(metrics.resource) });
}
