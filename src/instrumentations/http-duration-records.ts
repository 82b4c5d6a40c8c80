/**
 * The HTTP instrumentation records every request's duration (server and
 * client) with an attribute set of its own making, which the metrics SDK
 * hashes per record. Handing it the kept equal set instead
 * (src/metrics/attribute-sets.ts) lets the SDK find that set's hash; the
 * metric, its attributes and its values stay the instrumentation's.
 */
import type { AttributeSets } from '../metrics/attribute-sets';

type AttributeSet = Readonly<{ [name: string]: unknown }>;
type DurationRecorder = (durationMs: number, attributes: AttributeSet, stableAttributes?: AttributeSet) => void;
const RECORDERS = ['_recordServerDuration', '_recordClientDuration'] as const;

/**
 * Routes the instrumentation's duration records through the kept sets.
 * Returns the recorders it found as checked: (durationMs, attributes) on the
 * 2.x and 3.x lines, (durationMs, oldAttributes, stableAttributes) on 1.x.
 */
export function recordDurationsWithKeptSets(instrumentation: object, sets: AttributeSets): string[] {
  const target = instrumentation as { [name: string]: unknown };
  const routed: string[] = [];
  for (const name of RECORDERS) {
    const record = target[name] as DurationRecorder | undefined;
    if (typeof record !== 'function') continue;
    if (record.length === 2) {
      target[name] = function (this: unknown, durationMs: number, attributes: AttributeSet) {
        return record.call(this, durationMs, sets.intern(attributes));
      };
    } else if (record.length === 3) {
      target[name] = function (this: unknown, durationMs: number, oldAttributes: AttributeSet, stableAttributes: AttributeSet) {
        return record.call(this, durationMs, sets.intern(oldAttributes), sets.intern(stableAttributes));
      };
    } else {
      continue;
    }
    routed.push(name);
  }
  return routed;
}
