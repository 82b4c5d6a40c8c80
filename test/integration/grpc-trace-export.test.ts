/**
 * Spans exported over gRPC with our span encoding reach a real OTLP receiver
 * intact, through the exporter our distribution builds (createOtlpExporter on
 * this SDK line) and through the size limit that splits rejected requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Diagnostics } from '../../src/diagnostics';
import { createOtlpExporter } from '../../src/otlp-exporters';
import { sdkLine } from '../../src/sdk-line';
import { createGrpcTraceExporter, shippedExportPackages } from '../../src/traces/grpc-trace-exporter';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { SizeLimitedSpanExporter } from '../../src/traces/size-limited-span-exporter';
import { encodeSpan } from '../../src/traces/otlp-trace-encoding';
import { decodeTraceRequest, OtlpReceiver } from '../support/otlp-receiver';
import { serverSpans, spanCorpus } from '../support/span-corpus';

let receiver: OtlpReceiver | undefined;
let exporter: SpanExporter | undefined;
afterEach(async () => {
  await exporter?.shutdown();
  await receiver?.close();
  exporter = receiver = undefined;
});

/** Every other span as the export queue holds it once encoded at its end. */
const halfEncoded = (spans: ReadableSpan[]): ReadableSpan[] => spans.map((span, i) => (i % 2 === 0 ? (encodeSpan(span) as unknown as ReadableSpan) : span));

function exportOnce(spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter!.export(spans, resolve));
}

describe('gRPC trace export with our span encoding', () => {
  it('is the exporter of this SDK line', () => {
    expect(sdkLine.grpcTraceExporter).toBe(createGrpcTraceExporter);
  });

  for (const compression of ['none', 'gzip'] as const) {
    it(`delivers the whole corpus as upstream's serializer would encode it (compression ${compression})`, async () => {
      receiver = await OtlpReceiver.start();
      exporter = createOtlpExporter<SpanExporter>('traces', { protocol: 'grpc', url: receiver.grpcUrl, headers: { 'x-tenant': 't1' }, timeoutMs: 10_000, compression });
      const corpus = spanCorpus();
      expect(await exportOnce(corpus)).toEqual({ code: 0 });
      expect(receiver.raw).toHaveLength(1);
      expect(decodeTraceRequest(receiver.raw[0]!)).toEqual(decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(corpus)!));
      expect(receiver.spans.map((s) => s.name).sort()).toEqual(corpus.map((s) => s.name).sort());
      expect(receiver.spans.map((s) => s.spanId).sort()).toEqual(corpus.map((s) => s.spanContext().spanId).sort());
    });
  }

  it("delivers spans encoded as they ended, among others, as upstream's serializer encodes the spans they were", async () => {
    receiver = await OtlpReceiver.start();
    exporter = createOtlpExporter<SpanExporter>('traces', { protocol: 'grpc', url: receiver.grpcUrl, headers: {}, timeoutMs: 10_000, compression: 'none' });
    const corpus = spanCorpus();
    expect(await exportOnce(halfEncoded(corpus))).toEqual({ code: 0 });
    expect(decodeTraceRequest(receiver.raw[0]!)).toEqual(decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(corpus)!));
  });

  it('keeps the size limit with spans encoded as they ended: rejected requests are split until every span arrives', async () => {
    receiver = await OtlpReceiver.start({ maxReceiveMessageBytes: 64 * 1024 });
    exporter = new SizeLimitedSpanExporter(createGrpcTraceExporter({ url: receiver.grpcUrl, timeoutMillis: 10_000 }), 4 * 1024 * 1024, new Diagnostics(() => undefined));
    const spans = serverSpans(300);
    expect(await exportOnce(spans.map((span) => encodeSpan(span) as unknown as ReadableSpan))).toEqual({ code: 0 });
    expect(receiver.requests.traces).toBeGreaterThanOrEqual(4);
    expect(receiver.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
    expect(receiver.spans[0]!.attributes['url.path']).toMatch(/^\/api\/orders\/\d+$/);
  });

  it('keeps the size limit: a request the receiver rejects as too large is split until every span arrives', async () => {
    receiver = await OtlpReceiver.start({ maxReceiveMessageBytes: 64 * 1024 });
    const lines: string[] = [];
    exporter = new SizeLimitedSpanExporter(
      createGrpcTraceExporter({ url: receiver.grpcUrl, timeoutMillis: 10_000 }),
      4 * 1024 * 1024,
      new Diagnostics((line) => lines.push(line)),
    );
    const spans = serverSpans(300);
    expect(await exportOnce(spans)).toEqual({ code: 0 });
    // ~200 kB of spans in one batch: only the splits after rejections bring it under 64 kiB a request.
    expect(receiver.requests.traces).toBeGreaterThanOrEqual(4);
    expect(receiver.spans.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanContext().spanId).sort());
    expect(receiver.spans[0]!.attributes['custom.processed']).toBe(true);
    expect(receiver.spans[0]!.attributes['url.path']).toMatch(/^\/api\/orders\/\d+$/);
  });
});

describe("falling back to upstream's path, spans still reach the receiver", () => {
  it("with the export delegate's signature changed: upstream's OTLPTraceExporter sends the corpus, said once", async () => {
    receiver = await OtlpReceiver.start();
    const real = shippedExportPackages();
    // A later version that takes its options another way.
    const changedDelegate = (options: unknown, serializer: unknown, componentType: unknown, helper: unknown, meterProvider: unknown, grpcName: unknown, grpcPath: unknown, signal: unknown) =>
      real.grpcBase.createOtlpGrpcExportDelegate(options, serializer, componentType, helper, meterProvider, grpcName, grpcPath, signal);
    const lines: string[] = [];
    exporter = createGrpcTraceExporter({ url: receiver.grpcUrl, timeoutMillis: 10_000 }, (line) => lines.push(line), { ...real, grpcBase: { ...real.grpcBase, createOtlpGrpcExportDelegate: changedDelegate } });
    expect(exporter).toBeInstanceOf(OTLPTraceExporter);
    const corpus = spanCorpus();
    expect(await exportOnce(corpus)).toEqual({ code: 0 });
    expect(await exportOnce(serverSpans(10))).toEqual({ code: 0 });
    expect(decodeTraceRequest(receiver.raw[0]!)).toEqual(decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(corpus)!));
    expect(receiver.spans).toHaveLength(corpus.length + 10);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/createOtlpGrpcExportDelegate.*takes other parameters.*upstream's OTLPTraceExporter/);
  });

  it("with our encoder failing on a batch: that batch and the next are encoded by upstream's serializer, said once", async () => {
    receiver = await OtlpReceiver.start();
    const lines: string[] = [];
    const failing = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'spanContext')");
    };
    exporter = createGrpcTraceExporter({ url: receiver.grpcUrl, timeoutMillis: 10_000 }, (line) => lines.push(line), shippedExportPackages(), failing);
    const corpus = spanCorpus();
    expect(await exportOnce(corpus)).toEqual({ code: 0 });
    expect(await exportOnce(serverSpans(10))).toEqual({ code: 0 });
    expect(decodeTraceRequest(receiver.raw[0]!)).toEqual(decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(corpus)!));
    expect(receiver.spans).toHaveLength(corpus.length + 10);
    expect(lines).toEqual(["our OTLP trace encoder failed (Cannot read properties of undefined (reading 'spanContext')): this and every later batch is encoded by upstream's serializer"]);
  });
  it("with our encoder failing on a batch holding spans encoded as they ended: upstream's serializer takes the others, nothing is lost", async () => {
    receiver = await OtlpReceiver.start();
    const lines: string[] = [];
    const failing = () => {
      throw new Error('encoder broken');
    };
    exporter = createGrpcTraceExporter({ url: receiver.grpcUrl, timeoutMillis: 10_000 }, (line) => lines.push(line), shippedExportPackages(), failing);
    const corpus = spanCorpus();
    expect(await exportOnce(halfEncoded(corpus))).toEqual({ code: 0 });
    expect(await exportOnce(halfEncoded(serverSpans(10)))).toEqual({ code: 0 });
    const sent = decodeTraceRequest(receiver.raw[0]!) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ spanId: unknown }> }> }> };
    const expected = decodeTraceRequest(ProtobufTraceSerializer.serializeRequest(corpus)!) as typeof sent;
    const spansOf = (request: typeof sent) => request.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    const byId = (a: { spanId: unknown }, b: { spanId: unknown }) => String(a.spanId).localeCompare(String(b.spanId));
    // The encoded half comes first in the request; span by span, the same.
    expect(spansOf(sent).sort(byId)).toEqual(spansOf(expected).sort(byId));
    expect(receiver.spans).toHaveLength(corpus.length + 10);
    expect(lines).toEqual(["our OTLP trace encoder failed (encoder broken): this and every later batch is encoded by upstream's serializer"]);
  });
});
