/**
 * Each SDK line's own packages, installed from its lockfile in
 * test/fixtures/sdk-lines/<line>/ (the versions node-versions/<major>/ ship):
 * for tests that hold what we rely on of upstream's internals against every
 * line, not only the one of development.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SdkKit } from './span-corpus';
import { ensureLockedDependencies } from './test-app-prerequisites';

export type SdkLineName = '1.x' | '2.x' | '3.x';
const LINES_DIR = join(__dirname, '../fixtures/sdk-lines');

/** `require` from the line's own node_modules, installed with npm ci when missing. */
export async function sdkLineRequire(line: SdkLineName): Promise<NodeJS.Require> {
  const dir = join(LINES_DIR, line);
  // Test files run in parallel: one installs, the others wait and then find it installed.
  await holdingLock(`${dir}.installing`, () => ensureLockedDependencies(dir));
  return createRequire(join(dir, 'package.json'));
}

const STALE_LOCK_MS = 10 * 60_000;

/** Runs `work` while holding a lock directory (made atomically); a lock older than an install can take is taken over. */
async function holdingLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The span-making parts of a line, for the span corpus. */
export function sdkKit(line: '2.x' | '3.x', lineRequire: NodeJS.Require): SdkKit {
  const trace = lineRequire(line === '2.x' ? '@opentelemetry/sdk-trace-base' : '@opentelemetry/sdk-trace');
  return {
    TraceState: lineRequire('@opentelemetry/core').TraceState,
    resourceFromAttributes: lineRequire('@opentelemetry/resources').resourceFromAttributes,
    TracerProvider: line === '2.x' ? trace.BasicTracerProvider : trace.TracerProvider,
    InMemorySpanExporter: trace.InMemorySpanExporter,
    simpleProcessor: (exporter) => (line === '2.x' ? new trace.SimpleSpanProcessor(exporter) : new trace.SimpleSpanProcessor({ exporter })),
  };
}
