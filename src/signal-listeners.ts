/**
 * Who else listens to a signal, and whether they would end the process.
 *
 * signal-exit (v3 and v4, in most dependency trees through write-file-atomic,
 * proper-lockfile, execa, foreground-child, restore-cursor, ...) listens to
 * every signal but acts only when its own listeners are all that is left:
 * then it runs its exit callbacks and raises the signal again. Each loaded
 * copy counts itself in a shared emitter (v3: process.__signal_exit_emitter__,
 * v4: globalThis[Symbol.for('signal-exit emitter')], which also adds v3's
 * count) and adds one listener per signal, whose code compares
 * `process.listeners(sig).length` with that count and calls `process.kill`.
 * Those names survive minification (property names), so a listener is taken
 * for signal-exit's when its code reads `.listeners(`, `count` and `.kill(`,
 * and only when the number of such listeners equals the copies counted.
 */

/** The process's own listener code and the signal-exit copies counted in the shared emitters. */
export interface SignalListeners {
  /** `String(listener)` of every listener that is not ours. */
  others: string[];
  /** signal-exit copies loaded and listening (v3 count + v4 count). */
  signalExitCopies: number;
}

export type SignalOutcome = 'no other listener' | 'passes on' | 'app decides';

const SIGNAL_EXIT_CODE = [/\.listeners\(/, /\bcount\b/, /\.kill\(/];

export function looksLikeSignalExit(source: string): boolean {
  return SIGNAL_EXIT_CODE.every((pattern) => pattern.test(source));
}

/**
 * 'no other listener': only ours, Node's default follows once we leave.
 * 'passes on': only signal-exit's, which end the process once we leave.
 * 'app decides': anything else is the app's own handling of the signal.
 */
export function signalOutcome({ others, signalExitCopies }: SignalListeners): SignalOutcome {
  if (others.length === 0) return 'no other listener';
  if (others.length === signalExitCopies && others.every(looksLikeSignalExit)) return 'passes on';
  return 'app decides';
}

/** How many signal-exit copies the shared emitters count (0 where none is loaded). */
export function signalExitCopies(): number {
  const count = (emitter: unknown) => (typeof emitter === 'object' && emitter !== null && typeof (emitter as { count?: unknown }).count === 'number' ? (emitter as { count: number }).count : 0);
  return count((process as unknown as Record<string, unknown>).__signal_exit_emitter__) + count((globalThis as unknown as Record<symbol, unknown>)[Symbol.for('signal-exit emitter')]);
}

export function signalListeners(signal: NodeJS.Signals, ours: (...args: unknown[]) => void): SignalListeners {
  const others = process.listeners(signal).filter((listener) => listener !== ours);
  return { others: others.map((listener) => sourceOf(listener)), signalExitCopies: signalExitCopies() };
}

function sourceOf(listener: unknown): string {
  try {
    return Function.prototype.toString.call(listener);
  } catch {
    return '';
  }
}
