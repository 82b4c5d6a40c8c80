/**
 * Real finished spans, made by real SDK tracers, covering what an OTLP trace
 * encoder must carry: every attribute type (and arrays of each, empty ones),
 * events and links with attributes, trace state, remote and local parents,
 * every status and kind, dropped counts, several resources and scopes with
 * versions and schema URLs, and text beyond ASCII.
 */
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type TraceState, type Tracer } from '@opentelemetry/api';
import * as core from '@opentelemetry/core';
import * as resources from '@opentelemetry/resources';
import * as traceBase from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/**
 * The SDK packages the corpus is made with: by default those of development
 * (the 2.x line); a test may pass another line's (see sdk-line-packages.ts).
 */
export interface SdkKit {
  TraceState: new (text: string) => unknown;
  resourceFromAttributes: (attributes: Attributes, options?: { schemaUrl?: string }) => unknown;
  /** BasicTracerProvider on 2.x, TracerProvider on 3.x. */
  TracerProvider: new (options: object) => { getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer };
  InMemorySpanExporter: new () => { getFinishedSpans(): ReadableSpan[] };
  /** A processor exporting each span as it ends (2.x takes the exporter, 3.x an options object). */
  simpleProcessor: (exporter: InstanceType<SdkKit['InMemorySpanExporter']>) => unknown;
}

export const DEVELOPMENT_KIT: SdkKit = {
  TraceState: core.TraceState,
  resourceFromAttributes: resources.resourceFromAttributes as SdkKit['resourceFromAttributes'],
  TracerProvider: traceBase.BasicTracerProvider as unknown as SdkKit['TracerProvider'],
  InMemorySpanExporter: traceBase.InMemorySpanExporter,
  simpleProcessor: (exporter) => new traceBase.SimpleSpanProcessor(exporter as traceBase.InMemorySpanExporter),
};

export const NON_ASCII = 'Grüße, 東京 — naïve café 🚀𝄞';

/** Attribute values of every type OTLP carries. */
export const EVERY_ATTRIBUTE_TYPE: Attributes = {
  'str': 'plain',
  'str.empty': '',
  'str.unicode': NON_ASCII,
  'str.long': 'x'.repeat(20_000),
  'bool.true': true,
  'bool.false': false,
  'int.zero': 0,
  'int.small': 42,
  'int.negative': -17,
  'int.big': 2 ** 40 + 7,
  'int.negative.big': -(2 ** 45) - 3,
  'int.max.safe': Number.MAX_SAFE_INTEGER,
  'int.beyond.safe': 2 ** 60,
  'int.beyond.int64': 2 ** 64,
  'double': 3.25,
  'double.negative': -0.001,
  'double.tiny': 5e-324,
  'double.nan': Number.NaN,
  'double.infinity': Number.POSITIVE_INFINITY,
  'array.str': ['a', '', NON_ASCII],
  'array.bool': [true, false],
  'array.int': [1, -2, 2 ** 35],
  'array.double': [1.5, -2.25],
  'array.empty': [],
  'array.with.null': ['a', null as unknown as string, 'b'],
  'ключ.ünicode': 'key beyond ASCII',
};

/** ~20 attributes of an HTTP server span as our distribution exports it (both HTTP conventions). */
export function serverSpanAttributes(i: number): Attributes {
  return {
    'http.method': 'GET',
    'http.request.method': 'GET',
    'http.url': `http://orders.demo.svc:8080/api/orders/${i}?page=2`,
    'url.full': `http://orders.demo.svc:8080/api/orders/${i}?page=2`,
    'http.target': `/api/orders/${i}?page=2`,
    'url.path': `/api/orders/${i}`,
    'url.query': 'page=2',
    'url.scheme': 'http',
    'server.address': 'orders.demo.svc',
    'server.port': 8080,
    'network.protocol.version': '1.1',
    'network.peer.address': '10.1.7.9',
    'network.peer.port': 51234,
    'client.address': '10.1.7.9',
    'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64)',
    'http.status_code': 200,
    'http.response.status_code': 200,
    'http.route': '/api/orders/:id',
    'custom.processed': true,
  };
}

type Sink = InstanceType<SdkKit['InMemorySpanExporter']>;

function collectingProvider(kit: SdkKit, resource: unknown, sink: Sink, limits = {}) {
  return new kit.TracerProvider({ resource, spanProcessors: [kit.simpleProcessor(sink)], spanLimits: limits });
}

function remoteParent(kit: SdkKit, traceState: string, sampled: boolean) {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
    traceState: new kit.TraceState(traceState) as TraceState,
  });
}

function spansOf(kit: SdkKit, tracer: Tracer, tag: string): void {
  // A server span under a remote parent with trace state; a local child; events; links; error status.
  const server = tracer.startSpan(`GET /orders ${tag}`, { kind: SpanKind.SERVER, attributes: serverSpanAttributes(1) }, remoteParent(kit, 'vendor=a1,other=b-2', true));
  const child = tracer.startSpan(`SELECT ${tag} ${NON_ASCII}`, { kind: SpanKind.CLIENT, attributes: { 'db.system': 'mariadb' } }, trace.setSpan(context.active(), server));
  child.addEvent('exception', { 'exception.type': 'Error', 'exception.message': NON_ASCII, 'exception.stacktrace': 'Error\n    at x (y.js:1:2)' });
  child.addEvent('no attributes');
  child.setStatus({ code: SpanStatusCode.ERROR, message: `failed: ${NON_ASCII}` });
  child.end();
  server.setStatus({ code: SpanStatusCode.OK });
  server.end();
  // Every attribute type, links with attributes and trace state, every other kind.
  const links = [
    { context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new kit.TraceState('congo=t61rcWkgMzE') as TraceState }, attributes: { 'link.kind': 'follows', 'link.n': 2 } },
    { context: { traceId: '4BF92F3577B34DA6A3CE929D0E0E4737', spanId: '00F067AA0BA902B8', traceFlags: TraceFlags.NONE } },
  ];
  const typed = tracer.startSpan(`typed ${tag}`, { kind: SpanKind.PRODUCER, attributes: EVERY_ATTRIBUTE_TYPE, links, startTime: [1_700_000_000, 5] }, ROOT_CONTEXT);
  typed.addEvent('typed event', { 'event.array': [1, 2, 3], 'event.bool': false, 'event.double': 0.5 }, [1_700_000_000, 123_456_789]);
  typed.end([1_700_000_001, 999_999_999]);
  tracer.startSpan(`consumer ${tag}`, { kind: SpanKind.CONSUMER }, remoteParent(kit, '', false)).end();
  tracer.startSpan(`internal ${tag}`, { kind: SpanKind.INTERNAL }).end();
}

/** The corpus, in the order the spans ended. */
export function spanCorpus(kit: SdkKit = DEVELOPMENT_KIT): ReadableSpan[] {
  const sink = new kit.InMemorySpanExporter();
  const main = collectingProvider(
    kit,
    kit.resourceFromAttributes({ 'service.name': 'orders', 'service.version': '1.4.2', 'process.pid': 1234, 'host.name': 'pod-ä' }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' }),
    sink,
  );
  spansOf(kit, main.getTracer('@opentelemetry/instrumentation-http', '0.203.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.21.0' }), 'http');
  spansOf(kit, main.getTracer('no-version'), 'bare');
  // Another resource, without schema URL, and limits that drop attributes, events and links.
  const limited = collectingProvider(kit, kit.resourceFromAttributes({ 'service.name': 'billing', 'deployment.environment.name': 'prod' }), sink, {
    attributeCountLimit: 3,
    eventCountLimit: 1,
    linkCountLimit: 1,
    attributePerEventCountLimit: 1,
    attributePerLinkCountLimit: 1,
  });
  const tracer = limited.getTracer('billing-scope', '2.0.0');
  spansOf(kit, tracer, 'limited');
  const crowded = tracer.startSpan('crowded', { attributes: serverSpanAttributes(2), links: [{ context: { traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8), traceFlags: 1 } }, { context: { traceId: 'cc'.repeat(16), spanId: 'dd'.repeat(8), traceFlags: 1 }, attributes: { a: 1, b: 2 } }] });
  crowded.addEvent('first'); // dropped: the event limit keeps the newest
  crowded.addEvent('second', { a: 1, b: 2, c: 3 });
  crowded.end();
  return sink.getFinishedSpans();
}

/** `count` typical HTTP server spans of one resource and scope. */
export function serverSpans(count: number, extra: Attributes = {}, kit: SdkKit = DEVELOPMENT_KIT): ReadableSpan[] {
  const sink = new kit.InMemorySpanExporter();
  const tracer = collectingProvider(kit, kit.resourceFromAttributes({ 'service.name': 'orders' }), sink).getTracer('@opentelemetry/instrumentation-http', '0.203.0');
  for (let i = 0; i < count; i++) tracer.startSpan('GET /api/orders/:id', { kind: SpanKind.SERVER, attributes: { ...serverSpanAttributes(i), ...extra } }).end();
  return sink.getFinishedSpans();
}
