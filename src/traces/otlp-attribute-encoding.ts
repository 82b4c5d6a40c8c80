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
 * What is kept per attribute key: its encoded KeyValue.key field (tag,
 * length, UTF-8), and the last KeyValue written for it whole. The same few
 * dozen keys recur on every span, and most of them with the value they had
 * on the span before (method, scheme, host, protocol version, user agent,
 * route): such a pair is copied as it was written. A key whose value keeps
 * changing (a path, a peer's port) keeps the pair it had after
 * MAX_VALUE_CHANGES, and then costs one comparison more when its value
 * differs. The cap keeps keys of unbounded variety from growing the map
 * without end (they are then encoded each time).
 */
interface KeyEntry {
  keyField: Uint8Array;
  /** The value `pair` encodes. */
  value: unknown;
  /** The KeyValue's content (key and value fields), or undefined while none is kept. */
  pair: Uint8Array | undefined;
  changes: number;
}
const MAX_CACHED_KEYS = 4096;
const MAX_VALUE_CHANGES = 8;
// Longer strings are rarely repeated values (URLs, queries, messages), and would make kept pairs costly to hold.
const MAX_KEPT_STRING = 64;
const keyEntries = new Map<string, KeyEntry>();

function keyEntry(key: string): KeyEntry | undefined {
  const cached = keyEntries.get(key);
  if (cached !== undefined || keyEntries.size >= MAX_CACHED_KEYS) return cached;
  const utf8 = Buffer.from(key, 'utf8');
  const keyField = new Uint8Array(1 + varintSize(utf8.length) + utf8.length);
  keyField[0] = KEY;
  let at = 1;
  for (let v = utf8.length; ; v >>>= 7) {
    if (v < 0x80) {
      keyField[at++] = v;
      break;
    }
    keyField[at++] = (v & 0x7f) | 0x80;
  }
  keyField.set(utf8, at);
  const entry: KeyEntry = { keyField, value: undefined, pair: undefined, changes: 0 };
  keyEntries.set(key, entry);
  return entry;
}

function varintSize(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;
}

/** Values whose encoding `===` decides: a kept pair is reused for an equal value only. */
function keepable(value: unknown): boolean {
  const type = typeof value;
  return type === 'number' || type === 'boolean' || (type === 'string' && (value as string).length <= MAX_KEPT_STRING);
}

/** Attributes as a repeated KeyValue field numbered `field`, in the object's key order. */
export function writeAttributes(writer: BackwardProtobufWriter, attributes: Record<string, unknown>, field: number): void {
  const keys = Object.keys(attributes);
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    const value = attributes[key];
    const end = writer.length;
    const entry = keyEntry(key);
    if (entry !== undefined && entry.pair !== undefined && entry.value === value) {
      writer.raw(entry.pair);
    } else {
      writeKeyValueContent(writer, key, value, entry);
      if (entry !== undefined && entry.changes < MAX_VALUE_CHANGES && keepable(value)) {
        if (entry.pair !== undefined) entry.changes++;
        entry.value = value;
        entry.pair = writer.copyOfLast(end);
      }
    }
    writer.lengthDelimited(field, end);
  }
}

function writeKeyValueContent(writer: BackwardProtobufWriter, key: string, value: unknown, entry: KeyEntry | undefined = keyEntry(key)): void {
  const valueEnd = writer.length;
  writeAnyValueContent(writer, value);
  writer.lengthDelimited(2, valueEnd);
  if (entry !== undefined) {
    writer.raw(entry.keyField);
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
