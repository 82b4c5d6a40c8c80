/**
 * Every environment variable the distribution reads, learnt by watching
 * parseConfig read an environment (so the list cannot drift from the parser),
 * plus the few read by the OTLP exporters themselves.
 */
import { parseConfig, type ParsedConfig } from './config';
import type { Env } from './env-reader';

// Read by the OTLP exporter packages, not by parseConfig.
const READ_BY_EXPORTERS = ['', 'TRACES_', 'METRICS_', 'LOGS_'].flatMap((signal) =>
  ['CERTIFICATE', 'CLIENT_CERTIFICATE', 'CLIENT_KEY'].map((suffix) => `OTEL_EXPORTER_OTLP_${signal}${suffix}`),
).concat('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE');

function namesRead(parse: (env: Env) => ParsedConfig, base: Env): string[] {
  const seen: string[] = [];
  const watched = new Proxy(base, {
    get(target, name) {
      if (typeof name === 'string' && !seen.includes(name)) seen.push(name);
      return target[name as string];
    },
  });
  parse(watched);
  return seen;
}

export function settingNames(parse: (env: Env) => ParsedConfig = parseConfig): string[] {
  // A ratio sampler makes the parser read OTEL_TRACES_SAMPLER_ARG too.
  const names = new Set([...namesRead(parse, {}), ...namesRead(parse, { OTEL_TRACES_SAMPLER: 'traceidratio' }), ...READ_BY_EXPORTERS]);
  return [...names].filter((name) => /^(CUSTOM_)?OTEL_[A-Z0-9_]+$/.test(name)).sort();
}
