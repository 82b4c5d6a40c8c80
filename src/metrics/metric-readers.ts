/** One metric reader per name in OTEL_METRICS_EXPORTER (plus the file exporter when a path is set). */
import type { MetricReader, PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { DistributionConfig, MetricExporterName } from '../config/config';
import type { SdkLine } from '../sdk-line';
import type { Diagnostics } from '../diagnostics';
import { createOtlpExporter } from '../otlp-exporters';
import { FileMetricExporter } from './file-metric-exporter';
import { detachedMetricExporter } from './detached-metric-exporter';

export function createMetricReaders(
  config: DistributionConfig['metrics'],
  sdk: SdkLine,
  diagnostics: Diagnostics,
  /** Wraps each push exporter (OpAMP's send_metrics gate); Prometheus is pulled and not wrapped. */
  wrap: (exporter: PushMetricExporter) => PushMetricExporter = (exporter) => exporter,
): MetricReader[] {
  const periodic = (exporter: PushMetricExporter) => sdk.periodicReader(wrap(exporter), config.exportIntervalMs, Math.min(config.exportTimeoutMs, config.exportIntervalMs));
  const factories: Record<MetricExporterName, () => MetricReader> = {
    otlp: () => periodic(detachedMetricExporter(createOtlpExporter<PushMetricExporter>('metrics', config.otlp), `${config.otlp.url} (${config.otlp.protocol})`, diagnostics)),
    console: () => periodic(sdk.consoleMetricExporter()),
    file: () => periodic(new FileMetricExporter(config.file.path, config.file.maxBytes, diagnostics, dataPointTypeName)),
    prometheus: () => {
      const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
      return new PrometheusExporter({ host: config.prometheus.host, port: config.prometheus.port }, (error) => {
        if (error) diagnostics.once('metrics.prometheus', 'warn', `the Prometheus endpoint on ${config.prometheus.host}:${config.prometheus.port} could not start: ${error}`);
      });
    },
  };
  return config.exporters.map((name) => factories[name]());
}

function dataPointTypeName(type: number): string {
  const names = (require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics')).DataPointType as unknown as Record<number, string>;
  return names[type] ?? String(type);
}
