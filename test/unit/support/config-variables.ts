/**
 * The variables parseConfig reads, found by watching it read: some names are
 * built at run time (OTEL_EXPORTER_OTLP_<SIGNAL>_<SETTING>), and the sampler
 * argument is only read for ratio samplers, so a few environments are tried.
 */
import { parseConfig } from '../../../src/config/config';

export function variablesReadByParseConfig(): string[] {
  const read = new Set<string>();
  const watching = new Proxy({} as Record<string, string | undefined>, {
    get(_target, name) {
      if (typeof name === 'string') read.add(name);
      return undefined;
    },
  });
  parseConfig(watching);
  for (const sampler of ['traceidratio', 'parentbased_traceidratio']) {
    parseConfig(new Proxy({ OTEL_TRACES_SAMPLER: sampler } as Record<string, string | undefined>, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    }));
  }
  return [...read].filter((name) => /^(CUSTOM_)?OTEL_[A-Z0-9_]+$/.test(name)).sort();
}
