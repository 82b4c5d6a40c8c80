/**
 * The operator injects only `--require`, so ESM apps would get no spans from
 * packages they `import`. We register import-in-the-middle's loader from here,
 * limited to the modules our instrumentations hook, so nothing else is wrapped.
 *
 * Where the runtime's `module.registerHooks` can run that loader in-thread
 * (see `supportsSynchronousHooks`), it does: no loader thread to start and
 * wait for, which cost about 90 ms and 14 MB per ESM app. Elsewhere,
 * `module.register` (Node >=18.19 / >=20.6) runs it on the loader thread; the
 * list is passed at registration, not through IITM's message channel, because
 * a --require'd file cannot wait for the loader's acknowledgement.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { RegisterHooks } from './instrumentations/lazy-activation';

export type EsmLoaderKind = 'registered (in-thread hooks)' | 'registered (loader thread)' | 'unsupported';

/**
 * Whether `module.registerHooks` accepts the null CommonJS source that
 * import-in-the-middle's synchronous loader returns: it exists from 22.15,
 * but rejected that source until 22.22.3, 24.11.1, 25.1.0 and 26.0.0
 * (nodejs/node#59929); 23.x never got the fix.
 */
export function supportsSynchronousHooks(nodeVersion: string): boolean {
  const [major = 0, minor = 0, patch = 0] = nodeVersion.replace(/^v/, '').split('.').map((part) => parseInt(part, 10));
  if (major >= 26) return true;
  if (major === 25) return minor >= 1;
  if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
  if (major === 22) return minor > 22 || (minor === 22 && patch >= 3);
  return false;
}

const loaderDir = (bundleDir: string) => join(bundleDir, 'node_modules', 'import-in-the-middle');

/** module.registerHooks where this runtime and tree can run the loader in-thread; undefined elsewhere. */
export function inThreadModuleHooks(bundleDir: string, nodeVersion: string = process.versions.node): RegisterHooks | undefined {
  const moduleApi = require('node:module') as { registerHooks?: RegisterHooks };
  if (typeof moduleApi.registerHooks !== 'function' || !supportsSynchronousHooks(nodeVersion)) return undefined;
  if (!existsSync(join(loaderDir(bundleDir), 'register-hooks.mjs'))) return undefined;
  return moduleApi.registerHooks.bind(moduleApi);
}

/** `inThread`: what inThreadModuleHooks found; otherwise the loader thread, where the runtime has module.register. */
export function registerEsmLoader(bundleDir: string, moduleNames: readonly string[], inThread: boolean): EsmLoaderKind {
  const include = [...new Set(moduleNames)];
  if (inThread) {
    // require() of an ES module: available on every runtime with usable in-thread hooks.
    (require(join(loaderDir(bundleDir), 'register-hooks.mjs')) as { register(options: { include: string[] }): void }).register({ include });
    return 'registered (in-thread hooks)';
  }
  const moduleApi = require('node:module') as { register?: (specifier: string, parent: string, options?: object) => void };
  if (typeof moduleApi.register !== 'function') return 'unsupported';
  moduleApi.register(pathToFileURL(join(loaderDir(bundleDir), 'hook.mjs')).href, pathToFileURL(__filename).href, { data: { include } });
  return 'registered (loader thread)';
}

/** Names of the modules the instrumentations patch (`express`, `http`, ...). */
export function hookedModuleNames(instrumentations: ReadonlyArray<{ getModuleDefinitions?: () => ReadonlyArray<{ name: string }> }>): string[] {
  const names: string[] = [];
  for (const instrumentation of instrumentations) {
    for (const definition of instrumentation.getModuleDefinitions?.() ?? []) names.push(definition.name);
  }
  return names;
}
