/**
 * The load generator, in its own process (never in the server's, never in
 * the runner's event loop): autocannon from the repository's devDependencies,
 * run by the runner's own Node whatever major is under test.
 */
import { spawn } from 'node:child_process';

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  /** Latency percentiles and mean in milliseconds (autocannon records whole milliseconds). */
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface AutocannonReport {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  requests: { total: number };
  latency: { p50: number; p99: number; mean: number };
}

/** Reads autocannon's --json report; a run with failures is an error, not a figure. */
export function parseAutocannonReport(stdout: string, what: string): LoadResult {
  let report: AutocannonReport;
  try {
    report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as AutocannonReport;
  } catch {
    throw new Error(`${what}: autocannon printed no JSON report: ${stdout.slice(-500)}`);
  }
  const failures = report.errors + report.timeouts + report.non2xx;
  if (failures > 0) throw new Error(`${what}: ${report.errors} errors, ${report.timeouts} timeouts, ${report.non2xx} non-2xx responses under load`);
  if (!(report.requests.total > 0) || !(report.duration > 0)) throw new Error(`${what}: autocannon served no requests`);
  return {
    requestsPerSecond: report.requests.total / report.duration,
    requests: report.requests.total,
    p50Ms: report.latency.p50,
    p99Ms: report.latency.p99,
    meanMs: report.latency.mean,
  };
}

/** ratePerSecond: a fixed offered load (autocannon -R) instead of as many requests as the server takes. */
export function runAutocannon(url: string, connections: number, durationSeconds: number, what: string, ratePerSecond?: number): Promise<LoadResult> {
  const cli = require.resolve('autocannon/autocannon.js');
  const rate = ratePerSecond === undefined ? [] : ['-R', String(ratePerSecond)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '-c', String(connections), '-d', String(durationSeconds), ...rate, '--json', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err = (err + d).slice(-4000)));
    const killer = setTimeout(() => child.kill('SIGKILL'), (durationSeconds + 30) * 1000);
    child.on('error', (error) => reject(new Error(`${what}: cannot run autocannon: ${error.message}`)));
    child.on('close', (code) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`${what}: autocannon exited with ${code}: ${err}`));
      try {
        resolve(parseAutocannonReport(out, what));
      } catch (error) {
        reject(error);
      }
    });
  });
}
