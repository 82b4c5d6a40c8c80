/**
 * The HTTP instrumentation records every request's duration (server and
 * client) with an attribute set of its own making, which the metrics SDK
 * hashes per record. Handing it the kept equal set instead
 * (src/metrics/attribute-sets.ts) lets the SDK find that set's hash; the
 * metric, its attributes and its values stay the instrumentation's.
 */
import type { AttributeSets } from '../metrics/attribute-sets';

type DurationRecorder = (durationMs: number, attributes: Readonly<{ [name: string]: unknown }>) => void;
const RECORDERS = ['_recordServerDuration', '_recordClientDuration'] as const;

/** Routes the instrumentation's duration records through the kept sets. Returns the recorders it found as checked (the 2.x and 3.x lines'). */
export function recordDurationsWithKeptSets(instrumentation: object, sets: AttributeSets): string[] {
  const target = instrumentation as { [name: string]: unknown };
  const routed: string[] = [];
  for (const name of RECORDERS) {
    const record = target[name] as DurationRecorder | undefined;
    // (durationMs, attributes): the 1.x line's take other arguments and keep their own.
    if (typeof record !== 'function' || record.length !== 2) continue;
    target[name] = function (this: unknown, durationMs: number, attributes: Readonly<{ [name: string]: unknown }>) {
      return record.call(this, durationMs, sets.intern(attributes));
    };
    routed.push(name);
  }
  return routed;
}
