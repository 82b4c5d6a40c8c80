/** The bounded JSON-lines metrics file (src/metrics/file-metric-exporter.ts), written to a temp dir. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AggregationTemporality, DataPointType, MeterProvider, PeriodicExportingMetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { FileMetricExporter, metricsDocument } from '../../src/metrics/file-metric-exporter';
import { Diagnostics } from '../../src/diagnostics';

const typeName = (type: number) => (DataPointType as unknown as Record<number, string>)[type] ?? String(type);
const SUCCESS = 0;
const FAILED = 1;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-metric-exporter-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** One gauge whose label carries `padding`, to make documents of a chosen size. */
function resourceMetrics(padding: string, value = 1): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 'unit-test' }),
    scopeMetrics: [
      {
        scope: { name: 'test-scope', version: '1.0.0' },
        metrics: [
          {
            descriptor: { name: 'queue.depth', unit: '{item}', description: 'items waiting', valueType: 1, type: 'OBSERVABLE_GAUGE' },
            dataPointType: DataPointType.GAUGE,
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPoints: [{ attributes: { padding }, value, startTime: [0, 0], endTime: [0, 0] }],
          },
        ],
      },
    ],
  } as unknown as ResourceMetrics;
}

function exportOnce(exporter: FileMetricExporter, metrics: ResourceMetrics): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(metrics, resolve));
}

/** The serialised size of a document with this padding (timestamps have a fixed length). */
function lineBytes(padding: string): number {
  return Buffer.byteLength(metricsDocument(resourceMetrics(padding), typeName) + '\n');
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

function capture() {
  const written: string[] = [];
  return { written, diagnostics: new Diagnostics((line) => written.push(line)) };
}

describe('metricsDocument', () => {
  it('writes the resource, scopes, metrics and their points with the type by name', () => {
    const document = JSON.parse(metricsDocument(resourceMetrics('p', 7), typeName, new Date('2026-11-21T10:00:00.000Z')));
    expect(document).toEqual({
      timestamp: '2026-11-21T10:00:00.000Z',
      resource: { 'service.name': 'unit-test' },
      scopeMetrics: [
        {
          scope: { name: 'test-scope', version: '1.0.0' },
          metrics: [{ name: 'queue.depth', unit: '{item}', description: 'items waiting', type: 'GAUGE', dataPoints: [{ attributes: { padding: 'p' }, value: 7 }] }],
        },
      ],
    });
  });
});

describe('FileMetricExporter', () => {
  it('appends one JSON line per export of a real MeterProvider', async () => {
    const path = join(dir, 'metrics.jsonl');
    const { written, diagnostics } = capture();
    const reader = new PeriodicExportingMetricReader({ exporter: new FileMetricExporter(path, 1024 * 1024, diagnostics, typeName), exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'meter-test' }), readers: [reader] });
    const counter = provider.getMeter('unit').createCounter('orders.placed', { unit: '{order}', description: 'orders' });
    counter.add(2, { shop: 'eu' });
    await provider.forceFlush();
    counter.add(3, { shop: 'eu' });
    await provider.forceFlush();
    await provider.shutdown();

    const documents = lines(path).map((line) => JSON.parse(line));
    expect(documents.length).toBeGreaterThanOrEqual(2);
    const points = documents.map((d) => d.scopeMetrics[0].metrics[0]);
    expect(points[0]).toEqual({ name: 'orders.placed', unit: '{order}', description: 'orders', type: 'SUM', dataPoints: [{ attributes: { shop: 'eu' }, value: 2 }] });
    expect(points[1].dataPoints).toEqual([{ attributes: { shop: 'eu' }, value: 5 }]);
    expect(documents[0].resource['service.name']).toBe('meter-test');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(written).toEqual([]);
  });

  it('rotates to .1 only when the next document would pass maxBytes', async () => {
    const path = join(dir, 'm.jsonl');
    const first = lineBytes('a'.repeat(100));
    const exactFit = lineBytes('b'.repeat(200));
    const maxBytes = first + exactFit;
    const exporter = new FileMetricExporter(path, maxBytes, capture().diagnostics, typeName);

    expect(await exportOnce(exporter, resourceMetrics('a'.repeat(100)))).toEqual({ code: SUCCESS });
    expect(await exportOnce(exporter, resourceMetrics('b'.repeat(200)))).toEqual({ code: SUCCESS });
    // Exactly maxBytes: nothing rotated yet.
    expect(statSync(path).size).toBe(maxBytes);
    expect(existsSync(`${path}.1`)).toBe(false);

    await exportOnce(exporter, resourceMetrics('c'));
    expect(lines(`${path}.1`).map((l) => JSON.parse(l).scopeMetrics[0].metrics[0].dataPoints[0].attributes.padding[0])).toEqual(['a', 'b']);
    expect(lines(path).map((l) => JSON.parse(l).scopeMetrics[0].metrics[0].dataPoints[0].attributes.padding)).toEqual(['c']);
  });

  it('keeps at most twice maxBytes on disk over 200 exports, losing only rotated-out documents', async () => {
    const path = join(dir, 'm.jsonl');
    const maxBytes = 4096;
    const exporter = new FileMetricExporter(path, maxBytes, capture().diagnostics, typeName);
    let rotations = 0;
    let previousSize = 0;
    for (let i = 0; i < 200; i++) {
      // Sizes from ~300 to ~1500 bytes, changing every export.
      const result = await exportOnce(exporter, resourceMetrics('x'.repeat(50 + ((i * 397) % 1200)), i));
      expect(result.code).toBe(SUCCESS);
      const main = statSync(path).size;
      const rotated = existsSync(`${path}.1`) ? statSync(`${path}.1`).size : 0;
      expect(main).toBeLessThanOrEqual(maxBytes);
      expect(rotated).toBeLessThanOrEqual(maxBytes);
      expect(main + rotated).toBeLessThanOrEqual(2 * maxBytes);
      if (main < previousSize) rotations++;
      previousSize = main;
      // The newest document is always the last line of the main file.
      expect(JSON.parse(lines(path).at(-1)!).scopeMetrics[0].metrics[0].dataPoints[0].value).toBe(i);
    }
    expect(rotations).toBeGreaterThan(20);
    // The two files hold the most recent documents, in order, without gaps.
    const values = [...lines(`${path}.1`), ...lines(path)].map((l) => JSON.parse(l).scopeMetrics[0].metrics[0].dataPoints[0].value);
    expect(values).toEqual(Array.from({ length: values.length }, (_, k) => 200 - values.length + k));
  });

  it('counts a file left by an earlier process towards maxBytes', async () => {
    const path = join(dir, 'm.jsonl');
    const maxBytes = 2048;
    writeFileSync(path, '{"old":true}\n'.repeat(150)); // 1950 bytes
    const exporter = new FileMetricExporter(path, maxBytes, capture().diagnostics, typeName);
    await exportOnce(exporter, resourceMetrics('new'));
    expect(lines(`${path}.1`)).toHaveLength(150);
    expect(lines(path)).toHaveLength(1);
  });

  it('skips a document larger than maxBytes with one warning, and goes on writing smaller ones', async () => {
    const path = join(dir, 'm.jsonl');
    const maxBytes = 1024;
    const { written, diagnostics } = capture();
    const exporter = new FileMetricExporter(path, maxBytes, diagnostics, typeName);
    const huge = resourceMetrics('h'.repeat(2000));
    const hugeBytes = lineBytes('h'.repeat(2000));

    expect(await exportOnce(exporter, huge)).toEqual({ code: SUCCESS });
    expect(await exportOnce(exporter, huge)).toEqual({ code: SUCCESS });
    expect(existsSync(path)).toBe(false);
    expect(written).toEqual([`[custom-otel] warn: a metrics document of ${hugeBytes} bytes is larger than CUSTOM_OTEL_METRICS_FILE_MAX_BYTES=1024; it is not written`]);

    await exportOnce(exporter, resourceMetrics('small'));
    expect(lines(path)).toHaveLength(1);
    diagnostics.flushSummary();
    expect(written[1]).toBe('[custom-otel] warn: in the last minute: metrics.file.too-large: 1');
  });

  it('reports a file it cannot write as a failed export, once', async () => {
    const path = join(dir, 'missing-dir', 'm.jsonl');
    const { written, diagnostics } = capture();
    const exporter = new FileMetricExporter(path, 4096, diagnostics, typeName);
    const first = await exportOnce(exporter, resourceMetrics('a'));
    const second = await exportOnce(exporter, resourceMetrics('b'));
    expect(first.code).toBe(FAILED);
    expect(first.error).toBeInstanceOf(Error);
    expect(second.code).toBe(FAILED);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(new RegExp(`^\\[custom-otel\\] warn: writing metrics to ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} failed: ENOENT`));
    diagnostics.flushSummary();
  });

  it('fails an export it cannot serialise without touching the file', async () => {
    const path = join(dir, 'm.jsonl');
    const exporter = new FileMetricExporter(path, 4096, capture().diagnostics, typeName);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const metrics = resourceMetrics('a');
    (metrics.scopeMetrics[0]!.metrics[0]!.dataPoints[0] as { value: unknown }).value = circular;
    const result = await exportOnce(exporter, metrics);
    expect(result.code).toBe(FAILED);
    expect(existsSync(path)).toBe(false);
  });

  it('waits for pending writes on forceFlush and shutdown', async () => {
    const path = join(dir, 'm.jsonl');
    const exporter = new FileMetricExporter(path, 1024 * 1024, capture().diagnostics, typeName);
    for (let i = 0; i < 20; i++) exporter.export(resourceMetrics('p', i), () => undefined);
    await exporter.forceFlush();
    expect(lines(path)).toHaveLength(20);
    exporter.export(resourceMetrics('p', 20), () => undefined);
    await exporter.shutdown();
    expect(lines(path)).toHaveLength(21);
  });
});
