/**
 * Finished spans straight to the bytes of an OTLP ExportTraceServiceRequest,
 * in one backward pass (see backward-protobuf-writer.ts), with no objects in
 * between. Fields and their presence follow upstream's otlp-transformer
 * serializer (2.x and 3.x lines) so that the bytes decode to the same request.
 * The resource and scope of a batch are the same objects span after span:
 * their encoded form is kept per object and copied. A span encoded when it
 * ended (encoded-span.ts) is copied as it is.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { isPending, settledAttributes } from '../settled-resource';
import { BackwardProtobufWriter } from './backward-protobuf-writer';
import { writeAttributes } from './otlp-attribute-encoding';
import { EncodedSpan, type ExportedSpan } from './encoded-span';

type Attributes = Record<string, unknown>;
type Resource = ReadableSpan['resource'];
type Scope = ReadableSpan['instrumentationScope'] & { attributes?: Attributes; droppedAttributesCount?: number };
type SpanEvent = ReadableSpan['events'][number];
type SpanLink = ReadableSpan['links'][number];

// Span flags (trace.proto): the low byte is the W3C trace flags.
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;
// A typical HTTP server span with ~20 attributes encodes to ~900 bytes; start there and grow if needed.
const BYTES_PER_SPAN_GUESS = 1024;

const encodedResources = new WeakMap<Resource, Uint8Array>();
const encodedScopes = new WeakMap<object, Uint8Array>();
// Spans encoded as they end are written straight into chunks of this size,
// from the end towards the start (a span that outgrows a chunk's room keeps
// the buffer the writer moved it to, and the next span opens a new chunk):
// one allocation per chunk, not per span, and no copy.
const SPAN_CHUNK_BYTES = 64 * 1024;
let chunk = Buffer.alloc(0);
/** chunk[0, chunkRoom) is free; the spans already written fill chunk[chunkRoom, length). */
let chunkRoom = 0;
const spanWriter = new BackwardProtobufWriter(0);

/** Encodes an ExportTraceServiceRequest of the spans, grouped by resource and then scope (by identity, as upstream does). */
export function encodeTraceExportRequest(spans: readonly ExportedSpan[]): Uint8Array {
  const groups = new Map<Resource, Map<Scope, ExportedSpan[]>>();
  for (const span of spans) {
    let scopes = groups.get(span.resource);
    if (scopes === undefined) groups.set(span.resource, (scopes = new Map()));
    const scope = span.instrumentationScope as Scope;
    const members = scopes.get(scope);
    if (members === undefined) scopes.set(scope, [span]);
    else members.push(span);
  }
  const writer = new BackwardProtobufWriter(4096 + spans.length * BYTES_PER_SPAN_GUESS);
  const resources = [...groups];
  for (let r = resources.length - 1; r >= 0; r--) {
    const [resource, scopes] = resources[r]!;
    const end = writer.length;
    writeResourceSpansContent(writer, resource, scopes);
    writer.lengthDelimited(1, end);
  }
  return writer.finish();
}

/** The span as the export queue keeps it: its Span message's content, written now. */
export function encodeSpan(span: ReadableSpan): EncodedSpan {
  if (chunkRoom === 0) {
    chunk = Buffer.allocUnsafeSlow(SPAN_CHUNK_BYTES);
    chunkRoom = chunk.length;
  }
  const writer = spanWriter;
  writer.writeInto(chunk, chunkRoom);
  writeSpanContent(writer, span);
  const holder = writer.writtenInto;
  const start = writer.pos;
  const end = start + writer.length;
  // Outgrown: the span stays in the writer's buffer, and the next one opens a new chunk.
  chunkRoom = holder === chunk ? start : 0;
  const context = span.spanContext();
  return new EncodedSpan(context.traceFlags, context.traceState, span.resource, span.instrumentationScope, span.name, holder, start, end);
}

function writeResourceSpansContent(writer: BackwardProtobufWriter, resource: Resource, scopes: Map<Scope, ExportedSpan[]>): void {
  if (resource.schemaUrl) {
    writer.string(resource.schemaUrl);
    writer.tag(3, 2);
  }
  const scopeList = [...scopes];
  for (let s = scopeList.length - 1; s >= 0; s--) {
    const [scope, members] = scopeList[s]!;
    const end = writer.length;
    writeScopeSpansContent(writer, scope, members);
    writer.lengthDelimited(2, end);
  }
  writer.raw(encodedResourceField(resource));
}

function writeScopeSpansContent(writer: BackwardProtobufWriter, scope: Scope, spans: readonly ExportedSpan[]): void {
  if (scope.schemaUrl) {
    writer.string(scope.schemaUrl);
    writer.tag(3, 2);
  }
  for (let i = spans.length - 1; i >= 0; i--) {
    const end = writer.length;
    const span = spans[i]!;
    if (span instanceof EncodedSpan) writer.rawRange(span.chunk, span.start, span.end);
    else writeSpanContent(writer, span);
    writer.lengthDelimited(2, end);
  }
  writer.raw(encodedScopeField(scope));
}

/**
 * ResourceSpans.resource (field 1), encoded once per Resource object. A
 * resource whose detectors are still running is encoded afresh each time
 * (its attributes may still change); the batch processor waits for them anyway.
 */
function encodedResourceField(resource: Resource): Uint8Array {
  const cached = encodedResources.get(resource);
  if (cached !== undefined) return cached;
  const writer = new BackwardProtobufWriter(1024);
  writer.uint32(0); // dropped_attributes_count (field 2), not tracked: always 0
  writer.tag(2, 0);
  const pending = isPending(resource);
  // Only the exit delivery meets a pending resource (a process ending before a detector's file read).
  const attributes = settledAttributes(resource);
  if (attributes) writeAttributes(writer, attributes, 1);
  writer.lengthDelimited(1, 0);
  const encoded = writer.copyOfLast(0);
  if (!pending) encodedResources.set(resource, encoded);
  return encoded;
}

/** ScopeSpans.scope (field 1), encoded once per scope object (a tracer's scope is one object for its life). */
function encodedScopeField(scope: Scope): Uint8Array {
  const cached = encodedScopes.get(scope);
  if (cached !== undefined) return cached;
  const writer = new BackwardProtobufWriter(256);
  if (scope.droppedAttributesCount) {
    writer.uint32(scope.droppedAttributesCount);
    writer.tag(4, 0);
  }
  if (scope.attributes) writeAttributes(writer, scope.attributes, 3);
  if (scope.version) {
    writer.string(scope.version);
    writer.tag(2, 2);
  }
  writer.string(scope.name);
  writer.tag(1, 2);
  writer.lengthDelimited(1, 0);
  const encoded = writer.copyOfLast(0);
  encodedScopes.set(scope, encoded);
  return encoded;
}

/** Span fields 16 down to 1 (trace.proto numbering). Counts read `|| 0`: a span from elsewhere may lack them. */
function writeSpanContent(writer: BackwardProtobufWriter, span: ReadableSpan): void {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  writer.fixed32(spanFlags(context.traceFlags, parent?.isRemote));
  writer.tag(16, 5);
  const statusEnd = writer.length;
  writer.uint32(span.status.code || 0);
  writer.tag(3, 0);
  if (span.status.message) {
    writer.string(span.status.message);
    writer.tag(2, 2);
  }
  writer.lengthDelimited(15, statusEnd);
  writer.uint32(span.droppedLinksCount || 0);
  writer.tag(14, 0);
  for (let i = span.links.length - 1; i >= 0; i--) {
    const end = writer.length;
    writeLinkContent(writer, span.links[i]!);
    writer.lengthDelimited(13, end);
  }
  writer.uint32(span.droppedEventsCount || 0);
  writer.tag(12, 0);
  for (let i = span.events.length - 1; i >= 0; i--) {
    const end = writer.length;
    writeEventContent(writer, span.events[i]!);
    writer.lengthDelimited(11, end);
  }
  writer.uint32(span.droppedAttributesCount || 0);
  writer.tag(10, 0);
  if (span.attributes) writeAttributes(writer, span.attributes, 9);
  writer.hrTime(span.endTime);
  writer.tag(8, 1);
  writer.hrTime(span.startTime);
  writer.tag(7, 1);
  // The API's kinds start at INTERNAL = 0; OTLP's at UNSPECIFIED = 0.
  if (span.kind != null) {
    writer.uint32(span.kind + 1);
    writer.tag(6, 0);
  }
  writer.string(span.name);
  writer.tag(5, 2);
  if (parent?.spanId) {
    writer.hexId(parent.spanId);
    writer.tag(4, 2);
  }
  const traceState = context.traceState?.serialize();
  if (traceState) {
    writer.string(traceState);
    writer.tag(3, 2);
  }
  writer.hexId(context.spanId);
  writer.tag(2, 2);
  writer.hexId(context.traceId);
  writer.tag(1, 2);
}

function writeEventContent(writer: BackwardProtobufWriter, event: SpanEvent): void {
  writer.uint32(event.droppedAttributesCount || 0);
  writer.tag(4, 0);
  if (event.attributes) writeAttributes(writer, event.attributes, 3);
  writer.string(event.name);
  writer.tag(2, 2);
  writer.hrTime(event.time);
  writer.tag(1, 1);
}

function writeLinkContent(writer: BackwardProtobufWriter, link: SpanLink): void {
  const context = link.context;
  writer.fixed32(spanFlags(context.traceFlags, context.isRemote));
  writer.tag(6, 5);
  writer.uint32(link.droppedAttributesCount || 0);
  writer.tag(5, 0);
  if (link.attributes) writeAttributes(writer, link.attributes, 4);
  const traceState = context.traceState?.serialize();
  if (traceState) {
    writer.string(traceState);
    writer.tag(3, 2);
  }
  writer.hexId(context.spanId);
  writer.tag(2, 2);
  writer.hexId(context.traceId);
  writer.tag(1, 2);
}

function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAGS_HAS_IS_REMOTE | (isRemote ? FLAGS_IS_REMOTE : 0);
}
