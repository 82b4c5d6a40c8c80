/**
 * What a build's summary row says of what it made: a staged tree's files and
 * bytes, or an image's size, files under /autoinstrumentation and SBOM, read
 * from the image itself where this machine holds it.
 */
import { $ } from 'zx';
import { SBOM_PATH } from './image';
import type { BuildOptions } from './options';
import type { Outcome } from './summary';

/** Files and bytes of a staged tree on disk. */
export async function measureTree(dir: string): Promise<{ files: number; sizeBytes: number }> {
  const files = (await $({ quiet: true })`find ${dir} -type f`).stdout.trim().split('\n').length;
  const sizeBytes = Number((await $({ quiet: true })`du -sb ${dir}`).stdout.split('\t')[0]);
  return { files, sizeBytes };
}

/** Size of the image, files under /autoinstrumentation and whether the SBOM is there, read from the image itself. */
async function measureImage(reference: string): Promise<{ sizeBytes: number; files: number; sbom: boolean }> {
  const size = Number((await $({ quiet: true })`docker image inspect --format {{.Size}} ${reference}`).stdout.trim());
  // The image has no CMD (the operator gives the command): name one, or `docker create` refuses. It never runs.
  const container = (await $({ quiet: true })`docker create ${reference} /bin/cp`).stdout.trim();
  try {
    const listing = (await $({ quiet: true })`docker export ${container} | tar -t`).stdout.split('\n');
    const files = listing.filter((line) => line.startsWith('autoinstrumentation/') && !line.endsWith('/')).length;
    return { sizeBytes: size, files, sbom: listing.includes(SBOM_PATH.slice(1)) };
  } finally {
    await $({ quiet: true, nothrow: true })`docker rm ${container}`;
  }
}

/**
 * The summary's facts of an image just built. Only an image of this
 * machine's platform (or of the one platform built) is loaded into its
 * engine to be read; a dry run reads nothing and names the SBOM's place.
 */
export async function imageFacts(reference: string, options: Pick<BuildOptions, 'dryRun' | 'platforms' | 'host'>): Promise<Pick<Outcome, 'sizeBytes' | 'files' | 'sbom' | 'platforms'>> {
  const hostBuilt = options.platforms.some((p) => p.name === options.host.name) || options.platforms.length === 1;
  const measured: Partial<Awaited<ReturnType<typeof measureImage>>> = options.dryRun || !hostBuilt ? {} : await measureImage(reference);
  return {
    sizeBytes: measured.sizeBytes,
    files: measured.files,
    sbom: options.dryRun || measured.sbom ? SBOM_PATH : undefined,
    platforms: options.platforms.map((p) => p.name),
  };
}
