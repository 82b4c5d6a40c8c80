import type { EnvReader } from '../config/env-reader';
import { readOtlpTarget, type OtlpTarget } from '../config/otlp-target';
import { booleanSetting, listOfSetting, numberSetting, pathSetting, readSetting, textSetting } from '../config/setting';

export const METRICS_EXPORTER = listOfSetting('OTEL_METRICS_EXPORTER', ['otlp', 'prometheus', 'console', 'file', 'none'] as const, ['otlp'], { doc: 'where metrics go; a list' });
export const METRIC_EXPORT_INTERVAL = numberSetting('OTEL_METRIC_EXPORT_INTERVAL', 60_000, { min: 100, max: 86_400_000 }, { doc: 'milliseconds between metric exports' });
export const METRIC_EXPORT_TIMEOUT = numberSetting('OTEL_METRIC_EXPORT_TIMEOUT', 30_000, { min: 1, max: 600_000 }, { doc: 'longest metric export, in milliseconds' });
export const PROMETHEUS_HOST = textSetting('OTEL_EXPORTER_PROMETHEUS_HOST', '0.0.0.0', { doc: 'address the `prometheus` exporter listens on' });
export const PROMETHEUS_PORT = numberSetting('OTEL_EXPORTER_PROMETHEUS_PORT', 9464, { min: 1, max: 65_535 }, { doc: 'port the `prometheus` exporter listens on' });
export const REQUEST_METRICS = booleanSetting('CUSTOM_OTEL_REQUEST_METRICS', true, {
  doc: '`custom.http.server.requests` and `custom.http.server.request.duration_total` (seconds) per method, route and status, from server spans (the duration histogram is the HTTP instrumentation\'s `http.server.request.duration`)',
});
export const METRICS_FILE = pathSetting('CUSTOM_OTEL_METRICS_FILE', { doc: 'write metrics as JSON lines to this file (adds the `file` exporter; default file `otel-metrics.jsonl`)' });
export const METRICS_FILE_MAX_BYTES = numberSetting('CUSTOM_OTEL_METRICS_FILE_MAX_BYTES', 10 * 1024 * 1024, { min: 1024, max: 1024 ** 4 }, {
  doc: 'the file is rotated to `<file>.1` before it would pass this: at most twice this on disk',
});

export const METRICS_SETTINGS = [METRICS_EXPORTER, METRIC_EXPORT_INTERVAL, METRIC_EXPORT_TIMEOUT, PROMETHEUS_HOST, PROMETHEUS_PORT, REQUEST_METRICS, METRICS_FILE, METRICS_FILE_MAX_BYTES];

export type MetricExporterName = Exclude<(typeof METRICS_EXPORTER.allowed)[number], 'none'>;

export interface MetricsSettings {
  exporters: MetricExporterName[];
  otlp: OtlpTarget;
  exportIntervalMs: number;
  exportTimeoutMs: number;
  prometheus: { host: string; port: number };
  file: { path: string; maxBytes: number };
}

export function readMetricsSettings(read: EnvReader): MetricsSettings {
  const exporters = readSetting(read, METRICS_EXPORTER).filter((name): name is MetricExporterName => name !== 'none');
  const filePath = readSetting(read, METRICS_FILE);
  if (filePath !== undefined && !exporters.includes('file')) exporters.push('file');
  return {
    exporters,
    otlp: readOtlpTarget(read, 'metrics'),
    exportIntervalMs: readSetting(read, METRIC_EXPORT_INTERVAL),
    exportTimeoutMs: readSetting(read, METRIC_EXPORT_TIMEOUT),
    prometheus: { host: readSetting(read, PROMETHEUS_HOST) ?? '0.0.0.0', port: readSetting(read, PROMETHEUS_PORT) },
    file: { path: filePath ?? 'otel-metrics.jsonl', maxBytes: readSetting(read, METRICS_FILE_MAX_BYTES) },
  };
}
