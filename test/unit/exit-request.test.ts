/** The requests the exit thread sends, from the exporters' own targets. */
import { describe, expect, it } from 'vitest';
import { exitRequest, tlsFileVariables } from '../../src/exit-delivery/exit-request';

const body = new Uint8Array([1, 2, 3]);

describe('exit requests', () => {
  it('gRPC: the collector address with the signal\'s Export method, headers kept', () => {
    const request = exitRequest({ protocol: 'grpc', url: 'http://collector:4317', headers: { authorization: 'Bearer x' }, timeoutMs: 10_000, compression: 'none' }, 'traces', body);
    expect(request).toEqual({ grpc: true, secure: false, origin: 'http://collector:4317', path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', headers: { authorization: 'Bearer x' }, body });
    expect(exitRequest({ protocol: 'grpc', url: 'http://collector:4317/', headers: {}, timeoutMs: 1, compression: 'gzip' }, 'metrics', body).path).toBe('/opentelemetry.proto.collector.metrics.v1.MetricsService/Export');
  });

  it('HTTP/protobuf: the signal\'s full URL', () => {
    const request = exitRequest({ protocol: 'http/protobuf', url: 'http://collector:4318/v1/traces?tenant=a', headers: {}, timeoutMs: 1, compression: 'none' }, 'traces', body);
    expect(request).toMatchObject({ grpc: false, secure: false, origin: 'http://collector:4318', path: '/v1/traces?tenant=a' });
  });

  it('TLS: the material given, and the host name for SNI (not for an address)', () => {
    const tls = { ca: 'CA', cert: 'CERT', key: 'KEY' };
    expect(exitRequest({ protocol: 'grpc', url: 'https://collector.obs:4317', headers: {}, timeoutMs: 1, compression: 'none' }, 'traces', body, tls)).toMatchObject({ secure: true, ...tls, servername: 'collector.obs' });
    expect(exitRequest({ protocol: 'grpc', url: 'https://127.0.0.1:4317', headers: {}, timeoutMs: 1, compression: 'none' }, 'traces', body, tls).servername).toBeUndefined();
    expect(exitRequest({ protocol: 'grpc', url: 'https://[::1]:4317', headers: {}, timeoutMs: 1, compression: 'none' }, 'traces', body, tls).servername).toBeUndefined();
    expect(exitRequest({ protocol: 'grpc', url: 'http://collector:4317', headers: {}, timeoutMs: 1, compression: 'none' }, 'traces', body, tls).ca).toBeUndefined();
  });

  it('reads the per-signal TLS variables first, as the exporters do', () => {
    const env = { OTEL_EXPORTER_OTLP_CERTIFICATE: '/ca', OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: '/traces-ca', OTEL_EXPORTER_OTLP_CLIENT_KEY: '/key' };
    expect(tlsFileVariables(env, 'traces')).toEqual({ ca: '/traces-ca', cert: undefined, key: '/key' });
    expect(tlsFileVariables(env, 'metrics')).toEqual({ ca: '/ca', cert: undefined, key: '/key' });
  });
});
