/**
 * Consistent probability sampling (OpenTelemetry specification, "TraceState:
 * Probability Sampling"): a span is kept when its 56-bit randomness R is at
 * least the rejection threshold T = 2^56 − round(p·2^56). R is `rv` from the
 * `ot` tracestate entry when present, else the low 56 bits of the trace id, so
 * every service (Java, Go, the collector's samplers) that samples the same
 * trace with probability p or more keeps it too. The kept span carries
 * `ot=th:<T>` so that backends can count what was dropped.
 *
 * Pure functions of hex text; no BigInt, so that deciding costs two parseInt
 * calls: the 56-bit values are handled as their upper and lower 28 bits.
 */

const HALF_BITS = 28;
const HALF = 2 ** HALF_BITS;
/** 14 hex digits: the 56 bits of R and T. */
const DIGITS = 14;
const HALF_DIGITS = 7;

export interface Threshold {
  /** Upper and lower 28 bits of T. */
  readonly high: number;
  readonly low: number;
  /** The `th` value: T in lower-case hex, trailing zeros trimmed; '0' for T = 0 (probability 1). */
  readonly th: string;
}

/** A 56-bit value as its upper and lower 28 bits. */
export interface Randomness {
  readonly high: number;
  readonly low: number;
}

/**
 * T for probability p, at full precision (as Java's and JS's composable
 * probability samplers and the collector's ProbabilityToThreshold compute it).
 * undefined when nothing is ever kept: p = 0, or so small that round(p·2^56) = 0.
 */
export function probabilityThreshold(probability: number): Threshold | undefined {
  if (!(probability > 0)) return undefined;
  if (probability >= 1) return { high: 0, low: 0, th: '0' };
  // p·2^56 only shifts the exponent, so it and its rounding are exact; so is
  // the split into halves (divisions by a power of two).
  const kept = Math.round(probability * 2 ** 56);
  if (kept === 0) return undefined;
  const keptHigh = Math.floor(kept / HALF);
  const keptLow = kept - keptHigh * HALF;
  // T = 2^56 − kept, borrowing from the upper half when the lower is not zero.
  const high = keptLow === 0 ? HALF - keptHigh : HALF - keptHigh - 1;
  const low = keptLow === 0 ? 0 : HALF - keptLow;
  return { high, low, th: encodeThreshold(high, low) };
}

function encodeThreshold(high: number, low: number): string {
  if (high === 0 && low === 0) return '0';
  const hex = high.toString(16).padStart(HALF_DIGITS, '0') + low.toString(16).padStart(HALF_DIGITS, '0');
  let end = hex.length;
  while (hex.charCodeAt(end - 1) === 0x30) end--;
  return hex.slice(0, end);
}

/** R ≥ T: the span is kept. */
export function keeps(randomness: Randomness, threshold: Threshold): boolean {
  return randomness.high > threshold.high || (randomness.high === threshold.high && randomness.low >= threshold.low);
}

/** R ≥ T with R the low 56 bits of a 32-digit trace id (no object made). */
export function traceIdKeeps(traceId: string, threshold: Threshold): boolean {
  const start = traceId.length - DIGITS;
  const high = parseInt(traceId.substring(start, start + HALF_DIGITS), 16);
  if (high !== threshold.high) return high > threshold.high;
  return parseInt(traceId.substring(start + HALF_DIGITS), 16) >= threshold.low;
}

const HEX_14 = /^[0-9a-fA-F]{14}$/;
const HEX_1_TO_14 = /^[0-9a-fA-F]{1,14}$/;

/** A 14-digit hex value (an `rv`, or a trace id's last 14 digits) as two halves; undefined when it is not one. */
export function parseRandomness(hex14: string): Randomness | undefined {
  if (!HEX_14.test(hex14)) return undefined;
  return { high: parseInt(hex14.slice(0, HALF_DIGITS), 16), low: parseInt(hex14.slice(HALF_DIGITS), 16) };
}

/** A `th` value (1 to 14 hex digits, right-padded with zeros); undefined when invalid. */
export function parseThreshold(th: string): Threshold | undefined {
  if (!HEX_1_TO_14.test(th)) return undefined;
  const padded = th.toLowerCase().padEnd(DIGITS, '0');
  const high = parseInt(padded.slice(0, HALF_DIGITS), 16);
  const low = parseInt(padded.slice(HALF_DIGITS), 16);
  return { high, low, th: encodeThreshold(high, low) };
}

/**
 * The `ot` tracestate entry's value as its sub-keys (`th:c;rv:…;other:x`).
 * `th` and `rv` are kept as text: an invalid one is reported by the parsers
 * above, and the other sub-keys are carried over untouched.
 */
export interface OtEntry {
  th: string | undefined;
  rv: string | undefined;
  /** The other `key:value` members, in their order. */
  others: string[];
}

export function parseOtEntry(value: string | undefined): OtEntry {
  const entry: OtEntry = { th: undefined, rv: undefined, others: [] };
  if (!value) return entry;
  for (const member of value.split(';')) {
    if (member.startsWith('th:')) entry.th = member.slice(3);
    else if (member.startsWith('rv:')) entry.rv = member.slice(3);
    else if (member) entry.others.push(member);
  }
  return entry;
}

/** The randomness of a span: a valid `rv`, else the trace id's low 56 bits. */
export function randomnessOf(traceId: string, ot: OtEntry): Randomness | undefined {
  const rv = ot.rv === undefined ? undefined : parseRandomness(ot.rv);
  return rv ?? parseRandomness(traceId.slice(-DIGITS));
}

/** The `ot` value with `th` set to `th` (or erased when undefined), every other sub-key kept; '' when nothing is left. */
export function otEntryWithThreshold(ot: OtEntry, th: string | undefined): string {
  const members: string[] = [];
  if (th !== undefined) members.push(`th:${th}`);
  if (ot.rv !== undefined) members.push(`rv:${ot.rv}`);
  return members.concat(ot.others).join(';');
}

/**
 * What a parent-based sampler does with a sampled parent's `th` (spec,
 * "Parent-based threshold"): kept when valid and consistent with the
 * randomness (R ≥ T, as the parent's sampled flag says), erased otherwise.
 */
export function parentThresholdHolds(traceId: string, ot: OtEntry): boolean {
  if (ot.th === undefined) return true;
  const threshold = parseThreshold(ot.th);
  if (!threshold) return false;
  const randomness = randomnessOf(traceId, ot);
  return randomness !== undefined && keeps(randomness, threshold);
}
