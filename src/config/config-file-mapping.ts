/**
 * An OTEL_CONFIG_FILE (opentelemetry-configuration schema, file_format 1.x)
 * mapped onto the variables of our settings rows: the same readers then make
 * the same typed configuration as from the environment, so nothing
 * downstream knows where a value came from. Pure. Structure and types are
 * checked here (an error names the field); values are checked by the rows'
 * readers, whose complaints are turned back into the field's path.
 */
import { EnvReader } from './env-reader';
import { FileValue } from './file-walk';
import { mapSampler } from './config-file-sampler';
import { mapInstrumentation } from './config-file-instrumentation';

export const SUPPORTED_FILE_FORMAT = { major: 1, minor: 1 };

export interface FileSettings {
  fileFormat: string;
  /** Variable name to value, as the file sets them. */
  variables: Record<string, string>;
  /** Variable name to the path in the file it came from. */
  origins: Record<string, string>;
  /** Options for instrumentation constructors, by short name, from `instrumentation/development.js`. */
  instrumentationOptions: Record<string, Record<string, unknown>>;
  /** Instrumentations the file turns on (`js.<name>.enabled: true`), off by default otherwise. */
  alsoEnabled: string[];
  /** Valid but not acted on; the app runs. */
  warnings: string[];
}

type Signal = 'TRACES' | 'METRICS' | 'LOGS';

const TOP_LEVEL = ['file_format', 'disabled', 'log_level', 'attribute_limits', 'logger_provider', 'meter_provider', 'propagator', 'tracer_provider', 'resource', 'instrumentation/development', 'distribution'];
/** Our extension section: `distribution: custom_otel:`, keys are our CUSTOM_OTEL_* settings in lower case without the prefix. */
export const EXTENSION_KEY = 'custom_otel';

export function mapConfigFile(data: unknown, customSettings: readonly string[]): FileSettings {
  const out: FileSettings = { fileFormat: '', variables: {}, origins: {}, instrumentationOptions: {}, alsoEnabled: [], warnings: [] };
  const set = (variable: string, value: string, at: FileValue) => {
    out.variables[variable] = value;
    out.origins[variable] = at.path;
  };
  const warn = (at: FileValue, text: string) => out.warnings.push(`${at.path}: ${text}`);

  const strict = new FileValue(data, '');
  if (!strict.isSet || typeof data !== 'object' || Array.isArray(data)) strict.fail('the file is not a mapping of settings (is it empty?)');
  // Checked first: a file of another major may mean anything.
  const format = strict.entries().find(([key]) => key === 'file_format')?.[1] ?? new FileValue(undefined, 'file_format');
  if (!format.isSet) format.fail('required, e.g. file_format: "1.1"');
  const { text, newer } = checkFileFormat(format);
  out.fileFormat = text;
  const supported = `${SUPPORTED_FILE_FORMAT.major}.${SUPPORTED_FILE_FORMAT.minor}`;
  if (newer) warn(format, `version ${text} is newer than this distribution reads (up to ${supported}); fields that ${supported} does not have are skipped, each said once, the rest is used`);
  // A later minor may add fields: those are said and skipped, not refused.
  const root = newer ? new FileValue(data, '', (field) => warn(field, `not in file_format ${supported}; skipped`)) : strict;
  const top = root.object(TOP_LEVEL);

  if (top.disabled?.isSet) set('OTEL_SDK_DISABLED', String(top.disabled.boolean()), top.disabled);
  if (top.log_level?.isSet) set('OTEL_LOG_LEVEL', logLevel(top.log_level), top.log_level);

  const attributeLimits = top.attribute_limits?.object(['attribute_value_length_limit', 'attribute_count_limit']) ?? {};
  lengthLimit(attributeLimits.attribute_value_length_limit, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT', set);
  countLimit(attributeLimits.attribute_count_limit, 'OTEL_ATTRIBUTE_COUNT_LIMIT', set);

  mapResource(top.resource ?? new FileValue(undefined, 'resource'), set);
  mapPropagators(top.propagator ?? new FileValue(undefined, 'propagator'), set);
  mapTracerProvider(top.tracer_provider ?? new FileValue(undefined, 'tracer_provider'), set, warn);
  mapMeterProvider(top.meter_provider ?? new FileValue(undefined, 'meter_provider'), set, warn);
  mapLoggerProvider(top.logger_provider ?? new FileValue(undefined, 'logger_provider'), set, warn);
  if (top['instrumentation/development']) mapInstrumentation(top['instrumentation/development'], out, set, warn);
  if (top.distribution) mapDistribution(top.distribution, customSettings, set);
  return out;
}

function checkFileFormat(format: FileValue): { text: string; newer: boolean } {
  const text = typeof format.value === 'number' ? String(format.value) : format.string();
  const match = /^(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!match) format.fail(`expected a version such as "1.1", got ${JSON.stringify(text)}`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const supported = `${SUPPORTED_FILE_FORMAT.major}.0 to ${SUPPORTED_FILE_FORMAT.major}.${SUPPORTED_FILE_FORMAT.minor}`;
  if (major !== SUPPORTED_FILE_FORMAT.major) format.fail(`version ${text} is not supported (this distribution reads ${supported}); another major version may change what any field means`);
  return { text, newer: minor > SUPPORTED_FILE_FORMAT.minor };
}

// The schema's severities; ours has no fatal, the SDK's most detailed level is verbose.
function logLevel(value: FileValue): string {
  const text = value.string().trim().toLowerCase();
  const base = /^(trace|debug|info|warn|error|fatal)[234]?$/.exec(text)?.[1];
  if (!base) value.fail(`expected a severity: trace, debug, info, warn, error or fatal, got ${JSON.stringify(text)}`);
  return ({ trace: 'verbose', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'error' } as Record<string, string>)[base]!;
}

export type Set = (variable: string, value: string, at: FileValue) => void;
export type Warn = (at: FileValue, text: string) => void;

// null: no limit, which our rows cap at their maximum.
function lengthLimit(value: FileValue | undefined, variable: string, set: Set): void {
  if (value === undefined) return;
  set(variable, value.isSet ? String(value.integer(0)) : String(1024 ** 3), value);
}

function countLimit(value: FileValue | undefined, variable: string, set: Set): void {
  if (value?.isSet) set(variable, String(value.integer(0)), value);
}

/** `key=value` pairs as the environment carries them, values percent-encoded. */
function encodePairs(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join(',');
}

/** An `attributes_list`/`headers_list` string, read as its environment variable would be. */
function parsePairs(value: FileValue): Record<string, string> {
  const reader = new EnvReader({ LIST: value.string() });
  const pairs = reader.keyValues('LIST');
  if (reader.warnings.length > 0) value.fail(reader.warnings[0]!.replace(/^LIST=/, '').replace(/; using .*$/, ''));
  return pairs;
}

function attributeValue(value: FileValue, type: string | undefined): string {
  const raw = value.value;
  if (Array.isArray(raw)) {
    if (type !== undefined && !type.endsWith('_array')) value.fail(`a list given for type ${type}`);
    return raw.map((item) => String(item)).join(',');
  }
  if (typeof raw === 'object') value.fail('expected a string, number, boolean or a list of them, got a mapping');
  if (type === 'bool' && typeof raw !== 'boolean') value.fail(`expected true or false for type bool, got ${JSON.stringify(raw)}`);
  if ((type === 'int' && !Number.isInteger(raw)) || (type === 'double' && typeof raw !== 'number')) value.fail(`expected a number for type ${type}, got ${JSON.stringify(raw)}`);
  return String(raw);
}

const ATTRIBUTE_TYPES = ['string', 'bool', 'int', 'double', 'string_array', 'bool_array', 'int_array', 'double_array'] as const;
const DETECTORS: Record<string, string[]> = { container: ['container'], host: ['host', 'os'], process: ['process'], service: ['serviceinstance'] };

function mapResource(resource: FileValue, set: Set): void {
  const fields = resource.object(['attributes', 'attributes_list', 'detection/development', 'schema_url']);
  // `attributes` win over `attributes_list`, as the schema says.
  const attributes: Record<string, string> = fields.attributes_list?.isSet ? parsePairs(fields.attributes_list) : {};
  for (const entry of fields.attributes?.list() ?? []) {
    const attribute = entry.object(['name', 'value', 'type']);
    const name = entry.need(attribute.name, 'an attribute needs a name');
    const value = attribute.value ?? entry.fail('an attribute needs a value');
    const type = attribute.type?.isSet ? attribute.type.oneOf(ATTRIBUTE_TYPES) : undefined;
    // A null value: the entry is ignored, as the schema says.
    if (value.isSet) attributes[name.string()] = attributeValue(value, type);
  }
  if (Object.keys(attributes).length > 0) set('OTEL_RESOURCE_ATTRIBUTES', encodePairs(attributes), fields.attributes ?? fields.attributes_list!);

  // No detection section: no detectors, as the schema says.
  const detection = fields['detection/development'] ?? new FileValue(undefined, `${resource.path}.detection/development`);
  const detectors = detection.object(['detectors', 'attributes']).detectors;
  const names = (detectors?.list() ?? []).flatMap((entry) => DETECTORS[entry.choice(Object.keys(DETECTORS))[0]]!);
  set('OTEL_NODE_RESOURCE_DETECTORS', names.length > 0 ? [...new Set(names)].join(',') : 'none', detectors ?? detection);
}

const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger'];

function mapPropagators(propagator: FileValue, set: Set): void {
  const fields = propagator.object(['composite', 'composite_list']);
  const names = (fields.composite?.list() ?? []).map((entry) => entry.choice(PROPAGATORS)[0]);
  if (fields.composite_list?.isSet) names.push(...fields.composite_list.string().split(',').map((name) => name.trim()).filter((name) => name !== ''));
  // No propagator section: none, as the schema says (a no-op propagator).
  set('OTEL_PROPAGATORS', names.length > 0 ? [...new Set(names)].join(',') : 'none', fields.composite ?? fields.composite_list ?? propagator);
}

const PUSH_EXPORTERS = ['otlp_grpc', 'otlp_http', 'console', 'otlp_file/development', 'zipkin'];

/**
 * One OTLP exporter's fields onto the per-signal variables (which win over
 * the general ones, and whose endpoint is used as is, as the schema's is).
 */
function mapOtlpExporter(kind: string, exporter: FileValue, signal: Signal, set: Set): void {
  const known = ['endpoint', 'tls', 'headers', 'headers_list', 'compression', 'timeout', ...(kind === 'otlp_http' ? ['encoding'] : []), ...(signal === 'METRICS' ? ['temporality_preference', 'default_histogram_aggregation'] : [])];
  const fields = exporter.object(known);
  const prefix = `OTEL_EXPORTER_OTLP_${signal}_`;
  set(`${prefix}PROTOCOL`, kind === 'otlp_grpc' ? 'grpc' : 'http/protobuf', exporter);
  if (fields.encoding?.isSet && fields.encoding.oneOf(['protobuf', 'json']) === 'json') fields.encoding.fail('json encoding is not shipped in this distribution; use protobuf');
  if (fields.endpoint?.isSet) set(`${prefix}ENDPOINT`, fields.endpoint.string().trim(), fields.endpoint);
  const headers: Record<string, string> = fields.headers_list?.isSet ? parsePairs(fields.headers_list) : {};
  for (const entry of fields.headers?.list() ?? []) {
    const header = entry.object(['name', 'value']);
    const name = entry.need(header.name, 'a header needs a name');
    if (header.value?.isSet) headers[name.string()] = header.value.string();
  }
  if (Object.keys(headers).length > 0) set(`${prefix}HEADERS`, encodePairs(headers), fields.headers ?? fields.headers_list!);
  if (fields.compression?.isSet) set(`${prefix}COMPRESSION`, fields.compression.string(), fields.compression);
  // 0 is "no limit" to the schema; our longest is ten minutes.
  if (fields.timeout?.isSet) set(`${prefix}TIMEOUT`, String(fields.timeout.integer(0) || 600_000), fields.timeout);
  const tls = fields.tls?.object(['ca_file', 'key_file', 'cert_file', ...(kind === 'otlp_grpc' ? ['insecure'] : [])]) ?? {};
  if (tls.ca_file?.isSet) set(`${prefix}CERTIFICATE`, tls.ca_file.string(), tls.ca_file);
  if (tls.cert_file?.isSet) set(`${prefix}CLIENT_CERTIFICATE`, tls.cert_file.string(), tls.cert_file);
  if (tls.key_file?.isSet) set(`${prefix}CLIENT_KEY`, tls.key_file.string(), tls.key_file);
  // `insecure` is said by the endpoint's scheme here: http:// is plaintext, https:// TLS.
  if (tls.insecure?.isSet) tls.insecure.boolean();
  if (fields.temporality_preference?.isSet) {
    const preference = fields.temporality_preference.oneOf(['cumulative', 'delta', 'low_memory']);
    set('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', preference === 'low_memory' ? 'lowmemory' : preference, fields.temporality_preference);
  }
  if (fields.default_histogram_aggregation?.isSet) {
    set('OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION', fields.default_histogram_aggregation.oneOf(['explicit_bucket_histogram', 'base2_exponential_bucket_histogram']), fields.default_histogram_aggregation);
  }
}

/**
 * A signal's exporter: `otlp`, `console`, or undefined for one we do not
 * ship (warned, the processor or reader is skipped).
 */
function mapPushExporter(exporter: FileValue, signal: Signal, set: Set, warn: Warn): 'otlp' | 'console' | undefined {
  const [kind, fields] = exporter.choice(PUSH_EXPORTERS);
  if (kind === 'console') {
    fields.object(signal === 'METRICS' ? ['temporality_preference', 'default_histogram_aggregation'] : []);
    return 'console';
  }
  if (kind === 'otlp_grpc' || kind === 'otlp_http') {
    mapOtlpExporter(kind, fields, signal, set);
    return 'otlp';
  }
  warn(fields, `the ${kind} exporter is not shipped in this distribution; skipped`);
  return undefined;
}

/** The batch or simple processors of spans or log records: ours export through one. */
function mapProcessors(processors: FileValue, signal: 'TRACES' | 'LOGS', set: Set, warn: Warn): void {
  const exporterVariable = `OTEL_${signal}_EXPORTER`;
  let chosen = false;
  for (const entry of processors.list()) {
    const [kind, processor] = entry.choice(['batch', 'simple']);
    const fields = processor.object(kind === 'batch' ? ['schedule_delay', 'export_timeout', 'max_queue_size', 'max_export_batch_size', 'exporter'] : ['exporter']);
    const exporterField = processor.need(fields.exporter, 'a processor needs an exporter');
    if (chosen) {
      warn(entry, 'one processor per signal is used here; this one is skipped');
      continue;
    }
    const exporter = mapPushExporter(exporterField, signal, set, warn);
    if (exporter === undefined) continue;
    chosen = true;
    set(exporterVariable, exporter, exporterField);
    // The batch processor's tuning, in the variables of its settings.
    const prefix = signal === 'TRACES' ? 'OTEL_BSP_' : 'OTEL_BLRP_';
    if (kind === 'simple') set(`${prefix}SCHEDULE_DELAY`, '0', entry);
    if (fields.schedule_delay?.isSet) set(`${prefix}SCHEDULE_DELAY`, String(fields.schedule_delay.integer(0)), fields.schedule_delay);
    if (fields.export_timeout?.isSet) {
      const timeout = String(fields.export_timeout.integer(0) || 600_000);
      // Our span export is bounded by the exporter's own timeout.
      if (signal === 'TRACES') warn(fields.export_timeout, 'each span export is bounded by the exporter\'s timeout here; ignored');
      else set(`${prefix}EXPORT_TIMEOUT`, timeout, fields.export_timeout);
    }
    if (fields.max_queue_size?.isSet) set(`${prefix}MAX_QUEUE_SIZE`, String(fields.max_queue_size.integer(1)), fields.max_queue_size);
    if (fields.max_export_batch_size?.isSet) set(`${prefix}MAX_EXPORT_BATCH_SIZE`, String(fields.max_export_batch_size.integer(1)), fields.max_export_batch_size);
  }
  // No processor: nothing exported, as the schema's no-op provider.
  if (!chosen) set(exporterVariable, 'none', processors);
}

function mapTracerProvider(provider: FileValue, set: Set, warn: Warn): void {
  if (!provider.isSet) {
    // No tracer provider: the schema's no-op one; no spans are made or sent.
    set('OTEL_TRACES_EXPORTER', 'none', provider);
    set('OTEL_TRACES_SAMPLER', 'always_off', provider);
    return;
  }
  const fields = provider.object(['processors', 'limits', 'sampler', 'id_generator', 'tracer_configurator/development']);
  mapProcessors(fields.processors ?? new FileValue(undefined, `${provider.path}.processors`), 'TRACES', set, warn);
  const limits = fields.limits?.object(['attribute_value_length_limit', 'attribute_count_limit', 'event_count_limit', 'link_count_limit', 'event_attribute_count_limit', 'link_attribute_count_limit']) ?? {};
  lengthLimit(limits.attribute_value_length_limit, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', set);
  countLimit(limits.attribute_count_limit, 'OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', set);
  countLimit(limits.event_count_limit, 'OTEL_SPAN_EVENT_COUNT_LIMIT', set);
  countLimit(limits.link_count_limit, 'OTEL_SPAN_LINK_COUNT_LIMIT', set);
  countLimit(limits.event_attribute_count_limit, 'OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT', set);
  countLimit(limits.link_attribute_count_limit, 'OTEL_LINK_ATTRIBUTE_COUNT_LIMIT', set);
  if (fields.sampler?.isSet) {
    const sampler = mapSampler(fields.sampler, warn);
    set('OTEL_TRACES_SAMPLER', sampler.name, fields.sampler);
    if (sampler.ratio !== undefined) set('OTEL_TRACES_SAMPLER_ARG', String(sampler.ratio), sampler.at);
  }
  for (const key of ['id_generator', 'tracer_configurator/development'] as const) {
    if (fields[key]?.isSet) warn(fields[key], 'not supported by this distribution; ignored (random ids, every tracer enabled)');
  }
}

function mapMeterProvider(provider: FileValue, set: Set, warn: Warn): void {
  const fields = provider.object(['readers', 'views', 'exemplar_filter', 'meter_configurator/development']);
  const exporters: string[] = [];
  let periodicAt: FileValue | undefined;
  for (const entry of fields.readers?.list() ?? []) {
    const [kind, reader] = entry.choice(['periodic', 'pull']);
    if (kind === 'pull') {
      const pull = reader.object(['exporter', 'producers', 'cardinality_limits']);
      const [, prometheus] = reader.need(pull.exporter, 'a reader needs an exporter').choice(['prometheus/development']);
      const options = prometheus.object(['host', 'port', 'scope_info_enabled', 'target_info_enabled/development', 'resource_constant_labels', 'translation_strategy', 'without_scope_info', 'without_target_info/development', 'with_resource_constant_labels', 'without_units', 'without_type_suffix']);
      if (options.host?.isSet) set('OTEL_EXPORTER_PROMETHEUS_HOST', options.host.string(), options.host);
      if (options.port?.isSet) set('OTEL_EXPORTER_PROMETHEUS_PORT', String(options.port.integer(1, 65_535)), options.port);
      exporters.push('prometheus');
      continue;
    }
    const periodic = reader.object(['interval', 'timeout', 'exporter', 'producers', 'cardinality_limits', 'max_export_batch_size/development']);
    const exporter = mapPushExporter(reader.need(periodic.exporter, 'a reader needs an exporter'), 'METRICS', set, warn);
    if (exporter === undefined) continue;
    if (exporters.includes(exporter)) {
      warn(entry, `a second ${exporter} reader is not supported; skipped`);
      continue;
    }
    exporters.push(exporter);
    // One interval for every periodic reader here: the first reader's.
    if (periodicAt === undefined) {
      periodicAt = reader;
      if (periodic.interval?.isSet) set('OTEL_METRIC_EXPORT_INTERVAL', String(periodic.interval.integer(0)), periodic.interval);
      if (periodic.timeout?.isSet) set('OTEL_METRIC_EXPORT_TIMEOUT', String(periodic.timeout.integer(0) || 600_000), periodic.timeout);
    } else if (periodic.interval?.isSet || periodic.timeout?.isSet) {
      warn(reader, `every periodic reader exports at the interval of the first (${periodicAt.path})`);
    }
  }
  // No reader (or no meter provider): no metrics, as the schema's no-op provider.
  set('OTEL_METRICS_EXPORTER', exporters.length > 0 ? exporters.join(',') : 'none', fields.readers ?? provider);
  for (const key of ['views', 'meter_configurator/development'] as const) {
    if (fields[key]?.isSet) warn(fields[key], 'not supported by this distribution; ignored');
  }
  if (fields.exemplar_filter?.isSet) fields.exemplar_filter.oneOf(['always_on', 'always_off', 'trace_based']);
}

function mapLoggerProvider(provider: FileValue, set: Set, warn: Warn): void {
  const fields = provider.object(['processors', 'limits', 'logger_configurator/development']);
  mapProcessors(fields.processors ?? new FileValue(undefined, `${provider.path}.processors`), 'LOGS', set, warn);
  const limits = fields.limits?.object(['attribute_value_length_limit', 'attribute_count_limit']) ?? {};
  lengthLimit(limits.attribute_value_length_limit, 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', set);
  countLimit(limits.attribute_count_limit, 'OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', set);
  if (fields['logger_configurator/development']?.isSet) warn(fields['logger_configurator/development'], 'not supported by this distribution; ignored');
}

function mapDistribution(section: FileValue, customSettings: readonly string[], set: Set): void {
  for (const [name, fields] of section.entries()) {
    // Other distributions' sections are theirs to read.
    if (name !== EXTENSION_KEY) continue;
    for (const [key, value] of fields.entries()) {
      const variable = `CUSTOM_OTEL_${key.toUpperCase()}`;
      if (!customSettings.includes(variable)) value.fail(`not a setting of this distribution (expected one of ${customSettings.map((n) => n.slice('CUSTOM_OTEL_'.length).toLowerCase()).join(', ')})`);
      set(variable, customValue(value), value);
    }
  }
}

/** Our settings as their variables carry them: lists comma-separated, mappings as `key=value` pairs. */
function customValue(value: FileValue): string {
  const raw = value.value;
  if (raw === null || raw === undefined) return '';
  if (Array.isArray(raw)) return value.list().map((item) => scalarText(item)).join(',');
  if (typeof raw === 'object') return encodePairs(Object.fromEntries(value.entries().map(([key, item]) => [key, scalarText(item)])));
  return scalarText(value);
}

function scalarText(value: FileValue): string {
  const raw = value.value;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  return value.fail('expected a string, number or boolean');
}
