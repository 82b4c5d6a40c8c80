/**
 * Which instrumentations to start, and with what settings. Pure, so the
 * rules of OTEL_NODE_ENABLED_INSTRUMENTATIONS / _DISABLED_ are easy to test.
 */
import type { DistributionConfig } from '../config/config';
import { DEFAULT_DISABLED_INSTRUMENTATIONS } from './settings';

export function selectInstrumentations(available: readonly string[], settings: DistributionConfig['instrumentations']): { selected: string[]; unknown: string[] } {
  const named = [...(settings.enabled ?? []), ...settings.disabled];
  const unknown = named.filter((name) => !available.includes(name));
  const selected = available.filter((name) => {
    if (settings.disabled.includes(name)) return false;
    if (settings.enabled !== undefined) return settings.enabled.includes(name);
    return !DEFAULT_DISABLED_INSTRUMENTATIONS.includes(name);
  });
  return { selected, unknown };
}

const EXPRESS_IGNORED_LAYERS: Record<DistributionConfig['instrumentations']['expressSpans'], string[]> = {
  none: ['middleware', 'router', 'request_handler'],
  handlers: ['middleware'],
  all: [],
};

/** Settings that differ from each instrumentation's own defaults, and why. */
export function instrumentationSettings(name: string, settings: DistributionConfig['instrumentations']): Record<string, unknown> {
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
