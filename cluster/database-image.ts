/**
 * The database image of cluster/overlay (its `images:` entry for mysql), built
 * from cluster/images/mariadb: Debian's MariaDB on the local debian base image.
 * Rebuilt only when its files change (their hash is a label).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadYaml } from '@kubernetes/client-node';
import { runCommand, runChecked } from '../scripts/child-process';
import { CLUSTER_SOURCE_DIR } from './layout';

const CONTEXT = join(CLUSTER_SOURCE_DIR, 'images', 'mariadb');
const BUILD_LABEL = 'custom-otel.cluster.database-build';
const BASE_IMAGE = 'debian:bookworm-slim';

/** newName:newTag of the overlay's mysql entry. */
export function databaseImage(): string {
  const kustomization = loadYaml<{ images?: { name: string; newName?: string; newTag?: string }[] }>(
    readFileSync(join(CLUSTER_SOURCE_DIR, 'overlay', 'kustomization.yaml'), 'utf8'),
  );
  const entry = kustomization.images?.find((i) => i.name === 'mysql');
  if (!entry?.newName || !entry.newTag) throw new Error('cluster/overlay/kustomization.yaml: no images entry renaming mysql (newName and newTag)');
  return `${entry.newName}:${entry.newTag}`;
}

function contextDigest(): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(CONTEXT).sort()) hash.update(`${file}\n`).update(readFileSync(join(CONTEXT, file)));
  return hash.digest('hex').slice(0, 16);
}

export async function buildDatabaseImage(): Promise<string> {
  const image = databaseImage();
  const digest = contextDigest();
  const inspect = await runCommand('docker', ['image', 'inspect', '--format', `{{ index .Config.Labels "${BUILD_LABEL}" }}`, image]);
  if (inspect.exitCode === 0 && inspect.stdout.trim() === digest) return image;
  if ((await runCommand('docker', ['image', 'inspect', BASE_IMAGE])).exitCode !== 0) {
    throw new Error(`cluster: the database image needs the local base image ${BASE_IMAGE}, which \`npm run setup\` makes`);
  }
  // --network host: apt reaches Debian's archive as the machine does.
  await runChecked('docker', ['build', '--quiet', '--network', 'host', '--label', `${BUILD_LABEL}=${digest}`, '-t', image, CONTEXT], { timeoutMs: 15 * 60_000 });
  return image;
}
