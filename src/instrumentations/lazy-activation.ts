/**
 * Creating every instrumentation at start-up costs time and memory for
 * modules most apps never load. An instrumentation whose patched modules are
 * known is created the first time one of them is loaded, just before Node
 * loads it, so its require hook still sees that load and every file after it.
 *
 * "Loaded" however the app names the module, as upstream's require hook
 * recognises it (module-package.ts): a bare specifier, a path into
 * node_modules, a `#imports` alias, `require.resolve` with `paths`,
 * `createRequire`, a direct `Module._load`, an `import` of a CommonJS
 * package. The require hook decides from the request where it can (no file
 * system work); `Module._resolveFilename`, through which every CommonJS
 * resolution passes, catches the rest by the resolved filename.
 */
import Module from 'node:module';
import { packageOf, packageOfFilename, packageOfRequest } from './module-package';

export { packageOf } from './module-package';

export interface LazyEntry<T> {
  modules: readonly string[];
  value: T;
}

/** Entries waiting for their modules; `take` activates those waiting for a package, once each. */
export interface PendingActivations {
  readonly size: number;
  /** Whether anything was activated for this package. */
  take(name: string | undefined): boolean;
}

export function pendingActivations<T>(entries: ReadonlyArray<LazyEntry<T>>, activate: (value: T) => void): PendingActivations {
  const pending = new Map<string, Array<LazyEntry<T>>>();
  for (const entry of entries) {
    for (const name of entry.modules) pending.set(name, [...(pending.get(name) ?? []), entry]);
  }
  const activated = new Set<LazyEntry<T>>();
  return {
    get size() {
      return pending.size;
    },
    take(name) {
      const waiting = name === undefined ? undefined : pending.get(name);
      if (!waiting) return false;
      for (const entry of waiting) {
        if (activated.has(entry)) continue;
        activated.add(entry);
        for (const other of entry.modules) pending.delete(other);
        activate(entry.value);
      }
      pending.delete(name!);
      return true;
    },
  };
}

type ResolveFilename = (this: unknown, request: string, parent: unknown, ...rest: unknown[]) => string;
type ModuleInternals = { prototype: { require: (this: unknown, id: string) => unknown }; _resolveFilename: ResolveFilename };

/**
 * Calls `activate` for an entry once, the first time one of its modules is
 * loaded through CommonJS. Returns a function that removes the hooks (also
 * removed once nothing is pending).
 */
export function activateOnFirstRequire<T>(entries: ReadonlyArray<LazyEntry<T>>, activate: (value: T) => void, pending = pendingActivations(entries, activate)): () => void {
  const internals = Module as unknown as ModuleInternals;
  const proto = internals.prototype;
  const next = proto.require;
  const nextResolve = internals._resolveFilename;
  const remove = () => {
    if (proto.require === hook) proto.require = next;
    if (internals._resolveFilename === resolveHook) internals._resolveFilename = nextResolve;
  };
  const hook = function (this: unknown, id: string): unknown {
    const outermost = proto.require;
    if (pending.size > 0 && typeof id === 'string' && pending.take(packageOfRequest(id, (this as { filename?: string } | null)?.filename))) {
      if (pending.size === 0) remove();
      // A require hook installed by what was just activated wraps this one:
      // go through it, so it sees this very load.
      if (proto.require !== outermost && proto.require !== next) return proto.require.apply(this, [id]);
    }
    return next.apply(this, [id]);
  };
  // Where the request alone cannot tell (an alias, a symlink, a load that
  // bypasses require): the resolved filename can. A require hook that
  // resolves before loading (require-in-the-middle does) still sees the load.
  const resolveHook: ResolveFilename = function (this: unknown, request, parent, ...rest) {
    const filename = nextResolve.apply(this, [request, parent, ...rest]);
    if (pending.size > 0 && typeof filename === 'string' && pending.take(packageOfFilename(filename)) && pending.size === 0) remove();
    return filename;
  };
  if (pending.size > 0) {
    proto.require = hook;
    internals._resolveFilename = resolveHook;
  }
  return remove;
}

type ResolveHook = (specifier: string, context: unknown, nextResolve: (specifier: string, context: unknown) => unknown) => unknown;
export type RegisterHooks = (hooks: { resolve: ResolveHook }) => { deregister?: () => void };

/** `file:///srv/app/node_modules/pg/lib/index.js` → its path; `node:http` → itself; anything else → undefined. */
function filenameOfUrl(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  if (url.startsWith('node:')) return url;
  if (!url.startsWith('file:')) return undefined;
  try {
    return decodeURIComponent(new URL(url).pathname);
  } catch {
    return undefined;
  }
}

/**
 * The same for `import` as well as `require`, through an in-thread resolve
 * hook (module.registerHooks): an ES-module app's imports bypass
 * Module.prototype.require. The entry is activated once its module is
 * resolved, before it is loaded, so the ESM loader hook wraps it and the
 * require hook sees it.
 */
export function activateOnFirstResolve<T>(entries: ReadonlyArray<LazyEntry<T>>, activate: (value: T) => void, registerHooks: RegisterHooks): () => void {
  const pending = pendingActivations(entries, activate);
  if (pending.size === 0) return () => undefined;
  const removeRequireHook = activateOnFirstRequire(entries, activate, pending);
  const handle = registerHooks({
    resolve(specifier, context, nextResolve) {
      if (typeof specifier === 'string') pending.take(packageOf(specifier));
      const resolved = nextResolve(specifier, context);
      if (pending.size > 0) {
        const filename = filenameOfUrl((resolved as { url?: unknown } | null)?.url);
        if (filename !== undefined) pending.take(packageOfFilename(filename));
      }
      return resolved;
    },
  });
  return () => {
    removeRequireHook();
    handle.deregister?.();
  };
}
