/**
 * Images on the node: what `load` does (as `kind load docker-image`: the local
 * Docker engine's `docker save`, imported by ctr into containerd's k8s.io
 * namespace, which the CRI reads), and the two images the node itself needs,
 * made locally because no registry is reachable: the pod sandbox ("pause") from
 * the local busybox image, and CoreDNS from its binary alone.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, runChecked } from '../scripts/child-process';
import type { CriClient } from './cri-client';

export const SANDBOX_IMAGE = 'custom-otel-cluster/pause:busybox-1';
const SOURCE_LABEL = 'custom-otel-cluster.source';

/** The engine's image ID, or undefined when the engine has no such image. */
export async function dockerImageId(image: string): Promise<string | undefined> {
  const result = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function dockerLabel(image: string, label: string): Promise<string | undefined> {
  const result = await runCommand('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${label}"}}`, image]);
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function dockerBuild(tag: string, dockerfile: string, files: Record<string, string> = {}): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'custom-otel-node-image-'));
  try {
    writeFileSync(join(context, 'Dockerfile'), dockerfile);
    for (const [name, source] of Object.entries(files)) copyFileSync(source, join(context, name));
    await runChecked('docker', ['build', '--network', 'none', '-q', '-t', tag, context], { timeoutMs: 5 * 60_000 });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * The sandbox holds a pod's namespaces and waits. Its shell is PID 1, so it
 * traps TERM to stop when asked (PID 1 ignores unhandled signals).
 */
export async function ensureSandboxImage(): Promise<string> {
  if (!(await dockerImageId(SANDBOX_IMAGE))) {
    if (!(await dockerImageId('busybox:stable'))) {
      throw new Error('cluster: the node needs the local image busybox:stable for its pod sandbox; `npm run setup` makes it');
    }
    await dockerBuild(
      SANDBOX_IMAGE,
      `FROM busybox:stable\nENTRYPOINT ["/bin/sh", "-c", "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"]\n`,
    );
  }
  return SANDBOX_IMAGE;
}

/** An image of the CoreDNS binary alone, rebuilt when the binary (its build directory) changes. */
export async function ensureCorednsImage(binary: string, version: string): Promise<string> {
  const tag = `custom-otel-cluster/coredns:${version}`;
  if ((await dockerLabel(tag, SOURCE_LABEL)) !== binary) {
    await dockerBuild(tag, `FROM scratch\nCOPY coredns /coredns\nLABEL ${SOURCE_LABEL}="${binary}"\nENTRYPOINT ["/coredns"]\n`, { coredns: binary });
  }
  return tag;
}

/** `docker save IMAGES | ctr images import -`: the engine's images into containerd's k8s.io namespace. */
async function importIntoContainerd(ctr: string, socket: string, images: readonly string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const save = spawn('docker', ['save', ...images], { stdio: ['ignore', 'pipe', 'pipe'] });
    const load = spawn(ctr, ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', '--snapshotter', 'overlayfs', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let errors = '';
    save.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    load.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    load.stdout.resume();
    save.stdout.pipe(load.stdin);
    let saveCode: number | null = null;
    save.on('close', (code) => (saveCode = code));
    save.on('error', reject);
    load.on('error', reject);
    load.on('close', (code) => {
      if (code === 0 && saveCode === 0) resolve();
      else reject(new Error(`cluster: loading ${images.join(' ')} into the node failed (docker save ${saveCode}, ctr import ${code}): ${errors.trim()}`));
    });
  });
}

/**
 * Loads the images the node lacks or has in another version (the engine's image
 * ID is the CRI's image id, both being the config digest). Returns those loaded.
 */
export async function loadImagesIntoNode(cri: CriClient, ctr: string, socket: string, images: readonly string[]): Promise<string[]> {
  const stale: string[] = [];
  for (const image of images) {
    const engineId = await dockerImageId(image);
    if (!engineId) throw new Error(`cluster: cannot load ${image} into the node: the local Docker engine has no such image`);
    if ((await cri.imageId(image)) !== engineId) stale.push(image);
  }
  if (stale.length) await importIntoContainerd(ctr, socket, stale);
  return stale;
}
