/**
 * OpenTelemetry's diag logger is one per process (kept under the API's global
 * symbol). Once ours is registered, an SDK or instrumentation the app carries
 * itself (upstream's register, its own NodeSDK) writes through it too: its
 * messages would come out under our prefix, as if they were ours. Bare, with
 * no logger set by the app, they are printed nowhere.
 *
 * Our SDK is bundled into our tree's own files, so a message is the app's
 * when the first stack frame outside our files and Node's internals lies in
 * an @opentelemetry package of some node_modules.
 */
const OTEL_PACKAGE = /[\\/]node_modules[\\/]@opentelemetry[\\/]/;

export function emittedByAppOpenTelemetry(stack: string | undefined, ownFiles: readonly string[]): boolean {
  if (!stack) return false;
  // The first line is the error's message; the frames follow.
  for (const frame of stack.split('\n').slice(1)) {
    if (!/^\s+at /.test(frame)) continue;
    if (/[( ]node:/.test(frame) || ownFiles.some((file) => frame.includes(file))) continue;
    return OTEL_PACKAGE.test(frame);
  }
  return false;
}

/** The check at the point of a message: the stack of the caller, read at once. */
export function appOpenTelemetryCheck(ownFiles: readonly string[]): () => boolean {
  return () => {
    const limit = Error.stackTraceLimit;
    try {
      // Ours, the API's level filter and the caller's API copy come first; 16 frames reach past them.
      Error.stackTraceLimit = 16;
      return emittedByAppOpenTelemetry(new Error('origin').stack, ownFiles);
    } catch {
      return false;
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}
