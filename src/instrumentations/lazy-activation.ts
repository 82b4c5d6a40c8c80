/**
 * Creating every instrumentation at start-up costs time and memory for
 * modules most apps never load. An instrumentation whose patched modules are
 * known is created the first time one of them is required, just before Node
 * loads it, so its require hook still sees that load and every file after it.
 */
import Module from 'node:module';

/** `express/lib/router` → `express`; `@grpc/grpc-js` → itself; `node:http` → `http`; relative and absolute paths → undefined. */
export function packageOf(request: string): string | undefined {
  if (request.startsWith('node:')) return request.slice(5);
  const first = request.charCodeAt(0);
  if (first === 46 /* . */ || first === 47 /* / */) return undefined;
  const parts = request.split('/');
  return request.startsWith('@') ? (parts.length > 1 ? `${parts[0]}/${parts[1]}` : undefined) : parts[0];
}

export interface LazyEntry<T> {
  modules: readonly string[];
  value: T;
}

/** Entries waiting for their modules; `take` activates those waiting for a request's package, once each. */
export interface PendingActivations {
  readonly size: number;
  /** Whether anything was activated for this request. */
  take(request: string): boolean;
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
    take(request) {
      const name = typeof request === 'string' ? packageOf(request) : undefined;
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

/**
 * Calls `activate` for an entry once, the first time one of its modules is
 * required. Returns a function that removes the hook (also removed once
 * nothing is pending).
 */
export function activateOnFirstRequire<T>(entries: ReadonlyArray<LazyEntry<T>>, activate: (value: T) => void, pending = pendingActivations(entries, activate)): () => void {
  const proto = Module.prototype as unknown as { require: (this: unknown, id: string) => unknown };
  const next = proto.require;
  const remove = () => {
    if (proto.require === hook) proto.require = next;
  };
  const hook = function (this: unknown, id: string): unknown {
    const outermost = proto.require;
    if (pending.take(id)) {
      if (pending.size === 0) remove();
      // A require hook installed by what was just activated wraps this one:
      // go through it, so it sees this very load.
      if (proto.require !== outermost && proto.require !== next) return proto.require.apply(this, [id]);
    }
    return next.apply(this, [id]);
  };
  if (pending.size > 0) proto.require = hook;
  return remove;
}

type ResolveHook = (specifier: string, context: unknown, nextResolve: (specifier: string, context: unknown) => unknown) => unknown;
export type RegisterHooks = (hooks: { resolve: ResolveHook }) => { deregister?: () => void };

/**
 * The same for `import` as well as `require`, through an in-thread resolve
 * hook (module.registerHooks): an ES-module app's imports bypass
 * Module.prototype.require. The entry is activated before its module is
 * loaded, so the ESM loader hook wraps it and the require hook sees it.
 */
export function activateOnFirstResolve<T>(entries: ReadonlyArray<LazyEntry<T>>, activate: (value: T) => void, registerHooks: RegisterHooks): () => void {
  const pending = pendingActivations(entries, activate);
  if (pending.size === 0) return () => undefined;
  const removeRequireHook = activateOnFirstRequire(entries, activate, pending);
  const handle = registerHooks({
    resolve(specifier, context, nextResolve) {
      pending.take(specifier);
      return nextResolve(specifier, context);
    },
  });
  return () => {
    removeRequireHook();
    handle.deregister?.();
  };
}
