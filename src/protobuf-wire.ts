/**
 * The few protobuf wire-format pieces we need beside our OTLP encoder: OpAMP's
 * messages both ways, and an encoded span's ids read back from its bytes.
 * Written by hand so they run on every Node major we ship (14+) without a
 * dependency. The reader never trusts lengths: a field that runs past its
 * buffer throws.
 */

export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt(value);
    const bytes: number[] = [];
    while (v > 0x7fn) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
    this.parts.push(Buffer.from(bytes));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  uint(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  bool(field: number, value: boolean): this {
    return this.uint(field, value ? 1 : 0);
  }

  fixed64(field: number, value: bigint): this {
    this.tag(field, 1);
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(value);
    this.parts.push(buffer);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.parts.push(Buffer.from(value));
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  message(field: number, inner: ProtoWriter): this {
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export type FieldValue = { wireType: 0; value: bigint } | { wireType: 1 | 5; value: Buffer } | { wireType: 2; value: Buffer };

/** Every field of one message, by number (repeated fields keep their order). */
export function readFields(buffer: Buffer): Map<number, FieldValue[]> {
  const fields = new Map<number, FieldValue[]>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (offset >= buffer.length) throw new Error('truncated varint');
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('varint too long');
  };
  const take = (length: number): Buffer => {
    if (length < 0 || offset + length > buffer.length) throw new Error('field runs past the end of the message');
    const slice = buffer.subarray(offset, offset + length);
    offset += length;
    return slice;
  };
  while (offset < buffer.length) {
    const key = varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new Error('field number 0');
    let entry: FieldValue;
    switch (wireType) {
      case 0: entry = { wireType: 0, value: varint() }; break;
      case 1: entry = { wireType: 1, value: take(8) }; break;
      case 2: entry = { wireType: 2, value: take(Number(varint())) }; break;
      case 5: entry = { wireType: 5, value: take(4) }; break;
      default: throw new Error(`unsupported wire type ${wireType}`);
    }
    const list = fields.get(field);
    if (list) list.push(entry);
    else fields.set(field, [entry]);
  }
  return fields;
}

/** The last value of a length-delimited field (protobuf: the last one wins), or undefined. */
export function bytesField(fields: Map<number, FieldValue[]>, field: number): Buffer | undefined {
  const last = lastOf(fields.get(field));
  return last?.wireType === 2 ? last.value : undefined;
}

export function uintField(fields: Map<number, FieldValue[]>, field: number): bigint | undefined {
  const last = lastOf(fields.get(field));
  return last?.wireType === 0 ? last.value : undefined;
}

export function repeatedBytes(fields: Map<number, FieldValue[]>, field: number): Buffer[] {
  return (fields.get(field) ?? []).flatMap((entry) => (entry.wireType === 2 ? [entry.value] : []));
}

// Not Array.prototype.at: Node 14 lacks it.
function lastOf<T>(list: T[] | undefined): T | undefined {
  return list === undefined ? undefined : list[list.length - 1];
}
