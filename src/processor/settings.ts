import type { EnvReader } from '../config/env-reader';
import { booleanSetting, keyValuesSetting, listSetting, numberSetting, readRules, readSetting, rulesSetting } from '../config/setting';
import { REQUEST_METRICS } from '../metrics/settings';
import { parseDropRules, type DropRule } from './drop-rules';
import { DEFAULT_REDACT_KEYS } from './redaction';

export const SLOW_THRESHOLD_MS = numberSetting('CUSTOM_OTEL_SLOW_THRESHOLD_MS', 100, { min: 0, max: 86_400_000, fractional: true }, {
  doc: 'spans longer than this get `custom.slow_operation=true`',
});
export const SPAN_ATTRIBUTES = keyValuesSetting('CUSTOM_OTEL_SPAN_ATTRIBUTES', { doc: '`key=value,...` added to every span' });
export const BAGGAGE_KEYS = listSetting('CUSTOM_OTEL_BAGGAGE_KEYS', [], { doc: 'baggage entries copied onto spans' });
export const DROP_SPANS = rulesSetting('CUSTOM_OTEL_DROP_SPANS', 'key=value[&key=value...],...', {
  doc: 'rules, comma-separated; a rule is `key=value` conditions joined by `&`; `name` is the span name, any other key an attribute; a value ending in `*` is a prefix. `name=GET /metrics,http.route=/internal*&http.request.method=GET`',
});
export const REDACT_KEYS = listSetting('CUSTOM_OTEL_REDACT_KEYS', [], {
  doc: 'header, query-parameter or attribute names whose values become `[REDACTED]`, added to the built-in list (authorization, cookie, set-cookie, x-api-key, token, access_token, password, secret, api_key, ...; `_` and `-` alike)',
});
export const SANITIZE_DB_STATEMENTS = booleanSetting('CUSTOM_OTEL_SANITIZE_DB_STATEMENTS', false, { doc: 'replace string and number literals in `db.statement`/`db.query.text` with `?`' });
export const DEBUG_SPANS = booleanSetting('CUSTOM_OTEL_DEBUG_SPANS', false, { doc: 'log each processed span as one JSON line (kinds and status codes as names)' });

export const PROCESSOR_SETTINGS = [SLOW_THRESHOLD_MS, SPAN_ATTRIBUTES, BAGGAGE_KEYS, DROP_SPANS, REDACT_KEYS, SANITIZE_DB_STATEMENTS, DEBUG_SPANS];

export interface ProcessorSettings {
  slowThresholdMs: number;
  spanAttributes: Record<string, string>;
  baggageKeys: string[];
  dropRules: DropRule[];
  /** The built-in keys first, then the ones set. */
  redactKeys: string[];
  sanitizeDbStatements: boolean;
  debugSpans: boolean;
  requestMetrics: boolean;
}

export function readProcessorSettings(read: EnvReader): ProcessorSettings {
  return {
    slowThresholdMs: readSetting(read, SLOW_THRESHOLD_MS),
    spanAttributes: readSetting(read, SPAN_ATTRIBUTES),
    baggageKeys: readSetting(read, BAGGAGE_KEYS),
    dropRules: readRules(read, DROP_SPANS, parseDropRules),
    redactKeys: [...DEFAULT_REDACT_KEYS, ...readSetting(read, REDACT_KEYS).map((k) => k.toLowerCase())],
    sanitizeDbStatements: readSetting(read, SANITIZE_DB_STATEMENTS),
    debugSpans: readSetting(read, DEBUG_SPANS),
    // Counted from the spans the processor sees.
    requestMetrics: readSetting(read, REQUEST_METRICS),
  };
}
