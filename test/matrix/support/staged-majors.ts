/**
 * Real runtimes and staged trees for the matrix tests that need a few majors
 * (not the whole matrix): each runtime is fetched once (cached outside the
 * repository) and each major staged once per run, in a directory of its own.
 */
import { join } from 'node:path';
import { ensureNodeRuntime, resolveNodeVersion } from '../../../scripts/node-runtimes';
import { stageMajor, testStageDir } from '../../../scripts/stage';

export type Which = 'oldest' | 'newest';

const runtimes = new Map<string, Promise<string>>();
/** The runtime directory (bin/node) of a major's oldest or newest release, or of an exact version. */
export function runtimeOf(major: number | string, which: Which = 'newest'): Promise<string> {
  const key = `${major}-${which}`;
  if (!runtimes.has(key)) runtimes.set(key, typeof major === 'string' ? ensureNodeRuntime(major) : resolveNodeVersion(major, which).then(ensureNodeRuntime));
  return runtimes.get(key)!;
}

const trees = new Map<string, Promise<string>>();
/** A major's tree staged under `.stage/<purpose>/node<major>` (installed under its oldest release, as the matrix does). */
export function stagedTreeOf(purpose: string, major: number): Promise<string> {
  const key = `${purpose}-${major}`;
  if (!trees.has(key)) {
    trees.set(key, runtimeOf(major, 'oldest').then((runtimeDir) => stageMajor({ major, outDir: testStageDir(purpose, major), runtimeDir })));
  }
  return trees.get(key)!;
}

export const nodeOf = (runtimeDir: string): string => join(runtimeDir, 'bin', 'node');
