/** cluster/versions.json, parsed once: the pinned release of every component built. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_SOURCE_DIR } from './layout';

export interface ClusterVersions {
  go: string;
  controlPlane: { module: string; version: string; stagingVersion: string };
  etcd: { module: string; version: string };
  operator: { module: string; version: string; defaultNodejsInstrumentation: string };
  collector: { module: string; version: string; stableVersion: string; contribVersion: string };
}

export const VERSIONS_FILE = join(CLUSTER_SOURCE_DIR, 'versions.json');

export const CLUSTER_VERSIONS: ClusterVersions = JSON.parse(readFileSync(VERSIONS_FILE, 'utf8')) as ClusterVersions;

/** "v1.35.4" → { major: "1", minor: "35" }, as the version ldflags want them. */
export function majorMinor(version: string): { major: string; minor: string } {
  const match = /^v(\d+)\.(\d+)\.\d+/.exec(version);
  if (!match) throw new Error(`cluster/versions.json: "${version}" is not a vMAJOR.MINOR.PATCH version`);
  return { major: match[1] as string, minor: match[2] as string };
}
