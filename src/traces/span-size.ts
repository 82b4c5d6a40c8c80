/**
 * How many bytes a span takes in an OTLP export request, estimated from its
 * strings (the protobuf encoding is the strings plus a few bytes of framing
 * per field). `exact` counts UTF-8 bytes; otherwise UTF-16 units are counted
 * and multiplied by three, an upper bound that needs no encoding pass. A
 * span encoded as it ended is its bytes and their framing.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EncodedSpan, type ExportedSpan } from './encoded-span';

// Ids, times, kind, flags, status and the framing of a span's fields.
const SPAN_FRAMING_BYTES = 96;
// Tag, length and value type of one attribute (key-value pair).
const ATTRIBUTE_FRAMING_BYTES = 8;

type Attributes = ReadableSpan['attributes'];

function stringBytes(text: string, exact: boolean): number {
  return exact ? Buffer.byteLength(text, 'utf8') : text.length * 3;
}

function valueBytes(value: unknown, exact: boolean): number {
  if (typeof value === 'string') return stringBytes(value, exact);
  if (Array.isArray(value)) {
    let bytes = 2;
    for (const item of value) bytes += valueBytes(item, exact) + 2;
    return bytes;
  }
  return 9; // a number or a boolean
}

export function attributesBytes(attributes: Attributes | undefined, exact: boolean): number {
  let bytes = 0;
  for (const key in attributes) bytes += ATTRIBUTE_FRAMING_BYTES + stringBytes(key, exact) + valueBytes(attributes[key], exact);
  return bytes;
}

// A Span's tag and length in its ScopeSpans.
const SPAN_FIELD_FRAMING_BYTES = 4;

export function spanBytes(span: ExportedSpan, exact: boolean): number {
  if (span instanceof EncodedSpan) return span.byteLength + SPAN_FIELD_FRAMING_BYTES;
  let bytes = SPAN_FRAMING_BYTES + stringBytes(span.name, exact) + attributesBytes(span.attributes, exact);
  if (span.status.message) bytes += stringBytes(span.status.message, exact);
  for (const event of span.events ?? []) bytes += 24 + stringBytes(event.name, exact) + attributesBytes(event.attributes, exact);
  for (const link of span.links ?? []) bytes += 48 + attributesBytes(link.attributes, exact);
  return bytes;
}

export interface Chunks {
  /** Groups of spans, in order, each estimated within the limit. */
  chunks: ExportedSpan[][];
  /** Spans larger than the limit on their own, with their size. */
  oversized: Array<{ span: ExportedSpan; bytes: number }>;
}

/**
 * Splits a batch into requests of at most `maxBytes` each (`overheadBytes`,
 * the resource and scope sent with every request, included). The common
 * case, a batch well within the limit by the upper bound, costs one pass
 * over the strings' lengths and no copy.
 */
export function chunkBySize(spans: ExportedSpan[], maxBytes: number, overheadBytes: number): Chunks {
  const room = maxBytes - overheadBytes;
  let upperBound = 0;
  for (const span of spans) upperBound += spanBytes(span, false);
  if (upperBound <= room) return { chunks: spans.length > 0 ? [spans] : [], oversized: [] };

  const chunks: ExportedSpan[][] = [];
  const oversized: Chunks['oversized'] = [];
  let current: ExportedSpan[] = [];
  let currentBytes = 0;
  for (const span of spans) {
    const bytes = spanBytes(span, true);
    if (bytes > room) {
      oversized.push({ span, bytes });
      continue;
    }
    if (currentBytes + bytes > room && current.length > 0) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(span);
    currentBytes += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return { chunks, oversized };
}
