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
import { Mysql2PoolMetricsInstrumentation } from './mysql2-pool-metrics';
import { ExpressRouteInstrumentation as OurExpressRoute, type ExpressFallback } from './express-route';

/** Our own instrumentations, created like the catalog's (see COMPANIONS in selection.ts). */
const own = (say: (line: string) => void): CatalogEntry[] => [
  {
    name: 'mysql2-pool-metrics',
    modules: ['mysql2'],
    load: () => ({
      Mysql2PoolMetricsInstrumentation: class extends Mysql2PoolMetricsInstrumentation {
        constructor(config: Record<string, unknown> = {}) {
          super(config, say);
        }
      },
    }),
  },
];
const everything = (say: (line: string) => void = () => undefined): CatalogEntry[] => [...catalog, ...own(say)];

/**
 * Without Express layer spans, ours takes http.route in place of the upstream
 * instrumentation, which would wrap every layer (see express-route.ts); the
 * name stays `express`, so enabling and disabling it work as before.
 */
export function implementation(entry: CatalogEntry, settings: DistributionConfig['instrumentations'], say: (line: string) => void = () => undefined): CatalogEntry {
  if (entry.name !== 'express' || settings.expressSpans !== 'none') return entry;
  // Where Express is not shaped as ours expects, upstream's takes over (express-route.ts).
  const upstream = (config: Record<string, unknown>) => () => new (instrumentationClass(entry.load())!)({ ...config, enabled: false }) as unknown as ExpressFallback['upstream'] extends () => infer U ? U : never;
  // Unnamed: a class named as the import it extends breaks the unminified bundle (CUSTOM_OTEL_BUNDLE_READABLE), where the import keeps that name.
  const Ours = class extends OurExpressRoute {
    constructor(config: Record<string, unknown> = {}) {
      super(config, { upstream: upstream(config), say });
    }
  };
  return { ...entry, load: () => ({ ExpressRouteInstrumentation: Ours }) };
}

type InstrumentationClass = new (config: Record<string, unknown>) => Instrumentation;

function instrumentationClass(exports: Record<string, unknown>): InstrumentationClass | undefined {
  for (const key of Object.keys(exports)) {
    if (key.endsWith('Instrumentation') && typeof exports[key] === 'function') return exports[key] as InstrumentationClass;
  }
  return undefined;
}

/** Every instrumentation this tree holds, by short name. */
export function instrumentationNames(): string[] {
  return everything().map((entry) => entry.name);
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
  adapt: (name: string, instrumentation: Instrumentation, exports: Record<string, unknown>) => void = () => undefined,
  /** Around each constructor: with a configuration file, the environment the instrumentation reads is the file's (see sdk-env.ts). */
  construct: <T>(build: () => T) => T = (build) => build(),
): LoadedInstrumentations {
  const say = (line: string) => diagnostics.log('warn', line);
  const all = everything(say);
  const { selected, unknown } = selectInstrumentations(all.map((entry) => entry.name), settings);
  if (unknown.length > 0) {
    diagnostics.log('warn', `unknown instrumentation name(s) ${unknown.join(', ')} in OTEL_NODE_ENABLED_INSTRUMENTATIONS/OTEL_NODE_DISABLED_INSTRUMENTATIONS or the configuration file ignored; available: ${all.map((e) => e.name).join(', ')}`);
  }
  const create = (entry: CatalogEntry): Instrumentation | undefined => {
    try {
      const exports = entry.load();
      const Class = instrumentationClass(exports);
      if (!Class) throw new Error('the package exports no instrumentation class');
      const instrumentation = construct(() => new Class(instrumentationSettings(entry.name, settings)));
      adapt(entry.name, instrumentation, exports);
      register(instrumentation);
      return instrumentation;
    } catch (error) {
      diagnostics.once(`instrumentation:${entry.name}`, 'warn', `instrumentation ${entry.name} could not be loaded and is skipped: ${describeError(error)}`);
      return undefined;
    }
  };
  const chosen = all.filter((entry) => selected.includes(entry.name)).map((entry) => implementation(entry, settings, say));
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
