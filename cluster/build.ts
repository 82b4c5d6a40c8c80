/**
 * Builds a Go component once: the binaries land in
 * ~/.cache/custom-otel-cluster/<component>-<key>, where the key hashes
 * everything that decides them (go.mod, go.sum, our Go sources, the flags, the
 * Go release), so a pin changed in versions.json and go.mod builds anew and an
 * unchanged one is reused by every clone. The node's components
 * (node-build.ts) go through the same cached build with their own key.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../scripts/child-process';
import { COMPONENTS, type ComponentName, type GoComponent } from './components';
import { BUILD_CACHE_DIR } from './layout';

/** Same flags for every component: -trimpath is part of Go's cache key, so all share the cache. */
export const GO_BUILD_FLAGS = ['-trimpath'];
const COMPLETE_MARKER = '.complete';

export class ComponentBuildError extends Error {
  constructor(readonly component: ComponentName, detail: string) {
    super(`cluster: the ${component} component cannot be built: ${detail}`);
  }
}

/** The version go.mod requires for a module, or undefined. */
export function requiredVersion(goMod: string, module: string): string | undefined {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
}

async function goVersion(): Promise<string> {
  const result = await runCommand('go', ['env', 'GOVERSION']).catch((error: Error) => {
    throw new Error(`cluster: Go is needed to build the cluster's components and cannot be run: ${error.message}`);
  });
  if (result.exitCode !== 0) throw new Error(`cluster: \`go env GOVERSION\` failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

function linkerFlags(component: GoComponent): string {
  return ['-s', '-w', ...component.ldflags].join(' ');
}

/** Hashes the component's go.mod, go.sum and Go files after the given header. */
export function hashSources(dir: string, header: string): string {
  const hash = createHash('sha256').update(header);
  for (const file of readdirSync(dir).sort()) {
    if (file === 'go.mod' || file === 'go.sum' || file.endsWith('.go')) hash.update(`${file}\n`).update(readFileSync(join(dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

function sourceDigest(component: GoComponent, go: string): string {
  return hashSources(component.dir, `${go}\n${GO_BUILD_FLAGS.join(' ')}\n${linkerFlags(component)}\n${JSON.stringify(component.env ?? {})}\n`);
}

export interface BuiltComponent {
  name: ComponentName;
  dir: string;
  /** Binary name → absolute path. */
  binaries: Record<string, string>;
  /** Whether this call compiled it (false: found in the cache). */
  built: boolean;
  elapsedMs: number;
}

/** One cached Go build: what the cluster's and the node's components differ in. */
export interface CachedGoBuild {
  name: string;
  dir: string;
  pinned: { module: string; version: string };
  binaries: readonly string[];
  env?: Record<string, string>;
  /** The cache key of the output, from the Go release. */
  key(go: string): string;
  /** The `go build` arguments that write the binaries into outDir. */
  args(outDir: string): string[];
  /** The error that names the component. */
  fail(detail: string): Error;
}

export async function buildCachedGo(spec: CachedGoBuild, log: (line: string) => void): Promise<Omit<BuiltComponent, 'name'>> {
  const goMod = readFileSync(join(spec.dir, 'go.mod'), 'utf8');
  const required = requiredVersion(goMod, spec.pinned.module);
  if (required !== spec.pinned.version) {
    throw spec.fail(`cluster/versions.json pins ${spec.pinned.module} ${spec.pinned.version} but ${join('cluster/components', spec.name, 'go.mod')} requires ${required ?? 'nothing of it'}`);
  }
  const go = await goVersion();
  const outDir = join(BUILD_CACHE_DIR, `${spec.name}-${spec.key(go)}`);
  const binaries = Object.fromEntries(spec.binaries.map((b) => [b, join(outDir, b)]));
  if (existsSync(join(outDir, COMPLETE_MARKER))) return { dir: outDir, binaries, built: false, elapsedMs: 0 };

  log(`cluster: building ${spec.name} (${spec.pinned.module} ${spec.pinned.version}) into ${outDir}`);
  const partial = `${outDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const result = await runCommand('go', spec.args(partial), {
    cwd: spec.dir,
    // A cold Kubernetes build on 2 shared cores takes long; an hour is the bound of a stuck one.
    timeoutMs: 60 * 60_000,
    env: { ...process.env, ...spec.env },
  });
  if (result.exitCode !== 0) {
    rmSync(partial, { recursive: true, force: true });
    const how = result.timedOut ? 'go build timed out after an hour' : `go build exited with ${result.exitCode ?? result.signal}`;
    throw spec.fail(`${how}:\n${result.stderr.trim().split('\n').slice(-30).join('\n')}`);
  }
  for (const binary of spec.binaries) {
    if (!existsSync(join(partial, binary))) throw spec.fail(`go build produced no ${binary} in ${partial}`);
  }
  writeFileSync(join(partial, COMPLETE_MARKER), `${new Date().toISOString()} ${go} in ${result.elapsedMs} ms\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(partial, outDir);
  log(`cluster: built ${spec.name} in ${Math.round(result.elapsedMs / 1000)} s`);
  return { dir: outDir, binaries, built: true, elapsedMs: result.elapsedMs };
}

export async function buildComponent(name: ComponentName, log: (line: string) => void = () => {}): Promise<BuiltComponent> {
  const component = COMPONENTS[name];
  const built = await buildCachedGo(
    {
      ...component,
      key: (go) => sourceDigest(component, go),
      args: (outDir) => ['build', ...GO_BUILD_FLAGS, '-ldflags', linkerFlags(component), '-o', `${outDir}/`, ...component.packages],
      fail: (detail) => new ComponentBuildError(name, detail),
    },
    log,
  );
  return { name, ...built };
}
