/**
 * Request count and total duration per method, route and status, derived
 * from server spans as they end (only recorded, i.e. sampled, spans).
 * Counted in a map and reported by observable counters: recording into SDK
 * instruments per span costs microseconds (the SDK hashes the attribute set
 * on every call), a map update costs nanoseconds. The duration distribution
 * is the HTTP instrumentation's own http.server(.request).duration histogram.
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import { SpanKind } from '../otel-api';
import type { SpanObserver } from '../processor/span-processor';

/** Routes are templates, so keys stay few; past this, new keys are counted together. */
const MAX_KEYS = 1000;

interface Tally {
  attributes: Attributes;
  count: number;
  seconds: number;
}

export class RequestMetrics implements SpanObserver {
  /**
   * method -> status -> route -> tally. Nested maps, not one map keyed by a
   * joined string: the three values are strings and numbers the
   * instrumentation already holds (their hashes cached), while a joined key
   * would be a new string to build and hash on every span.
   */
  private readonly byMethod = new Map<string, Map<number, Map<string, Tally>>>();
  /** Every tally, in the order they were created, for the callback. */
  private readonly tallies: Tally[] = [];
  private overflow: Tally | undefined;

  constructor(meter: Meter) {
    const requests = meter.createObservableCounter('custom.http.server.requests', {
      description: 'Server requests seen by the custom distribution, by method, route and status',
    });
    const duration = meter.createObservableCounter('custom.http.server.request.duration_total', {
      unit: 's',
      description: 'Total duration of those requests, by method, route and status',
    });
    meter.addBatchObservableCallback(
      (result) => {
        for (const tally of this.tallies) {
          result.observe(requests, tally.count, tally.attributes);
          result.observe(duration, tally.seconds, tally.attributes);
        }
      },
      [requests, duration],
    );
  }

  observe(span: { kind: SpanKind }, attributes: Readonly<Record<string, unknown>>, durationMs: number): void {
    if (span.kind !== SpanKind.SERVER) return;
    const method = String(attributes['http.request.method'] ?? attributes['http.method'] ?? '_OTHER');
    const route = String(attributes['http.route'] ?? 'unmatched');
    const status = Number(attributes['http.response.status_code'] ?? attributes['http.status_code'] ?? 0);
    const tally = this.byMethod.get(method)?.get(status)?.get(route) ?? this.newTally(method, status, route);
    tally.count++;
    tally.seconds += durationMs / 1000;
  }

  /** A tally for a new combination, or the shared overflow tally once there are MAX_KEYS. */
  private newTally(method: string, status: number, route: string): Tally {
    if (this.tallies.length >= MAX_KEYS) {
      if (this.overflow === undefined) this.tallies.push((this.overflow = { attributes: { 'http.route': 'overflow' }, count: 0, seconds: 0 }));
      return this.overflow;
    }
    let byStatus = this.byMethod.get(method);
    if (byStatus === undefined) this.byMethod.set(method, (byStatus = new Map()));
    let byRoute = byStatus.get(status);
    if (byRoute === undefined) byStatus.set(status, (byRoute = new Map()));
    const tally: Tally = { attributes: { 'http.request.method': method, 'http.route': route, 'http.response.status_code': status }, count: 0, seconds: 0 };
    byRoute.set(route, tally);
    this.tallies.push(tally);
    return tally;
  }
}
