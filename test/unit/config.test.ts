/** parseConfig (src/config/config.ts): defaults, every variable, and one warning per bad one. */
import { describe, expect, it } from 'vitest';
import { parseConfig, type DistributionConfig } from '../../src/config/config';
import type { OtlpTarget } from '../../src/config/otlp-target';

const DEFAULT_OTLP: OtlpTarget = { protocol: 'grpc', url: 'http://localhost:4317', headers: {}, timeoutMs: 10_000, compression: 'none' };
const REDACT_KEYS = [
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'apikey', 'api_key',
  'x-auth-token', 'x-csrf-token', 'x-amz-security-token', 'token', 'access_token', 'refresh_token', 'id_token',
  'password', 'passwd', 'pwd', 'secret', 'client_secret', 'sig', 'signature', 'x-amz-signature', 'x-goog-signature',
  'sessionid', 'session_id',
];

describe('parseConfig defaults', () => {
  it('with an empty environment are the documented ones, without warnings', () => {
    const { config, warnings } = parseConfig({});
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      sdkDisabled: false,
      logLevel: 'info',
      serviceName: undefined,
      resourceAttributes: {},
      resourceDetectors: ['env', 'host', 'os', 'process', 'container'],
      propagators: ['tracecontext', 'baggage'],
      traces: { exporter: 'otlp', otlp: DEFAULT_OTLP, attributeValueLengthLimit: 65_536, exportMaxBytes: 3_145_728, batch: { scheduleDelayMs: 1000, maxQueueSize: 2048, maxExportBatchSize: 512 }, countLimits: { attributeCountLimit: 128, eventCountLimit: 128, linkCountLimit: 128, attributePerEventCountLimit: 128, attributePerLinkCountLimit: 128 } },
      metrics: {
        exporters: ['otlp'],
        otlp: DEFAULT_OTLP,
        exportIntervalMs: 60_000,
        exportTimeoutMs: 30_000,
        prometheus: { host: '0.0.0.0', port: 9464 },
        file: { path: 'otel-metrics.jsonl', maxBytes: 10 * 1024 * 1024 },
      },
      logs: { exporter: 'otlp', otlp: DEFAULT_OTLP },
      sampler: { name: 'parentbased_always_on', ratio: 1 },
      sampling: { healthPaths: ['/health', '/healthz', '/ready', '/readyz', '/live', '/livez', '/ping'], rules: [], maxTracesPerSecond: 0 },
      instrumentations: { enabled: undefined, disabled: [], expressSpans: 'none', captureHeaders: [], httpInstrumentation: 'channels', options: {}, alsoEnabled: [] },
      processor: {
        slowThresholdMs: 100,
        spanAttributes: {},
        baggageKeys: [],
        dropRules: [],
        spanNameRules: [],
        redactKeys: REDACT_KEYS,
        sanitizeDbStatements: false,
        debugSpans: false,
        requestMetrics: true,
      } satisfies DistributionConfig['processor'],
      shutdownTimeoutMs: 2000,
      esmHook: 'auto',
      opamp: { endpoint: undefined, heartbeatSeconds: 30, tls: { caFile: undefined, certFile: undefined, keyFile: undefined } },
    } satisfies DistributionConfig);
  });

  it('are the same for variables that are set but blank', () => {
    const blank = Object.fromEntries(['OTEL_SDK_DISABLED', 'OTEL_LOG_LEVEL', 'OTEL_TRACES_SAMPLER', 'CUSTOM_OTEL_HEALTH_PATHS', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_NODE_ENABLED_INSTRUMENTATIONS'].map((name) => [name, '  ']));
    const { config, warnings } = parseConfig(blank);
    expect(warnings).toEqual([]);
    expect(config).toEqual(parseConfig({}).config);
  });
});

type Pick = (config: DistributionConfig) => unknown;

// [variable, value, what to look at, expected]
const VALID: Array<[string, string, Pick, unknown]> = [
  ['OTEL_SDK_DISABLED', 'TRUE', (c) => c.sdkDisabled, true],
  ['OTEL_LOG_LEVEL', 'Debug', (c) => c.logLevel, 'debug'],
  ['OTEL_SERVICE_NAME', ' checkout ', (c) => c.serviceName, 'checkout'],
  ['OTEL_RESOURCE_ATTRIBUTES', 'service.namespace=shop,deployment.environment.name=prod%20eu', (c) => c.resourceAttributes, { 'service.namespace': 'shop', 'deployment.environment.name': 'prod eu' }],
  ['OTEL_NODE_RESOURCE_DETECTORS', 'Host, OS', (c) => c.resourceDetectors, ['host', 'os']],
  ['OTEL_PROPAGATORS', 'b3multi,jaeger', (c) => c.propagators, ['b3multi', 'jaeger']],
  ['OTEL_TRACES_EXPORTER', 'console', (c) => c.traces.exporter, 'console'],
  ['OTEL_METRICS_EXPORTER', 'prometheus, console', (c) => c.metrics.exporters, ['prometheus', 'console']],
  ['OTEL_METRICS_EXPORTER', 'none', (c) => c.metrics.exporters, []],
  ['OTEL_LOGS_EXPORTER', 'NONE', (c) => c.logs.exporter, 'none'],
  ['OTEL_METRIC_EXPORT_INTERVAL', '100', (c) => c.metrics.exportIntervalMs, 100],
  ['OTEL_METRIC_EXPORT_TIMEOUT', '5000', (c) => c.metrics.exportTimeoutMs, 5000],
  ['OTEL_EXPORTER_PROMETHEUS_HOST', '127.0.0.1', (c) => c.metrics.prometheus.host, '127.0.0.1'],
  ['OTEL_EXPORTER_PROMETHEUS_PORT', '65535', (c) => c.metrics.prometheus.port, 65_535],
  ['CUSTOM_OTEL_METRICS_FILE_MAX_BYTES', '1024', (c) => c.metrics.file.maxBytes, 1024],
  ['OTEL_TRACES_SAMPLER', 'ALWAYS_OFF', (c) => c.sampler, { name: 'always_off', ratio: 1 }],
  ['CUSTOM_OTEL_HEALTH_PATHS', '/status, ,/ok,', (c) => c.sampling.healthPaths, ['/status', '/ok']],
  ['CUSTOM_OTEL_SAMPLING_RULES', 'GET /api=0.5,/static=0', (c) => c.sampling.rules, [{ method: 'GET', pathPrefix: '/api', ratio: 0.5 }, { method: undefined, pathPrefix: '/static', ratio: 0 }]],
  ['CUSTOM_OTEL_MAX_TRACES_PER_SECOND', '0.5', (c) => c.sampling.maxTracesPerSecond, 0.5],
  ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', '@opentelemetry/instrumentation-Express, http', (c) => c.instrumentations.enabled, ['express', 'http']],
  ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', ',', (c) => c.instrumentations.enabled, []],
  ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', 'fs,@opentelemetry/instrumentation-pg', (c) => c.instrumentations.disabled, ['fs', 'pg']],
  ['CUSTOM_OTEL_EXPRESS_SPANS', 'Handlers', (c) => c.instrumentations.expressSpans, 'handlers'],
  ['CUSTOM_OTEL_HTTP_CAPTURE_HEADERS', 'X-Request-Id, User-Agent', (c) => c.instrumentations.captureHeaders, ['x-request-id', 'user-agent']],
  ['CUSTOM_OTEL_SLOW_THRESHOLD_MS', '250.5', (c) => c.processor.slowThresholdMs, 250.5],
  ['CUSTOM_OTEL_SPAN_ATTRIBUTES', 'team=payments,cost.center=42', (c) => c.processor.spanAttributes, { team: 'payments', 'cost.center': '42' }],
  ['CUSTOM_OTEL_BAGGAGE_KEYS', 'tenant, user.tier', (c) => c.processor.baggageKeys, ['tenant', 'user.tier']],
  ['CUSTOM_OTEL_DROP_SPANS', 'name=GET /metrics', (c) => c.processor.dropRules, [[{ key: 'name', value: 'GET /metrics', prefix: false }]]],
  ['CUSTOM_OTEL_REDACT_KEYS', 'X-Internal-Token, ssn', (c) => c.processor.redactKeys, [...REDACT_KEYS, 'x-internal-token', 'ssn']],
  ['CUSTOM_OTEL_SANITIZE_DB_STATEMENTS', 'on', (c) => c.processor.sanitizeDbStatements, true],
  ['CUSTOM_OTEL_DEBUG_SPANS', '1', (c) => c.processor.debugSpans, true],
  ['CUSTOM_OTEL_REQUEST_METRICS', 'false', (c) => c.processor.requestMetrics, false],
  ['CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS', '0', (c) => c.shutdownTimeoutMs, 0],
  ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', '4096', (c) => c.traces.attributeValueLengthLimit, 4096],
  ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', '0', (c) => c.traces.attributeValueLengthLimit, 0],
  ['CUSTOM_OTEL_EXPORT_MAX_BYTES', '1048576', (c) => c.traces.exportMaxBytes, 1_048_576],
  ['CUSTOM_OTEL_ESM_HOOK', 'Never', (c) => c.esmHook, 'never'],
];

describe('parseConfig reads', () => {
  it.each(VALID)('%s=%j', (name, value, pick, expected) => {
    const { config, warnings } = parseConfig({ [name]: value });
    expect(warnings).toEqual([]);
    expect(pick(config)).toEqual(expected);
  });

  it('reads the sampler ratio for ratio samplers only', () => {
    expect(parseConfig({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).config.sampler).toEqual({ name: 'traceidratio', ratio: 0.25 });
    expect(parseConfig({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }).config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0 });
    expect(parseConfig({ OTEL_TRACES_SAMPLER: 'traceidratio' }).config.sampler).toEqual({ name: 'traceidratio', ratio: 1 });
    // An argument that no sampler uses is ignored, not warned about.
    const ignored = parseConfig({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: 'garbage' });
    expect(ignored.config.sampler).toEqual({ name: 'always_on', ratio: 1 });
    expect(ignored.warnings).toEqual([]);
  });

  it('adds the file exporter, once, when CUSTOM_OTEL_METRICS_FILE names a file', () => {
    const withPath = parseConfig({ CUSTOM_OTEL_METRICS_FILE: '/var/log/metrics.jsonl' }).config.metrics;
    expect(withPath.exporters).toEqual(['otlp', 'file']);
    expect(withPath.file.path).toBe('/var/log/metrics.jsonl');
    expect(parseConfig({ CUSTOM_OTEL_METRICS_FILE: '/m.jsonl', OTEL_METRICS_EXPORTER: 'file' }).config.metrics.exporters).toEqual(['file']);
    expect(parseConfig({ CUSTOM_OTEL_METRICS_FILE: '/m.jsonl', OTEL_METRICS_EXPORTER: 'none' }).config.metrics.exporters).toEqual(['file']);
  });

  it('takes the span attribute value limit from the span variable, else the general one, else 64 KiB', () => {
    expect(parseConfig({}).config.traces.attributeValueLengthLimit).toBe(64 * 1024);
    expect(parseConfig({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '200' }).config.traces.attributeValueLengthLimit).toBe(200);
    const badSpan = parseConfig({ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '100', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'x' });
    expect(badSpan.config.traces.attributeValueLengthLimit).toBe(100);
    expect(badSpan.warnings).toEqual(['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT="x" is invalid (not a number); using 100 instead']);
  });

  it('leaves the enabled instrumentations undefined (meaning the defaults) when the variable is absent', () => {
    expect(parseConfig({}).config.instrumentations.enabled).toBeUndefined();
    expect(parseConfig({ OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' ' }).config.instrumentations.enabled).toBeUndefined();
  });
});

// [variable, bad value, what to look at, default used, how the warning names the default]
const INVALID: Array<[string, string, Pick, unknown, string | RegExp]> = [
  ['OTEL_SDK_DISABLED', 'maybe', (c) => c.sdkDisabled, false, 'false'],
  ['OTEL_LOG_LEVEL', 'loud', (c) => c.logLevel, 'info', '"info"'],
  ['OTEL_NODE_RESOURCE_DETECTORS', 'host,gpu', (c) => c.resourceDetectors, ['host'], '"host"'],
  ['OTEL_PROPAGATORS', 'w3c', (c) => c.propagators, ['tracecontext', 'baggage'], '"tracecontext,baggage"'],
  ['OTEL_TRACES_EXPORTER', 'zipkin', (c) => c.traces.exporter, 'otlp', '"otlp"'],
  ['OTEL_METRICS_EXPORTER', 'statsd', (c) => c.metrics.exporters, ['otlp'], '"otlp"'],
  ['OTEL_LOGS_EXPORTER', 'loki', (c) => c.logs.exporter, 'otlp', '"otlp"'],
  ['OTEL_TRACES_SAMPLER', 'sometimes', (c) => c.sampler.name, 'parentbased_always_on', '"parentbased_always_on"'],
  ['OTEL_METRIC_EXPORT_INTERVAL', '50', (c) => c.metrics.exportIntervalMs, 60_000, '60000'],
  ['OTEL_METRIC_EXPORT_INTERVAL', '1.5', (c) => c.metrics.exportIntervalMs, 60_000, '60000'],
  ['OTEL_METRIC_EXPORT_TIMEOUT', '0', (c) => c.metrics.exportTimeoutMs, 30_000, '30000'],
  ['OTEL_EXPORTER_PROMETHEUS_PORT', '70000', (c) => c.metrics.prometheus.port, 9464, '9464'],
  ['OTEL_EXPORTER_PROMETHEUS_PORT', '-1', (c) => c.metrics.prometheus.port, 9464, '9464'],
  ['CUSTOM_OTEL_METRICS_FILE_MAX_BYTES', '100', (c) => c.metrics.file.maxBytes, 10_485_760, '10485760'],
  ['CUSTOM_OTEL_MAX_TRACES_PER_SECOND', '-5', (c) => c.sampling.maxTracesPerSecond, 0, '0'],
  ['CUSTOM_OTEL_SLOW_THRESHOLD_MS', 'fast', (c) => c.processor.slowThresholdMs, 100, '100'],
  ['CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS', '120000', (c) => c.shutdownTimeoutMs, 2000, '2000'],
  ['OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', '-1', (c) => c.traces.attributeValueLengthLimit, 65_536, '65536'],
  ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'big', (c) => c.traces.attributeValueLengthLimit, 65_536, '65536'],
  ['CUSTOM_OTEL_EXPORT_MAX_BYTES', '1000', (c) => c.traces.exportMaxBytes, 3_145_728, '3145728'],
  ['CUSTOM_OTEL_SPAN_ATTRIBUTES', 'team', (c) => c.processor.spanAttributes, {}, /"?the well-formed entries only"?/],
  ['OTEL_RESOURCE_ATTRIBUTES', 'a=%ZZ,b=ok', (c) => c.resourceAttributes, { b: 'ok' }, /"?the well-formed entries only"?/],
  ['CUSTOM_OTEL_SAMPLING_RULES', '/x=2', (c) => c.sampling.rules, [], /"?no rules"?/],
  ['CUSTOM_OTEL_SAMPLING_RULES', '/ok=1,/x=2', (c) => c.sampling.rules, [{ method: undefined, pathPrefix: '/ok', ratio: 1 }], /"?the well-formed rules only"?/],
  ['CUSTOM_OTEL_DROP_SPANS', 'name', (c) => c.processor.dropRules, [], /"?no rules"?/],
  ['CUSTOM_OTEL_SPAN_NAME_RULES', 'GET users/:id', (c) => c.processor.spanNameRules, [], /"?no rules"?/],
  ['CUSTOM_OTEL_SPAN_NAME_RULES', 'GET /a/:id,/b/*/c', (c) => c.processor.spanNameRules.map((r) => r.template), ['/a/:id'], /"?the well-formed rules only"?/],
  ['CUSTOM_OTEL_EXPRESS_SPANS', 'sure', (c) => c.instrumentations.expressSpans, 'none', '"none"'],
  ['CUSTOM_OTEL_SANITIZE_DB_STATEMENTS', 'sure', (c) => c.processor.sanitizeDbStatements, false, 'false'],
  ['CUSTOM_OTEL_DEBUG_SPANS', 'sure', (c) => c.processor.debugSpans, false, 'false'],
  ['CUSTOM_OTEL_REQUEST_METRICS', 'sure', (c) => c.processor.requestMetrics, true, 'true'],
  // Read once per signal, warned about once.
  ['OTEL_EXPORTER_OTLP_ENDPOINT', 'collector:4317', (c) => [c.traces.otlp.url, c.metrics.otlp.url, c.logs.otlp.url], Array(3).fill('http://localhost:4317'), /"?the default endpoint"?/],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'thrift', (c) => [c.traces.otlp.protocol, c.metrics.otlp.protocol, c.logs.otlp.protocol], ['grpc', 'grpc', 'grpc'], '"grpc"'],
  ['OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json', (c) => [c.traces.otlp.url, c.logs.otlp.protocol], ['http://localhost:4318/v1/traces', 'http/protobuf'], '"http/protobuf"'],
  ['OTEL_EXPORTER_OTLP_TIMEOUT', '0', (c) => [c.traces.otlp.timeoutMs, c.metrics.otlp.timeoutMs, c.logs.otlp.timeoutMs], [10_000, 10_000, 10_000], '10000'],
  ['OTEL_EXPORTER_OTLP_COMPRESSION', 'brotli', (c) => c.logs.otlp.compression, 'none', '"none"'],
  ['OTEL_EXPORTER_OTLP_HEADERS', 'novalue', (c) => c.traces.otlp.headers, {}, /"?the well-formed entries only"?/],
  ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'ftp://collector', (c) => c.traces.otlp.url, 'http://localhost:4317', /"?the default endpoint"?/],
  ['OTEL_EXPORTER_OTLP_METRICS_TIMEOUT', 'soon', (c) => c.metrics.otlp.timeoutMs, 10_000, '10000'],
  ['CUSTOM_OTEL_ESM_HOOK', 'sometimes', (c) => c.esmHook, 'auto', '"auto"'],
];

describe('parseConfig rejects', () => {
  it.each(INVALID)('%s=%j with exactly one warning naming it, the value and the default used', (name, value, pick, expected, fallback) => {
    const { config, warnings } = parseConfig({ [name]: value });
    expect(pick(config)).toEqual(expected);
    expect(warnings).toHaveLength(1);
    const [warning] = warnings as [string];
    expect(warning.startsWith(`${name}=${JSON.stringify(value)} is invalid (`)).toBe(true);
    const ending = typeof fallback === 'string' ? new RegExp(`; using ${escapeRegExp(fallback)} instead$`) : new RegExp(`; using ${fallback.source} instead$`);
    expect(warning).toMatch(ending);
  });

  it('warns about ratio arguments outside [0, 1] only for ratio samplers', () => {
    for (const value of ['1.5', '-0.1', 'half']) {
      const { config, warnings } = parseConfig({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: value });
      expect(config.sampler.ratio).toBe(1);
      expect(warnings).toEqual([expect.stringMatching(new RegExp(`^OTEL_TRACES_SAMPLER_ARG=${escapeRegExp(JSON.stringify(value))} is invalid \\(.*\\); using 1 instead$`))]);
    }
  });

  it('gives one warning per bad variable when several are bad', () => {
    const { warnings } = parseConfig({ OTEL_SDK_DISABLED: 'x', OTEL_LOG_LEVEL: 'y', OTEL_EXPORTER_OTLP_ENDPOINT: 'z', OTEL_SERVICE_NAME: 'fine' });
    expect(warnings.map((w) => w.slice(0, w.indexOf('='))).sort()).toEqual(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_LOG_LEVEL', 'OTEL_SDK_DISABLED']);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('review findings', () => {
  it('reads an exporter named twice as once', () => {
    expect(parseConfig({ OTEL_METRICS_EXPORTER: 'otlp,otlp,prometheus,prometheus' }).config.metrics.exporters).toEqual(['otlp', 'prometheus']);
  });

  it('describes a fallback in words, without quotes', () => {
    const { warnings } = parseConfig({ CUSTOM_OTEL_SAMPLING_RULES: '/ok=1,bad', OTEL_RESOURCE_ATTRIBUTES: 'a=1,novalue' });
    expect(warnings).toContain('CUSTOM_OTEL_SAMPLING_RULES="/ok=1,bad" is invalid (malformed rule "bad"); using the well-formed rules only instead');
    expect(warnings).toContain('OTEL_RESOURCE_ATTRIBUTES="a=1,novalue" is invalid (malformed entry "novalue", expected key=value); using the well-formed entries only instead');
  });

  it('keeps a warning about a huge value to one short line', () => {
    const huge = Array.from({ length: 5000 }, (_, i) => `bad-entry-${i}`).join(',');
    const { warnings } = parseConfig({ OTEL_PROPAGATORS: huge, OTEL_RESOURCE_ATTRIBUTES: huge, CUSTOM_OTEL_DROP_SPANS: huge.replace(/,/g, '=,') + '=' });
    expect(warnings).toHaveLength(3);
    for (const warning of warnings) expect(warning.length).toBeLessThan(1000);
    expect(warnings.join('\n')).toContain('and 4997 more');
  });
});
