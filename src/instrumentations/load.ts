/** Creates the selected instrumentations; one that fails to load is reported and skipped. */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { DistributionConfig } from '../config/config';
import { describeError, type Diagnostics } from '../diagnostics';
import { catalog } from './catalog';
import { instrumentationSettings, selectInstrumentations } from './selection';

type InstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;

function instrumentationClass(exports: Record<string, unknown>): InstrumentationClass | undefined {
  for (const key of Object.keys(exports)) {
    if (key.endsWith('Instrumentation') && typeof exports[key] === 'function') return exports[key] as InstrumentationClass;
  }
  return undefined;
}

export function loadInstrumentations(settings: DistributionConfig['instrumentations'], diagnostics: Diagnostics): Instrumentation[] {
  const { selected, unknown } = selectInstrumentations(catalog.map((entry) => entry.name), settings);
  if (unknown.length > 0) {
    diagnostics.log('warn', `unknown instrumentation name(s) ${unknown.join(', ')} in OTEL_NODE_ENABLED_INSTRUMENTATIONS/OTEL_NODE_DISABLED_INSTRUMENTATIONS ignored; available: ${catalog.map((e) => e.name).join(', ')}`);
  }
  const instrumentations: Instrumentation[] = [];
  for (const entry of catalog) {
    if (!selected.includes(entry.name)) continue;
    try {
      const Class = instrumentationClass(entry.load());
      if (!Class) throw new Error('the package exports no instrumentation class');
      instrumentations.push(new Class(instrumentationSettings(entry.name, settings)));
    } catch (error) {
      diagnostics.once(`instrumentation:${entry.name}`, 'warn', `instrumentation ${entry.name} could not be loaded and is skipped: ${describeError(error)}`);
    }
  }
  return instrumentations;
}
