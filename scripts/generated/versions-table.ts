/** The README's table of images and Node versions, and k8s/kustomization.yaml's per-major entries, from node-versions/versions.json. */
import type { VersionEntry } from '../repository';

export function renderVersionsTable(versions: readonly VersionEntry[], distributionVersion: string): string {
  const lines = [
    '| image tag | Node range | SDK line | `@opentelemetry/sdk-*` (experimental) | auto-instrumentations-node | ESM apps |',
    '|---|---|---|---|---|---|',
  ];
  for (const v of versions) {
    const esm = v.esm ? 'yes' : 'no (no `module.register`)';
    lines.push(`| \`${distributionVersion}-node${v.major}\` | ${v.nodeRange} | ${v.sdkLine} | ${v.sdkCoreVersion} (${v.sdkNodeVersion}) | ${v.autoInstrumentationsVersion} | ${esm} |`);
  }
  return lines.join('\n');
}

const PER_MAJOR = /^ {2}- instrumentations\/nodejs-\d+\.yaml$/;

/** The Kustomization with one Instrumentation per major, in place of the per-major entries it had; every other line kept. */
export function renderKustomization(current: string, majors: readonly number[]): string {
  const lines = current.split('\n');
  const first = lines.findIndex((line) => PER_MAJOR.test(line));
  const kept = lines.filter((line) => !PER_MAJOR.test(line));
  const at = first >= 0 ? first : kept.length - (kept.at(-1) === '' ? 1 : 0);
  kept.splice(at, 0, ...majors.map((major) => `  - instrumentations/nodejs-${major}.yaml`));
  return kept.join('\n');
}
