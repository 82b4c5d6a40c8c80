/**
 * Builds a node component once: its binaries land in
 * ~/.cache/custom-otel-cluster/<component>-<key>, the key hashing everything
 * that decides them (go.mod, go.sum, our Go sources, flags, tags, environment,
 * the Go release). The flags match the control plane's (-trimpath is part of
 * Go's cache key), so the kubelet reuses the packages the control plane compiled.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../scripts/child-process';
import { NODE_COMPONENTS, type NodeComponentName, type NodeGoComponent } from './node-components';

export const BUILD_CACHE_DIR = process.env.CUSTOM_OTEL_CLUSTER_CACHE ?? join(homedir(), '.cache', 'custom-otel-cluster');
const GO_BUILD_FLAGS = ['-trimpath'];
const COMPLETE_MARKER = '.complete';

export class NodeComponentBuildError extends Error {
  constructor(readonly component: NodeComponentName, detail: string) {
    super(`cluster: the node's ${component} component cannot be built: ${detail}`);
  }
}

/** The version a go.mod requires for a module, or undefined. */
export function requiredVersion(goMod: string, module: string): string | undefined {
  const escaped = module.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, 'm').exec(goMod)?.[1];
}

function buildArgs(component: NodeGoComponent, outDir: string): string[] {
  return [
    'build',
    ...GO_BUILD_FLAGS,
    ...(component.tags?.length ? [`-tags=${component.tags.join(',')}`] : []),
    '-ldflags',
    ['-s', '-w', ...component.ldflags].join(' '),
    '-o',
    `${outDir}/`,
    ...component.packages,
  ];
}

function buildKey(component: NodeGoComponent, goVersion: string): string {
  const hash = createHash('sha256').update(`${goVersion}\n${buildArgs(component, '').join(' ')}\n${JSON.stringify(component.env ?? {})}\n`);
  for (const file of readdirSync(component.dir).sort()) {
    if (file === 'go.mod' || file === 'go.sum' || file.endsWith('.go')) hash.update(`${file}\n`).update(readFileSync(join(component.dir, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

export interface BuiltNodeComponent {
  name: NodeComponentName;
  dir: string;
  binaries: Record<string, string>;
  built: boolean;
  elapsedMs: number;
}

export async function buildNodeComponent(name: NodeComponentName, log: (line: string) => void = () => {}): Promise<BuiltNodeComponent> {
  const component = NODE_COMPONENTS[name];
  const goMod = readFileSync(join(component.dir, 'go.mod'), 'utf8');
  const required = requiredVersion(goMod, component.pinned.module);
  if (required !== component.pinned.version) {
    throw new NodeComponentBuildError(
      name,
      `cluster/versions.json pins ${component.pinned.module} ${component.pinned.version} but cluster/components/${name}/go.mod requires ${required ?? 'nothing of it'}`,
    );
  }
  const goVersion = await runCommand('go', ['env', 'GOVERSION']).then(
    (r) => r.stdout.trim(),
    (error: Error) => {
      throw new NodeComponentBuildError(name, `Go is needed and cannot be run: ${error.message}`);
    },
  );
  const outDir = join(BUILD_CACHE_DIR, `${name}-${buildKey(component, goVersion)}`);
  const binaries = Object.fromEntries(component.binaries.map((b) => [b, join(outDir, b)]));
  if (existsSync(join(outDir, COMPLETE_MARKER))) return { name, dir: outDir, binaries, built: false, elapsedMs: 0 };

  log(`cluster: building ${name} (${component.pinned.module} ${component.pinned.version}) into ${outDir}`);
  const partial = `${outDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const result = await runCommand('go', buildArgs(component, partial), {
    cwd: component.dir,
    // A cold Kubernetes build on 2 shared cores takes long; an hour bounds a stuck one.
    timeoutMs: 60 * 60_000,
    env: { ...process.env, ...component.env },
  });
  if (result.exitCode !== 0) {
    rmSync(partial, { recursive: true, force: true });
    const how = result.timedOut ? 'go build timed out after an hour' : `go build exited with ${result.exitCode ?? result.signal}`;
    throw new NodeComponentBuildError(name, `${how}:\n${result.stderr.trim().split('\n').slice(-30).join('\n')}`);
  }
  for (const binary of component.binaries) {
    if (!existsSync(join(partial, binary))) throw new NodeComponentBuildError(name, `go build produced no ${binary}`);
  }
  writeFileSync(join(partial, COMPLETE_MARKER), `${new Date().toISOString()} ${goVersion} in ${result.elapsedMs} ms\n`);
  rmSync(outDir, { recursive: true, force: true });
  renameSync(partial, outDir);
  log(`cluster: built ${name} in ${Math.round(result.elapsedMs / 1000)} s`);
  return { name, dir: outDir, binaries, built: true, elapsedMs: result.elapsedMs };
}
