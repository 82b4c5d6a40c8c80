/**
 * A resource whose detectors have not settled, read without the SDK's
 * complaint. Its `attributes` getter logs "Accessing resource attributes
 * before async attributes settled" through diag (which our logger prints as
 * an error in the app's stderr) whenever a detector is still running, and a
 * process that ends before a detector's file read has its last spans and
 * metrics serialized at exit in exactly that state. The attributes settled so
 * far are read where each SDK line keeps them: the raw list (2.x and 3.x,
 * read as the getter reads it: the first value of a key wins, a pending one
 * is left out) or the synchronous attributes (1.x, which its own merge reads).
 */
import type { Attributes } from '@opentelemetry/api';
import { isPromiseLike } from './sdk-line/time-limit';

interface MaybePendingResource {
  readonly attributes: Attributes;
  asyncAttributesPending?: boolean;
  getRawAttributes?: () => ReadonlyArray<readonly [string, unknown]>;
  _syncAttributes?: Attributes;
}

/** Whether the resource's detectors are still running. */
export function isPending(resource: object): boolean {
  return (resource as MaybePendingResource).asyncAttributesPending === true;
}

/** The attributes settled so far; through the getter when the resource is settled or of a shape not known here. */
export function settledAttributes(resource: object): Attributes {
  const maybe = resource as MaybePendingResource;
  if (!isPending(resource)) return maybe.attributes;
  const raw = maybe.getRawAttributes?.();
  if (raw) {
    const settled: Attributes = {};
    for (const [key, value] of raw) {
      if (Object.hasOwn(settled, key) || value === undefined || value === null || isPromiseLike(value)) continue;
      settled[key] = value as Attributes[string];
    }
    return settled;
  }
  if (maybe._syncAttributes) return { ...maybe._syncAttributes };
  return maybe.attributes;
}

// One view per pending resource: serializers group spans by resource object.
const views = new WeakMap<object, object>();

/**
 * The resource itself once settled, else a view of it whose `attributes` are
 * those settled at the time of reading (every other member read through to
 * the resource), for upstream's serializers, which read the getter.
 */
export function settledResource<R extends object>(resource: R): R {
  if (!isPending(resource)) return resource;
  let view = views.get(resource);
  if (view === undefined) {
    view = Object.create(resource, { attributes: { get: () => settledAttributes(resource), enumerable: true } }) as object;
    views.set(resource, view);
  }
  return view as R;
}

/** Spans whose resource is pending, as views with the settled resource (the spans themselves untouched). */
export function withSettledResources<S extends { readonly resource: object }>(spans: S[]): S[] {
  return spans.map((span) => (isPending(span.resource) ? (Object.create(span, { resource: { value: settledResource(span.resource) } }) as S) : span));
}
