/**
 * What running the test app (test-app/) needs: its own node_modules, from its
 * lockfile, and MariaDB on 127.0.0.1 (scripts/mariadb.sh). Each is installed
 * or started when missing; when that fails, the error says what is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { runCommand as run } from '../../scripts/child-process';
import { REPO_ROOT } from '../../scripts/repository';

const repoRoot = REPO_ROOT;
export const TEST_APP_DIR = path.join(repoRoot, 'test-app');
const testAppDir = TEST_APP_DIR;
export const MARIADB_PORT = Number(process.env.MARIADB_PORT ?? 3306);
const mariadbPort = MARIADB_PORT;

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
  await ensureLockedDependencies(testAppDir);
}

/** A fixture directory's own node_modules (`dir` holds package.json and package-lock.json), installed with `npm ci` when missing or out of date. */
export async function ensureLockedDependencies(dir: string) {
  const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
  const wanted = Object.keys(lock.packages[''].dependencies ?? {});
  const upToDate = wanted.every((name) => {
    const installed = path.join(dir, 'node_modules', name, 'package.json');
    return existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === lock.packages[`node_modules/${name}`].version;
  });
  if (upToDate) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = await run(npm, ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, timeoutMs: 5 * 60000 });
  if (result.exitCode !== 0) {
    throw new Error(`${path.relative(repoRoot, dir)}/node_modules is missing or out of date and "npm ci" there failed (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

export async function ensureMariaDb() {
  if (await canConnect(mariadbPort)) return;
  const script = path.join(repoRoot, 'scripts/mariadb.sh');
  const result = await run('bash', [script], { timeoutMs: 9 * 60000 });
  if (result.exitCode !== 0 || !(await canConnect(mariadbPort))) {
    throw new Error(
      `MariaDB is needed on 127.0.0.1:${mariadbPort}; nothing answered there and scripts/mariadb.sh could not start it (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}
