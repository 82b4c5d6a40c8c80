/**
 * Flush on the way out without changing how the app exits:
 * - SIGTERM/SIGINT and the app has no handler: flush (bounded by the
 *   shutdown timeout), then re-raise the signal so Node exits as it would have;
 * - the app has its own handler: flush in the background, the app decides;
 * - beforeExit (the loop ran dry): flush, and if an export still holds the
 *   loop open after the timeout, exit with the code the app had set.
 * (The upstream register adds a SIGTERM listener that turns off Node's
 * default exit, so an app without a handler hangs until SIGKILL.)
 */
import { describeError, type Diagnostics } from './diagnostics';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

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

export function installShutdownHooks(shutdown: () => Promise<void>, timeoutMs: number, diagnostics: Diagnostics): void {
  let finishing: Promise<'done' | 'timeout'> | undefined;
  const finish = () => {
    if (!finishing) {
      const work = Promise.resolve().then(shutdown).catch((error) => {
        if (!diagnostics.wasReported(error)) diagnostics.log('warn', `shutdown failed: ${describeError(error)}`);
      });
      finishing = withTimeout(work, timeoutMs).then((outcome) => {
        if (outcome === 'timeout') diagnostics.log('warn', `telemetry not flushed within CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${timeoutMs}; exiting anyway`);
        diagnostics.flushSummary();
        return outcome;
      });
    }
    return finishing;
  };

  for (const signal of SIGNALS) {
    const onSignal = () => {
      const appHandles = process.listeners(signal).some((listener) => listener !== onSignal);
      if (appHandles) {
        void finish();
        return;
      }
      process.removeListener(signal, onSignal);
      void finish().then(() => process.kill(process.pid, signal));
    };
    process.on(signal, onSignal);
  }

  process.once('beforeExit', () => {
    const guard = setTimeout(() => process.exit(), timeoutMs + 200);
    guard.unref();
    void finish();
  });
}
