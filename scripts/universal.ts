/**
 * The universal image: every chosen major's tree, taken out of that major's
 * own image (so each is exactly what the per-major image holds), assembled by
 * tools/bundle/universal.mjs inside the Dockerfile's `universal` target.
 * Also the same assembly on staged trees (`--stage-only`, the matrix tests).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, run } from './stage';
import type { VersionEntry } from './versions';

/** The tree directory / summary name of the universal image. */
export const UNIVERSAL = 'universal';

/** Its tag: the per-major tag without the major (default: the distribution version alone). */
export function universalTag(tag: string | undefined, version: string): string {
  if (tag === undefined) return version;
  return tag.replace(/-?node\{major\}|\{major\}/g, '') || version;
}

/** Every range the image accepts, as the OCI label and package.json say it. */
export function unionRange(majors: readonly VersionEntry[]): string {
  return majors.map((entry) => entry.nodeRange).join(' || ');
}

async function checked(command: string, args: string[], what: string): Promise<string> {
  const result = await run(command, args, { cwd: REPO });
  if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}):\n${result.output.slice(-3000)}`);
  return result.output;
}

/** Assembles the universal tree at outDir from treesDir/node<major>/ of the given majors. */
export async function assembleUniversalTree(treesDir: string, majors: readonly number[], outDir: string): Promise<string> {
  const only = mkdtempSync(join(tmpdir(), 'custom-otel-universal-'));
  try {
    // universal.mjs takes every node<major>/ it finds: give it the chosen ones only (symlinks, read through).
    for (const major of majors) symlinkSync(join(treesDir, `node${major}`), join(only, `node${major}`));
    return (await checked(process.execPath, [join(REPO, 'tools/bundle/universal.mjs'), '--trees', only, '--out', outDir], 'assembling the universal tree')).trim();
  } finally {
    rmSync(only, { recursive: true, force: true });
  }
}

/** /autoinstrumentation of an image, copied to dest. */
export async function extractTree(image: string, dest: string): Promise<void> {
  // The image has no CMD (the operator gives the command): name one, or `docker create` refuses. It never runs.
  const container = (await checked('docker', ['create', image, '/bin/cp'], `docker create ${image}`)).trim().split('\n').pop()!;
  try {
    await checked('docker', ['cp', `${container}:/autoinstrumentation`, dest], `docker cp of ${image}:/autoinstrumentation`);
  } finally {
    await run('docker', ['rm', container]);
  }
}

export interface UniversalBuild {
  /** Print the docker build only: no tree is taken out of any image. */
  dryRun: boolean;
  reference: string;
  majors: readonly VersionEntry[];
  /** The per-major image of each major, already built. */
  images: Readonly<Record<number, string>>;
  /** Build arguments and flags shared with the per-major builds (registry, offline, CA, labels). */
  buildArgs: Record<string, string>;
  extraArgs: readonly string[];
  runDocker: (args: string[]) => Promise<unknown>;
}

/** docker build --target universal, fed the trees of the per-major images. */
export async function buildUniversalImage(build: UniversalBuild): Promise<void> {
  const trees = mkdtempSync(join(tmpdir(), 'custom-otel-universal-trees-'));
  try {
    if (!build.dryRun) for (const entry of build.majors) await extractTree(build.images[entry.major]!, join(trees, `node${entry.major}`));
    const args = ['docker', 'build', '--network', 'host', '--file', join(REPO, 'Dockerfile'), '--target', UNIVERSAL, '--tag', build.reference];
    const buildArgs = { ...build.buildArgs, NODE_MAJORS: build.majors.map((e) => e.major).join(','), NODE_RANGE: unionRange(build.majors) };
    for (const [key, value] of Object.entries(buildArgs)) args.push('--build-arg', `${key}=${value}`);
    args.push(...build.extraArgs, '--build-context', `trees=${trees}`, REPO);
    await build.runDocker(args);
  } finally {
    rmSync(trees, { recursive: true, force: true });
  }
}
