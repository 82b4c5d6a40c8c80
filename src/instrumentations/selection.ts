/**
 * Which instrumentations to start, and with what settings. Pure, so the
 * rules of OTEL_NODE_ENABLED_INSTRUMENTATIONS / _DISABLED_ are easy to test.
 */
import type { DistributionConfig } from '../config/config';
import { DEFAULT_DISABLED_INSTRUMENTATIONS } from './settings';
import { withFileOptions } from './file-options';

/** Ours, each going with an upstream instrumentation: on when it is on, unless disabled by name. */
export const COMPANIONS: Readonly<Record<string, string>> = { 'mysql2-pool-metrics': 'mysql2' };

/**
 * Instrumentations that only make layer spans: the `router` package's (the
 * router of Express 5 and NestJS on it) has no setting to leave them out and
 * made five spans per request in a NestJS hello-world. With
 * CUSTOM_OTEL_EXPRESS_SPANS=none the route comes from our express route
 * instrumentation, so these start only when named in
 * OTEL_NODE_ENABLED_INSTRUMENTATIONS.
 */
const LAYER_SPANS_ONLY = ['router'];

export function selectInstrumentations(available: readonly string[], settings: DistributionConfig['instrumentations']): { selected: string[]; unknown: string[] } {
  const named = [...(settings.enabled ?? []), ...settings.disabled, ...settings.alsoEnabled, ...Object.keys(settings.options)];
  const unknown = named.filter((name) => !available.includes(name));
  const chosen = (name: string): boolean => {
    if (settings.disabled.includes(name)) return false;
    if (settings.alsoEnabled.includes(name)) return true;
    const leader = COMPANIONS[name];
    if (leader !== undefined) return available.includes(leader) && chosen(leader);
    if (settings.enabled !== undefined) return settings.enabled.includes(name);
    if (settings.expressSpans === 'none' && LAYER_SPANS_ONLY.includes(name)) return false;
    return !DEFAULT_DISABLED_INSTRUMENTATIONS.includes(name);
  };
  return { selected: available.filter(chosen), unknown };
}

const EXPRESS_IGNORED_LAYERS: Record<DistributionConfig['instrumentations']['expressSpans'], string[]> = {
  none: ['middleware', 'router', 'request_handler'],
  handlers: ['middleware'],
  all: [],
};

/** Each instrumentation's constructor options: ours, then a configuration file's over them. */
export function instrumentationSettings(name: string, settings: DistributionConfig['instrumentations']): Record<string, unknown> {
  return withFileOptions(name, ourSettings(name, settings), settings.options[name]);
}

/** Settings that differ from each instrumentation's own defaults, and why. */
function ourSettings(name: string, settings: DistributionConfig['instrumentations']): Record<string, unknown> {
  const captureHeaders = settings.captureHeaders;
  switch (name) {
    case 'express':
      // The route still names the server span (express sets it before it
      // decides on a layer span). Layer spans cost time on every request:
      // a handler span mostly repeats the server span, and one per
      // middleware says little. CUSTOM_OTEL_EXPRESS_SPANS turns them back on.
      return { ignoreLayersType: EXPRESS_IGNORED_LAYERS[settings.expressSpans] };
    case 'http':
      return captureHeaders.length === 0
        ? {}
        : { headersToSpanAttributes: { server: { requestHeaders: [...captureHeaders] }, client: { requestHeaders: [...captureHeaders] } } };
    default:
      return {};
  }
}
