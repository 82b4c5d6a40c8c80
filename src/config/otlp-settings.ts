/** The standard OTLP exporter variables; each also has its per-signal forms, which win for their signal. */
import { keyValuesSetting, numberSetting, oneOfSetting, pathSetting, textSetting, urlSetting } from './setting';

const perSignal = true;

export const OTLP_ENDPOINT = urlSetting('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://localhost:4317', {
  perSignal,
  doc: 'the collector: for gRPC its address, for HTTP the base URL (`/v1/<signal>` is appended; a per-signal URL is used as is); default port 4318 for `http/protobuf`',
});
// http/json is recognised only to say it is not shipped (see otlp-target.ts).
export const OTLP_PROTOCOL = oneOfSetting('OTEL_EXPORTER_OTLP_PROTOCOL', ['grpc', 'http/protobuf'] as const, 'grpc', {
  perSignal,
  doc: 'gRPC by default: the operator points `spec.exporter.endpoint` at the collector\'s port 4317 and sets no protocol',
});
export const OTLP_HEADERS = keyValuesSetting('OTEL_EXPORTER_OTLP_HEADERS', { perSignal, doc: '`key=value,...` sent with every export (names must be tokens, values visible ASCII)' });
export const OTLP_TIMEOUT = numberSetting('OTEL_EXPORTER_OTLP_TIMEOUT', 10_000, { min: 1, max: 600_000 }, { perSignal, doc: 'longest export, in milliseconds' });
export const OTLP_COMPRESSION = oneOfSetting('OTEL_EXPORTER_OTLP_COMPRESSION', ['gzip', 'none'] as const, 'none', { perSignal, doc: 'compression of exports' });
export const OTLP_CERTIFICATE = pathSetting('OTEL_EXPORTER_OTLP_CERTIFICATE', { perSignal, readBy: 'exporter', doc: 'CA certificate (PEM) to trust for https:// endpoints' });
export const OTLP_CLIENT_CERTIFICATE = pathSetting('OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE', { perSignal, readBy: 'exporter', doc: 'client certificate (PEM) for mutual TLS' });
export const OTLP_CLIENT_KEY = pathSetting('OTEL_EXPORTER_OTLP_CLIENT_KEY', { perSignal, readBy: 'exporter', doc: 'client key (PEM) for mutual TLS' });
export const OTLP_METRICS_TEMPORALITY = textSetting('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', 'cumulative', {
  readBy: 'exporter',
  doc: '`cumulative`, `delta` or `lowmemory`, for the OTLP metric exporter',
});

export const OTLP_SETTINGS = [OTLP_ENDPOINT, OTLP_PROTOCOL, OTLP_HEADERS, OTLP_TIMEOUT, OTLP_COMPRESSION, OTLP_CERTIFICATE, OTLP_CLIENT_CERTIFICATE, OTLP_CLIENT_KEY, OTLP_METRICS_TEMPORALITY];
