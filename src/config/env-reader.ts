/**
 * Reads environment variables into typed values. Every invalid value produces
 * exactly one warning that names the variable, the bad value and the default
 * used instead; nothing here throws.
 */
export type Env = Record<string, string | undefined>;

export class EnvReader {
  readonly warnings: string[] = [];
  private readonly warned = new Set<string>();

  constructor(private readonly env: Env) {}

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const value = this.env[name];
    if (value === undefined) return undefined;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  invalid(name: string, reason: string, fallback: unknown): void {
    if (this.warned.has(name)) return;
    this.warned.add(name);
    const shown = JSON.stringify(truncate(this.env[name] ?? ''));
    this.warnings.push(`${name}=${shown} is invalid (${reason}); using ${describe(fallback)} instead`);
  }

  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1' || lower === 'yes' || lower === 'on') return true;
    if (lower === 'false' || lower === '0' || lower === 'no' || lower === 'off') return false;
    this.invalid(name, 'expected true or false', fallback);
    return fallback;
  }

  /** A number within [min, max]; integers only unless `fractional`. */
  number(name: string, fallback: number, limits: { min?: number; max?: number; fractional?: boolean } = {}): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
    const { min = -Infinity, max = Infinity, fractional = false } = limits;
    if (!Number.isFinite(parsed)) {
      this.invalid(name, 'not a number', fallback);
    } else if (!fractional && !Number.isInteger(parsed)) {
      this.invalid(name, 'expected a whole number', fallback);
    } else if (parsed < min || parsed > max) {
      this.invalid(name, `expected a value from ${min} to ${max}`, fallback);
    } else {
      return parsed;
    }
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase() as T;
    if (allowed.includes(lower)) return lower;
    this.invalid(name, `expected one of ${allowed.join(', ')}`, fallback);
    return fallback;
  }

  /** A comma-separated list; empty entries are ignored. */
  list(name: string, fallback: readonly string[]): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    return splitList(value);
  }

  /**
   * A comma-separated list whose entries must all be in `allowed`. Unknown
   * entries are dropped with one warning; the rest are kept.
   */
  listOf<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    const entries = splitList(value).map((entry) => entry.toLowerCase());
    // Named twice is meant once (two readers would export everything twice).
    const known = [...new Set(entries.filter((entry): entry is T => (allowed as readonly string[]).includes(entry)))];
    const unknown = entries.filter((entry) => !(allowed as readonly string[]).includes(entry));
    if (unknown.length > 0) {
      const kept = known.length > 0 ? known : [...fallback];
      this.invalid(name, `unknown ${listSome(unknown)}; expected ${allowed.join(', ')}`, kept);
      return kept;
    }
    return known.length > 0 ? known : [...fallback];
  }

  /**
   * `key=value` pairs separated by commas, values percent-decoded as the
   * OpenTelemetry specification says for OTEL_RESOURCE_ATTRIBUTES and headers.
   * Malformed pairs are skipped with one warning for the variable.
   */
  keyValues(name: string): Record<string, string> {
    const value = this.raw(name);
    const result: Record<string, string> = {};
    if (value === undefined) return result;
    const bad: string[] = [];
    for (const pair of splitList(value)) {
      const eq = pair.indexOf('=');
      const key = eq > 0 ? pair.slice(0, eq).trim() : '';
      const decoded = eq > 0 ? percentDecode(pair.slice(eq + 1).trim()) : undefined;
      if (key === '' || decoded === undefined) {
        bad.push(pair);
        continue;
      }
      result[key] = decoded;
    }
    if (bad.length > 0) {
      this.invalid(name, `malformed entr${bad.length === 1 ? 'y' : 'ies'} ${listSome(bad)}, expected key=value`, new Prose('the well-formed entries only'));
    }
    return result;
  }
}

export function splitList(value: string): string[] {
  return value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
}

function percentDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** At most three entries, each shortened: a warning stays one readable line whatever the input. */
export function listSome(entries: readonly string[]): string {
  const shown = entries.slice(0, 3).map((entry) => JSON.stringify(truncate(entry)));
  return entries.length > 3 ? `${shown.join(', ')} and ${entries.length - 3} more` : shown.join(', ');
}

function truncate(value: string): string {
  return value.length > 120 ? `${value.slice(0, 117)}...` : value;
}

/** Words for what is used instead, not a value. */
export class Prose {
  constructor(readonly text: string) {}
}

function describe(value: unknown): string {
  if (value instanceof Prose) return value.text;
  if (typeof value === 'string') return value === '' ? 'nothing' : JSON.stringify(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : JSON.stringify(value.join(','));
  return String(value);
}
