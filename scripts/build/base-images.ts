/**
 * The base images one major's build starts FROM, and where they come from:
 * with --registry the organisation's mirror, else Docker Hub; with --offline
 * never the internet. Their names come from node-versions/versions.json
 * (the major's and the bundler's Node) and scripts/docker/base-image-names.ts.
 */
import { chalk } from 'zx';
import { BUSYBOX_IMAGE } from '../docker/base-image-names';
import { withRetries } from '../stage';
import { versionEntryFor, type VersionEntry } from '../versions';
import type { BuildOptions } from './options';
import { imageExists } from '../image-store';
import type { Log, Runner } from './run';

/** Node of the bundling stage (esbuild needs Node >= 18). */
export const BUILDER_NODE_MAJOR = 20;

export interface BaseImages {
  /** The major's Node: the dependency set is installed under it. */
  node: string;
  /** The Node that runs the bundler. */
  builder: string;
  /** busybox: its static binary is the image's /bin/cp (this machine's platform). */
  copyTool: string;
}

export function baseImages(entry: VersionEntry, versions: VersionEntry[], registry = ''): BaseImages {
  return {
    node: `${registry}${entry.baseImage}`,
    builder: `${registry}${versionEntryFor(BUILDER_NODE_MAJOR, versions).baseImage}`,
    copyTool: `${registry}${BUSYBOX_IMAGE}`,
  };
}

export function distinctImages(images: BaseImages[]): string[] {
  return [...new Set(images.flatMap((b) => [b.node, b.builder, b.copyTool]))];
}

/** The command that makes a base image on a machine with no registry (Debian packages and npm only). */
export function makeLocallyCommand(majors: readonly number[]): string {
  return `scripts/docker/base-images.sh ${majors.join(' ')}`;
}

type Where = Pick<BuildOptions, 'registry' | 'offline' | 'retries' | 'retryDelay' | 'dryRun'>;

/**
 * Makes sure the engine holds one base image. Offline without a mirror, only
 * the engine is asked; offline with a mirror, the engine and then the mirror;
 * online, the image is pulled (an unreachable Docker Hub falls back to a
 * local image of that name). Throws a message naming the image, where it was
 * looked for and the command that gets it.
 */
export async function ensureBaseImage(image: string, majors: readonly number[], options: Where, run: Runner, log: Log): Promise<void> {
  const prefetch = `./build-multi-version --prefetch --versions ${majors.join(',')}${options.registry ? ` --registry ${options.registry.replace(/\/$/, '')}` : ''}`;
  if (options.dryRun) {
    console.log(options.offline ? `$ docker image inspect ${image}` : `$ docker pull ${image}`);
    return;
  }
  if (options.offline && (await imageExists(image))) return;
  if (options.offline && !options.registry) {
    throw new Error(
      `--offline: base image ${image} is not in the local Docker image store (the only place --offline without --registry looks); ` +
        `get it while connected with \`${prefetch}\`, \`docker pull ${image}\`, or, with no registry at hand, \`${makeLocallyCommand(majors)}\``,
    );
  }
  // Without a mirror, a local image of that name is the fallback: no point in retrying Docker Hub then.
  const retries = !options.registry && (await imageExists(image)) ? 0 : options.retries;
  try {
    await withRetries(`pull ${image}`, retries, options.retryDelay, log, () => run(['docker', 'pull', image]));
  } catch (error) {
    if (options.registry) {
      const mirror = options.registry.replace(/\/$/, '');
      const plain = image.slice(options.registry.length);
      throw new Error(
        `base image ${image} is neither in the local Docker image store nor at the mirror ${mirror} ` +
          `(${(error as Error).message.split('\n').slice(-1)[0]}); put it in the mirror (\`docker pull ${plain} && docker tag ${plain} ${image} && docker push ${image}\`) ` +
          `or get it into this engine while the mirror answers: \`${prefetch}\``,
      );
    }
    if (!(await imageExists(image))) {
      throw new Error(`base image ${image} could not be pulled and is not in the local Docker image store; with no registry at hand, make it: \`${makeLocallyCommand(majors)}\` (${(error as Error).message.split('\n')[0]})`);
    }
    log(`${chalk.yellow('warning')}: could not pull ${image}; using the local image of that name`);
  }
}
