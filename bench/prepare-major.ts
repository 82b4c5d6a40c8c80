/**
 * Everything one major's benchmarks need: a real Node runtime of that major,
 * our tree staged exactly as the image holds it, and the upstream package set
 * installed under the same runtime.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureNodeRuntime, resolveNodeVersion } from '../scripts/node-runtimes';
import { REPO, stageMajor } from '../scripts/stage';
import { versionEntryFor } from '../scripts/versions';
import { ensureUpstreamInstall, type UpstreamInstall } from './upstream-install';

export interface PreparedMajor {
  major: number;
  runtimeDir: string;
  node: string;
  nodeVersion: string;
  /** Our staged tree (what the image holds under /autoinstrumentation). */
  tree: string;
  oursEntry: string;
  sdkLine: string;
  upstream: UpstreamInstall;
}

export function stagedTreeDir(major: number): string {
  return join(REPO, '.stage', 'bench', `node${major}`);
}

export async function prepareMajor(major: number, log: (line: string) => void): Promise<PreparedMajor> {
  const entry = versionEntryFor(major);
  const nodeVersion = await resolveNodeVersion(major, 'newest');
  const runtimeDir = await ensureNodeRuntime(nodeVersion);
  const node = join(runtimeDir, 'bin', 'node');
  const reported = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${nodeVersion}`) throw new Error(`runtime ${runtimeDir} reports ${reported}, expected v${nodeVersion}`);
  const tree = stagedTreeDir(major);
  log(`node${major}: staging our tree into ${tree}`);
  await stageMajor({ major, outDir: tree, runtimeDir, caFile: process.env.NODE_EXTRA_CA_CERTS, log });
  const upstream = await ensureUpstreamInstall(major, entry.autoInstrumentationsVersion, runtimeDir, log);
  return { major, runtimeDir, node, nodeVersion, tree, oursEntry: join(tree, 'autoinstrumentation.js'), sdkLine: entry.sdkLine, upstream };
}
