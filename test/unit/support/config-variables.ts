/**
 * The variables of the settings rows (src/<concern>/settings.ts), per-signal
 * OTLP forms included, and the ones parseConfig is seen to read: some names
 * are built at run time, and the sampler argument is read for ratio samplers
 * only, so a few environments are tried.
 */
import { parseConfig } from '../../../src/config/config';
import { ALL_SETTINGS } from '../../../src/config/all-settings';
import { variablesOf } from '../../../src/config/setting';

/** Every variable a row stands for. */
export const SETTING_VARIABLES: readonly string[] = ALL_SETTINGS.flatMap(variablesOf);

/** The variables parseConfig is meant to read: those of rows that no one else reads. */
export const PARSED_VARIABLES: readonly string[] = ALL_SETTINGS.filter((row) => row.readBy === undefined).flatMap(variablesOf);

export function variablesReadByParseConfig(): string[] {
  const read = new Set<string>();
  const watching = (given: Record<string, string | undefined>) =>
    new Proxy(given, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    });
  parseConfig(watching({}));
  for (const sampler of ['traceidratio', 'parentbased_traceidratio']) parseConfig(watching({ OTEL_TRACES_SAMPLER: sampler }));
  return [...read].filter((name) => /^(CUSTOM_)?OTEL_[A-Z0-9_]+$/.test(name)).sort();
}
