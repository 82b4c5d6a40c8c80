/**
 * Makes the local base images the image build and the e2e tests start FROM,
 * each only when `docker image inspect` does not find it:
 *   debian:bookworm-slim        debootstrap minbase rootfs (cached tar), docker import
 *   busybox:stable              Debian's busybox-static + applet links, docker import
 *   node:<major>-bookworm-slim  debian:bookworm-slim + that major's newest Node
 *                               (from scripts/node-runtimes.ts) + ca-certificates
 * Prints one line per image, "made <image>" or "kept <image>".
 *
 * Usage (through base-images.sh, which serialises concurrent runs):
 *   scripts/docker/base-images.sh [major...]   (default: every major in node-versions/versions.json)
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readVersions } from '../versions';
import { BUSYBOX_IMAGE, DEBIAN_IMAGE, nodeImageName, requestedMajors } from './base-image-names';
import { makeBusyboxRootfsTar } from './busybox-rootfs';
import { ensureDebianRootfsTar } from './debian-rootfs';
import { capture, run, succeeds } from './run-command';

const here = __dirname;
const repoRoot = resolve(here, '..', '..');
const STANDARD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const LOCAL_LABEL = 'custom-otel.local-base-image=true';

function imageExists(image: string): boolean {
  return succeeds('docker', ['image', 'inspect', image]);
}

function requireEngine(): void {
  if (!succeeds('docker', ['version'])) {
    throw new Error('the Docker engine is not reachable: run scripts/docker/ensure-engine.sh (as root) first');
  }
}

function importRootfs(tar: string, image: string, cmd: string): void {
  run('docker', [
    'import',
    '--change', `ENV PATH=${STANDARD_PATH}`,
    '--change', `CMD ${JSON.stringify([cmd])}`,
    '--change', `LABEL ${LOCAL_LABEL}`,
    tar,
    image,
  ]);
}

function makeDebianImage(): void {
  importRootfs(ensureDebianRootfsTar(), DEBIAN_IMAGE, 'bash');
}

function makeBusyboxImage(): void {
  const work = mkdtempSync(join(tmpdir(), 'custom-otel-busybox-'));
  try {
    importRootfs(makeBusyboxRootfsTar(work), BUSYBOX_IMAGE, 'sh');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The last non-empty line of a command's output (earlier lines may be progress). */
export function lastLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}

function nodeRuntimeDir(major: number): string {
  const cli = join(repoRoot, 'scripts', 'node-runtimes.ts');
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing; it provides the Node ${major} runtime for ${nodeImageName(major)}`);
  }
  const output = capture('npx', ['tsx', cli, 'ensure', String(major), '--which', 'newest'], { cwd: repoRoot });
  const dir = lastLine(output);
  if (!dir || !existsSync(join(dir, 'bin', 'node'))) {
    throw new Error(
      `scripts/node-runtimes.ts ensure ${major} --which newest printed ${JSON.stringify(dir)}, not a directory with bin/node`,
    );
  }
  return dir;
}

function makeNodeImage(major: number): void {
  const runtime = nodeRuntimeDir(major);
  const version = capture(join(runtime, 'bin', 'node'), ['--version']).trim().replace(/^v/, '');
  if (!version.startsWith(`${major}.`)) {
    throw new Error(`the Node runtime in ${runtime} is ${version}, not Node ${major}`);
  }
  // BuildKit re-sends only the files of a context directory whose size or
  // mtime changed since its last transfer from that path; npm's files all
  // carry the same fixed mtime, so a runtime rebuilt in place with another
  // npm would reach the image as a mix of both. A fresh copy is sent whole.
  const context = mkdtempSync(join(tmpdir(), `custom-otel-node${major}-runtime-`));
  try {
    cpSync(runtime, context, { recursive: true, verbatimSymlinks: true });
    run(
      'docker',
      [
        'build',
        '--network', 'host',
        '--progress', 'plain',
        '--build-context', `node-runtime=${context}`,
        '--build-arg', `NODE_VERSION=${version}`,
        '--label', LOCAL_LABEL,
        '--tag', nodeImageName(major),
        join(here, 'node-image'),
      ],
      { env: { ...process.env, DOCKER_BUILDKIT: '1' } },
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

function ensureImage(image: string, make: () => void): void {
  if (imageExists(image)) {
    console.log(`kept ${image}`);
    return;
  }
  const started = Date.now();
  process.stderr.write(`making ${image}\n`);
  make();
  if (!imageExists(image)) throw new Error(`making ${image} finished but docker does not list it`);
  console.log(`made ${image} (${Math.round((Date.now() - started) / 1000)} s)`);
}

function main(args: string[]): void {
  const supported = readVersions().map((entry) => entry.major);
  const majors = requestedMajors(args, supported);
  requireEngine();
  ensureImage(DEBIAN_IMAGE, makeDebianImage);
  ensureImage(BUSYBOX_IMAGE, makeBusyboxImage);
  for (const major of majors) ensureImage(nodeImageName(major), () => makeNodeImage(major));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`error: ${(error as Error).message}\n`);
  process.exit(1);
}
