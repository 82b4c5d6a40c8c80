/**
 * The images k8s/ needs on this cluster (cluster/overlay-per-major, which holds
 * cluster/overlay): read from the rendered manifests, so a new image in k8s/ is
 * loaded without a list kept here.
 */
import { loadAllYaml } from '@kubernetes/client-node';
import { join } from 'node:path';
import { runCommand } from '../scripts/child-process';
import { CLUSTER_SOURCE_DIR } from './layout';
import { kubectlChecked } from './kubectl';

export const PER_MAJOR_OVERLAY = join(CLUSTER_SOURCE_DIR, 'overlay-per-major');

/** Every `image:` (containers, init containers, Instrumentations' nodejs.image) in the rendered documents. */
export function imagesIn(documents: readonly unknown[]): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'image' && typeof child === 'string') found.add(child);
        else visit(child);
      }
    }
  };
  documents.forEach(visit);
  return [...found].sort();
}

export async function workloadImages(): Promise<string[]> {
  const rendered = (await kubectlChecked(['kustomize', PER_MAJOR_OVERLAY])).stdout;
  return imagesIn(loadAllYaml(rendered));
}

/** The given images split by whether the local Docker engine has them. */
export async function presentInDocker(images: readonly string[]): Promise<{ present: string[]; missing: string[] }> {
  const present: string[] = [];
  const missing: string[] = [];
  for (const image of images) ((await runCommand('docker', ['image', 'inspect', image])).exitCode === 0 ? present : missing).push(image);
  return { present, missing };
}
