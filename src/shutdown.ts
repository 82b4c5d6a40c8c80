/**
 * Flush on the way out without changing how the app exits:
 * - SIGTERM/SIGINT and the app has no handler: flush (bounded by the
 *   shutdown timeout), then re-raise the signal so Node exits as it would have;
 * - the app has its own handler: flush in the background, the app decides;
 * - beforeExit (the loop ran dry): flush, and if an export still holds the
 *   loop open after the timeout, exit with the code the app had set.
 * A process that ends on its own soon after it started (a probe, a CLI, a
 * job) is short-lived: it sends only what it recorded (spans, log records),
 * not a final metrics export; it makes no connection when it recorded
 * nothing, and it waits for the export only if the collector answers at all.
 * (The upstream register adds a SIGTERM listener that turns off Node's
 * default exit, so an app without a handler hangs until SIGKILL.)
 */
import { describeError, type Diagnostics } from './diagnostics';

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** A process that runs dry sooner than this after its start is short-lived. */
export const SHORT_LIVED_MS = 10_000;

export interface ExitWork {
  /** Spans, log records and a final metrics export, flushed and closed. */
  everything(): Promise<void>;
  /** What a short-lived process sends: the spans and log records it recorded. */
  recorded(): Promise<void>;
  /** Whether anything answers at the collector's address (asked only when there is something to send). */
  collectorAnswers(): Promise<boolean>;
  /** The collector stayed silent and the process exits: count what is lost. */
  abandon(): void;
}

export function isShortLived(uptimeMs: number): boolean {
  return uptimeMs < SHORT_LIVED_MS;
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

/** True when `work` settles within promise callbacks alone, before any I/O or timer: nothing was sent. */
function settlesWithoutIo(work: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const mark = () => (settled = true);
    work.then(mark, mark);
    setImmediate(() => resolve(settled));
  });
}

export function installShutdownHooks(work: ExitWork, timeoutMs: number, diagnostics: Diagnostics, uptimeMs: () => number = () => process.uptime() * 1000): void {
  const reportFailure = (error: unknown) => {
    if (!diagnostics.wasReported(error)) diagnostics.log('warn', `shutdown failed: ${describeError(error)}`);
  };
  const bounded = (flush: Promise<void>) =>
    withTimeout(flush, timeoutMs).then((outcome) => {
      if (outcome === 'timeout') diagnostics.log('warn', `telemetry not flushed within CUSTOM_OTEL_SHUTDOWN_TIMEOUT_MS=${timeoutMs}; exiting anyway`);
      diagnostics.flushSummary();
      return outcome;
    });

  let finishing: Promise<'done' | 'timeout'> | undefined;
  const finish = () => {
    finishing ??= bounded(Promise.resolve().then(work.everything).catch(reportFailure));
    return finishing;
  };

  const finishShortLived = async () => {
    const flush = Promise.resolve().then(work.recorded).catch(reportFailure);
    if (await settlesWithoutIo(flush)) {
      diagnostics.flushSummary();
      return;
    }
    const first = await Promise.race([flush.then(() => 'sent' as const), work.collectorAnswers().then((answers) => (answers ? 'answers' : 'silent'))]);
    if (first === 'silent') {
      // Whatever holds the loop now is our export to a collector that does
      // not answer: waiting would only delay the app's exit.
      work.abandon();
      diagnostics.flushSummary();
      process.exit();
    }
    await bounded(flush);
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
    if (isShortLived(uptimeMs())) void finishShortLived();
    else void finish();
  });
}
