/**
 * Creates the selected instrumentations: at once those that must be (no
 * known module, or an ESM app whose imports only the loader hook sees), the
 * rest when their module is first required, or, given in-thread module hooks,
 * first resolved (required or imported). One that fails to load is reported
 * and skipped.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { DistributionConfig } from '../config/config';
import { describeError, type Diagnostics } from '../diagnostics';
import { catalog, type CatalogEntry } from './catalog';
import { instrumentationSettings, selectInstrumentations } from './selection';
import { activateOnFirstRequire, activateOnFirstResolve, type RegisterHooks } from './lazy-activation';

type InstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;

function instrumentationClass(exports: Record<string, unknown>): InstrumentationClass | undefined {
  for (const key of Object.keys(exports)) {
    if (key.endsWith('Instrumentation') && typeof exports[key] === 'function') return exports[key] as InstrumentationClass;
  }
  return undefined;
}

export interface LoadedInstrumentations {
  /** Created now. */
  started: Instrumentation[];
  /** Names waiting for their module. */
  deferred: string[];
  /** The modules the deferred ones patch. */
  deferredModules: string[];
}

/** When instrumentations with known modules are created: on first require, on first resolve (through these hooks), or all at once. */
export type Activation = { on: 'require' } | { on: 'resolve'; registerHooks: RegisterHooks } | { on: 'start' };

export function loadInstrumentations(
  settings: DistributionConfig['instrumentations'],
  activation: Activation,
  register: (instrumentation: Instrumentation) => void,
  diagnostics: Diagnostics,
  /** Called for each right after it is created, before it patches anything. */
  adapt: (name: string, instrumentation: Instrumentation) => void = () => undefined,
): LoadedInstrumentations {
  const { selected, unknown } = selectInstrumentations(catalog.map((entry) => entry.name), settings);
  if (unknown.length > 0) {
    diagnostics.log('warn', `unknown instrumentation name(s) ${unknown.join(', ')} in OTEL_NODE_ENABLED_INSTRUMENTATIONS/OTEL_NODE_DISABLED_INSTRUMENTATIONS ignored; available: ${catalog.map((e) => e.name).join(', ')}`);
  }
  const create = (entry: CatalogEntry): Instrumentation | undefined => {
    try {
      const Class = instrumentationClass(entry.load());
      if (!Class) throw new Error('the package exports no instrumentation class');
      const instrumentation = new Class(instrumentationSettings(entry.name, settings));
      adapt(entry.name, instrumentation);
      register(instrumentation);
      return instrumentation;
    } catch (error) {
      diagnostics.once(`instrumentation:${entry.name}`, 'warn', `instrumentation ${entry.name} could not be loaded and is skipped: ${describeError(error)}`);
      return undefined;
    }
  };
  const chosen = catalog.filter((entry) => selected.includes(entry.name));
  const lazy = activation.on === 'start' ? [] : chosen.filter((entry) => entry.modules !== null && entry.modules.length > 0);
  const started: Instrumentation[] = [];
  for (const entry of chosen) {
    if (lazy.includes(entry)) continue;
    const instrumentation = create(entry);
    if (instrumentation) started.push(instrumentation);
  }
  const entries = lazy.map((entry) => ({ modules: entry.modules!, value: entry }));
  if (activation.on === 'resolve') activateOnFirstResolve(entries, (entry) => void create(entry), activation.registerHooks);
  else activateOnFirstRequire(entries, (entry) => void create(entry));
  return { started, deferred: lazy.map((entry) => entry.name), deferredModules: lazy.flatMap((entry) => entry.modules!) };
}
