import { describe, expect, it } from 'vitest';
import { LazyExporter } from '../../src/lazy-exporter';
import { createOtlpExporter } from '../../src/otlp-exporters';

describe('LazyExporter', () => {
  it('makes the exporter on the first export only, and forwards to it', async () => {
    const calls: string[] = [];
    let made = 0;
    const lazy = new LazyExporter<string[]>(() => {
      made++;
      return {
        export: (items, done) => {
          calls.push(items.join());
          done({ code: 0 });
        },
        shutdown: async () => void calls.push('shutdown'),
        forceFlush: async () => void calls.push('flush'),
      };
    });
    await lazy.forceFlush();
    expect(made).toBe(0);
    const results: number[] = [];
    lazy.export(['a', 'b'], (r) => results.push(r.code));
    lazy.export(['c'], (r) => results.push(r.code));
    await lazy.forceFlush();
    await lazy.shutdown();
    expect(made).toBe(1);
    expect(results).toEqual([0, 0]);
    expect(calls).toEqual(['a,b', 'c', 'flush', 'shutdown']);
  });

  it('shuts down without making an exporter that never exported', async () => {
    let made = 0;
    const lazy = new LazyExporter(() => {
      made++;
      throw new Error('not expected');
    });
    await lazy.shutdown();
    expect(made).toBe(0);
  });
});

describe('createOtlpExporter', () => {
  const target = { protocol: 'grpc' as const, url: 'http://127.0.0.1:1', headers: {}, timeoutMs: 100, compression: 'none' as const };

  it('answers cumulative temporality for a lazy metric exporter', () => {
    const exporter = createOtlpExporter<{ selectAggregationTemporality(type: number): number }>('metrics', target, {});
    expect(exporter).toBeInstanceOf(LazyExporter);
    expect(exporter.selectAggregationTemporality(0)).toBe(1 /* AggregationTemporality.CUMULATIVE */);
  });

  it('makes the real metric exporter at once when a temporality preference is set', () => {
    const exporter = createOtlpExporter<object>('metrics', target, { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta' });
    expect(exporter).not.toBeInstanceOf(LazyExporter);
    expect(exporter.constructor.name).toBe('OTLPMetricExporter');
  });
});
