/**
 * Smoke test of the Docker foundation the image tests stand on: the engine
 * and its BuildKit features, the local base images, the local registry and
 * the flaky registry proxy. Needs the engine (scripts/docker/ensure-engine.sh).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { supportedMajors } from './support/repo';
import { docker, dockerRun, ensureBaseImages, requireDockerEngine, runCommand, startFlakyRegistry, startRegistry } from './support/docker';
import { freePort } from '../support/free-port';

const scratch = mkdtempSync(join(tmpdir(), 'custom-otel-docker-foundation-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  await requireDockerEngine();
  await ensureBaseImages([20]);
}, 15 * 60_000);

describe('docker engine', () => {
  it('ensure-engine.sh is idempotent and reports an engine with named build contexts (>= 23)', async () => {
    const result = await runCommand('bash', ['scripts/docker/ensure-engine.sh'], { timeoutMs: 120_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const match = /docker engine ready: server (\d+)\./.exec(result.stdout);
    expect(match, result.stdout).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThanOrEqual(23);
  });

  it('builds with BuildKit: secret, cache and cross-stage bind mounts, named contexts, heredocs, COPY --link', async () => {
    const context = join(scratch, 'buildkit');
    const named = join(scratch, 'named-context');
    mkdirSync(context);
    mkdirSync(named);
    writeFileSync(join(named, 'named.txt'), 'from the named context\n');
    writeFileSync(join(context, 'linked.txt'), 'linked\n');
    const secretFile = join(scratch, 'secret.txt');
    writeFileSync(secretFile, `secret-${process.pid}`);
    writeFileSync(
      join(context, 'Dockerfile'),
      [
        'FROM busybox:stable AS first',
        'RUN echo from-the-first-stage > /stage.txt',
        'FROM busybox:stable AS final',
        // Every step below reruns per build (a secret's content is not part of the cache key).
        'ARG RUN_MARK',
        'RUN --mount=type=secret,id=token cp /run/secrets/token /secret-copy',
        'RUN --mount=type=cache,target=/cache echo $RUN_MARK >> /cache/runs && cp /cache/runs /cache-runs',
        'RUN --mount=type=bind,from=first,source=/stage.txt,target=/mnt/stage.txt cp /mnt/stage.txt /stage-copy',
        'COPY --from=extra named.txt /named-copy',
        'COPY --link linked.txt /linked-copy',
        'RUN <<EOT',
        'echo from-a-heredoc > /heredoc-copy',
        'EOT',
        '',
      ].join('\n'),
    );
    const tag = `custom-otel-e2e/buildkit-smoke:${process.pid}`;
    const build = (extraArgs: string[]) =>
      docker(
        ['build', '--network', 'host', '--progress', 'plain', '--secret', `id=token,src=${secretFile}`,
          '--build-context', `extra=${named}`, ...extraArgs, '--tag', tag, context],
        { env: { ...process.env, DOCKER_BUILDKIT: '1' }, timeoutMs: 180_000 },
      );
    try {
      const marks = [`first-${process.pid}-${Date.now()}`, `second-${process.pid}-${Date.now()}`];
      // The second build reruns the cache-mount step (another RUN_MARK) and
      // must find the first build's line in the cache. (--no-cache would not
      // do: BuildKit then gives the step an empty cache mount.)
      await build(['--build-arg', `RUN_MARK=${marks[0]}`]);
      await build(['--build-arg', `RUN_MARK=${marks[1]}`]);
      const result = await dockerRun(['--rm', '--network', 'none', tag, 'cat', '/secret-copy', '/stage-copy', '/named-copy', '/linked-copy', '/heredoc-copy']);
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).toBe(`secret-${process.pid}from-the-first-stage\nfrom the named context\nlinked\nfrom-a-heredoc\n`);
      const runs = await dockerRun(['--rm', '--network', 'none', tag, 'cat', '/cache-runs']);
      expect(runs.stdout).toContain(`${marks[0]}\n${marks[1]}\n`);
      const secretInImage = await dockerRun(['--rm', '--network', 'none', tag, 'ls', '/run/secrets']);
      expect(secretInImage.stdout.trim()).toBe('');
    } finally {
      await runCommand('docker', ['rmi', '--force', tag]);
    }
  }, 400_000);
});

describe('base images', () => {
  it('node:20-bookworm-slim runs node and npm without network, and passes non-commands to node', async () => {
    expect(supportedMajors()).toContain(20);
    const node = await dockerRun(['--rm', '--network', 'none', 'node:20-bookworm-slim', 'node', '--version']);
    expect(node.exitCode, node.stderr).toBe(0);
    expect(node.stdout.trim()).toMatch(/^v20\.\d+\.\d+$/);
    const npm = await dockerRun(['--rm', '--network', 'none', 'node:20-bookworm-slim', 'npm', '--version']);
    expect(npm.exitCode, npm.stderr).toBe(0);
    expect(npm.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const viaEntrypoint = await dockerRun(['--rm', '--network', 'none', '--user', 'node', 'node:20-bookworm-slim', '-p', 'process.getuid() + " " + require("tls").rootCertificates.length']);
    expect(viaEntrypoint.exitCode, viaEntrypoint.stderr).toBe(0);
    expect(viaEntrypoint.stdout.trim()).toMatch(/^1000 \d+$/);
    const certs = await dockerRun(['--rm', '--network', 'none', 'node:20-bookworm-slim', 'ls', '/etc/ssl/certs/ca-certificates.crt']);
    expect(certs.exitCode, `ca-certificates missing: ${certs.stderr}`).toBe(0);
  }, 120_000);

  it('busybox:stable copies files as a non-root user (the operator init container does cp -r)', async () => {
    const out = join(scratch, 'busybox-out');
    mkdirSync(out);
    chmodSync(out, 0o777);
    const result = await dockerRun([
      '--rm', '--network', 'none', '--user', '65532', '-v', `${out}:/out`,
      'busybox:stable', 'sh', '-c', 'id -u && cp -r /etc/. /out && ls /out',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('65532');
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['group', 'passwd']));
    expect(statSync(join(out, 'passwd')).uid).toBe(65532);
  }, 120_000);

  it('debian:bookworm-slim is Debian 12 with apt pointed at the machine mirror', async () => {
    const result = await dockerRun(['--rm', '--network', 'none', 'debian:bookworm-slim', 'sh', '-c', '. /etc/os-release && echo $VERSION_CODENAME && cat /etc/apt/sources.list']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^bookworm\ndeb \S+ bookworm main\n/);
  }, 120_000);
});

describe('local registries', () => {
  it('pushes to and pulls from a local registry on 127.0.0.1', async () => {
    const registry = await startRegistry(await freePort());
    const image = `${registry.host}/smoke/busybox:${process.pid}`;
    try {
      await docker(['tag', 'busybox:stable', image]);
      await docker(['push', image], { timeoutMs: 120_000 });
      await docker(['rmi', image]);
      await docker(['pull', image], { timeoutMs: 120_000 });
      const result = await dockerRun(['--rm', '--network', 'none', image, 'id', '-u']);
      expect(result.stdout.trim()).toBe('0');
    } finally {
      await runCommand('docker', ['rmi', '--force', image]);
      await registry.stop();
    }
  }, 300_000);

  it('the flaky registry fails exactly the first N push attempts, then forwards', async () => {
    const flaky = await startFlakyRegistry(await freePort(), 2);
    const image = `${flaky.host}/flaky/busybox:${process.pid}`;
    try {
      await docker(['tag', 'busybox:stable', image]);
      const exits: Array<number | null> = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        exits.push((await runCommand('docker', ['push', image], { timeoutMs: 120_000 })).exitCode);
      }
      expect(exits).toEqual([1, 1, 0]);
      expect(flaky.dropped()).toBe(2);
      expect(flaky.forwarded()).toBeGreaterThan(0);
      await docker(['rmi', image]);
      await docker(['pull', image], { timeoutMs: 120_000 });
    } finally {
      await runCommand('docker', ['rmi', '--force', image]);
      await flaky.stop();
    }
  }, 300_000);
});
