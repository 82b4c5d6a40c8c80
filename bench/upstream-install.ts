/**
 * The upstream way to instrument, as the stock operator image carries it:
 * @opentelemetry/auto-instrumentations-node of this major's line, installed
 * with plain `npm install` under that major's Node, outside the repository,
 * cached per major and version (cached-npm-install.ts).
 */
import { join } from 'node:path';
import { cacheRoot } from '../scripts/node-runtimes';
import { ensureCachedNpmInstall, installedVersion } from './cached-npm-install';

const PACKAGE = '@opentelemetry/auto-instrumentations-node';

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
  await ensureCachedNpmInstall(dir, { [PACKAGE]: version }, runtimeDir, log);
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
