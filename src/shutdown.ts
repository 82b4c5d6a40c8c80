/**
 * The exit policy: deliver what the app recorded without changing how, or
 * when, it exits. We never call process.exit() and never shut the providers
 * down while the process lives (an app may serve on after a signal); our
 * timers and idle sockets do not hold the loop, only an export in flight.
 * - A signal (SIGTERM, SIGINT, SIGHUP) that the app handles itself: flush in
 *   the background; the app decides, and keeps exporting while it drains.
 * - A signal nobody else handles, or only libraries that end the process
 *   once they are the last listeners (signal-exit): flush (bounded), leave,
 *   and raise it again, so the process ends as bare Node would (PID 1, where
 *   the kernel drops it, runs on, still exporting).
 * - The loop ran dry (beforeExit): nothing of ours to wait for; a process that
 *   ran longer than SHORT_LIVED_MS takes its last metrics collection (no I/O).
 * - 'exit' (the loop ended, or process.exit() anywhere, even in the app's own
 *   'exit' listener): what is still in memory is delivered synchronously,
 *   bounded by the shutdown timeout, at once when the address refuses.
 * A process that ends on its own soon after it started (a probe, a CLI, a
 * job) sends only what it recorded (its spans), not a final metrics export,
 * and makes no connection when it recorded nothing.
 * (The upstream register adds a SIGTERM listener that turns off Node's
 * default exit, so an app without a handler hangs until SIGKILL.)
 */
import { describeError, type Diagnostics } from './diagnostics';
import { signalListeners, signalOutcome, type SignalOutcome } from './signal-listeners';

export const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** A process that runs dry sooner than this after its start is short-lived. */
export const SHORT_LIVED_MS = 10_000;

/** A beforeExit this soon after our own collection was caused by it (its timer), not by the app's work. */
export const RECOLLECT_AFTER_MS = 1_000;

export interface ExitWork {
  /** Spans, metrics and log records exported now; everything keeps running. */
  flush(): Promise<void>;
  /** Takes the metrics as they stand for the exit delivery (no I/O). */
  collectMetrics(): Promise<void>;
  /** The process is exiting: deliver what is still in memory, synchronously, within `timeoutMs`. */
  deliverNow(timeoutMs: number): void;
}

export function isShortLived(uptimeMs: number): boolean {
  return uptimeMs < SHORT_LIVED_MS;
}

/** Whether a beforeExit should take a metrics collection: long-lived, and not the echo of our own last one. */
export function collectsAtBeforeExit(uptimeMs: number, msSinceLastCollection: number | undefined): boolean {
  return !isShortLived(uptimeMs) && (msSinceLastCollection === undefined || msSinceLastCollection >= RECOLLECT_AFTER_MS);
}

/** What our listener does with a signal, given who else listens. */
export function signalAction(outcome: SignalOutcome): 'flush, app decides' | 'flush, then raise again' {
  return outcome === 'app decides' ? 'flush, app decides' : 'flush, then raise again';
}

export function withTimeout(work: Promise<unknown>, timeoutMs: number): Promise<'done' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
    work.then(
      () => {
        clearTimeout(timer);
        resolve('done');
      },
      () => {
        clearTimeout(timer);
        resolve('done');
      },
    );
  });
}

export function installShutdownHooks(work: ExitWork, timeoutMs: number, diagnostics: Diagnostics, uptimeMs: () => number = () => process.uptime() * 1000): void {
  const reportFailure = (error: unknown) => {
    if (!diagnostics.wasReported(error)) diagnostics.log('warn', `flushing telemetry failed: ${describeError(error)}`);
  };
  const flush = () =>
    withTimeout(Promise.resolve().then(work.flush).catch(reportFailure), timeoutMs).then((outcome) => {
      if (outcome === 'timeout') diagnostics.log('warn', `telemetry not flushed within CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${timeoutMs}; going on`);
      return outcome;
    });

  for (const signal of SIGNALS) {
    let passing = false;
    const passOn = () => {
      // The process ends by the signal: no 'exit' event will write the summary.
      diagnostics.flushSummary();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    const onSignal = () => {
      // A second signal while we flush: it ends the process now, as it would bare.
      if (passing) return passOn();
      if (signalAction(signalOutcome(signalListeners(signal, onSignal))) === 'flush, app decides') {
        void flush();
        return;
      }
      // We stay a listener while we flush: signal-exit acts only once its
      // listeners are the last ones, so it waits for us, then ends the process.
      passing = true;
      // A ref'd timer while we flush: the process must not end before the signal does.
      const hold = setTimeout(() => undefined, timeoutMs + 1000);
      void flush().then(() => {
        clearTimeout(hold);
        passOn();
      });
    };
    process.on(signal, onSignal);
  }

  let lastCollection: number | undefined;
  process.on('beforeExit', () => {
    const now = Date.now();
    if (!collectsAtBeforeExit(uptimeMs(), lastCollection === undefined ? undefined : now - lastCollection)) return;
    lastCollection = now;
    void Promise.resolve().then(work.collectMetrics).catch(reportFailure);
  });

  let delivered = false;
  process.on('exit', () => {
    if (delivered) return;
    delivered = true;
    try {
      work.deliverNow(timeoutMs);
    } catch (error) {
      reportFailure(error);
    }
    diagnostics.flushSummary();
  });
}
