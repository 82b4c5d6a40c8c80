/**
 * A real Node runtime and the staged tree of a major, for reliability cases
 * that must hold on every SDK line (1.x on 14, 2.x on 18/20, 3.x on 22+).
 * Each is made once per test run (runtimes are cached outside the repository)
 * with the newest release of the major.
 */
import { join } from 'node:path';
import { ensureNodeRuntime, resolveNodeVersion } from '../../../scripts/node-runtimes';
import { stageMajor, testStageDir } from '../../../scripts/stage';

/** The oldest and newest majors of each SDK line that matter to exits: 1.x, 2.x, 3.x and the newest runtime. */
export const EXIT_MAJORS = (process.env.EXIT_MAJORS ?? '14,18,22,26').split(',').map(Number);

const runtimes = new Map<number, Promise<string>>();
const trees = new Map<number, Promise<string>>();

/** bin/node of the newest release of `major`. */
export function nodeOf(major: number): Promise<string> {
  if (!runtimes.has(major)) runtimes.set(major, resolveNodeVersion(major, 'newest').then(ensureNodeRuntime));
  return runtimes.get(major)!.then((dir) => join(dir, 'bin', 'node'));
}

/** autoinstrumentation.js of the major's tree, staged under .stage/reliability. */
export function entryOf(major: number): Promise<string> {
  if (!trees.has(major)) {
    const stage = (node: string) => stageMajor({ major, outDir: testStageDir('reliability', major), runtimeDir: join(node, '..', '..') });
    // Once more on failure: the dependency-set cache is shared with other runs on the machine.
    trees.set(major, nodeOf(major).then((node) => stage(node).catch(() => stage(node))));
  }
  return trees.get(major)!.then((dir) => join(dir, 'autoinstrumentation.js'));
}
