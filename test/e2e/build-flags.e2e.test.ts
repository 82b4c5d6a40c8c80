/**
 * The flags of ./build-multi-version.ts, each run for real: --help, --dry-run,
 * an unknown major, --offline without a base image, --registry with --push
 * to a local registry (pulled back by digest), and retries against a
 * registry that refuses its first connections.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OPTIONS_SOURCE, declaredFlags, describeRun, parseSummaryTable, runBuildScript } from './support/build-script';
import { contentFingerprint, entriesUnder, readDirectoryEntries } from './support/directory-entries';
import { docker, runCommand, startFlakyRegistry, startRegistry, type FlakyRegistry, type Registry } from './support/docker';
import { freePort } from '../support/free-port';
import { IMAGE_TREE_ROOT } from './support/image-filesystem-policy';
import { exportImageFilesystem, imageExists, inspectImage } from './support/image-inspection';
import { IMAGE_REPOSITORY, packageVersion, supportedMajors } from './support/repo';

const built = inject('e2eBuild');
const runId = `${process.pid}-${Date.now().toString(36)}`;
/** Image repositories these tests build into, removed at the end. */
const madeImages: string[] = [];

afterAll(async () => {
  for (const image of madeImages) await runCommand('docker', ['rmi', '--force', image], { timeoutMs: 60_000 });
});

describe('--help', () => {
  it('exits 0 and documents every flag the script accepts', async () => {
    const run = await runBuildScript(['--help'], 60_000);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const fromSource = declaredFlags(readFileSync(OPTIONS_SOURCE, 'utf8'));
    const required = ['versions', 'offline', 'registry', 'npm-registry', 'prefetch', 'platform', 'retries', 'retry-delay', 'image', 'tag', 'push', 'parallel', 'ca-file', 'dry-run', 'stage-only', 'out', 'help'];
    expect(fromSource).toEqual(expect.arrayContaining(required));
    for (const flag of new Set([...required, ...fromSource])) {
      expect(run.stdout, `--${flag} in the help`).toMatch(new RegExp(`^\\s+(-\\w, )?--${flag}\\b.*\\S`, 'm'));
    }
  }, 60_000);
});

describe('--dry-run', () => {
  it('prints the docker commands of a build and push, and runs none of them', async () => {
    const image = `custom-otel-e2e/dry-run-${runId}`;
    const run = await runBuildScript(['--versions', '18,22', '--dry-run', '--push', '--platform', 'linux/amd64', '--image', image], 120_000);
    expect(run.exitCode, describeRun(run)).toBe(0);
    for (const major of [18, 22]) {
      const reference = `${image}:${packageVersion()}-node${major}`;
      expect(run.stdout).toMatch(new RegExp(`^\\$ docker pull node:${major}-bookworm-slim$`, 'm'));
      expect(run.stdout).toMatch(new RegExp(`^\\$ docker build --network host .*--tag ${reference} .*--build-arg NODE_MAJOR=${major} `, 'm'));
      expect(run.stdout).toMatch(new RegExp(`^\\$ docker push ${reference}$`, 'm'));
      expect(await imageExists(reference), `${reference} exists after a dry run`).toBe(false);
    }
    // Then the universal image of both, from the trees of those two images.
    const universal = `${image}:${packageVersion()}`;
    expect(run.stdout).toMatch(new RegExp(`^\\$ docker build --network host .*--target universal --tag ${universal} .*--build-arg NODE_MAJORS=18,22 `, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^\\$ docker push ${universal}$`, 'm'));
    const images = await docker(['image', 'ls', '--quiet', '--filter', `reference=${image}`]);
    expect(images.stdout.trim()).toBe('');
    expect(run.stdout).not.toContain('wrote k8s/generated/instrumentations.yaml');
  }, 120_000);
});

describe('--versions with an unsupported major', () => {
  it('exits 2 naming the major and listing the supported ones', async () => {
    const run = await runBuildScript(['--versions', '18,19'], 60_000);
    expect(run.exitCode, describeRun(run)).toBe(2);
    expect(run.stderr).toContain('unsupported Node major 19');
    expect(run.stderr).toContain(`supported: ${supportedMajors().join(', ')}`);
  }, 60_000);
});

describe('--offline without the base image', () => {
  it('fails fast, naming node:18-bookworm-slim and how to get it, before any build', async () => {
    const base = 'node:18-bookworm-slim';
    const held = `custom-otel-e2e/held-base:node18-${runId}`;
    // Kept under another tag meanwhile, so that putting it back needs no rebuild; the window is a few seconds.
    await docker(['tag', base, held]);
    let run;
    try {
      await docker(['rmi', base]);
      run = await runBuildScript(['--versions', '18', '--offline', '--image', `custom-otel-e2e/offline-${runId}`], 120_000);
    } finally {
      await docker(['tag', held, base]);
      await docker(['rmi', held]);
    }
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stdout).toContain(`--offline: base image ${base} is not in the local Docker image store`);
    expect(run.stdout).toContain(`docker pull ${base}`);
    expect(run.stdout).toContain('scripts/docker/base-images.sh 18');
    // It checked before building: no build was started.
    expect(run.stdout).not.toContain('$ docker build');
  }, 180_000);
});

describe('--registry, --push and --retries against local registries', () => {
  let registry: Registry;
  let flaky: FlakyRegistry | undefined;
  const bases = ['node:18-bookworm-slim', 'node:20-bookworm-slim', 'busybox:stable'];

  beforeAll(async () => {
    if (built.build.exitCode !== 0) throw new Error(`the main build failed, so there is no staged tree to compare with:\n${describeRun(built.build)}`);
    registry = await startRegistry(await freePort());
    for (const base of bases) {
      const mirrored = `${registry.host}/${base}`;
      await docker(['tag', base, mirrored]);
      madeImages.push(mirrored);
      await docker(['push', mirrored], { timeoutMs: 5 * 60_000 });
    }
  }, 15 * 60_000);

  afterAll(async () => {
    // The flaky proxy stops the registry behind it too.
    await flaky?.stop();
    await registry?.stop();
  });

  it('--registry pulls the base images from the mirror; --push puts the image there; pulled back by digest it is the same image', async () => {
    const repository = `${registry.host}/${IMAGE_REPOSITORY}`;
    const reference = `${repository}:${packageVersion()}-node18`;
    madeImages.push(reference, `${repository}:${packageVersion()}`);
    const run = await runBuildScript(['--versions', '18', '--registry', registry.host, '--push', '--platform', 'linux/amd64', '--image', repository, '--retries', '0']);
    expect(run.exitCode, describeRun(run)).toBe(0);
    for (const base of bases) expect(run.stdout).toContain(`$ docker pull ${registry.host}/${base}`);
    expect(run.stdout).toContain(`--build-arg NODE_IMAGE=${registry.host}/node:18-bookworm-slim`);
    expect(run.stdout).toContain(`$ docker push ${reference}`);
    expect(parseSummaryTable(run.stdout)?.map((row) => [row.reference, row.result])).toEqual([[reference, 'ok']]);

    const pushed = await inspectImage(reference);
    const digestReference = pushed.repoDigests.find((d) => d.startsWith(`${repository}@sha256:`));
    expect(digestReference, `RepoDigests ${pushed.repoDigests.join(', ')}`).toBeDefined();
    // The registry itself serves that manifest under the tag.
    const manifest = await fetch(`http://${registry.host}/v2/${IMAGE_REPOSITORY}/manifests/${packageVersion()}-node18`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.status).toBe(200);
    expect(`${repository}@${manifest.headers.get('docker-content-digest')}`).toBe(digestReference);

    // Builds are reproducible: this one (base images from the mirror, npm online) is the very image
    // the e2e build of the same commit made (--offline, base images from the engine), so that image
    // ID stays in the engine under the e2e build's tag when this tag goes.
    expect(pushed.id, 'a build of the same commit with the same inputs gives the same image').toBe((await inspectImage(built.images[18]!)).id);
    // The tag gone locally, then pulled by digest: the same image (its id is its config digest).
    await docker(['rmi', reference]);
    expect(await imageExists(reference)).toBe(false);
    await docker(['pull', digestReference!], { timeoutMs: 5 * 60_000 });
    madeImages.push(digestReference!);
    const pulled = await inspectImage(digestReference!);
    expect(pulled.id).toBe(pushed.id);
    expect(pulled.labels).toEqual(pushed.labels);
    const tree = entriesUnder(await exportImageFilesystem(digestReference!), IMAGE_TREE_ROOT);
    expect(contentFingerprint(tree)).toEqual(contentFingerprint(readDirectoryEntries(join(built.stageDir, 'node18'))));
  }, 15 * 60_000);

  it('--retries 3 --retry-delay 1 rides out a registry that refuses its first two connections, saying which attempt failed', async () => {
    flaky = await startFlakyRegistry(await freePort(), 2, registry.port);
    const image = `custom-otel-e2e/flaky-${runId}`;
    madeImages.push(`${image}:${packageVersion()}-node18`, `${image}:${packageVersion()}`);
    const run = await runBuildScript(['--versions', '18', '--registry', flaky.host, '--retries', '3', '--retry-delay', '1', '--image', image]);
    expect(run.exitCode, describeRun(run)).toBe(0);
    const pull = `pull ${flaky.host}/node:18-bookworm-slim`;
    expect(run.stdout).toContain(`${pull}: attempt 1 of 4 failed`);
    expect(run.stdout).toContain(`${pull}: attempt 2 of 4 failed`);
    expect(run.stdout).not.toContain('attempt 3 of 4 failed');
    expect(run.stdout).toContain('retrying in 1 s');
    expect(flaky.dropped()).toBe(2);
    expect(parseSummaryTable(run.stdout)?.map((row) => row.result)).toEqual(['ok']);
  }, 15 * 60_000);
});
