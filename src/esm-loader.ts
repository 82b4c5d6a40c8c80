/**
 * The operator injects only `--require`, so ESM apps would get no spans from
 * packages they `import`. Where the runtime has module.register (Node
 * >=18.19 / >=20.6), we register import-in-the-middle's loader from here,
 * limited to the modules our instrumentations hook, so nothing else is wrapped.
 * The list is passed at registration, not through IITM's message channel,
 * because a --require'd file cannot wait for the loader's acknowledgement.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

export function registerEsmLoader(bundleDir: string, moduleNames: readonly string[]): 'registered' | 'unsupported' {
  const moduleApi = require('node:module') as { register?: (specifier: string, parent: string, options?: object) => void };
  if (typeof moduleApi.register !== 'function') return 'unsupported';
  const loader = join(bundleDir, 'node_modules', 'import-in-the-middle', 'hook.mjs');
  moduleApi.register(pathToFileURL(loader).href, pathToFileURL(__filename).href, { data: { include: [...new Set(moduleNames)] } });
  return 'registered';
}

/** Names of the modules the instrumentations patch (`express`, `http`, ...). */
export function hookedModuleNames(instrumentations: ReadonlyArray<{ getModuleDefinitions?: () => ReadonlyArray<{ name: string }> }>): string[] {
  const names: string[] = [];
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions?.() ?? []) names.push(definition.name);
  }
  return names;
}
