/**
 * Once per `npm run test:e2e`: the engine, the local base images, then the
 * three real runs every e2e file works from:
 *   ./build-multi-version --versions 18,20,22 --prefetch   (npm cache, base images)
 *   ./build-multi-version --versions 18,20,22 --stage-only --out <tmp>/stage
 *   ./build-multi-version --versions 18,20,22 --offline
 * Their output, exit codes and the Instrumentations the build wrote are
 * provided to the tests (inject('e2eBuild')), which judge them; a failed
 * build fails the tests that need its images, with the build's output.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureBaseImages, requireDockerEngine, runCommand } from './docker';
import { describeRun, runBuildScript, type BuildRun } from './build-script';
import { buildInputsDigest } from './build-inputs';
import { defaultImageReference, defaultUniversalReference, E2E_MAJORS, REPO_ROOT } from './repo';

export const GENERATED_INSTRUMENTATIONS = join(REPO_ROOT, 'k8s/generated/instrumentations.yaml');

export interface E2eBuild {
  majors: number[];
  /** --stage-only output: <stageDir>/node<major>/ is what the image must hold under /autoinstrumentation. */
  stageDir: string;
  /** --prefetch of the same majors: what a later --offline build needs. */
  prefetchRun: BuildRun;
  stageRun: BuildRun;
  build: BuildRun;
  /** Image reference per major, as the build names them by default. */
  images: Record<number, string>;
  /** The universal image the same build made of those majors. */
  universalImage: string;
  /** k8s/generated/instrumentations.yaml as the build left it, and whether the build (re)wrote it. */
  generatedInstrumentations: string | null;
  generatedWrittenByBuild: boolean;
  /** The build ran between these instants (ISO 8601), at this commit. */
  startedAt: string;
  finishedAt: string;
  headAtBuild: string;
  /** Digest of the build's inputs before staging and after the build: they differ when the sources changed meanwhile. */
  inputsBeforeStaging: string;
  inputsAfterBuild: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    e2eBuild: E2eBuild;
  }
}

const log = (line: string) => console.log(`[e2e setup] ${line}`);

export default async function setup(project: TestProject): Promise<() => void> {
  const engine = await requireDockerEngine();
  log(`docker engine ${engine.serverVersion}`);
  const majors = [...E2E_MAJORS];
  let started = Date.now();
  await ensureBaseImages(majors);
  log(`base images ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  const prefetchRun = await runBuildScript(['--versions', majors.join(','), '--prefetch']);
  if (prefetchRun.exitCode !== 0) throw new Error(`--prefetch (the npm cache and base images the --offline build needs) failed:\n${describeRun(prefetchRun)}`);
  log(`prefetched for ${majors.join(', ')} in ${prefetchRun.seconds.toFixed(1)} s`);

  const work = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-'));
  const stageDir = join(work, 'stage');
  const inputsBeforeStaging = buildInputsDigest();
  const stageRun = await runBuildScript(['--versions', majors.join(','), '--stage-only', '--out', stageDir]);
  if (stageRun.exitCode !== 0) throw new Error(`staging the trees the images are compared with failed:\n${describeRun(stageRun)}`);
  log(`staged ${majors.join(', ')} in ${stageRun.seconds.toFixed(1)} s`);

  const mtimeBefore = existsSync(GENERATED_INSTRUMENTATIONS) ? statSync(GENERATED_INSTRUMENTATIONS).mtimeMs : -1;
  const headAtBuild = (await runCommand('git', ['-C', REPO_ROOT, 'rev-parse', 'HEAD'])).stdout.trim();
  const startedAt = new Date();
  const build = await runBuildScript(['--versions', majors.join(','), '--offline']);
  const finishedAt = new Date();
  const inputsAfterBuild = buildInputsDigest();
  log(`offline build of ${majors.join(', ')}: exit ${build.exitCode} in ${build.seconds.toFixed(1)} s`);
  const generated = existsSync(GENERATED_INSTRUMENTATIONS) ? readFileSync(GENERATED_INSTRUMENTATIONS, 'utf8') : null;
  const generatedWrittenByBuild = generated !== null && statSync(GENERATED_INSTRUMENTATIONS).mtimeMs > mtimeBefore && statSync(GENERATED_INSTRUMENTATIONS).mtimeMs >= startedAt.getTime() - 1000;

  const provided: E2eBuild = {
    majors,
    stageDir,
    prefetchRun,
    stageRun,
    build,
    images: Object.fromEntries(majors.map((major) => [major, defaultImageReference(major)])),
    universalImage: defaultUniversalReference(),
    generatedInstrumentations: generated,
    generatedWrittenByBuild,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    headAtBuild,
    inputsBeforeStaging,
    inputsAfterBuild,
  };
  project.provide('e2eBuild', provided);

  return () => {
    // The flag tests build and push other images, which rewrites the file: leave it describing this run's images.
    if (generated !== null) writeFileSync(GENERATED_INSTRUMENTATIONS, generated);
    rmSync(work, { recursive: true, force: true });
  };
}
