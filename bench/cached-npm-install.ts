/**
 * A set of npm packages installed with plain `npm install` under one major's
 * Node into a cache directory outside the repository (the root's
 * dependencies stay as they are). A finished install holds a marker file, so
 * a run killed halfway is redone instead of trusted.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runtimeEnv } from '../scripts/node-runtimes';
import { run } from '../scripts/stage';

const MARKER = '.bench-install-complete';

/** Installs `dependencies` (name → version) into `dir` unless a finished install is there. */
export async function ensureCachedNpmInstall(dir: string, dependencies: Record<string, string>, runtimeDir: string, log: (line: string) => void): Promise<void> {
  if (existsSync(join(dir, MARKER))) return;
  const what = Object.entries(dependencies).map(([name, version]) => `${name}@${version}`).join(' ');
  log(`installing ${what} into ${dir}`);
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'bench-install', private: true, dependencies }, null, 2) + '\n');
  // --ignore-scripts: nothing installed here builds native code, and npm 11 may refuse install scripts anyway.
  const result = await run(join(runtimeDir, 'bin', 'npm'), ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: work, env: runtimeEnv(runtimeDir) });
  if (result.code !== 0) throw new Error(`npm install ${what} under ${runtimeDir} failed:\n${result.output.slice(-3000)}`);
  writeFileSync(join(work, MARKER), new Date().toISOString() + '\n');
  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
}

/** Version of an installed top-level package, or a note saying it is not there. */
export function installedVersion(dir: string, name: string): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed at top level';
  }
}
