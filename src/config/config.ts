import { EnvReader, listSome, Prose, type Env } from './env-reader';
import { readOtlpTarget, type OtlpTarget } from './otlp-target';
import { parseSamplingRules, type SamplingRule } from '../sampler/sampling-rules';
import { parseDropRules, type DropRule } from '../processor/drop-rules';
import { DEFAULT_REDACT_KEYS } from '../processor/redaction';
import { DEFAULT_EXCLUDE_COMMANDS } from '../entry/process-filter';

export const TRACE_EXPORTERS = ['otlp', 'console', 'none'] as const;
export const METRIC_EXPORTERS = ['otlp', 'prometheus', 'console', 'file', 'none'] as const;
export const LOG_EXPORTERS = ['otlp', 'console', 'none'] as const;
export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'] as const;
export const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export const LOG_LEVELS = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'] as const;
export const RESOURCE_DETECTORS = ['env', 'host', 'os', 'process', 'serviceinstance', 'container', 'all', 'none'] as const;
export const DEFAULT_HEALTH_PATHS = ['/health', '/healthz', '/ready', '/readyz', '/live', '/livez', '/ping'];
// Upstream keeps values of any length; one bulk INSERT statement or payload
// attribute of megabytes would then make the whole batch too large to send.
export const DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT = 64 * 1024;
// Below the 4 MiB a collector's gRPC receiver accepts by default, with room for the envelope.
export const DEFAULT_EXPORT_MAX_BYTES = 3 * 1024 * 1024;
// Cheap, noisy or rarely useful: on only when named in OTEL_NODE_ENABLED_INSTRUMENTATIONS.
export const DEFAULT_DISABLED_INSTRUMENTATIONS = ['fs', 'dns', 'net', 'host-metrics'];

export type LogLevel = (typeof LOG_LEVELS)[number];
export type SamplerName = (typeof SAMPLERS)[number];
export type MetricExporterName = Exclude<(typeof METRIC_EXPORTERS)[number], 'none'>;

/** Everything the distribution reads from the environment, parsed once. */
export interface DistributionConfig {
  sdkDisabled: boolean;
  logLevel: LogLevel;
  serviceName: string | undefined;
  resourceAttributes: Record<string, string>;
  resourceDetectors: string[];
  propagators: string[];
  traces: {
    exporter: (typeof TRACE_EXPORTERS)[number];
    otlp: OtlpTarget;
    /** Longest string attribute value kept on a span (the SDK cuts longer ones). */
    attributeValueLengthLimit: number;
    /** Largest export request sent: batches are split below it, a span alone above it is dropped. */
    exportMaxBytes: number;
  };
  metrics: {
    exporters: MetricExporterName[];
    otlp: OtlpTarget;
    exportIntervalMs: number;
    exportTimeoutMs: number;
    prometheus: { host: string; port: number };
    file: { path: string; maxBytes: number };
  };
  logs: { exporter: (typeof LOG_EXPORTERS)[number]; otlp: OtlpTarget };
  sampler: { name: SamplerName; ratio: number };
  sampling: { healthPaths: string[]; rules: SamplingRule[]; maxTracesPerSecond: number };
  instrumentations: { enabled: string[] | undefined; disabled: string[]; expressSpans: 'none' | 'handlers' | 'all'; captureHeaders: string[] };
  processor: {
    slowThresholdMs: number;
    spanAttributes: Record<string, string>;
    baggageKeys: string[];
    dropRules: DropRule[];
    redactKeys: string[];
    sanitizeDbStatements: boolean;
    debugSpans: boolean;
    requestMetrics: boolean;
  };
  shutdownTimeoutMs: number;
  excludeCommands: string[];
  esmHook: 'auto' | 'always' | 'never';
}

export interface ParsedConfig {
  config: DistributionConfig;
  /** One line per invalid variable, to be logged once at start. */
  warnings: string[];
}

export function parseConfig(env: Env): ParsedConfig {
  const read = new EnvReader(env);

  const samplerName = read.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on');
  const usesRatio = samplerName.endsWith('traceidratio');
  const ratio = usesRatio ? read.number('OTEL_TRACES_SAMPLER_ARG', 1, { min: 0, max: 1, fractional: true }) : 1;

  const samplingRules = parseRules(read, 'CUSTOM_OTEL_SAMPLING_RULES', parseSamplingRules);
  const dropRules = parseRules(read, 'CUSTOM_OTEL_DROP_SPANS', parseDropRules);

  const metricExporters = read
    .listOf('OTEL_METRICS_EXPORTER', METRIC_EXPORTERS, ['otlp'])
    .filter((name): name is MetricExporterName => name !== 'none');
  const metricsFilePath = read.string('CUSTOM_OTEL_METRICS_FILE');
  if (metricsFilePath !== undefined && !metricExporters.includes('file')) metricExporters.push('file');

  const attributeValueLengthLimit = read.number('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT, { min: 0, max: 1024 ** 3 });

  const config: DistributionConfig = {
    sdkDisabled: read.boolean('OTEL_SDK_DISABLED', false),
    logLevel: read.oneOf('OTEL_LOG_LEVEL', LOG_LEVELS, 'info'),
    serviceName: read.string('OTEL_SERVICE_NAME'),
    resourceAttributes: read.keyValues('OTEL_RESOURCE_ATTRIBUTES'),
    resourceDetectors: read.listOf('OTEL_NODE_RESOURCE_DETECTORS', RESOURCE_DETECTORS, ['env', 'host', 'os', 'process', 'container']),
    propagators: read.listOf('OTEL_PROPAGATORS', PROPAGATORS, ['tracecontext', 'baggage']),
    traces: {
      exporter: read.oneOf('OTEL_TRACES_EXPORTER', TRACE_EXPORTERS, 'otlp'),
      otlp: readOtlpTarget(read, 'traces'),
      // The span-specific limit wins over the general one (as the specification says).
      attributeValueLengthLimit: read.number('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', attributeValueLengthLimit, { min: 0, max: 1024 ** 3 }),
      exportMaxBytes: read.number('CUSTOM_OTEL_EXPORT_MAX_BYTES', DEFAULT_EXPORT_MAX_BYTES, { min: 64 * 1024, max: 1024 ** 3 }),
    },
    metrics: {
      exporters: metricExporters,
      otlp: readOtlpTarget(read, 'metrics'),
      exportIntervalMs: read.number('OTEL_METRIC_EXPORT_INTERVAL', 60_000, { min: 100, max: 86_400_000 }),
      exportTimeoutMs: read.number('OTEL_METRIC_EXPORT_TIMEOUT', 30_000, { min: 1, max: 600_000 }),
      prometheus: {
        host: read.string('OTEL_EXPORTER_PROMETHEUS_HOST', '0.0.0.0'),
        port: read.number('OTEL_EXPORTER_PROMETHEUS_PORT', 9464, { min: 1, max: 65_535 }),
      },
      file: {
        path: metricsFilePath ?? 'otel-metrics.jsonl',
        maxBytes: read.number('CUSTOM_OTEL_METRICS_FILE_MAX_BYTES', 10 * 1024 * 1024, { min: 1024, max: 1024 ** 4 }),
      },
    },
    logs: {
      exporter: read.oneOf('OTEL_LOGS_EXPORTER', LOG_EXPORTERS, 'otlp'),
      otlp: readOtlpTarget(read, 'logs'),
    },
    sampler: { name: samplerName, ratio },
    sampling: {
      healthPaths: read.list('CUSTOM_OTEL_HEALTH_PATHS', DEFAULT_HEALTH_PATHS),
      rules: samplingRules,
      maxTracesPerSecond: read.number('CUSTOM_OTEL_MAX_TRACES_PER_SECOND', 0, { min: 0, max: 1_000_000, fractional: true }),
    },
    instrumentations: {
      enabled: read.raw('OTEL_NODE_ENABLED_INSTRUMENTATIONS') === undefined ? undefined : read.list('OTEL_NODE_ENABLED_INSTRUMENTATIONS', []).map(shortName),
      disabled: read.list('OTEL_NODE_DISABLED_INSTRUMENTATIONS', []).map(shortName),
      expressSpans: read.oneOf('CUSTOM_OTEL_EXPRESS_SPANS', ['none', 'handlers', 'all'] as const, 'none'),
      captureHeaders: read.list('CUSTOM_OTEL_HTTP_CAPTURE_HEADERS', []).map((h) => h.toLowerCase()),
    },
    processor: {
      slowThresholdMs: read.number('CUSTOM_OTEL_SLOW_THRESHOLD_MS', 100, { min: 0, max: 86_400_000, fractional: true }),
      spanAttributes: read.keyValues('CUSTOM_OTEL_SPAN_ATTRIBUTES'),
      baggageKeys: read.list('CUSTOM_OTEL_BAGGAGE_KEYS', []),
      dropRules,
      redactKeys: [...DEFAULT_REDACT_KEYS, ...read.list('CUSTOM_OTEL_REDACT_KEYS', []).map((k) => k.toLowerCase())],
      sanitizeDbStatements: read.boolean('CUSTOM_OTEL_SANITIZE_DB_STATEMENTS', false),
      debugSpans: read.boolean('CUSTOM_OTEL_DEBUG_SPANS', false),
      requestMetrics: read.boolean('CUSTOM_OTEL_REQUEST_METRICS', true),
    },
    shutdownTimeoutMs: read.number('CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS', 2000, { min: 0, max: 60_000 }),
    excludeCommands: read.list('CUSTOM_OTEL_EXCLUDE_COMMANDS', DEFAULT_EXCLUDE_COMMANDS),
    esmHook: read.oneOf('CUSTOM_OTEL_ESM_HOOK', ['auto', 'always', 'never'] as const, 'auto'),
  };
  return { config, warnings: read.warnings };
}

/** Accepts both `express` and `@opentelemetry/instrumentation-express`. */
function shortName(name: string): string {
  return name.replace(/^@opentelemetry\/instrumentation-/, '').toLowerCase();
}

function parseRules<T>(read: EnvReader, name: string, parse: (value: string) => { rules: T[]; malformed: string[] }): T[] {
  const value = read.raw(name);
  if (value === undefined) return [];
  const { rules, malformed } = parse(value);
  if (malformed.length > 0) {
    read.invalid(name, `malformed rule ${listSome(malformed)}`, new Prose(rules.length ? 'the well-formed rules only' : 'no rules'));
  }
  return rules;
}

