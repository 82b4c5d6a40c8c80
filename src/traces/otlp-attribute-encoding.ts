/**
 * OTLP KeyValue and AnyValue encoding of attributes, for the backward writer
 * (fields last to first). Values are mapped exactly as upstream's
 * otlp-transformer does, so a collector sees the same thing from either.
 */
import type { BackwardProtobufWriter } from './backward-protobuf-writer';

// Tags (field << 3 | wire type) of AnyValue's fields.
const STRING_VALUE = (1 << 3) | 2;
const BOOL_VALUE = (2 << 3) | 0;
const INT_VALUE = (3 << 3) | 0;
const DOUBLE_VALUE = (4 << 3) | 1;
const ARRAY_VALUE = 5;
const KVLIST_VALUE = 6;
const BYTES_VALUE = (7 << 3) | 2;
const KEY = (1 << 3) | 2;
// int64 bounds: integers outside are sent as doubles (both powers of two, exact as doubles).
const MIN_INT64 = -(2 ** 63);
const MAX_INT64_EXCLUSIVE = 2 ** 63;

/**
 * Encoded KeyValue.key fields (tag, length, UTF-8) by key. The same few dozen
 * keys recur on every span, so each is encoded once; the cap keeps keys of
 * unbounded variety from growing it without end (they are then encoded each time).
 */
const MAX_CACHED_KEYS = 4096;
const encodedKeys = new Map<string, Uint8Array>();

function encodedKey(key: string): Uint8Array | undefined {
  const cached = encodedKeys.get(key);
  if (cached !== undefined || encodedKeys.size >= MAX_CACHED_KEYS) return cached;
  const utf8 = Buffer.from(key, 'utf8');
  const field = new Uint8Array(1 + varintSize(utf8.length) + utf8.length);
  field[0] = KEY;
  let at = 1;
  for (let v = utf8.length; ; v >>>= 7) {
    if (v < 0x80) {
      field[at++] = v;
      break;
    }
    field[at++] = (v & 0x7f) | 0x80;
  }
  field.set(utf8, at);
  encodedKeys.set(key, field);
  return field;
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;
}

/** Attributes as a repeated KeyValue field numbered `field`, in the object's key order. */
export function writeAttributes(writer: BackwardProtobufWriter, attributes: Record<string, unknown>, field: number): void {
  const keys = Object.keys(attributes);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    const end = writer.length;
    writeKeyValueContent(writer, key, attributes[key]);
    writer.lengthDelimited(field, end);
  }
}

function writeKeyValueContent(writer: BackwardProtobufWriter, key: string, value: unknown): void {
  const valueEnd = writer.length;
  writeAnyValueContent(writer, value);
  writer.lengthDelimited(2, valueEnd);
  const encoded = encodedKey(key);
  if (encoded !== undefined) {
    writer.raw(encoded);
  } else {
    writer.string(key);
    writer.uint32(KEY);
  }
}

/** The fields of an AnyValue; a value of no OTLP type (null, undefined, a function) leaves it empty, as upstream does. */
function writeAnyValueContent(writer: BackwardProtobufWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      writer.string(value);
      writer.uint32(STRING_VALUE);
      return;
    case 'boolean':
      writer.uint32(value ? 1 : 0);
      writer.uint32(BOOL_VALUE);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64_EXCLUSIVE) {
        writer.int64(value);
        writer.uint32(INT_VALUE);
      } else {
        writer.double(value);
        writer.uint32(DOUBLE_VALUE);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        writer.raw(value);
        writer.uint32(value.length);
        writer.uint32(BYTES_VALUE);
      } else if (Array.isArray(value)) {
        const end = writer.length;
        for (let i = value.length - 1; i >= 0; i--) {
          const itemEnd = writer.length;
          writeAnyValueContent(writer, value[i]);
          writer.lengthDelimited(1, itemEnd);
        }
        writer.lengthDelimited(ARRAY_VALUE, end);
      } else {
        const end = writer.length;
        const object = value as Record<string, unknown>;
        const keys = Object.keys(object);
        for (let i = keys.length - 1; i >= 0; i--) {
          const kvEnd = writer.length;
          writeKeyValueContent(writer, keys[i]!, object[keys[i]!]);
          writer.lengthDelimited(1, kvEnd);
        }
        writer.lengthDelimited(KVLIST_VALUE, end);
      }
      return;
    default:
      return;
  }
}
