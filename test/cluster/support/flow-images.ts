/**
 * The images the user flow runs (test/cluster/user-flow.test.ts), and their
 * build when the local Docker engine lacks them: `npm test` has them from the
 * e2e project, run before this one; the cluster project run alone builds them
 * the same way (./build-multi-version for ours, test-app/Dockerfile for the app).
 */
import { COLLECTOR_IMAGE } from '../../../cluster/collector-image';
import { databaseImage } from '../../../cluster/database-image';
import { runCommand } from '../../../scripts/child-process';
import { describeRun, runBuildScript } from '../../e2e/support/build-script';
import { defaultUniversalReference, defaultImageReference } from '../../e2e/support/repo';
import { readVersions } from '../../../scripts/versions';
import { testAppImage } from '../../e2e/support/operator-pod';
import { buildTestAppImage } from '../../e2e/support/test-app-image';

/**
 * Every major we ship, each with its per-major Instrumentation on an app image
 * of that major (the 1.x, 2.x and 3.x SDK lines, the oldest and newest Node).
 * The e2e project has built ours and the app's images of its majors; the
 * others are built here (a minute or two on a warm engine).
 */
export const FLOW_MAJORS: readonly number[] = readVersions().map((entry) => entry.major);
export const UNIVERSAL_IMAGE = defaultUniversalReference();
export const majorImage = (major: number): string => defaultImageReference(major);
export const appImage = testAppImage;

/** Built by `up` (collector, database) and by the project's own builds (the rest). */
export function flowImages(): string[] {
  return [UNIVERSAL_IMAGE, databaseImage(), COLLECTOR_IMAGE, ...FLOW_MAJORS.flatMap((m) => [appImage(m), majorImage(m)])];
}

export async function missingImages(images: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) {
    if ((await runCommand('docker', ['image', 'inspect', image])).exitCode !== 0) missing.push(image);
  }
  return missing;
}

/** Builds ours and the app's images of the flow's majors that the engine lacks. */
export async function buildMissingFlowImages(log: (line: string) => void): Promise<void> {
  const ours = [UNIVERSAL_IMAGE, ...FLOW_MAJORS.map(majorImage)];
  if ((await missingImages(ours)).length) {
    const args = ['--versions', FLOW_MAJORS.join(',')];
    log(`cluster: building the user flow's images: ./build-multi-version ${args.join(' ')}`);
    const run = await runBuildScript(args, 60 * 60_000);
    if (run.exitCode !== 0) throw new Error(`the user flow's images could not be built:\n${describeRun(run)}`);
  }
  for (const major of FLOW_MAJORS) {
    if ((await missingImages([appImage(major)])).length) {
      log(`cluster: building ${appImage(major)} (test-app/Dockerfile)`);
      await buildTestAppImage(major);
    }
  }
}
