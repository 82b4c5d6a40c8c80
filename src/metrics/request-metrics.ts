/**
 * Request count and total duration per method, route and status, derived
 * from server spans as they end (only recorded, i.e. sampled, spans).
 * Counted in a map and reported by observable counters: recording into SDK
 * instruments per span costs microseconds (the SDK hashes the attribute set
 * on every call), a map update costs nanoseconds. The duration distribution
 * is the HTTP instrumentation's own http.server(.request).duration histogram.
 */
import { SpanKind, type Attributes, type Meter } from '@opentelemetry/api';
import type { SpanObserver } from '../processor/span-processor';

/** Routes are templates, so keys stay few; past this, new keys are counted together. */
const MAX_KEYS = 1000;

interface Tally {
  attributes: Attributes;
  count: number;
  seconds: number;
}

export class RequestMetrics implements SpanObserver {
  private readonly tallies = new Map<string, Tally>();

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
        for (const tally of this.tallies.values()) {
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
    let key = `${method} ${status} ${route}`;
    let tally = this.tallies.get(key);
    if (!tally) {
      if (this.tallies.size >= MAX_KEYS) key = 'overflow';
      tally = this.tallies.get(key);
      if (!tally) {
        const labels: Attributes =
          key === 'overflow' ? { 'http.route': 'overflow' } : { 'http.request.method': method, 'http.route': route, 'http.response.status_code': status };
        tally = { attributes: labels, count: 0, seconds: 0 };
        this.tallies.set(key, tally);
      }
    }
    tally.count++;
    tally.seconds += durationMs / 1000;
  }
}
