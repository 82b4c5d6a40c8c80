/** Where each signal goes over OTLP (src/config/otlp-target.ts), through the standard variables. */
import { describe, expect, it } from 'vitest';
import { EnvReader, type Env } from '../../src/config/env-reader';
import { readOtlpTarget, type Signal } from '../../src/config/otlp-target';

function target(env: Env, signal: Signal) {
  const read = new EnvReader(env);
  return { ...readOtlpTarget(read, signal), warnings: read.warnings };
}

const SIGNALS: Signal[] = ['traces', 'metrics', 'logs'];

describe('OTLP target defaults', () => {
  it.each(SIGNALS)('%s: gRPC to localhost:4317, no headers, 10 s, no compression', (signal) => {
    expect(target({}, signal)).toEqual({ protocol: 'grpc', url: 'http://localhost:4317', headers: {}, timeoutMs: 10_000, compression: 'none', warnings: [] });
  });

  it.each(SIGNALS)('%s over http/protobuf: localhost:4318 with the signal path', (signal) => {
    expect(target({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, signal).url).toBe(`http://localhost:4318/v1/${signal}`);
  });
});

describe('OTLP endpoints', () => {
  it('over gRPC use the general endpoint as it is', () => {
    for (const signal of SIGNALS) expect(target({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' }, signal).url).toBe('http://collector:4317');
  });

  it('over http/protobuf get /v1/<signal> appended to the general endpoint, with or without a trailing slash', () => {
    for (const signal of SIGNALS) {
      const env = { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' };
      expect(target({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318' }, signal).url).toBe(`https://collector:4318/v1/${signal}`);
      expect(target({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4318/' }, signal).url).toBe(`https://collector:4318/v1/${signal}`);
      expect(target({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gw.example/otlp' }, signal).url).toBe(`https://gw.example/otlp/v1/${signal}`);
    }
  });

  it('per signal win over the general one and are used exactly as given, even over http/protobuf', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom/path',
    };
    expect(target(env, 'traces').url).toBe('http://traces:4318/custom/path');
    expect(target(env, 'metrics').url).toBe('http://general:4318/v1/metrics');
    expect(target(env, 'logs').url).toBe('http://general:4318/v1/logs');
  });

  it.each(['collector:4317', 'ftp://collector', 'not a url', '//collector:4317'])('rejects %j with one warning and uses the default', (value) => {
    const result = target({ OTEL_EXPORTER_OTLP_ENDPOINT: value }, 'traces');
    expect(result.url).toBe('http://localhost:4317');
    expect(result.warnings).toEqual([expect.stringMatching(/^OTEL_EXPORTER_OTLP_ENDPOINT=.* is invalid \(expected an http:\/\/ or https:\/\/ URL\); using "?the default endpoint"? instead$/)]);
  });

  it('uses the http/protobuf default for a bad per-signal endpoint over http/protobuf', () => {
    const result = target({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'nope' }, 'logs');
    expect(result.url).toBe('http://localhost:4318/v1/logs');
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/^OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="nope"/);
  });
});

describe('OTLP protocol, timeout, compression and headers', () => {
  it('per signal win over the general ones', () => {
    const env = {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_METRICS_TIMEOUT: '7000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'none',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'GZIP',
    };
    expect(target(env, 'metrics')).toEqual({ protocol: 'http/protobuf', url: 'http://c:4318/v1/metrics', headers: {}, timeoutMs: 7000, compression: 'gzip', warnings: [] });
    expect(target(env, 'traces')).toEqual({ protocol: 'grpc', url: 'http://c:4318', headers: {}, timeoutMs: 5000, compression: 'none', warnings: [] });
  });

  it('merges general and per-signal headers, the per-signal value winning, values percent-decoded', () => {
    const env = {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20general,x-tenant=acme',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20traces',
    };
    expect(target(env, 'traces').headers).toEqual({ authorization: 'Bearer traces', 'x-tenant': 'acme' });
    expect(target(env, 'logs').headers).toEqual({ authorization: 'Bearer general', 'x-tenant': 'acme' });
  });

  it('maps http/json, which is not shipped, to http/protobuf with one warning', () => {
    const result = target({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, 'traces');
    expect(result.protocol).toBe('http/protobuf');
    expect(result.url).toBe('http://localhost:4318/v1/traces');
    expect(result.warnings).toEqual(['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="http/json" is invalid (http/json is not shipped in this distribution); using "http/protobuf" instead']);
  });

  it('rejects an unknown protocol naming the per-signal variable that was set', () => {
    const result = target({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'udp' }, 'logs');
    expect(result.protocol).toBe('grpc');
    expect(result.warnings).toEqual(['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="udp" is invalid (expected one of grpc, http/protobuf, http/json); using "grpc" instead']);
  });

  it('rejects timeouts outside 1..600000 ms', () => {
    expect(target({ OTEL_EXPORTER_OTLP_TIMEOUT: '600000' }, 'traces').timeoutMs).toBe(600_000);
    const tooLong = target({ OTEL_EXPORTER_OTLP_TIMEOUT: '600001' }, 'traces');
    expect(tooLong.timeoutMs).toBe(10_000);
    expect(tooLong.warnings).toEqual(['OTEL_EXPORTER_OTLP_TIMEOUT="600001" is invalid (expected a value from 1 to 600000); using 10000 instead']);
  });
});

describe('an invalid per-signal endpoint', () => {
  it('falls back to OTEL_EXPORTER_OTLP_ENDPOINT, and says so', () => {
    const result = target({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4317', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4317' }, 'traces');
    expect(result.url).toBe('http://otel:4317');
    expect(result.warnings).toEqual(['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector:4317" is invalid (expected an http:// or https:// URL); using OTEL_EXPORTER_OTLP_ENDPOINT instead']);
  });
});

describe('headers that cannot be sent', () => {
  it('are dropped at start with one warning naming the variable, not left to fail every export', () => {
    const result = target({ OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme,x-k=%C3%BC,bad key=v' }, 'traces');
    expect(result.headers).toEqual({ 'x-tenant': 'acme' });
    expect(result.warnings).toEqual([
      'OTEL_EXPORTER_OTLP_HEADERS="x-tenant=acme,x-k=%C3%BC,bad key=v" is invalid (headers "x-k", "bad key" cannot be sent: names must be tokens, values visible ASCII); using the other headers only instead',
    ]);
  });
});
