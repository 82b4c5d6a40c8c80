/** Stages the tree of the running Node's major once, as the image would hold it. */
import { dirname, join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { stageMajor, testStageDir } from '../../scripts/stage';

declare module 'vitest' {
  export interface ProvidedContext {
    stagedTree: string;
  }
}

export default async function setup(project: TestProject): Promise<void> {
  const major = Number(process.versions.node.split('.')[0]);
  const outDir = testStageDir('test', major);
  // The host's own Node is the real runtime of its major.
  await stageMajor({ major, outDir, runtimeDir: dirname(dirname(process.execPath)), log: (line) => console.log(line) });
  project.provide('stagedTree', outDir);
}
