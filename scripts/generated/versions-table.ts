/** The README's table of images and Node versions, from node-versions/versions.json. */
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

