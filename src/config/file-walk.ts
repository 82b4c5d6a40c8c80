/**
 * A value of a configuration file read at a path: each check either returns
 * the typed value or throws a ConfigFileError naming the path and what was
 * expected, so one bad field gives one line that points at it.
 */
import { ConfigFileError } from './config-file-yaml';

export class FileValue {
  /**
   * `unknownField`: what a field the schema we read does not have does; by
   * default it is refused (a typo must not pass), in a file of a later minor
   * it is reported and skipped.
   */
  constructor(
    readonly value: unknown,
    readonly path: string,
    private readonly unknownField?: (field: FileValue) => void,
  ) {}

  fail(reason: string): never {
    throw new ConfigFileError(this.path, reason);
  }

  /** A field that must be set, from this mapping's `object()` fields. */
  need(field: FileValue | undefined, reason: string): FileValue {
    if (field === undefined || !field.isSet) return (field ?? this).fail(reason);
    return field;
  }

  /** null and absent are the same to the schema: "not set". */
  get isSet(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  /**
   * A mapping whose keys are all known; null is an empty mapping (`always_on:`).
   * `ignored` keys are in the schema but not acted on; the caller warns.
   */
  object(known: readonly string[]): Record<string, FileValue> {
    if (!this.isSet) return {};
    if (typeof this.value !== 'object' || Array.isArray(this.value)) this.fail(`expected a mapping, got ${kind(this.value)}`);
    const fields: Record<string, FileValue> = {};
    for (const [key, value] of Object.entries(this.value as Record<string, unknown>)) {
      if (!known.includes(key)) {
        const skip = this.unknownField ?? this.child(key).fail(`unknown field (expected ${known.join(', ')})`);
        skip(this.child(key, value));
        continue;
      }
      fields[key] = this.child(key, value);
    }
    return fields;
  }

  /** A mapping of free keys (a distribution's or an instrumentation's options). */
  entries(): [string, FileValue][] {
    if (!this.isSet) return [];
    if (typeof this.value !== 'object' || Array.isArray(this.value)) this.fail(`expected a mapping, got ${kind(this.value)}`);
    return Object.entries(this.value as Record<string, unknown>).map(([key, value]) => [key, this.child(key, value)]);
  }

  /** A plugin choice: a mapping with exactly one of the known keys. */
  choice(known: readonly string[]): [string, FileValue] {
    const fields = this.entries();
    if (fields.length !== 1) this.fail(`expected exactly one of ${known.join(', ')}, got ${fields.length === 0 ? 'none' : fields.map(([key]) => key).join(', ')}`);
    const [key, value] = fields[0]!;
    if (!known.includes(key)) value.fail(`unknown or unsupported kind (expected ${known.join(', ')})`);
    return [key, value];
  }

  list(): FileValue[] {
    if (!this.isSet) return [];
    if (!Array.isArray(this.value)) this.fail(`expected a list, got ${kind(this.value)}`);
    return this.value.map((item, index) => new FileValue(item, `${this.path}[${index}]`, this.unknownField));
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail(`expected a string, got ${kind(this.value)}`);
    return this.value;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`expected true or false, got ${kind(this.value)}`);
    return this.value;
  }

  number(min: number, max = Infinity): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail(`expected a number, got ${kind(this.value)}`);
    if (this.value < min || this.value > max) this.fail(`expected a value from ${min} to ${max}, got ${this.value}`);
    return this.value;
  }

  integer(min: number, max = Infinity): number {
    const value = this.number(min, max);
    if (!Number.isInteger(value)) this.fail(`expected a whole number, got ${value}`);
    return value;
  }

  oneOf<T extends string>(allowed: readonly T[]): T {
    const value = this.string();
    if (!(allowed as readonly string[]).includes(value)) this.fail(`expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  }

  private child(key: string, value?: unknown): FileValue {
    return new FileValue(value, this.path === '' ? key : `${this.path}.${key}`, this.unknownField);
  }
}

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}
