/** OTEL_CONFIG_FILE: substitution, the mapping onto our settings, errors naming the field, provenance. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { substitute } from '../../src/config/env-substitution';
import { parseConfigYaml } from '../../src/config/config-file-yaml';
import { configFromFile, loadConfig } from '../../src/config/config-source';
import { parseConfig } from '../../src/config/config';
import { instrumentationSettings, selectInstrumentations } from '../../src/instrumentations/selection';
import { REPO_ROOT } from '../../scripts/repository';

const file = (text: string, env: Record<string, string> = {}) => configFromFile(text, env, '/etc/otel.yaml');
const refused = (text: string, env: Record<string, string> = {}) => {
  const outcome = loadConfig({ OTEL_CONFIG_FILE: '/etc/otel.yaml', ...env }, () => text);
  if (outcome.ok) throw new Error('expected the file to be refused');
  return outcome.line;
};

describe('substitute', () => {
  it('resolves ${VAR}, ${env:VAR} and ${VAR:-default}; unset without default is empty', () => {
    const env = { HOST: 'collector', PORT: '4317', EMPTY: '' };
    expect(substitute('http://${HOST}:${env:PORT}', env)).toEqual({ ok: true, value: 'http://collector:4317', referenced: ['HOST', 'PORT'] });
    expect(substitute('${MISSING:-http://localhost:4317}', env)).toMatchObject({ ok: true, value: 'http://localhost:4317' });
    expect(substitute('${EMPTY:-fallback}', env)).toMatchObject({ ok: true, value: 'fallback' });
    expect(substitute('a${MISSING}b', env)).toMatchObject({ ok: true, value: 'ab' });
  });

  it('$$ is a literal $, never the start of a reference; a lone $ stays', () => {
    expect(substitute('$${HOST} costs $5 and $$', { HOST: 'x' })).toMatchObject({ ok: true, value: '${HOST} costs $5 and $' });
  });

  it('a malformed reference is an error naming it', () => {
    const result = substitute('${API_KEY:?required}', {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('"${API_KEY:?required}" is not a valid reference');
  });
});

describe('parseConfigYaml', () => {
  it('substitutes values, not keys; unquoted results are typed, quoted ones stay strings', () => {
    const { data, referenced } = parseConfigYaml('${KEY}: 1\nflag: ${FLAG}\nquoted: "${FLAG}"\nn: ${N}\nnothing: ${UNSET}\n', { KEY: 'k', FLAG: 'true', N: '0.25' });
    expect(data).toEqual({ '${KEY}': 1, flag: true, quoted: 'true', n: 0.25, nothing: null });
    expect(referenced.sort()).toEqual(['FLAG', 'N', 'UNSET']);
  });

  it('a substituted value never becomes structure', () => {
    const { data } = parseConfigYaml('a: ${V}\n', { V: '{x: 1}\nb: 2' });
    expect(data).toEqual({ a: '{x: 1}\nb: 2' });
  });

  it('file_format 1.0 unquoted keeps its text', () => {
    expect(parseConfigYaml('file_format: 1.0\n', {}).data).toEqual({ file_format: '1.0' });
  });
});

const MINIMAL = 'file_format: "1.1"\n';

describe('configFromFile: the mapping onto the typed configuration', () => {
  it('an always_on sampler and an endpoint win over OTEL_* variables of the environment, which are ignored', () => {
    const env = { OTEL_TRACES_SAMPLER: 'always_off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:4317', OTEL_SERVICE_NAME: 'from-env', CUSTOM_OTEL_SLOW_THRESHOLD_MS: '250' };
    const { config, provenance } = file(
      `file_format: "1.1"
resource:
  attributes:
    - name: service.name
      value: from-file
tracer_provider:
  sampler:
    always_on:
  processors:
    - batch:
        exporter:
          otlp_grpc:
            endpoint: http://collector:4317
`,
      env,
    );
    expect(config.sampler.name).toBe('always_on');
    expect(config.traces.exporter).toBe('otlp');
    expect(config.traces.otlp).toMatchObject({ protocol: 'grpc', url: 'http://collector:4317' });
    expect(config.resourceAttributes).toEqual({ 'service.name': 'from-file' });
    expect(config.serviceName).toBeUndefined();
    // Our own settings still come from the environment.
    expect(config.processor.slowThresholdMs).toBe(250);
    expect(provenance).toMatchObject({ OTEL_TRACES_SAMPLER: 'file', OTEL_EXPORTER_OTLP_ENDPOINT: 'file', OTEL_SERVICE_NAME: 'default', CUSTOM_OTEL_SLOW_THRESHOLD_MS: 'environment', CUSTOM_OTEL_DEBUG_SPANS: 'default' });
  });

  it('${VAR:-default} resolves from the environment or its default', () => {
    const text = `file_format: "1.1"
tracer_provider:
  sampler:
    parent_based:
      root:
        trace_id_ratio_based:
          ratio: \${RATIO:-0.25}
  processors:
    - simple:
        exporter:
          otlp_http:
            endpoint: \${COLLECTOR:-http://127.0.0.1:4318}/v1/traces
            headers:
              - name: x-tenant
                value: \${TENANT}
`;
    const fallback = file(text, { TENANT: 'a,b=c' }).config;
    expect(fallback.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.25 });
    expect(fallback.traces.otlp).toMatchObject({ protocol: 'http/protobuf', url: 'http://127.0.0.1:4318/v1/traces', headers: { 'x-tenant': 'a,b=c' } });
    // A simple processor: exported as soon as it ends.
    expect(fallback.traces.batch.scheduleDelayMs).toBe(0);
    const set = file(text, { RATIO: '0.5', COLLECTOR: 'https://c.example:4318' }).config;
    expect(set.sampler.ratio).toBe(0.5);
    expect(set.traces.otlp.url).toBe('https://c.example:4318/v1/traces');
  });

  it('sections left out are the schema\'s no-op: nothing exported, no propagator, no detectors', () => {
    const { config, warnings } = file(MINIMAL, { OTEL_TRACES_EXPORTER: 'console', OTEL_PROPAGATORS: 'b3' });
    expect(config.traces.exporter).toBe('none');
    expect(config.sampler.name).toBe('always_off');
    expect(config.metrics.exporters).toEqual([]);
    expect(config.logs.exporter).toBe('none');
    expect(config.propagators).toEqual(['none']);
    expect(config.resourceDetectors).toEqual(['none']);
    expect(warnings).toEqual([]);
  });

  it('resource attributes, attributes_list (the explicit ones win), detectors, propagators and limits', () => {
    const { config } = file(
      `file_format: "1.0"
log_level: debug
attribute_limits:
  attribute_value_length_limit: 4096
resource:
  attributes_list: \${OTEL_RESOURCE_ATTRIBUTES}
  attributes:
    - name: deployment.environment.name
      value: prod
    - name: replicas
      value: 3
      type: int
  detection/development:
    detectors:
      - host:
      - service:
propagator:
  composite:
    - tracecontext:
    - baggage:
  composite_list: b3,tracecontext
tracer_provider:
  limits:
    attribute_value_length_limit: 1024
    event_count_limit: 16
    link_attribute_count_limit: 4
  processors:
    - batch:
        schedule_delay: 200
        max_queue_size: 100
        max_export_batch_size: 500
        exporter:
          console:
`,
      { OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=p-1,deployment.environment.name=dev' },
    );
    expect(config.logLevel).toBe('debug');
    expect(config.resourceAttributes).toEqual({ 'k8s.pod.name': 'p-1', 'deployment.environment.name': 'prod', replicas: '3' });
    expect(config.resourceDetectors).toEqual(['host', 'os', 'serviceinstance']);
    expect(config.propagators).toEqual(['tracecontext', 'baggage', 'b3']);
    expect(config.traces.attributeValueLengthLimit).toBe(1024);
    expect(config.traces.countLimits).toEqual({ attributeCountLimit: 128, eventCountLimit: 16, linkCountLimit: 128, attributePerEventCountLimit: 128, attributePerLinkCountLimit: 4 });
    expect(config.traces.exporter).toBe('console');
    expect(config.traces.batch).toEqual({ scheduleDelayMs: 200, maxQueueSize: 100, maxExportBatchSize: 100 });
  });

  it('meter and logger providers: readers, interval, OTLP over HTTP, prometheus; TLS files and temporality reach the SDK\'s exporter environment', () => {
    const { config } = file(`file_format: "1.1"
meter_provider:
  readers:
    - periodic:
        interval: 5000
        timeout: 1000
        exporter:
          otlp_http:
            endpoint: http://127.0.0.1:4318/v1/metrics
            temporality_preference: delta
            tls:
              ca_file: /certs/ca.pem
    - pull:
        exporter:
          prometheus/development:
            host: 127.0.0.1
            port: 9999
logger_provider:
  processors:
    - batch:
        exporter:
          otlp_grpc:
            endpoint: http://127.0.0.1:4317
            compression: gzip
            timeout: 0
`);
    expect(config.metrics.exporters).toEqual(['otlp', 'prometheus']);
    expect(config.metrics).toMatchObject({ exportIntervalMs: 5000, exportTimeoutMs: 1000, prometheus: { host: '127.0.0.1', port: 9999 } });
    expect(config.metrics.otlp).toMatchObject({ protocol: 'http/protobuf', url: 'http://127.0.0.1:4318/v1/metrics' });
    expect(config.metrics.otlp.sdkEnv).toMatchObject({ OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE: '/certs/ca.pem', OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta' });
    expect(config.logs.exporter).toBe('otlp');
    expect(config.logs.otlp).toMatchObject({ protocol: 'grpc', url: 'http://127.0.0.1:4317', compression: 'gzip', timeoutMs: 600_000 });
  });

  it('samplers: always_off, probability, composite parent_threshold; an unsupported one warns and the default is used', () => {
    const sampler = (yaml: string) => file(`file_format: "1.1"\ntracer_provider:\n  sampler:\n${yaml}`);
    expect(sampler('    always_off:\n').config.sampler.name).toBe('always_off');
    expect(sampler('    probability/development:\n      ratio: 0.1\n').config.sampler).toEqual({ name: 'traceidratio', ratio: 0.1 });
    expect(sampler('    composite/development:\n      parent_threshold:\n        root:\n          probability:\n            ratio: 0.3\n').config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 0.3 });
    const jaeger = sampler('    jaeger_remote/development:\n      endpoint: http://127.0.0.1:14250\n');
    expect(jaeger.config.sampler.name).toBe('parentbased_always_on');
    expect(jaeger.warnings).toEqual(['OTEL_CONFIG_FILE: tracer_provider.sampler.jaeger_remote/development: the jaeger_remote/development sampler is not shipped in this distribution; the default parentbased_always_on is used']);
  });

  it('instrumentation options reach the constructors, snake_case as camelCase; general http headers; enabled on and off', () => {
    const { config } = file(`file_format: "1.1"
instrumentation/development:
  general:
    http:
      server:
        request_captured_headers: [X-Request-Id]
        response_captured_headers: [content-type]
  js:
    pg:
      enhanced_database_reporting: true
    graphql:
      ignoreTrivialResolveSpans: true
      mergeItems: true
    http:
      ignore_incoming_paths: [/metrics, /internal/*]
    fs:
      enabled: true
    dns:
      enabled: false
`);
    const settings = config.instrumentations;
    expect(instrumentationSettings('pg', settings)).toEqual({ enhancedDatabaseReporting: true });
    expect(instrumentationSettings('graphql', settings)).toEqual({ ignoreTrivialResolveSpans: true, mergeItems: true });
    const http = instrumentationSettings('http', settings);
    expect(http.headersToSpanAttributes).toEqual({ server: { requestHeaders: ['x-request-id'], responseHeaders: ['content-type'] } });
    const ignore = http.ignoreIncomingRequestHook as (request: { url: string }) => boolean;
    expect([ignore({ url: '/metrics' }), ignore({ url: '/metrics?x=1' }), ignore({ url: '/internal/a/b' }), ignore({ url: '/metricsx' }), ignore({ url: '/api' })]).toEqual([true, true, true, false, false]);
    // fs is off by default, dns too; the file turns fs on and keeps dns off.
    expect(selectInstrumentations(['http', 'fs', 'dns', 'pg'], settings).selected).toEqual(['http', 'fs', 'pg']);
  });

  it('our CUSTOM_OTEL_* settings from distribution.custom_otel win over the environment', () => {
    const { config, provenance } = file(
      `file_format: "1.1"
distribution:
  custom_otel:
    health_paths: [/up, /ready]
    sampling_rules: GET /api=0.5
    span_attributes:
      team: payments
      tier: "1"
    debug_spans: true
  other_vendor:
    anything: goes
`,
      { CUSTOM_OTEL_HEALTH_PATHS: '/env', CUSTOM_OTEL_SLOW_THRESHOLD_MS: '5' },
    );
    expect(config.sampling.healthPaths).toEqual(['/up', '/ready']);
    expect(config.sampling.rules).toHaveLength(1);
    expect(config.processor.spanAttributes).toEqual({ team: 'payments', tier: '1' });
    expect(config.processor.debugSpans).toBe(true);
    expect(config.processor.slowThresholdMs).toBe(5);
    expect(provenance).toMatchObject({ CUSTOM_OTEL_HEALTH_PATHS: 'file', CUSTOM_OTEL_SLOW_THRESHOLD_MS: 'environment' });
  });

  it('without OTEL_CONFIG_FILE the environment is read as ever, with its provenance', () => {
    const env = { OTEL_TRACES_SAMPLER: 'always_off' };
    const outcome = loadConfig(env, () => {
      throw new Error('no file is read');
    });
    expect(outcome.ok && outcome.config).toEqual(parseConfig(env).config);
    expect(outcome.ok && outcome.provenance.OTEL_TRACES_SAMPLER).toBe('environment');
    expect(outcome.ok && outcome.provenance.OTEL_PROPAGATORS).toBe('default');
  });
});

describe('a file that cannot be used: one line naming the field, telemetry off', () => {
  const suffix = '; telemetry is off, the app runs uninstrumented';
  it.each([
    ['missing file_format', 'resource: {}\n', 'is invalid at file_format: required, e.g. file_format: "1.1"'],
    ['another major', 'file_format: "2.0"\n', 'is invalid at file_format: version 2.0 is not supported (this distribution reads 1.0 to 1.1); another major version may change what any field means'],
    ['a wrong type', 'file_format: "1.1"\ntracer_provider:\n  sampler:\n    trace_id_ratio_based:\n      ratio: half\n', 'is invalid at tracer_provider.sampler.trace_id_ratio_based.ratio: expected a number, got the string "half"'],
    ['a ratio out of range', 'file_format: "1.1"\ntracer_provider:\n  sampler:\n    trace_id_ratio_based:\n      ratio: 2\n', 'is invalid at tracer_provider.sampler.trace_id_ratio_based.ratio: expected a value from 0 to 1, got 2'],
    ['an unknown field', 'file_format: "1.1"\ntracer_provider:\n  procesors: []\n', 'is invalid at tracer_provider.procesors: unknown field (expected processors, limits, sampler, id_generator, tracer_configurator/development)'],
    ['a bad endpoint', 'file_format: "1.1"\ntracer_provider:\n  processors:\n    - batch:\n        exporter:\n          otlp_grpc:\n            endpoint: collector:4317\n', 'is invalid at tracer_provider.processors[0].batch.exporter.otlp_grpc.endpoint: "collector:4317" is invalid (expected an http:// or https:// URL)'],
    ['a bad reference', 'file_format: "1.1"\nresource:\n  attributes_list: ${OOPS\n', 'is invalid at resource.attributes_list: "${OOPS" is not a valid reference'],
    ['broken YAML', 'file_format: "1.1"\n  bad: [\n', 'is invalid: not valid YAML at line 2'],
    ['an unknown custom setting', 'file_format: "1.1"\ndistribution:\n  custom_otel:\n    slow_treshold_ms: 5\n', 'is invalid at distribution.custom_otel.slow_treshold_ms: not a setting of this distribution'],
    ['a custom setting out of range', 'file_format: "1.1"\ndistribution:\n  custom_otel:\n    max_traces_per_second: -1\n', 'is invalid at distribution.custom_otel.max_traces_per_second: "-1" is invalid (expected a value from 0 to 1000000)'],
  ])('%s', (_, text, expected) => {
    const line = refused(text);
    expect(line.startsWith('OTEL_CONFIG_FILE="/etc/otel.yaml" ')).toBe(true);
    expect(line).toContain(expected);
    expect(line.endsWith(suffix)).toBe(true);
    expect(line).not.toContain('\n');
  });

  it('a missing or unreadable file', () => {
    const outcome = loadConfig({ OTEL_CONFIG_FILE: '/nowhere/otel.yaml' });
    expect(outcome).toEqual({ ok: false, line: `OTEL_CONFIG_FILE="/nowhere/otel.yaml" cannot be read (no such file)${suffix}` });
  });

  it('a later minor of major 1 warns and runs; the fields it adds are said and skipped, not refused', () => {
    const { warnings, file: read, config } = file('file_format: "1.7"\ntracer_provider:\n  new_in_1_7: {x: 1}\n  sampler:\n    always_on:\n');
    expect(read).toEqual({ path: '/etc/otel.yaml', format: '1.7' });
    expect(config.sampler.name).toBe('always_on');
    expect(warnings).toEqual([
      'OTEL_CONFIG_FILE: file_format: version 1.7 is newer than this distribution reads (up to 1.1); fields that 1.1 does not have are skipped, each said once, the rest is used',
      'OTEL_CONFIG_FILE: tracer_provider.new_in_1_7: not in file_format 1.1; skipped',
    ]);
    // The same field in a 1.1 file is a typo: refused.
    expect(refused('file_format: "1.1"\ntracer_provider:\n  new_in_1_7: {x: 1}\n')).toContain('is invalid at tracer_provider.new_in_1_7: unknown field');
  });
});

describe('docs/otel-config.example.yaml', () => {
  it('parses and is valid, with and without the operator\'s variables', () => {
    const text = readFileSync(join(REPO_ROOT, 'docs/otel-config.example.yaml'), 'utf8');
    const bare = file(text);
    expect(bare.warnings).toEqual([]);
    expect(bare.config.traces.otlp).toMatchObject({ protocol: 'grpc', url: 'http://localhost:4317' });
    expect(bare.config.sampler).toEqual({ name: 'parentbased_traceidratio', ratio: 1 });
    const operator = file(text, { OTEL_SERVICE_NAME: 'shop', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4317', OTEL_RESOURCE_ATTRIBUTES: 'k8s.pod.name=shop-1', SAMPLING_RATIO: '0.25' });
    expect(operator.config.resourceAttributes).toEqual({ 'k8s.pod.name': 'shop-1', 'service.name': 'shop' });
    expect(operator.config.traces.otlp.url).toBe('http://otel-collector:4317');
    expect(operator.config.metrics.otlp.url).toBe('http://otel-collector:4317');
    expect(operator.config.sampler.ratio).toBe(0.25);
    expect(operator.config.sampling.healthPaths).toEqual(['/health', '/healthz', '/ready', '/livez']);
    expect(operator.config.instrumentations.disabled).toEqual(['fs']);
  });
});
