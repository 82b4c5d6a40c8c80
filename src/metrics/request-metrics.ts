/**
 * Request count and duration per route and status, derived from server
 * spans as they end (only spans that were recorded, i.e. sampled).
 */
import { SpanKind, type Counter, type Histogram, type Meter } from '@opentelemetry/api';
import type { SpanObserver } from '../processor/span-processor';

export class RequestMetrics implements SpanObserver {
  private readonly requests: Counter;
  private readonly duration: Histogram;

  constructor(meter: Meter) {
    this.requests = meter.createCounter('custom.http.server.requests', { description: 'Server requests seen by the custom distribution, by route and status' });
    this.duration = meter.createHistogram('custom.http.server.request.duration', { unit: 's', description: 'Duration of server requests, by route and status' });
  }

  observe(span: { kind: SpanKind }, attributes: Readonly<Record<string, unknown>>, durationMs: number): void {
    if (span.kind !== SpanKind.SERVER) return;
    const labels = {
      'http.request.method': String(attributes['http.request.method'] ?? attributes['http.method'] ?? '_OTHER'),
      'http.route': String(attributes['http.route'] ?? 'unmatched'),
      'http.response.status_code': Number(attributes['http.response.status_code'] ?? attributes['http.status_code'] ?? 0),
    };
    this.requests.add(1, labels);
    this.duration.record(durationMs / 1000, labels);
  }
}
