/**
 * The universal image: every chosen major's tree, taken out of that major's
 * own image (so each is exactly what the per-major image holds), assembled by
 * tools/bundle/universal.mjs inside the Dockerfile's `universal` target.
 * Also the same assembly on staged trees (`--stage-only`, the matrix tests).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chalk } from 'zx';
import { REPO, run } from '../stage';
import type { VersionEntry } from '../versions';
import { baseImages } from './base-images';
import { buildImage, npmAndLabelArgs, platformTargets, SBOM_PATH, type BuildFacts, type ImageRecipe } from './image';
import { imageFacts, measureTree } from './measure';
import type { BuildOptions } from './options';
import { makeRunner, type Log, type Runner } from './run';
import type { Outcome } from './summary';

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

/**
 * Assembles the universal tree at outDir from treesDir/node<major>/ of the
 * given majors; with sbomFile, also their SBOM in one document, from the
 * node<major>.cdx.json beside each tree.
 */
export async function assembleUniversalTree(treesDir: string, majors: readonly number[], outDir: string, sbomFile?: string): Promise<string> {
  const only = mkdtempSync(join(tmpdir(), 'custom-otel-universal-'));
  try {
    // universal.mjs takes every node<major>/ it finds: give it the chosen ones only (symlinks, read through).
    // Absolute targets: a relative one (`--out .stage/trees`) would be read from the temporary directory and dangle.
    for (const major of majors) {
      symlinkSync(resolve(treesDir, `node${major}`), join(only, `node${major}`));
      if (sbomFile) symlinkSync(resolve(treesDir, `node${major}.cdx.json`), join(only, `node${major}.cdx.json`));
    }
    const sbomArgs = sbomFile ? ['--sbom', resolve(sbomFile)] : [];
    // universal.mjs runs in the repository: a relative --out means the caller's directory, not that one.
    return (await checked(process.execPath, [join(REPO, 'tools/bundle/universal.mjs'), '--trees', only, '--out', resolve(outDir), ...sbomArgs], 'assembling the universal tree')).trim();
  } finally {
    rmSync(only, { recursive: true, force: true });
  }
}

/** /autoinstrumentation of an image, copied to dest, and its SBOM to dest.cdx.json (where universal.mjs looks for it). */
export async function extractTree(image: string, dest: string): Promise<void> {
  // The image has no CMD (the operator gives the command): name one, or `docker create` refuses. It never runs.
  const container = (await checked('docker', ['create', image, '/bin/cp'], `docker create ${image}`)).trim().split('\n').pop()!;
  try {
    await checked('docker', ['cp', `${container}:/autoinstrumentation`, dest], `docker cp of ${image}:/autoinstrumentation`);
    await checked('docker', ['cp', `${container}:${SBOM_PATH}`, `${dest}.cdx.json`], `docker cp of ${image}:${SBOM_PATH}`);
  } finally {
    await run('docker', ['rm', container]);
  }
}

/** The per-major image to take a tree from: its own tag when the engine holds it, else its first platform's. */
function localImageOf(reference: string, options: BuildOptions): string {
  const hostBuilt = options.platforms.length === 1 || options.platforms.some((p) => p.name === options.host.name);
  return hostBuilt ? reference : platformTargets(reference, options.platforms)[0]!.reference;
}

/**
 * docker build --target universal on every chosen platform (the trees are the
 * same on each; only /bin/cp differs, as for the per-major images), fed the
 * trees of the per-major images just built.
 */
async function buildUniversalImage(built: readonly Outcome[], reference: string, options: BuildOptions, versions: VersionEntry[], facts: BuildFacts, run: Runner, log: Log): Promise<{ pinned?: string }> {
  const trees = mkdtempSync(join(tmpdir(), 'custom-otel-universal-trees-'));
  try {
    for (const outcome of built) {
      const image = localImageOf(outcome.reference, options);
      if (options.dryRun) console.log(`$ docker cp <container of ${image}>:/autoinstrumentation <trees>/node${outcome.major}; docker cp <container of ${image}>:${SBOM_PATH} <trees>/node${outcome.major}.cdx.json`);
      else await extractTree(image, join(trees, `node${outcome.major}`));
    }
    const bases = baseImages(options.majors[0]!, versions, options.registry);
    const recipe: ImageRecipe = {
      stage: UNIVERSAL,
      buildArgs: {
        // BuildKit reads every stage's FROM, the per-major ones too, though it builds none of them.
        NODE_IMAGE: bases.node,
        BUILDER_IMAGE: bases.builder,
        BUSYBOX_IMAGE: bases.copyTool,
        ...npmAndLabelArgs(options, facts),
        NODE_MAJORS: options.majors.map((e) => e.major).join(','),
        NODE_RANGE: unionRange(options.majors),
      },
      contexts: { trees },
    };
    return await buildImage(recipe, reference, options, facts, run, log);
  } finally {
    rmSync(trees, { recursive: true, force: true });
  }
}

/** The universal image (or tree, with --stage-only) of the majors just built: one more row of the summary. */
export async function processUniversal(built: readonly Outcome[], options: BuildOptions, versions: VersionEntry[], facts: BuildFacts): Promise<Outcome> {
  const started = Date.now();
  const log = (line: string) => console.log(`${chalk.cyan(`[${UNIVERSAL}]`)} ${line}`);
  const reference = options.stageOnly ? join(options.out!, UNIVERSAL) : `${options.image}:${universalTag(options.tag, facts.version)}`;
  const row = { major: 0, name: UNIVERSAL, reference };
  try {
    if (options.stageOnly) {
      if (options.dryRun) {
        console.log(`$ node tools/bundle/universal.mjs --trees ${options.out} --out ${reference} --sbom ${reference}.cdx.json`);
        return { ...row, ok: true, seconds: (Date.now() - started) / 1000 };
      }
      const sbom = `${reference}.cdx.json`;
      log(await assembleUniversalTree(options.out!, options.majors.map((e) => e.major), reference, sbom));
      return { ...row, ok: true, seconds: (Date.now() - started) / 1000, ...(await measureTree(reference)), sbom };
    }
    log(`building ${reference} from the trees of ${built.map((o) => o.reference).join(', ')}`);
    const { pinned } = await buildUniversalImage(built, reference, options, versions, facts, makeRunner(options.dryRun, log), log);
    const measured = await imageFacts(reference, options);
    log(chalk.green('done'));
    return { ...row, ok: true, seconds: (Date.now() - started) / 1000, ...measured, pinned };
  } catch (error) {
    const message = (error as Error).message;
    log(`${chalk.red('failed')}: ${message}`);
    return { ...row, ok: false, seconds: (Date.now() - started) / 1000, error: message.split('\n')[0] };
  }
}
