/**
 * Staging: the exact tree an image carries under /autoinstrumentation, made
 * in two steps that the Dockerfile runs too:
 *   1. install node-versions/<major> from its lockfile (npm ci, production
 *      only, engine-strict) under the real Node of that major;
 *   2. bundle src/ against that install (tools/bundle/bundle.mjs).
 * Installs are cached outside the repository by lockfile hash, so a second
 * staging of an unchanged major only bundles.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { cacheRoot, ensureNodeRuntime, resolveNodeVersion, runtimeEnv } from './node-runtimes';
import { versionEntryFor } from './versions';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where the tests stage a tree for one purpose and major: outside the
 * repository, as in an image, where no node_modules above the tree can
 * answer a require the tree itself should (one directory per checkout).
 */
export function testStageDir(purpose: string, major: number): string {
  const checkout = createHash('sha256').update(REPO).digest('hex').slice(0, 12);
  return join(tmpdir(), `custom-otel-stage-${checkout}`, purpose, `node${major}`);
}

export interface StageOptions {
  major: number;
  outDir: string;
  /** Node runtime directory (bin/node, bin/npm) of this major; default: the newest release, cached. */
  runtimeDir?: string;
  /** npm may use only its local cache. */
  offline?: boolean;
  /** npm registry (mirror) to install from; default: npm's own setting. */
  npmRegistry?: string;
  /** Where the tree's SBOM goes (outside the tree). */
  sbomFile?: string;
  /** CA bundle npm must trust (the registry may sit behind a TLS-intercepting proxy). */
  caFile?: string;
  retries?: number;
  retryDelaySeconds?: number;
  log?: (line: string) => void;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: 127, output: output + String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

export async function withRetries<T>(what: string, retries: number, delaySeconds: number, log: (line: string) => void, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n > retries) throw error;
      log(`${what}: attempt ${n} of ${retries + 1} failed (${(error as Error).message.split('\n')[0]}); retrying in ${delaySeconds} s`);
      await new Promise((r) => setTimeout(r, delaySeconds * 1000));
    }
  }
}

function lockHash(major: number): string {
  const dir = join(REPO, 'node-versions', String(major));
  return createHash('sha256').update(readFileSync(join(dir, 'package.json'))).update(readFileSync(join(dir, 'package-lock.json'))).digest('hex').slice(0, 16);
}

/** Installs a major's dependency set (cached by lockfile hash); returns the directory holding node_modules. */
export async function installDependencySet(options: StageOptions): Promise<string> {
  const log = options.log ?? (() => undefined);
  const target = join(cacheRoot(), 'deps', `node${options.major}-${lockHash(options.major)}`);
  if (existsSync(join(target, '.complete'))) return target;
  const runtimeDir = options.runtimeDir ?? (await ensureNodeRuntime(await resolveNodeVersion(options.major, 'newest')));
  const work = `${target}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(REPO, 'node-versions', String(options.major), file), join(work, file));
  const env = runtimeEnv(runtimeDir);
  if (options.caFile) env.NODE_EXTRA_CA_CERTS = options.caFile;
  const args = ['ci', '--omit=dev', '--engine-strict', '--no-audit', '--no-fund', '--ignore-scripts'];
  if (options.offline && !options.npmRegistry) args.push('--offline');
  if (options.npmRegistry) args.push('--registry', options.npmRegistry);
  await withRetries(`npm ci for node${options.major}`, options.offline ? 0 : options.retries ?? 2, options.retryDelaySeconds ?? 5, log, async () => {
    const result = await run(join(runtimeDir, 'bin', 'npm'), args, { cwd: work, env });
    if (result.code !== 0) {
      const hint = options.offline ? ' (--offline: a package missing from the npm cache must be fetched once without --offline)' : '';
      throw new Error(`npm ci failed for node${options.major} under ${runtimeDir}${hint}:\n${result.output.slice(-3000)}`);
    }
  });
  writeFileSync(join(work, '.complete'), new Date().toISOString());
  // Two test files may install the same set at once: the first complete one
  // stays (the other may be bundling from it), the later copy is dropped.
  const takeFinished = () => {
    if (!existsSync(join(target, '.complete'))) return false;
    rmSync(work, { recursive: true, force: true });
    return true;
  };
  if (takeFinished()) return target;
  rmSync(target, { recursive: true, force: true });
  try {
    renameSync(work, target);
  } catch (error) {
    if (!takeFinished()) throw error;
  }
  return target;
}

/** The bundler's own dependency (esbuild), installed from its lockfile once. */
export async function ensureBundler(options: Pick<StageOptions, 'offline' | 'caFile' | 'npmRegistry'> = {}): Promise<void> {
  const dir = join(REPO, 'tools', 'bundle');
  if (existsSync(join(dir, 'node_modules', 'esbuild'))) return;
  const env = { ...process.env };
  if (options.caFile) env.NODE_EXTRA_CA_CERTS = options.caFile;
  const source = options.npmRegistry ? ['--registry', options.npmRegistry] : options.offline ? ['--offline'] : [];
  const result = await run('npm', ['ci', '--no-audit', '--no-fund', ...source], { cwd: dir, env });
  if (result.code !== 0) throw new Error(`installing the bundler (tools/bundle) failed:\n${result.output.slice(-2000)}`);
}

export async function stageMajor(options: StageOptions): Promise<string> {
  versionEntryFor(options.major);
  const deps = await installDependencySet(options);
  await ensureBundler(options);
  const result = await run(process.execPath, [join(REPO, 'tools/bundle/bundle.mjs'), '--major', String(options.major), '--deps', deps, '--out', options.outDir, ...(options.sbomFile ? ['--sbom', options.sbomFile] : [])]);
  if (result.code !== 0) throw new Error(`bundling node${options.major} failed:\n${result.output.slice(-3000)}`);
  options.log?.(result.output.trim());
  return options.outDir;
}
