/**
 * The README's first command on a machine where no Docker engine runs yet:
 * `./build-multi-version` starts one itself (scripts/docker/ensure-engine.sh,
 * as `npm test` does through the set-up), makes the base images it needs
 * there since no registry answers, and builds. "No engine runs" is made real
 * without stopping the machine's engine (other builds use it): DOCKER_HOST
 * names a socket in a directory of this test where nothing listens, so the
 * engine the build brings up is a dockerd of its own there, with an empty
 * image store, which the test stops and removes at the end.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, parseSummaryTable, runBuildScript, type BuildRun } from './support/build-script';
import { runCommand } from './support/docker';
import { freePort } from '../support/free-port';
import { GENERATED_INSTRUMENTATIONS } from './support/global-setup';
import { privateEngine, type PrivateEngine } from './support/private-engine';
import { defaultImageReference, defaultUniversalReference } from './support/repo';

// One major keeps the run short; which majors are built does not change how the engine is found or started.
const MAJOR = 20;
let engine: PrivateEngine;
let before: { exitCode: number | null; stderr: string };
let run: BuildRun;
let generated: string | null;

beforeAll(async () => {
  generated = existsSync(GENERATED_INSTRUMENTATIONS) ? readFileSync(GENERATED_INSTRUMENTATIONS, 'utf8') : null;
  engine = privateEngine();
  before = await runCommand('docker', ['version', '--format', '{{.Server.Version}}'], { env: engine.env, timeoutMs: 30_000 });
  // Default tags are safe here: they land in this engine's own image store only.
  run = await runBuildScript(['--versions', String(MAJOR)], 30 * 60_000, engine.env);
}, 31 * 60_000);

afterAll(async () => {
  // The build rewrites the Instrumentations file for its images: put back what the other e2e files read.
  if (generated !== null) writeFileSync(GENERATED_INSTRUMENTATIONS, generated);
  await engine?.stop();
}, 120_000);

describe('./build-multi-version where no Docker engine runs', () => {
  it('nothing answered at DOCKER_HOST before the build', () => {
    expect(before.exitCode, 'an engine already answered at the test socket').not.toBe(0);
    expect(before.stderr).toContain(engine.socket);
  });

  it('starts the engine itself, says so, then builds the image and the universal one (exit 0)', () => {
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout).toContain(`no Docker engine answers at DOCKER_HOST=unix://${engine.socket}: starting one ($ bash scripts/docker/ensure-engine.sh)`);
    expect(run.stdout).toMatch(/^docker engine ready: server \d+\.\d+/m);
    expect(run.stdout.indexOf('docker engine ready')).toBeLessThan(run.stdout.indexOf('$ docker build'));
    expect(parseSummaryTable(run.stdout)?.map((row) => [row.major, row.result])).toEqual([[MAJOR, 'ok']]);
    expect(run.stdout).toMatch(/^\| universal .*\| ok /m);
  });

  it('the engine it started is a dockerd of its own on that socket, still running, with its state beside it', async () => {
    const pid = engine.daemonPid();
    expect(pid, `no live dockerd in ${engine.dir}/docker.pid`).toBeDefined();
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv[0]).toMatch(/dockerd$/);
    expect(argv).toEqual(expect.arrayContaining(['--host', `unix://${engine.socket}`, '--data-root', `${engine.dir}/data`, '--bridge=none', '--iptables=false']));
    const root = await runCommand('docker', ['info', '--format', '{{.DockerRootDir}}'], { env: engine.env, timeoutMs: 30_000 });
    expect(root.stdout.trim()).toBe(`${engine.dir}/data`);
  });

  it('made the base images it needed in that engine, since no registry answers, and holds the images it built', async () => {
    expect(run.stdout).toMatch(/no registry gave .*node:20-bookworm-slim.*: making (it|them) here \(scripts\/docker\/base-images\.sh 20\)/);
    for (const image of ['node:20-bookworm-slim', 'busybox:stable', defaultImageReference(MAJOR), defaultUniversalReference()]) {
      const inspected = await runCommand('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { env: engine.env, timeoutMs: 30_000 });
      expect(inspected.exitCode, `${image} in the engine the build started: ${inspected.stderr}`).toBe(0);
    }
  });

  it('a second run finds that engine answering and starts none', async () => {
    const again = await runBuildScript(['--versions', String(MAJOR), '--no-universal'], 15 * 60_000, engine.env);
    expect(again.exitCode, describeRun(again)).toBe(0);
    expect(again.stdout).not.toContain('no Docker engine answers');
  }, 16 * 60_000);

  it('where it cannot start one (DOCKER_HOST over TCP, nothing listening) it stops with exit 2, naming DOCKER_HOST and the way out', async () => {
    const host = `tcp://127.0.0.1:${await freePort()}`;
    const refused = await runBuildScript(['--versions', String(MAJOR)], 5 * 60_000, { ...process.env, DOCKER_HOST: host });
    expect(refused.exitCode, describeRun(refused)).toBe(2);
    expect(refused.stderr).toContain(`DOCKER_HOST=${host} does not answer, and only an engine on a unix socket of this machine can be started here`);
    expect(refused.stderr).toContain('or use --stage-only (no Docker)');
    expect(refused.stdout).not.toContain('$ docker build');
  }, 6 * 60_000);
});
