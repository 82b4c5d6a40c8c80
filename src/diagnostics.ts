/**
 * Our only way to speak: one-line messages on stderr, prefixed so they are
 * easy to find in pod logs. Failures are reported once per kind; repeats are
 * counted and summarised at most once a minute, never once per span.
 */
import type { LogLevel } from './config/config';

const PREFIX = '[custom-otel]';
const RANK: Record<LogLevel, number> = { none: 0, error: 1, warn: 2, info: 3, debug: 4, verbose: 5, all: 6 };
const SUMMARY_INTERVAL_MS = 60_000;

export type Level = 'error' | 'warn' | 'info' | 'debug';

export class Diagnostics {
  private rank = RANK.info;
  private readonly seenKinds = new Set<string>();
  private readonly repeats = new Map<string, number>();
  private readonly reported = new WeakSet<object>();
  private summaryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(line + '\n')) {}

  setLevel(level: LogLevel): void {
    this.rank = RANK[level];
  }

  enabled(level: Level): boolean {
    return RANK[level] <= this.rank;
  }

  log(level: Level, message: string): void {
    if (!this.enabled(level)) return;
    try {
      this.write(`${PREFIX} ${level}: ${message}`);
    } catch {
      // stderr closed: nothing left to tell
    }
  }

  /** Logs the first failure of a kind; later ones are only counted. */
  once(kind: string, level: Level, message: string): void {
    if (!this.seenKinds.has(kind)) {
      this.seenKinds.add(kind);
      this.log(level, message);
      return;
    }
    this.repeats.set(kind, (this.repeats.get(kind) ?? 0) + 1);
    this.scheduleSummary();
  }

  /** Remembers an error already told, so the SDK's own report of it is not printed again. */
  markReported(error: unknown): void {
    if (typeof error === 'object' && error !== null) this.reported.add(error);
  }

  wasReported(error: unknown): boolean {
    return typeof error === 'object' && error !== null && this.reported.has(error);
  }

  /** Counts a number of lost items (spans, log records) for the periodic summary. */
  count(kind: string, n: number): void {
    if (n <= 0) return;
    this.repeats.set(kind, (this.repeats.get(kind) ?? 0) + n);
    this.scheduleSummary();
  }

  /** Writes the pending summary now (at shutdown). */
  flushSummary(): void {
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    if (this.repeats.size === 0) return;
    const parts = [...this.repeats].map(([kind, n]) => `${kind}: ${n}`);
    this.repeats.clear();
    this.log('warn', `in the last minute: ${parts.join('; ')}`);
  }

  private scheduleSummary(): void {
    if (this.summaryTimer) return;
    this.summaryTimer = setTimeout(() => this.flushSummary(), SUMMARY_INTERVAL_MS);
    this.summaryTimer.unref();
  }
}

export const diagnostics = new Diagnostics();

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
