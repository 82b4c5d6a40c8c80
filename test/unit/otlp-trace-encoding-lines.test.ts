/**
 * Our OTLP trace encoder against the serializer of every SDK line it is used
 * on (2.x for Node 18/20, 3.x for Node 22+; the 1.x line of Node 14/16 keeps
 * upstream's exporter and serializer, see src/sdk-line/v1.ts), each from its
 * own lockfile (test/fixtures/sdk-lines), with spans made by that line's own
 * SDK. Compared byte for byte, and decoded with the official protos field by
 * field, so that a field one line's serializer writes and ours does not is
 * named; and the corpus must make upstream write every field of the messages
 * a span travels in, so no field escapes the comparison for lack of data.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { encodeSpan, encodeTraceExportRequest } from '../../src/traces/otlp-trace-encoding';
import { sdkLine as developmentLine } from '../../src/sdk-line';
import { fieldPaths, messageDifferences } from '../support/message-differences';
import { decodeTraceRequest, protoFieldNames } from '../support/otlp-receiver';
import { sdkKit, sdkLineRequire } from '../support/sdk-line-packages';
import { serverSpans, spanCorpus, type SdkKit } from '../support/span-corpus';

const INSTALL_MS = 5 * 60_000;

/** Where each message a span travels in sits in a decoded request. */
const MESSAGES: Array<[string, string]> = [
  ['opentelemetry.proto.trace.v1.ResourceSpans', '.resourceSpans[]'],
  ['opentelemetry.proto.resource.v1.Resource', '.resourceSpans[].resource'],
  ['opentelemetry.proto.trace.v1.ScopeSpans', '.resourceSpans[].scopeSpans[]'],
  ['opentelemetry.proto.common.v1.InstrumentationScope', '.resourceSpans[].scopeSpans[].scope'],
  ['opentelemetry.proto.trace.v1.Span', '.resourceSpans[].scopeSpans[].spans[]'],
  ['opentelemetry.proto.trace.v1.Span.Event', '.resourceSpans[].scopeSpans[].spans[].events[]'],
  ['opentelemetry.proto.trace.v1.Span.Link', '.resourceSpans[].scopeSpans[].spans[].links[]'],
  ['opentelemetry.proto.trace.v1.Status', '.resourceSpans[].scopeSpans[].spans[].status'],
];

/**
 * Fields no line's serializer writes, whatever the span (so they cannot be
 * compared): the scope's and resource's own attributes/dropped counts and
 * entity references are not carried by ReadableSpan.
 */
const NEVER_WRITTEN_BY_UPSTREAM = new Set([
  'opentelemetry.proto.resource.v1.Resource.droppedAttributesCount',
  'opentelemetry.proto.resource.v1.Resource.entityRefs',
  'opentelemetry.proto.common.v1.InstrumentationScope.attributes',
  'opentelemetry.proto.common.v1.InstrumentationScope.droppedAttributesCount',
]);

describe('our encoder in development is the one compared here', () => {
  it('is used by the 2.x and 3.x lines (development runs the 2.x line)', () => {
    expect(developmentLine.name).toBe('2.x');
    expect(developmentLine.grpcTraceExporter).toBeDefined();
  });
});

describe.each(['2.x', '3.x'] as const)('against the %s line', (line) => {
  let serialize: (spans: ReadableSpan[]) => Uint8Array;
  let corpus: ReadableSpan[];
  let spanClass: new (...args: never[]) => unknown;
  let kit: SdkKit;

  beforeAll(async () => {
    const lineRequire = await sdkLineRequire(line);
    const transformer = lineRequire('@opentelemetry/otlp-transformer');
    serialize = (spans) => transformer.ProtobufTraceSerializer.serializeRequest(spans);
    kit = sdkKit(line, lineRequire);
    corpus = spanCorpus(kit);
    // The class of the spans the line's own tracer makes.
    const probe = new kit.TracerProvider({}).getTracer('probe').startSpan('probe');
    spanClass = probe.constructor as typeof spanClass;
    probe.end();
  }, INSTALL_MS);

  it("the corpus is made by the line's own SDK, whole", () => {
    expect(corpus.map((span) => span.name)).toEqual(spanCorpus().map((span) => span.name));
    expect(corpus.every((span) => span instanceof spanClass)).toBe(true);
  });

  it('writes the same bytes, and decodes to the same request field by field', () => {
    const ours = encodeTraceExportRequest(corpus);
    const theirs = serialize(corpus);
    expect(messageDifferences(decodeTraceRequest(theirs), decodeTraceRequest(ours))).toEqual([]);
    expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
  });

  it('writes the same bytes from spans encoded as they ended, alone and among spans as the SDK made them', () => {
    const theirs = Buffer.from(serialize(corpus));
    const encoded = corpus.map((span) => encodeSpan(span) as unknown as ReadableSpan);
    expect(Buffer.from(encodeTraceExportRequest(encoded)).equals(theirs)).toBe(true);
    const mixed = corpus.map((span, i) => (i % 3 === 0 ? span : encoded[i]!));
    expect(Buffer.from(encodeTraceExportRequest(mixed)).equals(theirs)).toBe(true);
  });

  it('writes the same on a batch of typical server spans', () => {
    const spans = serverSpans(64, {}, kit);
    expect(messageDifferences(decodeTraceRequest(serialize(spans)), decodeTraceRequest(encodeTraceExportRequest(spans)))).toEqual([]);
  });

  it('the corpus makes upstream write every field of every message a span travels in (none escapes the comparison)', () => {
    const written = fieldPaths(decodeTraceRequest(serialize(corpus)));
    const unwritten: string[] = [];
    for (const [type, at] of MESSAGES) {
      for (const field of protoFieldNames(type)) if (!written.has(`${at}.${field}`) && !NEVER_WRITTEN_BY_UPSTREAM.has(`${type}.${field}`)) unwritten.push(`${type}.${field}`);
    }
    expect(unwritten).toEqual([]);
  });
});

describe('the field-by-field comparison', () => {
  it('names a field upstream writes and ours does not, one ours writes alone, and a different value', () => {
    const theirs = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'a', flags: 769, droppedLinksCount: 1 }] }] }] };
    const ours = { resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'b', flags: 769, kind: 2 }] }] }] };
    expect(messageDifferences(theirs, ours)).toEqual([
      '.resourceSpans[0].scopeSpans[0].spans[0].name: "a" upstream, "b" ours',
      '.resourceSpans[0].scopeSpans[0].spans[0].droppedLinksCount: upstream writes it, ours does not',
      '.resourceSpans[0].scopeSpans[0].spans[0].kind: ours writes it, upstream does not',
    ]);
    expect(messageDifferences({ events: [{}, {}] }, { events: [{}] })).toEqual(['.events: 2 items upstream, 1 ours']);
  });
});
