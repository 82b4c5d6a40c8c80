/**
 * The 3.x SDK line's @opentelemetry/core checks every attribute value with
 * `isAnyValue`, which makes a WeakSet for the check against cycles before
 * looking at the value, although only an array or object can hold one: ~20
 * WeakSets per sampled HTTP request (2.2 KB of its 12.7 on Node 24, V8's
 * sampling heap profiler), and weak tables cost the garbage collector more
 * than plain objects. The bundle makes the set only for a value of type
 * object (arrays, plain objects, byte arrays); the answers are the same (the
 * check reads the set only for objects other than byte arrays), which
 * test/unit/attribute-cycle-check.test.ts holds against the line's own module.
 * Plain JavaScript: it runs inside the image build.
 */

/** core's attributes module of the 3.x line (dist/common/attributes.cjs). */
export const CORE_ATTRIBUTES_FILE = /[\\/]@opentelemetry[\\/]core[\\/]dist[\\/]common[\\/]attributes\.cjs$/;

const AS_SHIPPED = 'return isAnyValueInternal(val, /* @__PURE__ */ new WeakSet());';
const ON_OBJECTS_ONLY = 'return isAnyValueInternal(val, typeof val === "object" && val !== null ? new WeakSet() : void 0);';

/** The module with the set made for values of type object only, or undefined when its isAnyValue is not the one this was written against. */
export function cycleSetOnObjectsOnly(source) {
  const at = source.indexOf(AS_SHIPPED);
  if (at < 0 || source.indexOf(AS_SHIPPED, at + 1) >= 0) return undefined;
  return source.replace(AS_SHIPPED, ON_OBJECTS_ONLY);
}
