/**
 * One major's image: `docker build` per platform (the tree staged once, on
 * this machine's platform, and shared through the build cache), pushed and
 * joined into one image index when several platforms are built, and the
 * digest a pushed image is pinned by.
 */
import { $, fs, path } from 'zx';
import type { VersionEntry } from '../versions';
import { REPO, withRetries } from '../stage';
import type { BaseImages } from './base-images';
import { cachedCopyTool, copyToolDir } from './copy-tool';
import type { BuildOptions } from './options';
import { platformTag, type Platform } from './platforms';
import type { Log, Runner } from './run';
import { isoDate, sourceDate } from './source-date';
import { filesForMajors, makeSubset, subsetDir } from './npm-cache-subset';

/** Where the image keeps its SBOM: outside /autoinstrumentation, which is all the operator copies. */
export const SBOM_PATH = '/sbom/autoinstrumentation.cdx.json';

export interface BuildFacts {
  version: string;
  revision: string;
  /** The created label: the source date, so a rebuild of one commit gives one image. */
  created: string;
  /** SOURCE_DATE_EPOCH of the build: file times, image config and history. */
  sourceDateEpoch: number;
  /** Where the source date came from (SOURCE_DATE_EPOCH or the commit), for the log. */
  sourceDateOrigin: string;
  /** The build context `npm-cache` of an offline build: the part of the npm cache it installs from. */
  npmCache: string | undefined;
}

export interface ImageTarget {
  platform: Platform;
  /** The tag this platform's image gets. */
  reference: string;
}

/** Each platform's tag: the major's own when one platform is built, else <tag>-<os>-<arch>. */
export function platformTargets(reference: string, platforms: readonly Platform[]): ImageTarget[] {
  if (platforms.length === 1) return [{ platform: platforms[0]!, reference }];
  const colon = reference.lastIndexOf(':');
  return platforms.map((platform) => ({ platform, reference: `${reference.slice(0, colon)}:${platformTag(reference.slice(colon + 1), platform)}` }));
}

/** What one image's `docker build` adds to the shared flags: its Dockerfile target, build arguments and build contexts. */
export interface ImageRecipe {
  /** A Dockerfile stage; the default (last) stage when absent. */
  stage?: string;
  buildArgs: Record<string, string>;
  contexts?: Record<string, string>;
}

/** The image of one Node major: the Dockerfile's default target. */
export function majorRecipe(entry: VersionEntry, bases: BaseImages, options: BuildOptions, facts: BuildFacts): ImageRecipe {
  return {
    buildArgs: {
      NODE_MAJOR: String(entry.major),
      NODE_IMAGE: bases.node,
      BUILDER_IMAGE: bases.builder,
      BUSYBOX_IMAGE: bases.copyTool,
      ...npmAndLabelArgs(options, facts),
      NODE_RANGE: entry.nodeRange,
      SDK_LINE: entry.sdkLine,
      SDK_VERSION: entry.sdkNodeVersion,
      AUTO_INSTRUMENTATIONS_VERSION: entry.autoInstrumentationsVersion,
    },
  };
}

/** Build arguments every image takes: where npm installs from, and the labels' facts. */
export function npmAndLabelArgs(options: BuildOptions, facts: BuildFacts): Record<string, string> {
  return {
    NPM_OFFLINE: String(options.offline && !options.npmRegistry),
    NPM_REGISTRY: options.npmRegistry ?? '',
    VERSION: facts.version,
    REVISION: facts.revision,
    CREATED: facts.created,
    // BuildKit reads it too: the image config's and history's times become it.
    SOURCE_DATE_EPOCH: String(facts.sourceDateEpoch),
  };
}

/** The Dockerfile's stages that make images (the per-major one is the default target). */
export const IMAGE_STAGES = ['image', 'universal'];

export function dockerBuildArgs(recipe: ImageRecipe, target: ImageTarget, options: BuildOptions, facts: BuildFacts): string[] {
  const args = ['docker', 'build', '--network', 'host', '--platform', target.platform.name, '--file', path.join(REPO, 'Dockerfile')];
  if (recipe.stage) args.push('--target', recipe.stage);
  args.push('--tag', target.reference);
  for (const [key, value] of Object.entries(recipe.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (options.caFile) args.push('--secret', `id=npm_ca,src=${options.caFile}`);
  if (options.noCache) args.push('--no-cache');
  // The two image stages only copy a few MB, and are never taken from the cache:
  // BuildKit keys a COPY by its files' contents, not their times, so a cached
  // layer of another build with the same files but another source date would come
  // back with that build's times, and the digest with them.
  else args.push('--no-cache-filter', IMAGE_STAGES.join(','));
  if (facts.npmCache) args.push('--build-context', `npm-cache=${facts.npmCache}`);
  // Another platform's /bin/cp: Debian's static busybox of that architecture, never run here.
  if (target.platform.name !== options.host.name) args.push('--build-context', `copy-tool=${options.dryRun ? copyToolDir(target.platform) : cachedCopyTool(target.platform)}`);
  for (const [name, dir] of Object.entries(recipe.contexts ?? {})) args.push('--build-context', `${name}=${dir}`);
  args.push(REPO);
  return args;
}

export async function buildFacts(options: BuildOptions): Promise<BuildFacts> {
  const version = (await fs.readJson(path.join(REPO, 'package.json'))).version as string;
  const revision = options.dryRun ? 'HEAD' : (await $({ quiet: true, nothrow: true })`git -C ${REPO} rev-parse HEAD`).stdout.trim() || 'unknown';
  // Only the packages the build installs are sent, not the whole npm cache (npm-cache-subset.ts).
  const wholeCache = options.offline && !options.npmRegistry ? (await $({ quiet: true })`npm config get cache`).stdout.trim() : undefined;
  const majors = options.majors.map((e) => e.major);
  const npmCache = wholeCache === undefined ? undefined : options.dryRun ? subsetDir(wholeCache, filesForMajors(wholeCache, majors)) : makeSubset(wholeCache, filesForMajors(wholeCache, majors));
  const commitTime = (await $({ quiet: true, nothrow: true })`git -C ${REPO} log -1 --format=%ct HEAD`).stdout;
  const date = sourceDate(process.env.SOURCE_DATE_EPOCH, commitTime);
  if (!date) throw new Error(`no source date: ${REPO} is not a git checkout with a commit and SOURCE_DATE_EPOCH is not set; set it (seconds since 1970) to the time the sources were made`);
  return { version, revision, created: isoDate(date.epoch), sourceDateEpoch: date.epoch, sourceDateOrigin: date.origin, npmCache };
}

/**
 * Builds every platform's image of a major (and, with several, gives this
 * machine's the major's own tag too so the engine holds a runnable one), then
 * with --push pushes them and returns the reference pinned by digest.
 */
export async function buildMajorImage(entry: VersionEntry, bases: BaseImages, reference: string, options: BuildOptions, facts: BuildFacts, run: Runner, log: Log): Promise<{ targets: ImageTarget[]; pinned?: string }> {
  return buildImage(majorRecipe(entry, bases, options, facts), reference, options, facts, run, log);
}

/** One image of any recipe, on every chosen platform: built, and with --push pushed, indexed and pinned. */
export async function buildImage(recipe: ImageRecipe, reference: string, options: BuildOptions, facts: BuildFacts, run: Runner, log: Log): Promise<{ targets: ImageTarget[]; pinned?: string }> {
  const targets = platformTargets(reference, options.platforms);
  for (const target of targets) {
    log(`building ${target.reference} (${target.platform.name})`);
    // A build that reaches npm is retried as a whole.
    const retries = options.offline && !options.npmRegistry ? 0 : options.retries;
    await withRetries(`build ${target.reference}`, retries, options.retryDelay, log, () => run(dockerBuildArgs(recipe, target, options, facts)));
  }
  const hostTarget = targets.find((t) => t.platform.name === options.host.name);
  if (targets.length > 1 && hostTarget) await run(['docker', 'tag', hostTarget.reference, reference]);
  if (!options.push) return { targets };
  for (const target of targets) {
    log(`pushing ${target.reference}`);
    await withRetries(`push ${target.reference}`, options.retries, options.retryDelay, log, () => run(['docker', 'push', target.reference]));
  }
  if (targets.length > 1) {
    log(`image index ${reference}: ${targets.map((t) => t.platform.name).join(', ')}`);
    await withRetries(`index ${reference}`, options.retries, options.retryDelay, log, () =>
      run(['docker', 'buildx', 'imagetools', 'create', '--tag', reference, ...targets.map((t) => t.reference)]),
    );
  }
  return { targets, pinned: options.dryRun ? undefined : await pushedDigestReference(reference, run) };
}

/** "name:tag@sha256:..." of what the registry serves under name:tag now. */
export async function pushedDigestReference(reference: string, run: Runner): Promise<string> {
  const out = await run(['docker', 'buildx', 'imagetools', 'inspect', reference, '--format', '{{json .Manifest}}'], { quiet: true });
  const digest = (JSON.parse(out) as { digest?: string }).digest;
  if (!digest || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`the registry gave no digest for ${reference} (${out.trim().slice(0, 200)})`);
  return `${reference}@${digest}`;
}
