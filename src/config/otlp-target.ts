import { listSome, Prose, type EnvReader } from './env-reader';
import { OTLP_COMPRESSION, OTLP_ENDPOINT, OTLP_PROTOCOL, OTLP_TIMEOUT } from './otlp-settings';
import { readSetting, type OneOfSetting } from './setting';

export type OtlpProtocol = 'grpc' | 'http/protobuf';
export type Signal = 'traces' | 'metrics' | 'logs';

/** Where and how one signal is exported over OTLP, resolved from the standard variables. */
export interface OtlpTarget {
  protocol: OtlpProtocol;
  /** The full URL: for gRPC the collector address, for HTTP the signal's path included. */
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  compression: 'gzip' | 'none';
  /** With a configuration file: the variables the SDK's exporter reads itself (see sdk-env.ts). */
  sdkEnv?: Record<string, string>;
}

// gRPC is our default protocol (upstream: http/protobuf): see OTLP_PROTOCOL.
const DEFAULT_ENDPOINT: Record<OtlpProtocol, string> = {
  grpc: OTLP_ENDPOINT.default,
  'http/protobuf': 'http://localhost:4318',
};
const HTTP_PATH: Record<Signal, string> = { traces: 'v1/traces', metrics: 'v1/metrics', logs: 'v1/logs' };

/**
 * Resolves one signal's target: the per-signal variable wins over the general
 * one, which wins over the default (as the OpenTelemetry specification says).
 */
export function readOtlpTarget(env: EnvReader, signal: Signal): OtlpTarget {
  const specific = `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_`;
  const general = 'OTEL_EXPORTER_OTLP_';
  const pick = (suffix: string) => (env.raw(specific + suffix) !== undefined ? specific + suffix : general + suffix);

  const protocolVar = pick('PROTOCOL');
  let protocol = env.oneOf(protocolVar, [...OTLP_PROTOCOL.allowed, 'http/json'] as const, OTLP_PROTOCOL.default);
  if (protocol === 'http/json') {
    env.invalid(protocolVar, 'http/json is not shipped in this distribution', 'http/protobuf');
    protocol = 'http/protobuf';
  }

  const signalEndpoint = env.raw(specific + 'ENDPOINT');
  const generalEndpoint = env.raw(general + 'ENDPOINT');
  // An invalid per-signal endpoint falls back to the general one, then to the default.
  const fromSignal = signalEndpoint === undefined ? undefined : validUrl(env, specific + 'ENDPOINT', signalEndpoint, generalEndpoint !== undefined);
  const base = fromSignal === undefined && generalEndpoint !== undefined ? validUrl(env, general + 'ENDPOINT', generalEndpoint, false) : undefined;
  const url = fromSignal ?? (base === undefined ? defaultUrl(protocol, signal) : protocol === 'grpc' ? base : joinPath(base, HTTP_PATH[signal]));

  const headers = { ...sendableHeaders(env, general + 'HEADERS'), ...sendableHeaders(env, specific + 'HEADERS') };
  const timeoutMs = env.number(pick('TIMEOUT'), OTLP_TIMEOUT.default, OTLP_TIMEOUT.limits);
  const compression = env.oneOf(pick('COMPRESSION'), OTLP_COMPRESSION.allowed, OTLP_COMPRESSION.default);
  return { protocol, url, headers, timeoutMs, compression };
}

// What both gRPC metadata and HTTP accept: a token for the name, visible ASCII
// (and spaces inside) for the value. Anything else fails every export later,
// with an error that does not name the variable.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function sendableHeaders(env: EnvReader, name: string): Record<string, string> {
  const headers = env.keyValues(name);
  const bad = Object.keys(headers).filter((key) => !HEADER_NAME.test(key) || !HEADER_VALUE.test(headers[key]!));
  if (bad.length > 0) {
    env.invalid(name, `header${bad.length === 1 ? '' : 's'} ${listSome(bad)} cannot be sent: names must be tokens, values visible ASCII`, new Prose('the other headers only'));
    for (const key of bad) delete headers[key];
  }
  return headers;
}

function defaultUrl(protocol: OtlpProtocol, signal: Signal): string {
  return protocol === 'grpc' ? DEFAULT_ENDPOINT.grpc : joinPath(DEFAULT_ENDPOINT['http/protobuf'], HTTP_PATH[signal]);
}

function joinPath(base: string, path: string): string {
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

function validUrl(env: EnvReader, name: string, value: string, generalFallback: boolean): string | undefined {
  try {
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') return value;
  } catch {
    // fall through to the warning
  }
  env.invalid(name, 'expected an http:// or https:// URL', new Prose(generalFallback ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : 'the default endpoint'));
  return undefined;
}

/** A signal's exporter choice and where its OTLP exporter sends. */
export interface SignalSettings<T extends string> {
  exporter: T;
  otlp: OtlpTarget;
}

export function readSignalSettings<T extends string>(read: EnvReader, exporter: OneOfSetting<T>, signal: Signal): SignalSettings<T> {
  return { exporter: readSetting(read, exporter), otlp: readOtlpTarget(read, signal) };
}
