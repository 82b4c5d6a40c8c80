/**
 * The entry of the universal image (tools/bundle/universal.mjs bundles it
 * for Node 8): it picks the tree of the running Node (`node<major>/`, each
 * staged exactly as in that major's own image) and requires that tree's
 * entry, which then makes all of its own checks. With no tree for this Node,
 * one line says so and the app runs on. Nothing thrown here reaches the app.
 */
import { chooseTree, type UniversalBuildInfo } from './tree-selection';

declare const __CUSTOM_OTEL_UNIVERSAL__: UniversalBuildInfo;

// Shared with the trees' entries through the global symbol registry.
const WARNED = Symbol.for('custom-otel.nodejs.universal.warned');

function say(level: string, message: string): void {
  try {
    process.stderr.write(`[custom-otel] ${level}: ${message}\n`);
  } catch (ignored) {
    // nowhere to report
  }
}

function isMainThread(): boolean {
  try {
    return require('worker_threads').isMainThread;
  } catch (ignored) {
    // Node < 10.5 (or 11.7 without the flag) has no worker threads.
    return true;
  }
}

function main(): void {
  const choice = chooseTree(process.versions.node, __CUSTOM_OTEL_UNIVERSAL__);
  if ('tree' in choice) {
    require(`${__dirname}/${choice.tree}/autoinstrumentation.js`);
    return;
  }
  const shared = global as unknown as Record<symbol, unknown>;
  if (!isMainThread() || shared[WARNED]) return;
  shared[WARNED] = true;
  say('warn', choice.message);
}

try {
  main();
} catch (error) {
  say('error', `could not start, the app runs uninstrumented: ${error instanceof Error ? error.stack || error.message : String(error)}`);
}
