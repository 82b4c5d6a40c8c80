/**
 * What running the test app (test-app/) needs: its own node_modules, from its
 * lockfile, and MariaDB on 127.0.0.1 (scripts/mariadb.sh). Each is installed
 * or started when missing; when that fails, the error says what is missing.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '../..');
export const TEST_APP_DIR = path.join(repoRoot, 'test-app');
const testAppDir = TEST_APP_DIR;
export const MARIADB_PORT = Number(process.env.MARIADB_PORT ?? 3306);
const mariadbPort = MARIADB_PORT;


export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** Runs a command to completion; never rejects, so callers can report its output. */
export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Finished> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n[test: killed after ${options.timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      stderr += `\n[test: could not run ${command}: ${error.message}]`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - startedAt });
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}


/** test-app's own node_modules, installed from its lockfile when missing or out of date. */
export async function ensureTestAppDependencies() {
  const lock = JSON.parse(readFileSync(path.join(testAppDir, 'package-lock.json'), 'utf8'));
  const wanted = Object.keys(lock.packages[''].dependencies ?? {});
  const upToDate = wanted.every((name) => {
    const installed = path.join(testAppDir, 'node_modules', name, 'package.json');
    return existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === lock.packages[`node_modules/${name}`].version;
  });
  if (upToDate) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: testAppDir, timeoutMs: 5 * 60000 });
  if (result.code !== 0) {
    throw new Error(`test-app/node_modules is missing or out of date and "npm ci" in test-app failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

export async function ensureMariaDb() {
  if (await canConnect(mariadbPort)) return;
  const script = path.join(repoRoot, 'scripts/mariadb.sh');
  const result = await run('bash', [script], { timeoutMs: 9 * 60000 });
  if (result.code !== 0 || !(await canConnect(mariadbPort))) {
    throw new Error(
      `MariaDB is needed on 127.0.0.1:${mariadbPort}; nothing answered there and scripts/mariadb.sh could not start it (exit ${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}
