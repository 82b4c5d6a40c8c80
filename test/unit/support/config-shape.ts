/**
 * Checks that a parsed configuration has the types and ranges the rest of the
 * distribution relies on, whatever the environment was. Returns the problems
 * found, described by path, so a fuzz failure says what went wrong.
 */
import type { DistributionConfig } from '../../../src/config/config';
import type { NumberSetting } from '../../../src/config/setting';
import { OTLP_COMPRESSION, OTLP_PROTOCOL, OTLP_TIMEOUT } from '../../../src/config/otlp-settings';
import { ESM_HOOK, LOG_LEVEL, PROPAGATORS, RESOURCE_DETECTORS, SHUTDOWN_TIMEOUT_MS } from '../../../src/settings';
import { SPAN_EVENT_COUNT_LIMIT, BSP_MAX_EXPORT_BATCH_SIZE, BSP_MAX_QUEUE_SIZE, BSP_SCHEDULE_DELAY, EXPORT_MAX_BYTES, SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, TRACES_EXPORTER } from '../../../src/traces/settings';
import { LOGS_EXPORTER } from '../../../src/logs/settings';
import { METRIC_EXPORT_INTERVAL, METRIC_EXPORT_TIMEOUT, METRICS_EXPORTER, METRICS_FILE_MAX_BYTES, PROMETHEUS_PORT } from '../../../src/metrics/settings';
import { MAX_TRACES_PER_SECOND, TRACES_SAMPLER, TRACES_SAMPLER_ARG } from '../../../src/sampler/settings';
import { EXPRESS_SPANS } from '../../../src/instrumentations/settings';
import { SLOW_THRESHOLD_MS } from '../../../src/processor/settings';
import { DEFAULT_REDACT_KEYS } from '../../../src/processor/redaction';
import { OPAMP_HEARTBEAT_SECONDS } from '../../../src/opamp/settings';

export function configProblems(config: DistributionConfig): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, path: string, value: unknown) => {
    if (!ok) problems.push(`${path} = ${show(value)}`);
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const nonBlankString = (v: unknown) => isString(v) && v.trim() !== '' && v === v.trim();
  // Within the row's limits, whole unless the row allows fractions.
  const within = (v: unknown, row: NumberSetting) =>
    typeof v === 'number' && Number.isFinite(v) && v >= row.limits.min && v <= row.limits.max && (row.limits.fractional === true || Number.isInteger(v));
  const stringList = (v: unknown) => Array.isArray(v) && v.every(nonBlankString);
  const listFrom = (v: unknown, allowed: readonly string[]) => Array.isArray(v) && v.every((e) => allowed.includes(e));
  const stringRecord = (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype &&
    Object.entries(v).every(([key, value]) => key !== '' && isString(value));

  check(sameKeys(config, ['sdkDisabled', 'logLevel', 'serviceName', 'resourceAttributes', 'resourceDetectors', 'propagators', 'traces', 'metrics', 'logs', 'sampler', 'sampling', 'instrumentations', 'processor', 'shutdownTimeoutMs', 'esmHook', 'opamp']), 'keys', Object.keys(config));
  check(typeof config.sdkDisabled === 'boolean', 'sdkDisabled', config.sdkDisabled);
  check(LOG_LEVEL.allowed.includes(config.logLevel), 'logLevel', config.logLevel);
  check(config.serviceName === undefined || nonBlankString(config.serviceName), 'serviceName', config.serviceName);
  check(stringRecord(config.resourceAttributes), 'resourceAttributes', config.resourceAttributes);
  check(listFrom(config.resourceDetectors, RESOURCE_DETECTORS.allowed) && config.resourceDetectors.length > 0, 'resourceDetectors', config.resourceDetectors);
  check(listFrom(config.propagators, PROPAGATORS.allowed) && config.propagators.length > 0, 'propagators', config.propagators);

  check(TRACES_EXPORTER.allowed.includes(config.traces.exporter), 'traces.exporter', config.traces.exporter);
  check(sameKeys(config.traces, ['exporter', 'otlp', 'attributeValueLengthLimit', 'exportMaxBytes', 'batch', 'countLimits']), 'traces keys', Object.keys(config.traces));
  check(Object.values(config.traces.countLimits).length === 5 && Object.values(config.traces.countLimits).every((n) => within(n, SPAN_EVENT_COUNT_LIMIT)), 'traces.countLimits', config.traces.countLimits);
  const batch = config.traces.batch;
  check(within(batch.scheduleDelayMs, BSP_SCHEDULE_DELAY) && within(batch.maxQueueSize, BSP_MAX_QUEUE_SIZE), 'traces.batch', batch);
  check(within(batch.maxExportBatchSize, BSP_MAX_EXPORT_BATCH_SIZE) && batch.maxExportBatchSize <= batch.maxQueueSize, 'traces.batch.maxExportBatchSize', batch);
  check(within(config.traces.attributeValueLengthLimit, SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT), 'traces.attributeValueLengthLimit', config.traces.attributeValueLengthLimit);
  check(within(config.traces.exportMaxBytes, EXPORT_MAX_BYTES), 'traces.exportMaxBytes', config.traces.exportMaxBytes);
  check(LOGS_EXPORTER.allowed.includes(config.logs.exporter), 'logs.exporter', config.logs.exporter);
  const metrics = config.metrics;
  check(listFrom(metrics.exporters, METRICS_EXPORTER.allowed.filter((n) => n !== 'none')), 'metrics.exporters', metrics.exporters);
  check(within(metrics.exportIntervalMs, METRIC_EXPORT_INTERVAL), 'metrics.exportIntervalMs', metrics.exportIntervalMs);
  check(within(metrics.exportTimeoutMs, METRIC_EXPORT_TIMEOUT), 'metrics.exportTimeoutMs', metrics.exportTimeoutMs);
  check(nonBlankString(metrics.prometheus.host), 'metrics.prometheus.host', metrics.prometheus.host);
  check(within(metrics.prometheus.port, PROMETHEUS_PORT), 'metrics.prometheus.port', metrics.prometheus.port);
  check(nonBlankString(metrics.file.path), 'metrics.file.path', metrics.file.path);
  check(within(metrics.file.maxBytes, METRICS_FILE_MAX_BYTES), 'metrics.file.maxBytes', metrics.file.maxBytes);

  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const otlp = config[signal].otlp;
    check(sameKeys(otlp, ['protocol', 'url', 'headers', 'timeoutMs', 'compression']), `${signal}.otlp keys`, Object.keys(otlp));
    check(OTLP_PROTOCOL.allowed.includes(otlp.protocol), `${signal}.otlp.protocol`, otlp.protocol);
    check(isHttpUrl(otlp.url), `${signal}.otlp.url`, otlp.url);
    check(stringRecord(otlp.headers), `${signal}.otlp.headers`, otlp.headers);
    check(within(otlp.timeoutMs, OTLP_TIMEOUT), `${signal}.otlp.timeoutMs`, otlp.timeoutMs);
    check(OTLP_COMPRESSION.allowed.includes(otlp.compression), `${signal}.otlp.compression`, otlp.compression);
  }

  check(TRACES_SAMPLER.allowed.includes(config.sampler.name), 'sampler.name', config.sampler.name);
  check(within(config.sampler.ratio, TRACES_SAMPLER_ARG), 'sampler.ratio', config.sampler.ratio);
  check(stringList(config.sampling.healthPaths), 'sampling.healthPaths', config.sampling.healthPaths);
  check(within(config.sampling.maxTracesPerSecond, MAX_TRACES_PER_SECOND), 'sampling.maxTracesPerSecond', config.sampling.maxTracesPerSecond);
  check(
    Array.isArray(config.sampling.rules) &&
      config.sampling.rules.every((rule) =>
        sameKeys(rule, ['method', 'pathPrefix', 'ratio']) &&
        (rule.method === undefined || (nonBlankString(rule.method) && rule.method === rule.method.toUpperCase())) &&
        isString(rule.pathPrefix) && (rule.pathPrefix === '' || rule.pathPrefix.startsWith('/')) &&
        within(rule.ratio, TRACES_SAMPLER_ARG)),
    'sampling.rules',
    config.sampling.rules,
  );

  const inst = config.instrumentations;
  // Names are compared with the catalog later, so only their type matters here.
  const names = (v: unknown) => Array.isArray(v) && v.every(isString);
  check(inst.enabled === undefined || names(inst.enabled), 'instrumentations.enabled', inst.enabled);
  check(names(inst.disabled), 'instrumentations.disabled', inst.disabled);
  check(EXPRESS_SPANS.allowed.includes(inst.expressSpans), 'instrumentations.expressSpans', inst.expressSpans);
  check(stringList(inst.captureHeaders) && inst.captureHeaders.every((h) => h === h.toLowerCase()), 'instrumentations.captureHeaders', inst.captureHeaders);
  // Only a configuration file sets these.
  check(Object.keys(inst.options).length === 0 && inst.alsoEnabled.length === 0, 'instrumentations.options/alsoEnabled', inst);

  const proc = config.processor;
  check(within(proc.slowThresholdMs, SLOW_THRESHOLD_MS), 'processor.slowThresholdMs', proc.slowThresholdMs);
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
  check(
    Array.isArray(proc.spanNameRules) &&
      proc.spanNameRules.every((rule) => rule.template.startsWith('/') && Array.isArray(rule.segments) && typeof rule.rest === 'boolean'),
    'processor.spanNameRules',
    proc.spanNameRules,
  );
  check(stringList(proc.redactKeys) && DEFAULT_REDACT_KEYS.every((key, i) => proc.redactKeys[i] === key), 'processor.redactKeys', proc.redactKeys);
  for (const flag of ['sanitizeDbStatements', 'debugSpans', 'requestMetrics'] as const) check(typeof proc[flag] === 'boolean', `processor.${flag}`, proc[flag]);
  check(within(config.shutdownTimeoutMs, SHUTDOWN_TIMEOUT_MS), 'shutdownTimeoutMs', config.shutdownTimeoutMs);
  check(ESM_HOOK.allowed.includes(config.esmHook), 'esmHook', config.esmHook);
  check(config.opamp.endpoint === undefined || isHttpUrl(config.opamp.endpoint), 'opamp.endpoint', config.opamp.endpoint);
  check(within(config.opamp.heartbeatSeconds, OPAMP_HEARTBEAT_SECONDS), 'opamp.heartbeatSeconds', config.opamp.heartbeatSeconds);
  for (const file of ['caFile', 'certFile', 'keyFile'] as const) check(config.opamp.tls[file] === undefined || nonBlankString(config.opamp.tls[file]), `opamp.tls.${file}`, config.opamp.tls[file]);
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
