/**
 * A resource whose detectors still run, as the exit delivery meets it (the
 * process ends before a detector's file read), with each SDK line's own
 * Resource, tracer provider and upstream serializers (test/fixtures/sdk-lines):
 * what has settled is read and serialized without the SDK's error line, the
 * whole resource once it settles.
 */
import { describe, expect, it, vi } from 'vitest';
import { settledAttributes, settledResource, withSettledResources } from '../../src/settled-resource';
import { decodeMetricsRequest, decodeTraceRequest } from '../support/otlp-receiver';
import { sdkLineRequire, type SdkLineName } from '../support/sdk-line-packages';

const INSTALL_MS = 5 * 60_000;
type Loose = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Decoded {
  resourceSpans?: Array<{ resource: { attributes: Array<{ key: string }> }; scopeSpans: Array<{ spans: Array<{ name: string }> }> }>;
  resourceMetrics?: Array<{ resource: { attributes: Array<{ key: string }> } }>;
}

/** A resource of the line with `service.name` set and `host.id` pending until `settle` is called. */
function pendingResource(line: SdkLineName, lineRequire: NodeJS.Require): { resource: Loose; settle: () => void } {
  const resources = lineRequire('@opentelemetry/resources');
  let settle: () => void = () => undefined;
  if (line === '1.x') {
    const attributes = new Promise((resolve) => (settle = () => resolve({ 'host.id': 'h-1' })));
    return { resource: new resources.Resource({ 'service.name': 'early' }, attributes), settle };
  }
  const hostId = new Promise((resolve) => (settle = () => resolve('h-1')));
  return { resource: resources.resourceFromAttributes({ 'service.name': 'early', 'host.id': hostId }), settle };
}

function endedSpan(line: SdkLineName, lineRequire: NodeJS.Require, resource: Loose): Loose {
  const provider =
    line === '3.x'
      ? new (lineRequire('@opentelemetry/sdk-trace').TracerProvider)({ resource })
      : new (lineRequire('@opentelemetry/sdk-trace-base').BasicTracerProvider)({ resource });
  const span = provider.getTracer('settled-resource-test').startSpan('work');
  span.end();
  return span;
}

/** Error lines given to the line's own diag while `work` runs (spied on the API's object: each line has its own copy, and only one can hold the global logger). */
function errorsDuring(lineRequire: NodeJS.Require, work: () => void): string[] {
  const { diag } = lineRequire('@opentelemetry/api');
  const error = vi.spyOn(diag, 'error').mockImplementation(() => undefined);
  try {
    work();
    return error.mock.calls.map((call) => String(call[0]));
  } finally {
    error.mockRestore();
  }
}

const resourceKeys = (resource: { attributes: Array<{ key: string }> } | undefined) => resource?.attributes.map((a) => a.key);

describe.each(['1.x', '2.x', '3.x'] as const)('a pending resource of the %s line', (line) => {
  it(
    'is read and serialized (traces and metrics) with what has settled, without the SDK error, and whole once settled',
    async () => {
      const lineRequire = await sdkLineRequire(line);
      const transformer = lineRequire('@opentelemetry/otlp-transformer');
      const { resource, settle } = pendingResource(line, lineRequire);
      const span = endedSpan(line, lineRequire, resource);
      const spanResource = span.resource;
      const traces = () => decodeTraceRequest(transformer.ProtobufTraceSerializer.serializeRequest(withSettledResources([span]))) as Decoded;
      const metrics = () => decodeMetricsRequest(transformer.ProtobufMetricsSerializer.serializeRequest({ resource: settledResource(resource), scopeMetrics: [] })) as Decoded;

      expect(resource.asyncAttributesPending).toBe(true);
      // What reading the SDK's getter does at that moment, the line printed as our error.
      expect(errorsDuring(lineRequire, () => void resource.attributes)).toEqual(['Accessing resource attributes before async attributes settled']);

      let decodedTraces: Decoded = {};
      let decodedMetrics: Decoded = {};
      const errors = errorsDuring(lineRequire, () => {
        expect(settledAttributes(resource)).toEqual({ 'service.name': 'early' });
        decodedTraces = traces();
        decodedMetrics = metrics();
      });
      expect(errors).toEqual([]);
      expect(decodedTraces.resourceSpans).toHaveLength(1);
      // The provider merges its defaults (telemetry.sdk.*) into the span's resource, still pending.
      const settledKeys = Object.keys(settledAttributes(span.resource));
      expect(settledKeys).toContain('service.name');
      expect(settledKeys).not.toContain('host.id');
      expect(resourceKeys(decodedTraces.resourceSpans![0]!.resource)).toEqual(settledKeys);
      expect(decodedTraces.resourceSpans![0]!.scopeSpans[0]!.spans.map((s) => s.name)).toEqual(['work']);
      expect(resourceKeys(decodedMetrics.resourceMetrics![0]!.resource)).toEqual(['service.name']);
      // The span itself keeps its resource.
      expect(span.resource).toBe(spanResource);

      settle();
      await resource.waitForAsyncAttributes();
      await spanResource.waitForAsyncAttributes();
      expect(settledResource(resource)).toBe(resource);
      expect(resourceKeys(traces().resourceSpans![0]!.resource)).toEqual([...settledKeys, 'host.id']);
      expect(resourceKeys(metrics().resourceMetrics![0]!.resource)).toEqual(['service.name', 'host.id']);
    },
    INSTALL_MS,
  );
});

it('puts spans of one pending resource in one ResourceSpans (one view per resource)', async () => {
  const lineRequire = await sdkLineRequire('1.x');
  const { resource } = pendingResource('1.x', lineRequire);
  const tracer = new (lineRequire('@opentelemetry/sdk-trace-base').BasicTracerProvider)({ resource }).getTracer('settled-resource-test');
  const ended = [tracer.startSpan('one'), tracer.startSpan('two')];
  for (const span of ended) span.end();
  const spans = withSettledResources(ended);
  expect(spans[0]!.resource).toBe(spans[1]!.resource);
  expect(spans[0]!.resource).not.toBe(ended[0].resource);
}, INSTALL_MS);
