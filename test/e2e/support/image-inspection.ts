/**
 * Reads what an image really is: its config (user, labels, id, digests) from
 * `docker image inspect`, and its filesystem from `docker export` of a
 * container created (never started) from it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, runCommand } from './docker';
import { readTarEntries, type TreeEntry } from './tar-entries';

export interface ImageFacts {
  id: string;
  user: string;
  labels: Record<string, string>;
  repoDigests: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
}

export async function inspectImage(reference: string): Promise<ImageFacts> {
  const { stdout } = await docker(['image', 'inspect', reference]);
  const [image] = JSON.parse(stdout) as Array<{
    Id: string;
    RepoDigests?: string[];
    Config: { User?: string; Labels?: Record<string, string> | null; Entrypoint?: string[] | null; Cmd?: string[] | null };
  }>;
  if (!image) throw new Error(`docker image inspect ${reference} returned nothing`);
  return {
    id: image.Id,
    user: image.Config.User ?? '',
    labels: image.Config.Labels ?? {},
    repoDigests: image.RepoDigests ?? [],
    entrypoint: image.Config.Entrypoint ?? null,
    cmd: image.Config.Cmd ?? null,
  };
}

export { imageExists } from '../../../scripts/image-store';

/** Every entry of the filesystem a container of this image starts with. */
export async function exportImageFilesystem(reference: string): Promise<TreeEntry[]> {
  // The image has no command of its own (the operator gives one): name one so that create accepts it.
  const container = (await docker(['create', '--network', 'none', reference, '/bin/cp'])).stdout.trim();
  const work = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-export-'));
  try {
    const archive = join(work, 'filesystem.tar');
    await docker(['export', '--output', archive, container], { timeoutMs: 120_000 });
    return readTarEntries(readFileSync(archive));
  } finally {
    rmSync(work, { recursive: true, force: true });
    await runCommand('docker', ['rm', '--force', container], { timeoutMs: 30_000 });
  }
}

/** One file of an image, read as a scanner does: out of a container created (never started) from it, with `docker cp`. */
export async function readImageFile(reference: string, path: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const container = (await docker(['create', '--network', 'none', reference, '/bin/cp'], { env })).stdout.trim();
  const work = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-file-'));
  try {
    await docker(['cp', `${container}:${path}`, join(work, 'file')], { env });
    return readFileSync(join(work, 'file'), 'utf8');
  } finally {
    rmSync(work, { recursive: true, force: true });
    await runCommand('docker', ['rm', '--force', container], { timeoutMs: 30_000, env });
  }
}
