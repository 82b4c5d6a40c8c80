/** Attribute sets kept once and hashed once (src/metrics/attribute-sets.ts), and the HTTP duration records routed through them. */
import { describe, expect, it } from 'vitest';
import { AttributeSets, attributeSetsNotice, installAttributeSets, metricsUtilsProblem } from '../../src/metrics/attribute-sets';
import { loadMetricsUtils } from '../../src/metrics/sdk-metrics-utils';
import { recordDurationsWithKeptSets } from '../../src/instrumentations/http-duration-records';
import { sdkLineRequire } from '../support/sdk-line-packages';

/** The SDK's own hash function, as written in its utils module. */
function sdkHash(attributes: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(attributes).sort();
  return keys.length === 0 ? '' : JSON.stringify(keys.map((key) => [key, attributes[key]]));
}

function counting(hash: (attributes: Readonly<Record<string, unknown>>) => string) {
  const counted = Object.assign((attributes: Readonly<Record<string, unknown>>) => (counted.calls++, hash(attributes)), { calls: 0 });
  return counted;
}

describe('AttributeSets', () => {
  it('hands back one frozen set for equal sets, hashed once, and the SDK hash of it', () => {
    const hash = counting(sdkHash);
    const sets = new AttributeSets(hash);
    const first = sets.intern({ 'http.request.method': 'GET', 'url.scheme': 'http', 'http.response.status_code': 200 });
    const second = sets.intern({ 'http.request.method': 'GET', 'url.scheme': 'http', 'http.response.status_code': 200 });
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ 'http.request.method': 'GET', 'url.scheme': 'http', 'http.response.status_code': 200 });
    expect(hash.calls).toBe(1);
    const memoized = sets.hashFunction();
    expect(memoized(first)).toBe(sdkHash(first));
    expect(hash.calls).toBe(1);
  });

  it('tells apart values the SDK hashes apart: 200 and "200", undefined and absent, other names', () => {
    const sets = new AttributeSets(sdkHash);
    const number = sets.intern({ status: 200 });
    const text = sets.intern({ status: '200' });
    const absent = sets.intern({ method: 'GET' });
    const undefinedRoute = sets.intern({ method: 'GET', route: undefined });
    const otherName = sets.intern({ verb: 'GET' });
    expect(new Set([number, text, absent, undefinedRoute, otherName]).size).toBe(5);
    expect(undefinedRoute).toHaveProperty('route', undefined);
    const memoized = sets.hashFunction();
    for (const set of [number, text, absent, undefinedRoute, otherName]) expect(memoized(set)).toBe(sdkHash(set));
  });

  it('no strings make two different sets one (values that hold what a joined key would use as separators)', () => {
    const sets = new AttributeSets(sdkHash);
    const a = sets.intern({ a: 'x1:b', b: 'y' });
    const b = sets.intern({ a: 'x', b: '1:by' });
    expect(a).not.toBe(b);
  });

  it('gives back sets it cannot keep unchanged, and the SDK hashes them itself', () => {
    const hash = counting(sdkHash);
    const sets = new AttributeSets(hash, 2);
    const list = { tags: ['a', 'b'] };
    expect(sets.intern(list)).toBe(list);
    sets.intern({ n: 1 });
    sets.intern({ n: 2 });
    const third = { n: 3 };
    expect(sets.intern(third)).toBe(third);
    expect(sets.intern({ n: 1 })).toEqual({ n: 1 });
    const memoized = sets.hashFunction();
    const before = hash.calls;
    expect(memoized(third)).toBe(sdkHash(third));
    expect(hash.calls).toBe(before + 1);
  });
});

describe('metricsUtilsProblem', () => {
  it('names what is missing or not as relied on', () => {
    expect(metricsUtilsProblem(undefined)).toBe('its utils module was not found');
    expect(metricsUtilsProblem({})).toBe('it has no hashAttributes(attributes)');
    expect(metricsUtilsProblem(Object.freeze({ hashAttributes: sdkHash }))).toBe('its hashAttributes cannot be replaced');
    expect(metricsUtilsProblem({ hashAttributes: (a: object) => String(Object.keys(a)) })).toBe('its hashAttributes does not hash attribute sets by content');
    const outcome = installAttributeSets({});
    expect(outcome.installed).toBe(false);
    expect(attributeSetsNotice(outcome)).toMatch(/^the metrics SDK's internals are not the ones checked \(it has no hashAttributes\(attributes\)\): each HTTP duration record hashes its attribute set/);
  });
});

describe.each(['1.x', '2.x', '3.x'] as const)('on the %s line, as it ships', (line) => {
  it('the metrics SDK records kept sets once hashed, with the same data points as fresh sets', async () => {
    const lineRequire = await sdkLineRequire(line);
    const utils = loadMetricsUtils(lineRequire) as { hashAttributes: (attributes: Readonly<Record<string, unknown>>) => string };
    expect(metricsUtilsProblem(utils)).toBeUndefined();
    const hash = counting(utils.hashAttributes);
    utils.hashAttributes = hash;
    const outcome = installAttributeSets(utils);
    if (!outcome.installed) throw new Error(outcome.problem);

    const sdk = lineRequire('@opentelemetry/sdk-metrics');
    class Reader extends sdk.MetricReader {
      protected async onForceFlush(): Promise<void> {}
      protected async onShutdown(): Promise<void> {}
    }
    const reader = new Reader();
    const provider = new sdk.MeterProvider({ readers: [reader] });
    const histogram = provider.getMeter('test').createHistogram('http.server.request.duration', { unit: 's' });
    const ok = { 'http.request.method': 'GET', 'url.scheme': 'http', 'http.response.status_code': 200 };
    const kept = outcome.sets.intern({ ...ok });
    const callsBefore = hash.calls;
    for (let i = 0; i < 5; i++) histogram.record(0.01, kept);
    expect(hash.calls).toBe(callsBefore);
    histogram.record(0.02, { ...ok });
    histogram.record(0.03, outcome.sets.intern({ ...ok, 'http.response.status_code': 500, 'error.type': '500' }));

    const { resourceMetrics } = await reader.collect();
    const points = resourceMetrics.scopeMetrics[0].metrics[0].dataPoints as { attributes: object; value: { count: number } }[];
    expect(points.map((point) => [point.attributes, point.value.count])).toEqual([
      [ok, 6],
      [{ ...ok, 'http.response.status_code': 500, 'error.type': '500' }, 1],
    ]);
    await provider.shutdown();
  }, 5 * 60_000);
});

describe.each(['2.x', '3.x'] as const)('on the %s line, as it ships', (line) => {
  it("routes the HTTP instrumentation's server and client duration records through the kept sets", async () => {
    const lineRequire = await sdkLineRequire(line);
    const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
    const instrumentation = new HttpInstrumentation({ enabled: false });
    const seen: object[] = [];
    instrumentation._httpServerDurationHistogram = { record: (_value: number, attributes: object) => seen.push(attributes) };
    instrumentation._httpClientDurationHistogram = { record: (_value: number, attributes: object) => seen.push(attributes) };
    const sets = new AttributeSets(sdkHash);
    expect(recordDurationsWithKeptSets(instrumentation, sets)).toEqual(['_recordServerDuration', '_recordClientDuration']);
    instrumentation._recordServerDuration(12, { 'http.request.method': 'GET', 'http.response.status_code': 200 });
    instrumentation._recordServerDuration(15, { 'http.request.method': 'GET', 'http.response.status_code': 200 });
    instrumentation._recordClientDuration(3, { 'http.request.method': 'GET', 'server.address': 'orders' });
    expect(seen[1]).toBe(seen[0]);
    expect(seen[0]).toEqual({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
    expect(seen[2]).toBe(sets.intern({ 'http.request.method': 'GET', 'server.address': 'orders' }));
  }, 5 * 60_000);
});

it("routes the 1.x line's duration records, which take the old and the stable set at once, through the kept sets", async () => {
  const lineRequire = await sdkLineRequire('1.x');
  const { HttpInstrumentation } = lineRequire('@opentelemetry/instrumentation-http');
  // Both conventions, so that both histograms record.
  const before = process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
  process.env.OTEL_SEMCONV_STABILITY_OPT_IN = 'http/dup';
  let instrumentation: Record<string, unknown> & { _recordServerDuration(ms: number, old: object, stable: object): void; _recordClientDuration(ms: number, old: object, stable: object): void };
  try {
    instrumentation = new HttpInstrumentation({ enabled: false });
  } finally {
    if (before === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
    else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = before;
  }
  const seen: Array<[string, object]> = [];
  const histogram = (name: string) => ({ record: (_value: number, attributes: object) => seen.push([name, attributes]) });
  instrumentation._oldHttpServerDurationHistogram = histogram('old server');
  instrumentation._stableHttpServerDurationHistogram = histogram('stable server');
  instrumentation._oldHttpClientDurationHistogram = histogram('old client');
  instrumentation._stableHttpClientDurationHistogram = histogram('stable client');
  const sets = new AttributeSets(sdkHash);
  expect(recordDurationsWithKeptSets(instrumentation, sets)).toEqual(['_recordServerDuration', '_recordClientDuration']);
  instrumentation._recordServerDuration(12, { 'http.method': 'GET', 'http.status_code': 200 }, { 'http.request.method': 'GET' });
  instrumentation._recordServerDuration(15, { 'http.method': 'GET', 'http.status_code': 200 }, { 'http.request.method': 'GET' });
  instrumentation._recordClientDuration(3, { 'http.method': 'GET' }, { 'server.address': 'orders' });
  expect(seen.map(([name]) => name)).toEqual(['old server', 'stable server', 'old server', 'stable server', 'old client', 'stable client']);
  expect(seen[2]![1]).toBe(seen[0]![1]);
  expect(seen[3]![1]).toBe(seen[1]![1]);
  expect(seen[0]![1]).toBe(sets.intern({ 'http.method': 'GET', 'http.status_code': 200 }));
  expect(seen[5]![1]).toBe(sets.intern({ 'server.address': 'orders' }));
}, 5 * 60_000);
