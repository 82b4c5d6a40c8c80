/**
 * Checks that a parsed configuration has the types and ranges the rest of the
 * distribution relies on, whatever the environment was. Returns the problems
 * found, described by path, so a fuzz failure says what went wrong.
 */
import {
  LOG_EXPORTERS, LOG_LEVELS, METRIC_EXPORTERS, PROPAGATORS, RESOURCE_DETECTORS, SAMPLERS, TRACE_EXPORTERS,
  type DistributionConfig,
} from '../../../src/config/config';
import { DEFAULT_REDACT_KEYS } from '../../../src/processor/redaction';

export function configProblems(config: DistributionConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, path: string, value: unknown) => {
    if (!ok) problems.push(`${path} = ${show(value)}`);
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const nonBlankString = (v: unknown) => isString(v) && v.trim() !== '' && v === v.trim();
  const integerIn = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
  const numberIn = (v: unknown, min: number, max: number) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;
  const stringList = (v: unknown) => Array.isArray(v) && v.every(nonBlankString);
  const listFrom = (v: unknown, allowed: readonly string[]) => Array.isArray(v) && v.every((e) => allowed.includes(e));
  const stringRecord = (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype &&
    Object.entries(v).every(([key, value]) => key !== '' && isString(value));

  check(sameKeys(config, ['sdkDisabled', 'logLevel', 'serviceName', 'resourceAttributes', 'resourceDetectors', 'propagators', 'traces', 'metrics', 'logs', 'sampler', 'sampling', 'instrumentations', 'processor', 'shutdownTimeoutMs', 'excludeCommands', 'esmHook']), 'keys', Object.keys(config));
  check(typeof config.sdkDisabled === 'boolean', 'sdkDisabled', config.sdkDisabled);
  check(LOG_LEVELS.includes(config.logLevel), 'logLevel', config.logLevel);
  check(config.serviceName === undefined || nonBlankString(config.serviceName), 'serviceName', config.serviceName);
  check(stringRecord(config.resourceAttributes), 'resourceAttributes', config.resourceAttributes);
  check(listFrom(config.resourceDetectors, RESOURCE_DETECTORS) && config.resourceDetectors.length > 0, 'resourceDetectors', config.resourceDetectors);
  check(listFrom(config.propagators, PROPAGATORS) && config.propagators.length > 0, 'propagators', config.propagators);

  check(TRACE_EXPORTERS.includes(config.traces.exporter), 'traces.exporter', config.traces.exporter);
  check(sameKeys(config.traces, ['exporter', 'otlp', 'attributeValueLengthLimit', 'exportMaxBytes']), 'traces keys', Object.keys(config.traces));
  check(integerIn(config.traces.attributeValueLengthLimit, 0, 1024 ** 3), 'traces.attributeValueLengthLimit', config.traces.attributeValueLengthLimit);
  check(integerIn(config.traces.exportMaxBytes, 64 * 1024, 1024 ** 3), 'traces.exportMaxBytes', config.traces.exportMaxBytes);
  check(LOG_EXPORTERS.includes(config.logs.exporter), 'logs.exporter', config.logs.exporter);
  const metrics = config.metrics;
  check(listFrom(metrics.exporters, METRIC_EXPORTERS.filter((n) => n !== 'none')), 'metrics.exporters', metrics.exporters);
  check(integerIn(metrics.exportIntervalMs, 100, 86_400_000), 'metrics.exportIntervalMs', metrics.exportIntervalMs);
  check(integerIn(metrics.exportTimeoutMs, 1, 600_000), 'metrics.exportTimeoutMs', metrics.exportTimeoutMs);
  check(nonBlankString(metrics.prometheus.host), 'metrics.prometheus.host', metrics.prometheus.host);
  check(integerIn(metrics.prometheus.port, 1, 65_535), 'metrics.prometheus.port', metrics.prometheus.port);
  check(nonBlankString(metrics.file.path), 'metrics.file.path', metrics.file.path);
  check(integerIn(metrics.file.maxBytes, 1024, 1024 ** 4), 'metrics.file.maxBytes', metrics.file.maxBytes);

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const otlp = config[signal].otlp;
    check(sameKeys(otlp, ['protocol', 'url', 'headers', 'timeoutMs', 'compression']), `${signal}.otlp keys`, Object.keys(otlp));
    check(otlp.protocol === 'grpc' || otlp.protocol === 'http/protobuf', `${signal}.otlp.protocol`, otlp.protocol);
    check(isHttpUrl(otlp.url), `${signal}.otlp.url`, otlp.url);
    check(stringRecord(otlp.headers), `${signal}.otlp.headers`, otlp.headers);
    check(integerIn(otlp.timeoutMs, 1, 600_000), `${signal}.otlp.timeoutMs`, otlp.timeoutMs);
    check(otlp.compression === 'gzip' || otlp.compression === 'none', `${signal}.otlp.compression`, otlp.compression);
  }

  check(SAMPLERS.includes(config.sampler.name), 'sampler.name', config.sampler.name);
  check(numberIn(config.sampler.ratio, 0, 1), 'sampler.ratio', config.sampler.ratio);
  check(stringList(config.sampling.healthPaths), 'sampling.healthPaths', config.sampling.healthPaths);
  check(numberIn(config.sampling.maxTracesPerSecond, 0, 1_000_000), 'sampling.maxTracesPerSecond', config.sampling.maxTracesPerSecond);
  check(
    Array.isArray(config.sampling.rules) &&
      config.sampling.rules.every((rule) =>
        sameKeys(rule, ['method', 'pathPrefix', 'ratio']) &&
        (rule.method === undefined || (nonBlankString(rule.method) && rule.method === rule.method.toUpperCase())) &&
        isString(rule.pathPrefix) && (rule.pathPrefix === '' || rule.pathPrefix.startsWith('/')) &&
        numberIn(rule.ratio, 0, 1)),
    'sampling.rules',
    config.sampling.rules,
  );

  const inst = config.instrumentations;
  // Names are compared with the catalog later, so only their type matters here.
  const names = (v: unknown) => Array.isArray(v) && v.every(isString);
  check(inst.enabled === undefined || names(inst.enabled), 'instrumentations.enabled', inst.enabled);
  check(names(inst.disabled), 'instrumentations.disabled', inst.disabled);
  check(['none', 'handlers', 'all'].includes(inst.expressSpans), 'instrumentations.expressSpans', inst.expressSpans);
  check(stringList(inst.captureHeaders) && inst.captureHeaders.every((h) => h === h.toLowerCase()), 'instrumentations.captureHeaders', inst.captureHeaders);

  const proc = config.processor;
  check(numberIn(proc.slowThresholdMs, 0, 86_400_000), 'processor.slowThresholdMs', proc.slowThresholdMs);
  check(stringRecord(proc.spanAttributes), 'processor.spanAttributes', proc.spanAttributes);
  check(stringList(proc.baggageKeys), 'processor.baggageKeys', proc.baggageKeys);
  check(
    Array.isArray(proc.dropRules) &&
      proc.dropRules.every((rule) =>
        Array.isArray(rule) && rule.length > 0 &&
        rule.every((c) => sameKeys(c, ['key', 'value', 'prefix']) && nonBlankString(c.key) && isString(c.value) && typeof c.prefix === 'boolean')),
    'processor.dropRules',
    proc.dropRules,
  );
  check(stringList(proc.redactKeys) && DEFAULT_REDACT_KEYS.every((key, i) => proc.redactKeys[i] === key), 'processor.redactKeys', proc.redactKeys);
  for (const flag of ['sanitizeDbStatements', 'debugSpans', 'requestMetrics'] as const) check(typeof proc[flag] === 'boolean', `processor.${flag}`, proc[flag]);
  check(integerIn(config.shutdownTimeoutMs, 0, 60_000), 'shutdownTimeoutMs', config.shutdownTimeoutMs);
  check(stringList(config.excludeCommands), 'excludeCommands', config.excludeCommands);
  check(['auto', 'always', 'never'].includes(config.esmHook), 'esmHook', config.esmHook);
  return problems;
}

function sameKeys(object: object, keys: readonly string[]): boolean {
  const actual = Object.keys(object).sort();
  const expected = [...keys].sort();
  return actual.length === expected.length && actual.every((key, i) => key === expected[i]);
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
