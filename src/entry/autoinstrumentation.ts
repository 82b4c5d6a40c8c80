/**
 * What the operator loads into every instrumented process through
 * NODE_OPTIONS=" --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js".
 * Kept tiny and built for old runtimes: it decides whether to start at all
 * (version guard, single load, excluded commands, worker threads) before the
 * SDK bundle is even read. Nothing thrown here may reach the app.
 */
import { buildInfo } from '../build-info';
import { checkNodeVersion } from './version-guard';
import { EXCLUDE_COMMANDS_VARIABLE, isExcludedCommand } from './process-filter';

const LOADED = Symbol.for('custom-otel.nodejs.loaded');
const OTEL_API_GLOBAL = Symbol.for('opentelemetry.js.api.1');

function say(level: string, message: string): void {
  try {
    process.stderr.write(`[custom-otel] ${level}: ${message}\n`);
  } catch {
    // nowhere to report
  }
}

function main(): void {
  // Worker threads (and the ESM loader's hooks thread) share the process's
  // providers or have none to offer; instrumenting them would double spans.
  if (!require('worker_threads').isMainThread) return;

  const shared = globalThis as unknown as Record<symbol, unknown>;
  if (shared[LOADED]) {
    say('info', 'already loaded in this process; the second load is skipped');
    return;
  }
  shared[LOADED] = true;

  const guard = checkNodeVersion(process.versions.node, buildInfo.imageName, buildInfo.major, buildInfo.nodeRange, buildInfo.images);
  if (!guard.supported) {
    say('warn', guard.message!);
    return;
  }
  if (isExcludedCommand(process.argv[1], process.env[EXCLUDE_COMMANDS_VARIABLE])) return;

  const api = shared[OTEL_API_GLOBAL] as { trace?: unknown } | undefined;
  if (api && api.trace) {
    say('info', 'another OpenTelemetry SDK is already registered in this process; ours is not started');
    return;
  }
  // Resolved next to this file at run time; the bundler leaves it external.
  require('./lib/distribution.js').start();
}

try {
  main();
} catch (error) {
  say('error', `could not start, the app runs uninstrumented: ${error instanceof Error ? error.stack || error.message : String(error)}`);
}
