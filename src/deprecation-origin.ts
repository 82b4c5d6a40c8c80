/**
 * Node warns that a deprecated builtin is loaded only when the code loading
 * it lies outside node_modules (punycode, DEP0040, from Node 21): it reads
 * the first stack frame outside its own internals. Our require hooks (lazy
 * activation, require-in-the-middle) sit on that stack between the
 * requiring module and Node, in our tree, outside any node_modules, so a
 * dependency's require('punycode') (whatwg-url and tr46, under node-fetch 2)
 * warned under our tree and not bare. The first load by a module inside
 * node_modules is made without the warning, as Node decides without our
 * frames; a load from the app's own code still warns, as bare.
 */
import Module from 'node:module';

const WARNS_OUTSIDE_NODE_MODULES = new Set(['punycode', 'node:punycode']);
const IN_NODE_MODULES = /[\\/]node_modules[\\/]/;

/** Whether Node, without our frames, would load `request` from `requirer` without its deprecation warning. */
export function loadsQuietly(request: unknown, requirer: string | undefined): boolean {
  return typeof request === 'string' && WARNS_OUTSIDE_NODE_MODULES.has(request) && requirer !== undefined && IN_NODE_MODULES.test(requirer);
}

/** Installed before our require hooks, so that it runs inside them, right before Node loads the module. */
export function keepDeprecationOrigin(): void {
  const proto = (Module as unknown as { prototype: { require: (this: { filename?: string }, request: string) => unknown } }).prototype;
  const original = proto.require;
  // The builtin warns at its first load only; after that, nothing is left to decide.
  let pending = true;
  proto.require = function require(this: { filename?: string }, request: string) {
    if (!pending || !WARNS_OUTSIDE_NODE_MODULES.has(request)) return original.apply(this, arguments as unknown as [string]);
    pending = false;
    if (!loadsQuietly(request, this?.filename)) return original.apply(this, arguments as unknown as [string]);
    const quiet = process.noDeprecation;
    process.noDeprecation = true;
    try {
      return original.apply(this, arguments as unknown as [string]);
    } finally {
      process.noDeprecation = quiet;
    }
  };
}
