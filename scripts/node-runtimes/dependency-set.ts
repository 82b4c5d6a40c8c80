/**
 * The check the matrix tests run on a major's dependency set: installed as
 * the image build installs it, under a real runtime of that major, then
 * loaded.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runChecked, runCommand } from '../child-process';
import { REPO_ROOT } from '../repository';
import { versionEntryFor, type VersionEntry } from '../versions';
import { runtimeEnv, type Which } from './decisions';
import { tail } from './messages';
import { ensureNodeRuntime } from './runtime-cache';
import { resolveNodeVersion } from './version-resolution';

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
    const bytes = Number((await runChecked('du', ['-sb', join(work, 'node_modules')])).stdout.split('\t')[0]);
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
  const result = await runCommand(command, args, { cwd, env, timeoutMs: 600_000 });
  if (result.exitCode === 0) return result.stdout;
  // The exit status and the output tails say more than the command line.
  const status = result.timedOut ? 'timed out after 600 s' : result.signal ? `signal ${result.signal}` : `exit code ${result.exitCode}`;
  throw new Error(`${what} failed (${status}):\n${tail(result.stdout, 10)}\n${tail(result.stderr)}`);
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
