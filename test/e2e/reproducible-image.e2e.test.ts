/**
 * Images a cluster can verify by rebuilding: two builds of one commit with
 * the same inputs, the second with --no-cache (every layer made afresh),
 * pushed to a registry on 127.0.0.1, give the same digests, so the
 * Instrumentations pinned by digest after the first are what the second
 * makes, for a per-major image and for the universal one. Every time in the
 * images is the source date (the commit time; scripts/build/source-date.ts).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeRun, runBuildScript, type BuildRun } from './support/build-script';
import { freePort, runCommand, startRegistry, type Registry } from './support/docker';
import { GENERATED_INSTRUMENTATIONS } from './support/global-setup';
import { inspectImage } from './support/image-inspection';
import { packageVersion, REPO_ROOT } from './support/repo';

const MAJOR = 20;
const runId = `${process.pid}-${Date.now().toString(36)}`;

interface Build {
  run: BuildRun;
  /** Instrumentation name → the image it pins (name:tag@sha256:...). */
  pinned: Record<string, string>;
  /** Local image IDs (the config digests) of the per-major and the universal image. */
  ids: Record<string, string>;
}

let registry: Registry;
let image: string;
let generated: string | null;
const builds: Build[] = [];

async function buildOnce(extra: string[]): Promise<Build> {
  // --offline: npm packages from the npm cache the e2e set-up filled, base images from this engine.
  const run = await runBuildScript(['--versions', String(MAJOR), '--offline', '--push', '--platform', 'linux/amd64', '--image', image, ...extra], 20 * 60_000);
  if (run.exitCode !== 0) return { run, pinned: {}, ids: {} };
  const docs = parseAllDocuments(readFileSync(GENERATED_INSTRUMENTATIONS, 'utf8')).map((d) => d.toJS() as { metadata: { name: string }; spec: { nodejs: { image: string } } }).filter(Boolean);
  const pinned = Object.fromEntries(docs.map((d) => [d.metadata.name, d.spec.nodejs.image]));
  const ids: Record<string, string> = {};
  for (const tag of [`${packageVersion()}-node${MAJOR}`, packageVersion()]) ids[tag] = (await inspectImage(`${image}:${tag}`)).id;
  return { run, pinned, ids };
}

beforeAll(async () => {
  generated = existsSync(GENERATED_INSTRUMENTATIONS) ? readFileSync(GENERATED_INSTRUMENTATIONS, 'utf8') : null;
  registry = await startRegistry(await freePort());
  image = `${registry.host}/custom-otel-e2e-repro-${runId}`;
  builds.push(await buildOnce([]));
  builds.push(await buildOnce(['--no-cache']));
}, 41 * 60_000);

afterAll(async () => {
  if (generated !== null) writeFileSync(GENERATED_INSTRUMENTATIONS, generated);
  for (const tag of [`${packageVersion()}-node${MAJOR}`, packageVersion()]) await runCommand('docker', ['rmi', '--force', `${image}:${tag}`], { timeoutMs: 60_000 });
  await registry?.stop();
}, 120_000);

describe('two builds of one commit, the second with --no-cache', () => {
  it('both exit 0, both pushed and pinned by digest, the second with every layer made afresh', () => {
    for (const build of builds) {
      expect(build.run.exitCode, describeRun(build.run)).toBe(0);
      expect(build.run.stdout).toContain('(2 Instrumentations, by digest)');
    }
    expect(builds[1]!.run.stdout).toMatch(/\$ docker build .* --no-cache /);
  });

  it('say the source date they used: the commit time of HEAD', async () => {
    const committed = Number((await runCommand('git', ['-C', REPO_ROOT, 'log', '-1', '--format=%ct'])).stdout.trim());
    const iso = new Date(committed * 1000).toISOString().replace('.000Z', 'Z');
    for (const build of builds) expect(build.run.stdout).toContain(`source date ${iso} (the commit time of HEAD)`);
  });

  it(`give the node${MAJOR} image and the universal image one digest each: the pinned Instrumentations are verified by the rebuild`, () => {
    const [first, second] = builds as [Build, Build];
    expect(first.pinned[`nodejs-${MAJOR}`]).toMatch(new RegExp(`^${image.replace(/\./g, '\\.')}:${packageVersion()}-node${MAJOR}@sha256:[0-9a-f]{64}$`));
    expect(first.pinned.nodejs).toMatch(new RegExp(`^${image.replace(/\./g, '\\.')}:${packageVersion()}@sha256:[0-9a-f]{64}$`));
    expect(second.pinned).toEqual(first.pinned);
  });

  it('give one image ID (config digest) each in the engine too', () => {
    const [first, second] = builds as [Build, Build];
    expect(Object.keys(first.ids)).toHaveLength(2);
    expect(second.ids).toEqual(first.ids);
  });
});
