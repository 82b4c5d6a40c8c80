/**
 * Builds a Go component once: the binaries land in
 * ~/.cache/custom-otel-cluster/<component>-<key>, where the key hashes
 * everything that decides them (go.mod, go.sum, our Go sources, the flags, the
 * Go release), so a pin changed in versions.json and go.mod builds anew and an
 * unchanged one is reused by every clone.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand } from '../scripts/child-process';
import { COMPONENTS, type ComponentName, type GoComponent } from './components';
import { BUILD_CACHE_DIR } from './layout';

/** Same flags for every component: -trimpath is part of Go's cache key, so all share the cache. */
const GO_BUILD_FLAGS = ['-trimpath'];
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

function sourceDigest(component: GoComponent, go: string): string {
  const hash = createHash('sha256').update(`${go}\n${GO_BUILD_FLAGS.join(' ')}\n${linkerFlags(component)}\n${JSON.stringify(component.env ?? {})}\n`);
  for (const file of readdirSync(component.dir).sort()) {
    if (file === 'go.mod' || file === 'go.sum' || file.endsWith('.go')) hash.update(`${file}\n`).update(readFileSync(join(component.dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
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

export async function buildComponent(name: ComponentName, log: (line: string) => void = () => {}): Promise<BuiltComponent> {
  const component = COMPONENTS[name];
  const goMod = readFileSync(join(component.dir, 'go.mod'), 'utf8');
  const required = requiredVersion(goMod, component.pinned.module);
  if (required !== component.pinned.version) {
    throw new ComponentBuildError(
      name,
      `cluster/versions.json pins ${component.pinned.module} ${component.pinned.version} but ${join('cluster/components', name, 'go.mod')} requires ${required ?? 'nothing of it'}`,
    );
  }
  const go = await goVersion();
  const outDir = join(BUILD_CACHE_DIR, `${name}-${sourceDigest(component, go)}`);
  const binaries = Object.fromEntries(component.binaries.map((b) => [b, join(outDir, b)]));
  if (existsSync(join(outDir, COMPLETE_MARKER))) return { name, dir: outDir, binaries, built: false, elapsedMs: 0 };

  log(`cluster: building ${name} (${component.pinned.module} ${component.pinned.version}) into ${outDir}`);
  const partial = `${outDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const result = await runCommand('go', ['build', ...GO_BUILD_FLAGS, '-ldflags', linkerFlags(component), '-o', `${partial}/`, ...component.packages], {
    cwd: component.dir,
    // A cold Kubernetes build on 2 shared cores takes long; an hour is the bound of a stuck one.
    timeoutMs: 60 * 60_000,
    env: { ...process.env, ...component.env },
  });
  if (result.exitCode !== 0) {
    rmSync(partial, { recursive: true, force: true });
    const how = result.timedOut ? 'go build timed out after an hour' : `go build exited with ${result.exitCode ?? result.signal}`;
    throw new ComponentBuildError(name, `${how}:\n${result.stderr.trim().split('\n').slice(-30).join('\n')}`);
  }
  for (const binary of component.binaries) {
    if (!existsSync(join(partial, binary))) throw new ComponentBuildError(name, `go build produced no ${binary} in ${partial}`);
  }
  writeFileSync(join(partial, COMPLETE_MARKER), `${new Date().toISOString()} ${go} in ${result.elapsedMs} ms\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(partial, outDir);
  log(`cluster: built ${name} in ${Math.round(result.elapsedMs / 1000)} s`);
  return { name, dir: outDir, binaries, built: true, elapsedMs: result.elapsedMs };
}
