/**
 * A protobuf writer that fills its buffer from the end towards the start.
 *
 * Why backwards: a length-delimited field's length prefix comes before its
 * content, but is only known after it. Writing the content first (fields in
 * reverse order) makes every length exact when its prefix is written, so one
 * pass suffices: no size-estimating pass, no reserved byte to shift when a
 * length needs more than one byte. Callers write a message's fields last to
 * first and repeated fields in reverse; the bytes come out in the usual order.
 */

const TWO_TO_32 = 0x1_0000_0000;
// Above this many chars a string is cheaper to write by Node's native code than char by char (bench/otlp-encode-micro.ts).
const LONG_STRING = 32;

export class BackwardProtobufWriter {
  private buffer: Buffer;
  /** Index of the first written byte; everything from here to `end` is output. */
  pos: number;
  /** Index just past the output: the buffer's length, or where writeInto was asked to end. */
  private end: number;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, initialBytes));
    this.pos = this.end = this.buffer.length;
  }

  /** Bytes written so far: a message's length is `end - writer.length` after writing it. */
  get length(): number {
    return this.end - this.pos;
  }

  /** The written bytes (a view: writing on, or into another buffer, may overwrite them). */
  finish(): Uint8Array {
    return this.buffer.subarray(this.pos, this.end);
  }

  /**
   * Writes from now on into `target`, ending at `end` (before bytes already
   * there), so that what is written needs no copy. Should it outgrow
   * target[0, end), it moves to a buffer of its own (`target` no longer
   * holds it: see `writtenInto`).
   */
  writeInto(target: Buffer, end: number): void {
    this.buffer = target;
    this.pos = this.end = end;
  }

  /** The buffer holding what is written: written[pos, pos + length). */
  get writtenInto(): Buffer {
    return this.buffer;
  }

  /** A copy of the bytes written since `length` was `since`. */
  copyOfLast(since: number): Uint8Array {
    const copy = new Uint8Array(this.length - since);
    copy.set(this.buffer.subarray(this.pos, this.pos + copy.length));
    return copy;
  }

  /** Room for `bytes` more in front of what is written; grows by copying what is written to the end of a larger buffer. */
  reserve(bytes: number): void {
    if (this.pos >= bytes) return;
    const written = this.end - this.pos;
    const grown = Buffer.allocUnsafe(Math.max(64, 2 * (written + bytes)));
    this.buffer.copy(grown, grown.length - written, this.pos, this.end);
    this.buffer = grown;
    this.end = grown.length;
    this.pos = grown.length - written;
  }

  /** A varint below 2^32 (tags, lengths, counts, enums); at most 5 bytes. */
  uint32(value: number): void {
    this.reserve(5);
    const buffer = this.buffer;
    if (value < 0x80) {
      buffer[--this.pos] = value;
      return;
    }
    // Count the bytes first, then fill them in order from the lowest.
    const size = value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;
    let at = (this.pos -= size);
    let v = value >>> 0;
    while (v > 0x7f) {
      buffer[at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buffer[at] = v;
  }

  /** A varint of an int64 (AnyValue.int_value): negatives take ten bytes in two's complement. */
  int64(value: number): void {
    if (value >= 0 && value < TWO_TO_32) {
      this.uint32(value);
      return;
    }
    let low: number;
    let high: number;
    if (value >= 0) {
      low = value >>> 0;
      high = Math.floor(value / TWO_TO_32) >>> 0;
    } else {
      const magnitude = -value;
      low = ~(magnitude >>> 0) >>> 0;
      high = ~(Math.floor(magnitude / TWO_TO_32) >>> 0) >>> 0;
      low = (low + 1) >>> 0;
      if (low === 0) high = (high + 1) >>> 0;
    }
    this.reserve(10);
    let size = 1;
    for (let l = low, h = high; h > 0 || l > 0x7f; size++) {
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    let at = (this.pos -= size);
    const buffer = this.buffer;
    while (high > 0 || low > 0x7f) {
      buffer[at++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buffer[at] = low;
  }

  fixed32(value: number): void {
    this.reserve(4);
    const at = (this.pos -= 4);
    this.buffer.writeUInt32LE(value >>> 0, at);
  }

  /** A fixed64 given as its two 32-bit halves. */
  fixed64(low: number, high: number): void {
    this.reserve(8);
    const at = (this.pos -= 8);
    const buffer = this.buffer;
    buffer[at] = low;
    buffer[at + 1] = low >>> 8;
    buffer[at + 2] = low >>> 16;
    buffer[at + 3] = low >>> 24;
    buffer[at + 4] = high;
    buffer[at + 5] = high >>> 8;
    buffer[at + 6] = high >>> 16;
    buffer[at + 7] = high >>> 24;
  }

  /**
   * Nanoseconds since the epoch of an HrTime [seconds, nanoseconds] as fixed64.
   * seconds * 1e9 passes 2^53, so the product is built from seconds' 16-bit
   * halves, each product exact in a double, then split into 32-bit halves.
   */
  hrTime(time: readonly [number, number]): void {
    const seconds = time[0];
    const upper = Math.floor(seconds / 0x1_0000) * 1e9; // times 2^16 in the total
    const lower = (seconds % 0x1_0000) * 1e9 + time[1];
    const lowSum = (upper % 0x1_0000) * 0x1_0000 + lower;
    const high = Math.floor(upper / 0x1_0000) + Math.floor(lowSum / TWO_TO_32);
    this.fixed64(lowSum >>> 0, high >>> 0);
  }

  double(value: number): void {
    this.reserve(8);
    const at = (this.pos -= 8);
    this.buffer.writeDoubleLE(value, at);
  }

  /** A tag: field number and wire type. Every tag in OTLP traces is below 2^14. */
  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  /** The length prefix and tag of a field whose content was written since `end` (its `length` then). */
  lengthDelimited(field: number, end: number): void {
    this.uint32(this.length - end);
    this.uint32((field << 3) | 2);
  }

  /**
   * A string field's content and length. Telemetry strings are nearly all
   * ASCII: they are copied char by char while checking; the first char above
   * 0x7f sends the string to Node's UTF-8 encoder instead.
   */
  string(value: string): void {
    const chars = value.length;
    if (chars > LONG_STRING) {
      this.longString(value);
      return;
    }
    this.reserve(chars);
    const buffer = this.buffer;
    const start = this.pos - chars;
    let i = chars - 1;
    for (; i >= 0; i--) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) break;
      buffer[start + i] = code;
    }
    if (i < 0) {
      this.pos = start;
      this.uint32(chars);
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.reserve(bytes);
    this.pos -= bytes;
    this.buffer.write(value, this.pos, bytes, 'utf8');
    this.uint32(bytes);
  }

  /**
   * Long strings go to Node's native writers: UTF-8 length equal to the
   * char count means every char is ASCII, and then latin1 writes the same bytes.
   */
  private longString(value: string): void {
    const bytes = Buffer.byteLength(value, 'utf8');
    this.reserve(bytes);
    this.pos -= bytes;
    this.buffer.write(value, this.pos, bytes, bytes === value.length ? 'latin1' : 'utf8');
    this.uint32(bytes);
  }

  /** Bytes copied as they are (a field's content, without its length). */
  raw(bytes: Uint8Array): void {
    const size = bytes.length;
    this.reserve(size);
    const at = (this.pos -= size);
    if (size > 32) {
      this.buffer.set(bytes, at);
      return;
    }
    const buffer = this.buffer;
    for (let i = 0; i < size; i++) buffer[at + i] = bytes[i]!;
  }

  /** Bytes source[start, end) copied as they are. */
  rawRange(source: Buffer, start: number, end: number): void {
    const size = end - start;
    this.reserve(size);
    source.copy(this.buffer, (this.pos -= size), start, end);
  }

  /** An id given in lowercase or uppercase hex (trace and span ids), written as its bytes with their length. */
  hexId(hex: string): void {
    const size = hex.length >>> 1;
    this.reserve(size);
    const at = (this.pos -= size);
    const buffer = this.buffer;
    for (let i = 0; i < size; i++) buffer[at + i] = (HEX_DIGIT_VALUES[hex.charCodeAt(2 * i)]! << 4) | HEX_DIGIT_VALUES[hex.charCodeAt(2 * i + 1)]!;
    this.uint32(size);
  }
}

/** Each hex digit's value by char code: looked up, ~0.1-0.2 µs per span less than comparing ranges (bench/otlp-encode-micro.ts, Node 20 and 24). */
const HEX_DIGIT_VALUES = new Uint8Array(128);
for (let digit = 0; digit < 16; digit++) {
  const lower = digit.toString(16);
  HEX_DIGIT_VALUES[lower.charCodeAt(0)] = digit;
  HEX_DIGIT_VALUES[lower.toUpperCase().charCodeAt(0)] = digit;
}
