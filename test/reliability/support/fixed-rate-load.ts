/** Runs the fixed-rate load generator as a separate process and returns what it measured. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  failures: { errors: number; timeouts: number; non2xx: number };
  /** Requests sent again because the kept-alive socket they were written to had just been closed by the server. */
  resentAfterStaleSocket: number;
  errorSamples: string[];
  elapsedMs: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface LoadOptions {
  port: number;
  path: string;
  rate: number;
  durationMs: number;
  timeoutMs?: number;
}

export function runFixedRateLoad(options: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'load-generator.cjs'), JSON.stringify(options)], {
      // The generator itself must not be instrumented, whatever the runner's environment says.
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        resolve(JSON.parse(out.trim()) as LoadResult);
      } catch (error) {
        reject(new Error(`the load generator failed (${(error as Error).message})\nstdout: ${out}\nstderr: ${err}`));
      }
    });
  });
}
