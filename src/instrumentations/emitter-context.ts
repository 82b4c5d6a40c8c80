/**
 * Binds a context to an event emitter as the context manager's
 * `context.bind(ctx, emitter)` does: every listener added afterwards runs in
 * that context, and removing it by the function the caller holds still works.
 * The context manager writes eight fresh closures onto each emitter (two per
 * request: ~2.5 µs of CPU per request on Node 20, measured). Here the
 * listener methods are patched once on the emitter's prototype and act only
 * on emitters that carry a bound context, so binding one is a single
 * property write; on any other emitter they call through unchanged.
 */
import type { Context } from '@opentelemetry/api';
import { context } from '../otel-api';

const kBoundContext = Symbol('custom-otel.bound-context');
/** On a wrapper: the listener it runs (how removeListener finds the wrapper of the function the caller holds). */
const kListener = Symbol('custom-otel.bound-listener');

type Listener = ((...args: unknown[]) => unknown) & { [kListener]?: Listener; listener?: Listener };
type Method = (this: BoundEmitter, ...args: unknown[]) => unknown;
interface BoundEmitter {
  [kBoundContext]?: Context;
  rawListeners?(event: unknown): Listener[];
}

const ADD_METHODS = ['addListener', 'on', 'once', 'prependListener', 'prependOnceListener'] as const;
const REMOVE_METHODS = ['removeListener', 'off'] as const;
const ALL_METHODS = [...ADD_METHODS, ...REMOVE_METHODS] as const;

// `once` adds through `on`: the listener is wrapped by the outer call only.
let adding = false;

/**
 * Calls the listener in `bound`. Emitted in `bound` already (a response's
 * 'finish' and 'close' come from writes the request's code started), it is
 * called as it is: entering the same context again and restoring it after
 * changes nothing a listener can see through the API, and cost ~0.4 µs per
 * event on Node 20.
 */
function callInContext(bound: Context, listener: Listener, self: unknown, args: IArguments): unknown {
  return context.active() === bound ? Reflect.apply(listener, self, args) : context.with(bound, listener, self, ...args);
}

/**
 * The listener run in `bound`, declaring as many parameters as the listener
 * (its `length`, which some code reads). Written per arity rather than by
 * redefining `length`, which costs ~0.5 µs per wrapper on Node 20 and 24.
 */
function inContextOf(bound: Context, listener: Listener): Listener {
  // Read once: a bound function's `length` is an accessor (Node's own 'finish' listener of every response is one).
  const arity = listener.length;
  let inContext: Listener;
  if (arity === 1) {
    inContext = function (this: unknown, _1: unknown) {
      return callInContext(bound, listener, this, arguments);
    };
  } else if (arity === 2) {
    inContext = function (this: unknown, _1: unknown, _2: unknown) {
      return callInContext(bound, listener, this, arguments);
    };
  } else {
    inContext = function (this: unknown) {
      return callInContext(bound, listener, this, arguments);
    };
    if (arity !== 0) Object.defineProperty(inContext, 'length', { value: arity });
  }
  inContext[kListener] = listener;
  return inContext;
}

function addMethod(original: () => Method): Method {
  return function (this: BoundEmitter, event: unknown, listener: unknown, ...rest: unknown[]): unknown {
    const bound = this[kBoundContext];
    if (bound === undefined || adding || typeof listener !== 'function') return original().call(this, event, listener, ...rest);
    adding = true;
    try {
      return original().call(this, event, inContextOf(bound, listener as Listener), ...rest);
    } finally {
      adding = false;
    }
  };
}

/** The wrapper of `listener` among the event's listeners, the last added first as Node removes; inside Node's once-wrapper too. */
function wrapperOf(emitter: BoundEmitter, event: unknown, listener: unknown): Listener | undefined {
  const listeners = emitter.rawListeners?.(event) ?? [];
  for (let i = listeners.length - 1; i >= 0; i--) {
    const candidate = listeners[i]!;
    if (candidate[kListener] === listener) return candidate;
    if (candidate.listener?.[kListener] === listener) return candidate.listener;
  }
  return undefined;
}

function removeMethod(original: () => Method): Method {
  return function (this: BoundEmitter, event: unknown, listener: unknown, ...rest: unknown[]): unknown {
    const inContext = this[kBoundContext] === undefined || typeof listener !== 'function' ? undefined : wrapperOf(this, event, listener);
    return original().call(this, event, inContext ?? listener, ...rest);
  };
}

/** Prototypes checked and patched: their listener methods are ours from then on. */
const patched = new WeakSet<object>();

/**
 * Patches the listener methods of `prototype` once. A method the prototype
 * defines itself is kept and called; an inherited one is looked up on each
 * call, so a later patch further up the chain still takes effect.
 */
function patchPrototype(prototype: Record<string, unknown>): void {
  patched.add(prototype);
  const parent = Object.getPrototypeOf(prototype) as Record<string, Method>;
  for (const name of ALL_METHODS) {
    const own = Object.prototype.hasOwnProperty.call(prototype, name) ? (prototype[name] as Method) : undefined;
    const original = own ? () => own : () => parent[name]!;
    const method = (ADD_METHODS as readonly string[]).includes(name) ? addMethod(original) : removeMethod(original);
    prototype[name] = method;
  }
  // Read on every emitter of this prototype: found here, not after a walk up the chain.
  prototype[kBoundContext as unknown as string] = undefined;
}

/** Whether the prototype's listener methods are the ones this file can patch (checked once, before patching). */
function patchable(prototype: Record<string, unknown>): boolean {
  // Removal finds a wrapper among the event's listeners.
  return ALL_METHODS.every((name) => typeof prototype[name] === 'function') && typeof prototype.rawListeners === 'function';
}

/** Whether the emitter has a listener method of its own: one it reads is not its prototype's (property reads, which V8 caches per call site). */
function ownListenerMethod(emitter: Record<string, unknown>, prototype: Record<string, unknown>): boolean {
  return (
    emitter.addListener !== prototype.addListener ||
    emitter.on !== prototype.on ||
    emitter.once !== prototype.once ||
    emitter.prependListener !== prototype.prependListener ||
    emitter.prependOnceListener !== prototype.prependOnceListener ||
    emitter.removeListener !== prototype.removeListener ||
    emitter.off !== prototype.off
  );
}

/**
 * Binds `bound` to the emitter's listeners added from now on. Returns false,
 * binding nothing, when the emitter has a listener method of its own (someone
 * patched it), has no prototype, or its prototype lacks a listener method:
 * the caller then uses the context manager's bind.
 */
export function bindEmitterContext(emitter: object, bound: Context): boolean {
  const target = emitter as BoundEmitter & Record<string, unknown>;
  // Bound already: the first binding wins, as with the context manager.
  if (target[kBoundContext] !== undefined) return true;
  const prototype = Object.getPrototypeOf(emitter) as Record<string, unknown> | null;
  if (prototype === null) return false;
  if (!patched.has(prototype)) {
    if (!patchable(prototype)) return false;
    patchPrototype(prototype);
  }
  if (ownListenerMethod(target, prototype)) return false;
  target[kBoundContext] = bound;
  return true;
}
