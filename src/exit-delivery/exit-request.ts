/**
 * What the exit thread sends for one signal: the OTLP request as gRPC (a
 * unary call over HTTP/2) or HTTP/protobuf (a POST), derived from the same
 * target the exporter uses. Pure: reading the TLS files is the caller's.
 */
import type { OtlpTarget } from '../config/otlp-target';

export type ExitSignal = 'traces' | 'metrics';

export interface ExitRequest {
  grpc: boolean;
  secure: boolean;
  /** scheme://host:port */
  origin: string;
  /** The gRPC method, or the HTTP path (with its query). */
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

export interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
}

const GRPC_METHODS: Record<ExitSignal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

/** The variables the exporters read for TLS (per signal first, as they do). */
export function tlsFileVariables(env: NodeJS.ProcessEnv, signal: ExitSignal): { ca?: string; cert?: string; key?: string } {
  const pick = (suffix: string) => env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${suffix}`] ?? env[`OTEL_EXPORTER_OTLP_${suffix}`];
  return { ca: pick('CERTIFICATE'), cert: pick('CLIENT_CERTIFICATE'), key: pick('CLIENT_KEY') };
}

export function exitRequest(target: OtlpTarget, signal: ExitSignal, body: Uint8Array, tls: TlsMaterial = {}): ExitRequest {
  const url = new URL(target.url);
  const secure = url.protocol === 'https:';
  const grpc = target.protocol === 'grpc';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    grpc,
    secure,
    origin: `${url.protocol}//${url.host}`,
    path: grpc ? GRPC_METHODS[signal] : `${url.pathname}${url.search}`,
    headers: { ...target.headers },
    body,
    ...(secure ? { ...tls, servername: /^[\d.]+$|:/.test(host) ? undefined : host } : {}),
  };
}
