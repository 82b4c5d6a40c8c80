import type { EnvReader } from '../config/env-reader';
import { listSetting, oneOfSetting, readSetting } from '../config/setting';

// Cheap, noisy or rarely useful: on only when named in OTEL_NODE_ENABLED_INSTRUMENTATIONS.
export const DEFAULT_DISABLED_INSTRUMENTATIONS = ['fs', 'dns', 'net', 'host-metrics'];

export const ENABLED_INSTRUMENTATIONS = listSetting('OTEL_NODE_ENABLED_INSTRUMENTATIONS', [], {
  doc: `only these instrumentations (short names \`http,express\` or package names); unset: all but ${DEFAULT_DISABLED_INSTRUMENTATIONS.map((n) => `\`${n}\``).join(', ')}`,
});
export const DISABLED_INSTRUMENTATIONS = listSetting('OTEL_NODE_DISABLED_INSTRUMENTATIONS', [], { doc: 'instrumentations not to start' });
export const EXPRESS_SPANS = oneOfSetting('CUSTOM_OTEL_EXPRESS_SPANS', ['none', 'handlers', 'all'] as const, 'none', {
  doc: 'Express layer spans: `none` (the route still names the HTTP server span and sets `http.route`, taken by our own instrumentation that wraps no layer per request), `handlers` (routers and request handlers, by the upstream instrumentation), `all` (middleware too); the instrumentation of the `router` package (layer spans of Express 5) starts with `handlers` and `all`, or when named in OTEL_NODE_ENABLED_INSTRUMENTATIONS. Off by default: each costs time on every request, a handler span mostly repeats the server span',
});
export const HTTP_CAPTURE_HEADERS = listSetting('CUSTOM_OTEL_HTTP_CAPTURE_HEADERS', [], { doc: 'request headers recorded on HTTP spans (secret ones redacted)' });

export const HTTP_INSTRUMENTATION = oneOfSetting('CUSTOM_OTEL_HTTP_INSTRUMENTATION', ['channels', 'upstream'] as const, 'channels', {
  doc: "how HTTP spans are made: `channels` (ours, fed by Node's `diagnostics_channel`: server spans on every major, with the request's context entered once, no per-request wrapping of the server and, from Node 18 on, the sampling decision first; client spans on Node 22 and later, without patching `http.request`) or `upstream` (`@opentelemetry/instrumentation-http` patching the server's `emit` and `http.request`, as the stock image does). Same spans, attributes and metrics either way; client spans before Node 22 and a configuration with the HTTP instrumentation's hooks take upstream's, and so do client spans with captured headers or the `net`/`dns` instrumentations on",
});

export const INSTRUMENTATION_SETTINGS = [ENABLED_INSTRUMENTATIONS, DISABLED_INSTRUMENTATIONS, EXPRESS_SPANS, HTTP_CAPTURE_HEADERS, HTTP_INSTRUMENTATION];

export interface InstrumentationSettings {
  /** Undefined: the defaults (an empty list would start none). */
  enabled: string[] | undefined;
  disabled: string[];
  expressSpans: (typeof EXPRESS_SPANS.allowed)[number];
  captureHeaders: string[];
  httpInstrumentation: (typeof HTTP_INSTRUMENTATION.allowed)[number];
  /** Constructor options by short name, from a configuration file's `instrumentation/development.js` (none from the environment). */
  options: Record<string, Record<string, unknown>>;
  /** Turned on by a configuration file although off by default. */
  alsoEnabled: string[];
}

export function readInstrumentationSettings(read: EnvReader): InstrumentationSettings {
  const enabled = readSetting(read, ENABLED_INSTRUMENTATIONS);
  return {
    enabled: read.raw(ENABLED_INSTRUMENTATIONS.name) === undefined ? undefined : enabled.map(shortName),
    disabled: readSetting(read, DISABLED_INSTRUMENTATIONS).map(shortName),
    expressSpans: readSetting(read, EXPRESS_SPANS),
    captureHeaders: readSetting(read, HTTP_CAPTURE_HEADERS).map((h) => h.toLowerCase()),
    httpInstrumentation: readSetting(read, HTTP_INSTRUMENTATION),
    options: {},
    alsoEnabled: [],
  };
}

/** Accepts both `express` and `@opentelemetry/instrumentation-express`. */
function shortName(name: string): string {
  return name.replace(/^@opentelemetry\/instrumentation-/, '').toLowerCase();
}
