/**
 * `node <tree>/doctor.js [--json] [--timeout-ms N]`: checks, from inside a pod
 * (kubectl exec) or next to an app, that this tree would instrument the app
 * and that its telemetry would reach the collector. Exit 0 only when it
 * would flow; 1 when not; 2 on a bad argument.
 */
import { readFileSync } from 'fs';
import { buildInfo } from '../build-info';
import { loadConfig } from '../config/config-source';
import { resourceAttributes } from '../resource';
import { diagnose, renderReport } from './diagnosis';
import type { ProbeResult } from './export-probe';

const USAGE = 'usage: node doctor.js [--json] [--timeout-ms N]   (N: how long the test export may take, default 3000)';

interface Core {
  exportTestSpan(target: unknown, serviceName: string, timeoutMs: number): Promise<ProbeResult>;
  instrumentationNames(): string[];
}

function parseArgs(args: string[]): { json: boolean; timeoutMs: number } {
  let json = false;
  let timeoutMs = 3000;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') json = true;
    else if (arg === '--timeout-ms' || arg.startsWith('--timeout-ms=')) {
      const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : args[++i];
      timeoutMs = Number(text);
      if (!/^\d+$/.test(text ?? '') || timeoutMs < 1 || timeoutMs > 60_000) throw new Error(`--timeout-ms needs a whole number of milliseconds from 1 to 60000, got ${JSON.stringify(text ?? '')}`);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return { json, timeoutMs };
}

/** pid 1 is the app in a container; unknown when unreadable or when it is this very process. */
function appArgv(): string[] | undefined {
  if (process.pid === 1) return undefined;
  try {
    const argv = readFileSync('/proc/1/cmdline', 'utf8').split('\0').filter((word) => word !== '');
    return argv.length > 0 ? argv : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  let options: { json: boolean; timeoutMs: number };
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`doctor.js: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const env = process.env;
  const loaded = loadConfig(env);
  // The core holds the SDK and the instrumentation list; this file stays small.
  let core: Core | undefined;
  let coreError = '';
  try {
    core = require('./lib/distribution.js') as Core;
  } catch (error) {
    coreError = `this tree's lib/distribution.js cannot be loaded by Node ${process.versions.node}: ${(error as Error).message}`;
  }
  let probe: ProbeResult | undefined;
  // A file that cannot be used starts nothing: there is no export to test.
  if (loaded.ok && loaded.config.traces.exporter === 'otlp') {
    const config = loaded.config;
    probe = core
      ? await core.exportTestSpan(config.traces.otlp, resourceAttributes(config, 'node')['service.name']!, options.timeoutMs)
      : { ok: false, error: coreError, ms: 0 };
  }
  const report = diagnose({
    build: buildInfo,
    treeDir: __dirname,
    nodeVersion: process.versions.node,
    env,
    appArgv: appArgv(),
    instrumentationNames: core ? core.instrumentationNames() : [],
    probe,
  });
  process.stdout.write((options.json ? JSON.stringify(report, null, 2) : renderReport(report)) + '\n');
  return report.ok ? 0 : 1;
}

main().then(
  // Exit at once: an exporter channel to a hanging endpoint would keep the process alive.
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`doctor.js: failed: ${error instanceof Error ? error.stack || error.message : String(error)}\n`);
    process.exit(1);
  },
);
