import { describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { encodeTraceExportRequest } from '../../src/traces/otlp-trace-encoding';
import { decodeTraceRequest } from '../support/otlp-receiver';
import { NON_ASCII, serverSpans, spanCorpus } from '../support/span-corpus';

const upstream = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans)!;

type Decoded = {
  resourceSpans: Array<{
    schemaUrl?: string;
    resource: { attributes: Array<{ key: string }> };
    scopeSpans: Array<{ schemaUrl?: string; scope: { name: string; version?: string }; spans: Array<Record<string, any>> }>;
  }>;
};

describe('our OTLP trace encoding against upstream otlp-transformer, decoded with the official protos', () => {
  const corpus = spanCorpus();

  it('decodes to the same request on the whole corpus, and to the same bytes', () => {
    const ours = encodeTraceExportRequest(corpus);
    const theirs = upstream(corpus);
    expect(decodeTraceRequest(ours)).toEqual(decodeTraceRequest(theirs));
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  });

  it('writes ids given in uppercase hex as the same bytes as in lowercase', () => {
    const lower = corpus[0]!;
    const upperContext = { ...lower.spanContext(), traceId: lower.spanContext().traceId.toUpperCase(), spanId: lower.spanContext().spanId.toUpperCase() };
    const parent = lower.parentSpanContext ?? { traceId: upperContext.traceId, spanId: 'B7AD6B7169203331', traceFlags: 1 };
    const upper = Object.assign(Object.create(lower), { spanContext: () => upperContext, parentSpanContext: { ...parent, spanId: parent.spanId.toUpperCase() } }) as ReadableSpan;
    const lowered = Object.assign(Object.create(lower), { parentSpanContext: { ...parent, spanId: parent.spanId.toLowerCase() } }) as ReadableSpan;
    expect(/[A-F]/.test(upperContext.traceId + upperContext.spanId)).toBe(true);
    expect(Buffer.from(encodeTraceExportRequest([upper])).equals(Buffer.from(encodeTraceExportRequest([lowered])))).toBe(true);
  });

  it('carries what the corpus holds (so the comparison above compares something)', () => {
    const decoded = decodeTraceRequest(encodeTraceExportRequest(corpus)) as unknown as Decoded;
    expect(decoded.resourceSpans).toHaveLength(2);
    expect(decoded.resourceSpans[0]!.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    const scopes = decoded.resourceSpans.flatMap((r) => r.scopeSpans);
    expect(scopes.map((s) => [s.scope.name, s.scope.version ?? '', s.schemaUrl ?? ''])).toEqual([
      ['@opentelemetry/instrumentation-http', '0.203.0', 'https://opentelemetry.io/schemas/1.21.0'],
      ['no-version', '', ''],
      ['billing-scope', '2.0.0', ''],
    ]);
    const spans = scopes.flatMap((s) => s.spans);
    expect(spans).toHaveLength(corpus.length);
    const byName = new Map(spans.map((s) => [s.name as string, s]));
    const server = byName.get('GET /orders http')!;
    expect(server.traceState).toBe('vendor=a1,other=b-2');
    expect(server.parentSpanId).toBe(Buffer.from('b7ad6b7169203331', 'hex').toString('base64'));
    expect(server.flags).toBe(0x301); // sampled, has-is-remote, is-remote
    expect(server.status).toEqual({ code: 1 });
    const child = byName.get(`SELECT http ${NON_ASCII}`)!;
    expect(child.status).toEqual({ code: 2, message: `failed: ${NON_ASCII}` });
    expect(child.events.map((e: { name: string }) => e.name)).toEqual(['exception', 'no attributes']);
    const typed = byName.get('typed http')!;
    const values = Object.fromEntries(typed.attributes.map((kv: { key: string; value: unknown }) => [kv.key, kv.value]));
    expect(values['str.unicode']).toEqual({ stringValue: NON_ASCII });
    expect(values['int.negative.big']).toEqual({ intValue: String(-(2 ** 45) - 3) });
    expect(values['int.beyond.int64']).toEqual({ doubleValue: 2 ** 64 });
    expect(values['array.empty']).toEqual({ arrayValue: {} });
    expect(values['ключ.ünicode']).toEqual({ stringValue: 'key beyond ASCII' });
    expect(typed.links).toHaveLength(2);
    expect(typed.links[0].traceState).toBe('congo=t61rcWkgMzE');
    expect(typed.events[0].timeUnixNano).toBe('1700000000123456789');
    expect(typed.endTimeUnixNano).toBe('1700000001999999999');
    const crowded = byName.get('crowded')!;
    expect([crowded.droppedAttributesCount, crowded.droppedEventsCount, crowded.droppedLinksCount]).toEqual([16, 1, 1]);
    expect(crowded.events.map((e: { name: string; droppedAttributesCount: number }) => [e.name, e.droppedAttributesCount])).toEqual([['second', 2]]);
  });

  it('gives the same bytes span by span, each span alone in its request', () => {
    for (const span of corpus) expect(Buffer.from(encodeTraceExportRequest([span])).equals(Buffer.from(upstream([span])))).toBe(true);
  });

  it('gives the same bytes for a batch of 512 server spans and one that outgrows its first buffer', () => {
    const batch = serverSpans(512);
    expect(Buffer.from(encodeTraceExportRequest(batch)).equals(Buffer.from(upstream(batch)))).toBe(true);
    const large = serverSpans(8, { 'payload': 'y'.repeat(300_000), 'payload.unicode': NON_ASCII.repeat(5_000) });
    const ours = encodeTraceExportRequest(large);
    expect(ours.length).toBeGreaterThan(2_400_000);
    expect(Buffer.from(ours).equals(Buffer.from(upstream(large)))).toBe(true);
  });

  it("writes each span's own value of an attribute whose value changes, before and after its last pair stops being kept", () => {
    // Twelve changes pass the point where a key's pair is no longer replaced; then earlier values, the frozen one, and other types.
    const values: unknown[] = [...'abcdefghijkl', 'l', 'a', 'l', 7, 7, true, false, 2.5, -0, 0, 'x'.repeat(65), 'x'.repeat(65)];
    for (const value of values) {
      const [span] = serverSpans(1, { 'changing.value': value as string, 'steady.value': 'same' });
      expect(Buffer.from(encodeTraceExportRequest([span!])).equals(Buffer.from(upstream([span!]))), `changing.value = ${String(value)}`).toBe(true);
    }
  });

  it('encodes an empty batch as an empty request, as upstream does', () => {
    expect(encodeTraceExportRequest([])).toHaveLength(0);
    expect(upstream([])).toHaveLength(0);
  });

  it('encodes the same resource and scope again the same way (their encoded form is kept per object)', () => {
    const batch = serverSpans(3);
    const first = Buffer.from(encodeTraceExportRequest(batch));
    expect(Buffer.from(encodeTraceExportRequest(batch)).equals(first)).toBe(true);
  });

  it('encodes a span made elsewhere without dropped counts as counts of 0', () => {
    const [real] = serverSpans(1);
    const r = real!;
    const partial = {
      name: r.name, kind: r.kind, spanContext: () => r.spanContext(), startTime: r.startTime, endTime: r.endTime, status: r.status,
      attributes: r.attributes, links: [], events: [], resource: r.resource, instrumentationScope: r.instrumentationScope,
    } as unknown as ReadableSpan;
    const decoded = decodeTraceRequest(encodeTraceExportRequest([partial])) as unknown as Decoded;
    const span = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect([span.droppedAttributesCount, span.droppedEventsCount, span.droppedLinksCount]).toEqual([0, 0, 0]);
    expect(span.attributes).toHaveLength(Object.keys(real!.attributes).length);
  });
});

describe('a resource whose detectors still run (the exit delivery before a detector settles)', () => {
  it('is encoded with the attributes settled so far, without the SDK error for reading them early, and in full once settled', async () => {
    let settle: (value: string) => void = () => undefined;
    const resource = resourceFromAttributes({ 'service.name': 'early', 'host.id': new Promise<string>((resolve) => (settle = resolve)) });
    const errors: string[] = [];
    diag.setLogger({ error: (message: string) => errors.push(message), warn: () => undefined, info: () => undefined, debug: () => undefined, verbose: () => undefined }, DiagLogLevel.ERROR);
    try {
      expect(resource.asyncAttributesPending).toBe(true);
      const span = Object.assign(Object.create(spanCorpus()[0]!), { resource }) as ReadableSpan;
      const keys = () => (decodeTraceRequest(encodeTraceExportRequest([span])) as unknown as Decoded).resourceSpans[0]!.resource.attributes.map((a) => a.key);
      expect(keys()).toEqual(['service.name']);
      expect(errors).toEqual([]);
      // What the SDK's own getter does at that moment (why the encoder reads around it).
      void resource.attributes;
      expect(errors).toEqual(['Accessing resource attributes before async attributes settled']);
      settle('h-1');
      await resource.waitForAsyncAttributes?.();
      expect(keys()).toEqual(['service.name', 'host.id']);
    } finally {
      diag.disable();
    }
  });
});
