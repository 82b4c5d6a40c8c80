/** Request metrics derived from server spans (src/metrics/request-metrics.ts). */
import { SpanKind } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { RequestMetrics } from '../../src/metrics/request-metrics';

interface Point {
  attributes: Record<string, unknown>;
  value: number;
}

function setup() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const metrics = new RequestMetrics(provider.getMeter('test'));
  /** The points of one metric, by the latest collection. */
  async function points(name: string): Promise<Point[]> {
    exporter.reset();
    await reader.forceFlush();
    const metric = exporter.getMetrics().flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics)).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, value: p.value as number }));
  }
  return { metrics, points, shutdown: () => provider.shutdown() };
}

const server = { kind: SpanKind.SERVER };

describe('RequestMetrics', () => {
  it('counts server spans and sums their seconds by method, status and route, from either HTTP convention', async () => {
    const { metrics, points, shutdown } = setup();
    metrics.observe(server, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/a' }, 100);
    metrics.observe(server, { 'http.method': 'GET', 'http.status_code': 200, 'http.route': '/a' }, 300);
    metrics.observe(server, { 'http.request.method': 'GET', 'http.response.status_code': 404, 'http.route': '/a' }, 50);
    metrics.observe(server, { 'http.request.method': 'POST', 'http.response.status_code': 200, 'http.route': '/a' }, 10);
    metrics.observe(server, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/b' }, 20);
    metrics.observe(server, {}, 1000);
    metrics.observe({ kind: SpanKind.CLIENT }, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/a' }, 5);
    expect(await points('custom.http.server.requests')).toEqual([
      { attributes: { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 200 }, value: 2 },
      { attributes: { 'http.request.method': 'GET', 'http.route': '/a', 'http.response.status_code': 404 }, value: 1 },
      { attributes: { 'http.request.method': 'POST', 'http.route': '/a', 'http.response.status_code': 200 }, value: 1 },
      { attributes: { 'http.request.method': 'GET', 'http.route': '/b', 'http.response.status_code': 200 }, value: 1 },
      { attributes: { 'http.request.method': '_OTHER', 'http.route': 'unmatched', 'http.response.status_code': 0 }, value: 1 },
    ]);
    const seconds = await points('custom.http.server.request.duration_total');
    expect(seconds.map((p) => p.value)).toEqual([0.4, 0.05, 0.01, 0.02, 1]);
    await shutdown();
  });

  it('keeps at most 1000 combinations and counts the rest together as overflow', async () => {
    const { metrics, points, shutdown } = setup();
    for (let i = 0; i < 1000; i++) metrics.observe(server, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': `/r${i}` }, 1);
    metrics.observe(server, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/r0' }, 1);
    metrics.observe(server, { 'http.request.method': 'PUT', 'http.response.status_code': 500, 'http.route': '/new' }, 1);
    metrics.observe(server, { 'http.request.method': 'GET', 'http.response.status_code': 200, 'http.route': '/newer' }, 1);
    const requests = await points('custom.http.server.requests');
    expect(requests).toHaveLength(1001);
    expect(requests[0]).toEqual({ attributes: { 'http.request.method': 'GET', 'http.route': '/r0', 'http.response.status_code': 200 }, value: 2 });
    expect(requests[1000]).toEqual({ attributes: { 'http.route': 'overflow' }, value: 2 });
    await shutdown();
  });
});
