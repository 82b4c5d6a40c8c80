/**
 * One app server as a real process: started, timed from spawn to its first
 * served HTTP response, measured through /proc, and killed. SIGKILL ends every
 * variant the same way (the upstream register keeps a process alive after
 * SIGTERM when the app has no handler of its own).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Milliseconds from spawn to the end of the first 200 response. */
  firstResponseMs: number;
  stderr: () => string;
  kill(): Promise<void>;
}

export interface StartServerOptions {
  node: string;
  script: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
}

export function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const started = performance.now();
  const child = spawn(options.node, [options.script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  // Kept short: a process that logs under load must not grow the runner's memory.
  child.stdout!.on('data', (d) => (out = (out + d).slice(-65_536)));
  child.stderr!.on('data', (d) => (err = (err + d).slice(-65_536)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void kill().then(() => reject(new Error(`${options.script} under ${options.node}: ${why}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`)));
    };
    const timer = setTimeout(() => fail(`no first response within ${options.timeoutMs} ms`), options.timeoutMs);
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${code ?? signal}) before its first response`);
    child.once('exit', onEarlyExit);
    const onData = () => {
      const match = /LISTENING (\d+)/.exec(out);
      if (!match) return;
      child.stdout!.off('data', onData);
      const port = Number(match[1]);
      firstResponse(port).then(
        () => {
          if (settled) return;
          settled = true;
          const firstResponseMs = performance.now() - started;
          clearTimeout(timer);
          child.off('exit', onEarlyExit);
          resolve({ child, pid: child.pid!, port, firstResponseMs, stderr: () => err, kill });
        },
        (error: Error) => fail(`first request failed: ${error.message}`),
      );
    };
    child.stdout!.on('data', onData);
  });
}

function firstResponse(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}
