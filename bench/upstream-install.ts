/**
 * The upstream way to instrument, as the stock operator image carries it:
 * @opentelemetry/auto-instrumentations-node of this major's line, installed
 * with plain `npm install` under that major's Node, outside the repository.
 * Cached per major and version; a finished install holds a marker file, so a
 * run killed halfway is redone instead of trusted.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, runtimeEnv } from '../scripts/node-runtimes';
import { run } from '../scripts/stage';

const PACKAGE = '@opentelemetry/auto-instrumentations-node';
const MARKER = '.bench-upstream-complete';

export interface UpstreamInstall {
  /** Directory holding node_modules. */
  dir: string;
  /** Path given to `node --require`. */
  register: string;
  autoInstrumentationsVersion: string;
  /** Installed @opentelemetry/sdk-node version (the SDK the register starts). */
  sdkNodeVersion: string;
}

export function upstreamInstallDir(major: number, version: string): string {
  return join(cacheRoot(), 'bench-upstream', `node${major}-${version}`);
}

export async function ensureUpstreamInstall(major: number, version: string, runtimeDir: string, log: (line: string) => void): Promise<UpstreamInstall> {
  const dir = upstreamInstallDir(major, version);
  if (!existsSync(join(dir, MARKER))) {
    log(`installing upstream ${PACKAGE}@${version} for node${major} into ${dir}`);
    const work = `${dir}.tmp-${process.pid}`;
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: `bench-upstream-node${major}`, private: true, dependencies: { [PACKAGE]: version } }, null, 2) + '\n');
    // --ignore-scripts: nothing in this set builds native code, and npm 11 may refuse install scripts anyway.
    const result = await run(join(runtimeDir, 'bin', 'npm'), ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: work, env: runtimeEnv(runtimeDir) });
    if (result.code !== 0) throw new Error(`npm install ${PACKAGE}@${version} under ${runtimeDir} failed:\n${result.output.slice(-3000)}`);
    writeFileSync(join(work, MARKER), new Date().toISOString() + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  }
  // Through the package's own exports: the file moved between releases (build/src/register.js, dist/register.cjs).
  let register: string;
  try {
    register = require.resolve(`${PACKAGE}/register`, { paths: [dir] });
  } catch (error) {
    throw new Error(`upstream install at ${dir} has no ${PACKAGE}/register (${(error as Error).message.split('\n')[0]}); delete ${dir} to reinstall`);
  }
  return {
    dir,
    register,
    autoInstrumentationsVersion: installedVersion(dir, PACKAGE),
    sdkNodeVersion: installedVersion(dir, '@opentelemetry/sdk-node'),
  };
}

function installedVersion(dir: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed at top level';
  }
}
