/**
 * Which instrumentations to start, and with what settings. Pure, so the
 * rules of OTEL_NODE_ENABLED_INSTRUMENTATIONS / _DISABLED_ are easy to test.
 */
import { DEFAULT_DISABLED_INSTRUMENTATIONS, type DistributionConfig } from '../config/config';

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

/** Settings that differ from each instrumentation's own defaults, and why. */
export function instrumentationSettings(name: string, settings: DistributionConfig['instrumentations']): Record<string, unknown> {
  const captureHeaders = settings.captureHeaders;
  switch (name) {
    case 'express':
      // One span per middleware costs time on every request and says little;
      // routers and request handlers keep their spans.
      return settings.expressMiddlewareSpans ? {} : { ignoreLayersType: ['middleware'] };
    case 'http':
      return captureHeaders.length === 0
        ? {}
        : { headersToSpanAttributes: { server: { requestHeaders: [...captureHeaders] }, client: { requestHeaders: [...captureHeaders] } } };
    default:
      return {};
  }
}
