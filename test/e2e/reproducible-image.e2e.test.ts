/**
 * Images a cluster can verify by rebuilding: two builds of one commit with
 * the same inputs, the second with --no-cache (every layer made afresh),
 * pushed to a registry on 127.0.0.1, give the same digests, so the
 * Instrumentations pinned by digest after the first are what the second
 * makes, for a per-major image and for the universal one. Every time in the
 * images is the source date (the commit time; scripts/build/source-date.ts).
 *
 * Before them, a build of the same files at another source date fills the
 * engine's cache: BuildKit keys a COPY by file contents, not times, and such a
 * cached layer once came back in a later build with that other date (two
 * digests on a fresh clone whose engine had built an earlier commit). The
 * builds run in a clone of this commit whose package.json carries this run's
 * own version, committed: its trees hold that version, so no layer an earlier
 * build cached has their contents, and the build at the other date makes the
 * only cached layers the first of the two could take.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeRun, type BuildRun } from './support/build-script';
import { runCommand, startRegistry, type Registry } from './support/docker';
import { freePort } from '../support/free-port';
import { inspectImage } from './support/image-inspection';
import { packageVersion, REPO_ROOT } from './support/repo';

const MAJOR = 20;
const runId = `${process.pid}-${Date.now().toString(36)}`;
/** This run's own distribution version: a semver pre-release of the real one. */
const version = `${packageVersion()}-repro.${runId}`;

interface Build {
  run: BuildRun;
  /** Instrumentation name → the image it pins (name:tag@sha256:...). */
  pinned: Record<string, string>;
  /** Local image IDs (the config digests) of the per-major and the universal image. */
  ids: Record<string, string>;
}

let registry: Registry;
let image: string;
let clone: string;
let committed: number;
const builds: Build[] = [];
/** The same files a day earlier: what the engine's cache holds before the two builds. */
let otherDate: Build;

async function git(args: string[]): Promise<string> {
  const result = await runCommand('git', args, { timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}

async function buildOnce(extra: string[], env: NodeJS.ProcessEnv = process.env): Promise<Build> {
  // --offline: npm packages from the npm cache the e2e set-up filled, base images from this engine.
  const args = ['--versions', String(MAJOR), '--offline', '--push', '--platform', 'linux/amd64', '--image', image, ...extra];
  const started = Date.now();
  const result = await runCommand(join(clone, 'build-multi-version'), args, { timeoutMs: 20 * 60_000, cwd: clone, env });
  const run: BuildRun = { ...result, args, seconds: (Date.now() - started) / 1000 };
  if (run.exitCode !== 0) return { run, pinned: {}, ids: {} };
  const docs = parseAllDocuments(readFileSync(join(clone, 'k8s/generated/instrumentations.yaml'), 'utf8'))
    .map((d) => d.toJS() as { metadata: { name: string }; spec: { nodejs: { image: string } } })
    .filter(Boolean);
  const pinned = Object.fromEntries(docs.map((d) => [d.metadata.name, d.spec.nodejs.image]));
  const ids: Record<string, string> = {};
  for (const tag of [`${version}-node${MAJOR}`, version]) ids[tag] = (await inspectImage(`${image}:${tag}`)).id;
  return { run, pinned, ids };
}

beforeAll(async () => {
  clone = mkdtempSync(join(tmpdir(), 'custom-otel-repro-'));
  await git(['clone', '--quiet', REPO_ROOT, clone]);
  const manifestPath = join(clone, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string };
  writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace(`"version": "${manifest.version}"`, `"version": "${version}"`));
  await git(['-C', clone, '-c', 'user.name=reproducible-image test', '-c', 'user.email=test@localhost', 'commit', '--quiet', '-am', "this run's own version"]);
  // The build script's own tooling, as this checkout has it.
  if (existsSync(join(REPO_ROOT, 'node_modules'))) symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
  committed = Number(await git(['-C', clone, 'log', '-1', '--format=%ct']));
  registry = await startRegistry(await freePort());
  image = `${registry.host}/custom-otel-e2e-repro-${runId}`;
  otherDate = await buildOnce([], { ...process.env, SOURCE_DATE_EPOCH: String(committed - 86_400) });
  builds.push(await buildOnce([]));
  builds.push(await buildOnce(['--no-cache']));
}, 61 * 60_000);

afterAll(async () => {
  for (const tag of [`${version}-node${MAJOR}`, version]) await runCommand('docker', ['rmi', '--force', `${image}:${tag}`], { timeoutMs: 60_000 });
  await registry?.stop();
  if (clone) rmSync(clone, { recursive: true, force: true });
}, 120_000);

describe('two builds of one commit, the second with --no-cache, after a build of the same files at another date', () => {
  it('the clone builds its own version, and the build at another date gives other digests (the date is in the image)', () => {
    expect(otherDate.run.exitCode, describeRun(otherDate.run)).toBe(0);
    expect(otherDate.run.stdout).toContain('(SOURCE_DATE_EPOCH)');
    expect(otherDate.pinned[`nodejs-${MAJOR}`]).toMatch(new RegExp(`:${version.replace(/\./g, '\\.')}-node${MAJOR}@sha256:[0-9a-f]{64}$`));
    expect(otherDate.pinned[`nodejs-${MAJOR}`]).not.toBe(builds[0]!.pinned[`nodejs-${MAJOR}`]);
    expect(otherDate.pinned.nodejs).not.toBe(builds[0]!.pinned.nodejs);
  });

  it('both exit 0, both pushed and pinned by digest, the second with every layer made afresh', () => {
    for (const build of builds) {
      expect(build.run.exitCode, describeRun(build.run)).toBe(0);
      expect(build.run.stdout).toContain('(2 Instrumentations, by digest)');
    }
    expect(builds[1]!.run.stdout).toMatch(/\$ docker build .* --no-cache /);
  });

  it('say the source date they used: the commit time of HEAD', () => {
    const iso = new Date(committed * 1000).toISOString().replace('.000Z', 'Z');
    for (const build of builds) expect(build.run.stdout).toContain(`source date ${iso} (the commit time of HEAD)`);
  });

  it(`give the node${MAJOR} image and the universal image one digest each: the pinned Instrumentations are verified by the rebuild`, () => {
    const [first, second] = builds as [Build, Build];
    const escaped = `${image}:${version}`.replace(/\./g, '\\.');
    expect(first.pinned[`nodejs-${MAJOR}`]).toMatch(new RegExp(`^${escaped}-node${MAJOR}@sha256:[0-9a-f]{64}$`));
    expect(first.pinned.nodejs).toMatch(new RegExp(`^${escaped}@sha256:[0-9a-f]{64}$`));
    expect(second.pinned).toEqual(first.pinned);
  });

  it('give one image ID (config digest) each in the engine too', () => {
    const [first, second] = builds as [Build, Build];
    expect(Object.keys(first.ids)).toHaveLength(2);
    expect(second.ids).toEqual(first.ids);
  });
});
