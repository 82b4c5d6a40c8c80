/**
 * The build as users run it (issue: the exact command, air-gapped mirrors,
 * multi-arch, SBOM, pinned digests), each run for real:
 *   - ./build-multi-version --versions 18,20,22 --offline --registry 127.0.0.1:<port>
 *     with the base images only in that mirror, not in the engine;
 *   - what is missing (a base image, npm packages) stops it before any build;
 *   - --prefetch from the mirror;
 *   - --push with the default platforms: one index per major, each platform's
 *     cp an executable of that architecture, the same tree everywhere, and the
 *     Instrumentation pinned to the digest the registry serves;
 *   - the SBOM names every package esbuild put into the tree, with its version.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { installDependencySet } from '../../scripts/stage';
import { describeRun, parseSummaryTable, runBuildScript, BUILD_SCRIPT, type BuildRun } from './support/build-script';
import { contentFingerprint, entriesUnder, readDirectoryEntries } from './support/directory-entries';
import { docker, runCommand, startRegistry, type Registry } from './support/docker';
import { freePort } from '../support/free-port';
import { GENERATED_INSTRUMENTATIONS } from './support/global-setup';
import { IMAGE_TREE_ROOT } from './support/image-filesystem-policy';
import { exportImageFilesystem, imageExists } from './support/image-inspection';
import { fetchIndex, fetchPlatformImage, INDEX_TYPES, type PlatformImage } from './support/registry-image';
import { packageVersion, REPO_ROOT } from './support/repo';

const built = inject('e2eBuild');
const runId = `${process.pid}-${Date.now().toString(36)}`;
const MIRRORED = ['node:18-bookworm-slim', 'node:20-bookworm-slim', 'node:22-bookworm-slim', 'busybox:stable'];
/** e_machine of each platform's executables. */
const ELF_MACHINE: Record<string, number> = { amd64: 62, arm64: 183, s390x: 22, ppc64le: 21 };
const madeImages: string[] = [];
let registry: Registry;

function elfMachine(bytes: Buffer): number | undefined {
  if (bytes.readUInt32BE(0) !== 0x7f454c46) return undefined;
  return bytes[5] === 1 ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
}

function requireBuild(): void {
  if (built.build.exitCode !== 0) throw new Error(`the main build failed, so there is no staged tree to compare with:\n${describeRun(built.build)}`);
}

beforeAll(async () => {
  registry = await startRegistry(await freePort());
  // The mirror holds the base images; the engine holds them under the mirror's names no longer.
  for (const base of MIRRORED) {
    const mirrored = `${registry.host}/${base}`;
    await docker(['tag', base, mirrored]);
    await docker(['push', mirrored], { timeoutMs: 5 * 60_000 });
    await docker(['rmi', mirrored]);
  }
}, 15 * 60_000);

afterAll(async () => {
  for (const image of madeImages) await runCommand('docker', ['rmi', '--force', image], { timeoutMs: 60_000 });
  for (const base of MIRRORED) await runCommand('docker', ['rmi', `${registry.host}/${base}`], { timeoutMs: 60_000 });
  await registry?.stop();
});

describe('./build-multi-version, the entry users run', () => {
  it('is executable and its --help gives the combined meaning of --offline and --registry with the command as typed', async () => {
    expect(statSync(BUILD_SCRIPT).mode & 0o111, `${BUILD_SCRIPT} is not executable`).toBe(0o111);
    const run = await runBuildScript(['--help'], 60_000);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout).toContain('./build-multi-version --versions 18,20,22 --offline --registry mirror.example.com');
    expect(run.stdout).toContain('nothing is fetched from the internet');
    expect(run.stdout).toMatch(/--offline with --registry is the air-gapped build/);
  }, 60_000);

  it('on a fresh clone (no node_modules) installs its tooling with npm ci itself, then runs', async () => {
    const work = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-clone-'));
    try {
      const clone = join(work, 'repo');
      execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone], { stdio: 'pipe' });
      const run = await runCommand(join(clone, 'build-multi-version'), ['--help'], { cwd: clone, timeoutMs: 10 * 60_000 });
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stderr).toContain('node_modules is missing; running npm ci first');
      expect(run.stdout).toContain('Usage: ./build-multi-version [options]');
      expect(statSync(join(clone, 'node_modules', '.bin', 'tsx')).isFile()).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 11 * 60_000);

  it('--prefetch (run once by the e2e set-up) filled the npm cache from every lockfile the build installs', () => {
    expect(built.prefetchRun.exitCode, describeRun(built.prefetchRun)).toBe(0);
    for (const dir of [...built.majors.map((m) => `node-versions/${m}`), 'tools/bundle']) {
      expect(built.prefetchRun.stdout).toContain(`npm cache holds every package of ${dir}/package-lock.json`);
    }
    expect(built.prefetchRun.stdout).toContain(`ready for \`./build-multi-version --offline --versions ${built.majors.join(',')}\``);
  });
});

describe('air-gapped: base images only in a mirror on 127.0.0.1, npm packages only in the local npm cache', () => {
  it('./build-multi-version --versions 18,20,22 --offline --registry 127.0.0.1:<port> exits 0 and builds the three images', async () => {
    requireBuild();
    for (const base of MIRRORED) expect(await imageExists(`${registry.host}/${base}`), `${registry.host}/${base} in the engine before the build`).toBe(false);
    const image = `custom-otel-e2e/airgap-${runId}`;
    const run = await runBuildScript(['--versions', '18,20,22', '--offline', '--registry', registry.host, '--image', image]);
    madeImages.push(`${image}:${packageVersion()}`, ...[18, 20, 22].map((major) => `${image}:${packageVersion()}-node${major}`));
    expect(run.exitCode, describeRun(run)).toBe(0);
    for (const base of MIRRORED) expect(run.stdout).toContain(`$ docker pull ${registry.host}/${base}`);
    // Nothing but the mirror is pulled from, and npm reads the cache only.
    expect(run.stdout).not.toMatch(new RegExp(`^(\\[node\\d+\\] )?\\$ docker pull (?!${registry.host.replace(/\./g, '\\.')}/)`, 'm'));
    expect(run.stdout).toContain('--build-arg NPM_OFFLINE=true');
    expect(run.stdout).toContain(`--build-arg NODE_IMAGE=${registry.host}/node:18-bookworm-slim`);
    const rows = parseSummaryTable(run.stdout);
    expect(rows?.map((row) => [row.major, row.result])).toEqual([[18, 'ok'], [20, 'ok'], [22, 'ok']]);
    for (const major of [18, 20, 22]) {
      const tree = entriesUnder(await exportImageFilesystem(`${image}:${packageVersion()}-node${major}`), IMAGE_TREE_ROOT);
      expect(contentFingerprint(tree), `tree of node ${major}`).toEqual(contentFingerprint(readDirectoryEntries(join(built.stageDir, `node${major}`))));
    }
  }, 20 * 60_000);

  it('a base image the mirror lacks stops the build at once, naming it, the mirror and the commands that get it', async () => {
    const run = await runBuildScript(['--versions', '16', '--offline', '--registry', registry.host, '--image', `custom-otel-e2e/airgap-missing-${runId}`, '--retries', '0'], 120_000);
    expect(run.exitCode, describeRun(run)).toBe(1);
    expect(run.stdout).toContain(`base image ${registry.host}/node:16-bookworm-slim is neither in the local Docker image store nor at the mirror ${registry.host}`);
    expect(run.stdout).toContain(`docker push ${registry.host}/node:16-bookworm-slim`);
    expect(run.stdout).toContain(`./build-multi-version --prefetch --versions 16 --registry ${registry.host}`);
    expect(run.stdout).not.toContain('$ docker build');
  }, 180_000);

  it('npm packages missing from the npm cache stop the build at once, naming them, the cache and the prefetch command', async () => {
    const emptyCache = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-empty-npm-cache-'));
    try {
      const run = await runBuildScript(['--versions', '20', '--offline', '--registry', registry.host, '--image', `custom-otel-e2e/airgap-npm-${runId}`], 180_000, {
        ...process.env,
        npm_config_cache: emptyCache,
      });
      expect(run.exitCode, describeRun(run)).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`npm packages the build installs are not in the npm cache ${emptyCache}: `));
      expect(run.stdout).toMatch(/@grpc\/grpc-js@\d+\.\d+\.\d+ \(node-versions\/20\/package-lock\.json\)/);
      expect(run.stdout).toContain('./build-multi-version --prefetch --versions 20');
      expect(run.stdout).not.toContain('$ docker build');
    } finally {
      rmSync(emptyCache, { recursive: true, force: true });
    }
  }, 240_000);

  it('--prefetch --registry pulls the base images from the mirror into the engine', async () => {
    await runCommand('docker', ['rmi', `${registry.host}/node:18-bookworm-slim`], { timeoutMs: 60_000 });
    const run = await runBuildScript(['--versions', '18', '--prefetch', '--registry', registry.host]);
    expect(run.exitCode, describeRun(run)).toBe(0);
    expect(run.stdout).toContain(`$ docker pull ${registry.host}/node:18-bookworm-slim`);
    expect(await imageExists(`${registry.host}/node:18-bookworm-slim`)).toBe(true);
    expect(run.stdout).toContain(`ready for \`./build-multi-version --offline --registry ${registry.host} --versions 18\``);
  }, 10 * 60_000);
});

describe('--push with the default platforms: one image index per major, pinned by digest', () => {
  const repository = `custom-otel-e2e-multi-${runId}`;
  const tag = `${packageVersion()}-node20`;
  let run: BuildRun;
  let instrumentations: string;
  const images = new Map<string, PlatformImage>();

  beforeAll(async () => {
    requireBuild();
    run = await runBuildScript(['--versions', '20', '--push', '--image', `${registry.host}/${repository}`]);
    instrumentations = readFileSync(GENERATED_INSTRUMENTATIONS, 'utf8');
    for (const line of run.stdout.matchAll(/^\[(?:node20|universal)\] \$ docker build .*--tag (\S+) /gm)) madeImages.push(line[1]!);
    madeImages.push(`${registry.host}/${repository}:${tag}`, `${registry.host}/${repository}:${packageVersion()}`);
    if (run.exitCode !== 0) return;
    const index = await fetchIndex(registry.host, repository, tag);
    for (const manifest of index.manifests) images.set(manifest.platform!.architecture, await fetchPlatformImage(registry.host, repository, manifest));
  }, 20 * 60_000);

  it('exits 0 and names the four platforms and the SBOM in its summary', () => {
    expect(run.exitCode, describeRun(run)).toBe(0);
    const rows = parseSummaryTable(run.stdout);
    expect(rows?.map((row) => [row.result, row.platforms, row.sbom])).toEqual([['ok', 'linux/amd64,linux/arm64,linux/s390x,linux/ppc64le', '/sbom/autoinstrumentation.cdx.json']]);
  });

  it('the registry serves under the tag one index holding linux/amd64, arm64, s390x and ppc64le', async () => {
    const index = await fetchIndex(registry.host, repository, tag);
    expect(INDEX_TYPES).toContain(index.mediaType);
    expect(index.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x']);
  });

  it("each platform's /bin/cp is an executable of that architecture (arm64: aarch64)", () => {
    expect([...images.keys()].sort()).toEqual(['amd64', 'arm64', 'ppc64le', 's390x']);
    for (const [arch, image] of images) {
      expect(image.architecture).toBe(arch);
      expect(elfMachine(image.file('bin/cp')), `ELF machine of ${arch}'s bin/cp`).toBe(ELF_MACHINE[arch]);
    }
  });

  it('every platform holds the same tree, byte for byte, the one --stage-only stages, and the same SBOM', () => {
    const staged = contentFingerprint(readDirectoryEntries(join(built.stageDir, 'node20')));
    const sbom = readDirectoryEntries(built.stageDir).find((e) => e.path === 'node20.cdx.json')?.sha256;
    for (const [arch, image] of images) {
      expect(contentFingerprint(entriesUnder(image.entries, IMAGE_TREE_ROOT)), `tree of ${arch}`).toEqual(staged);
      expect(image.entries.find((e) => e.path === 'sbom/autoinstrumentation.cdx.json')?.sha256, `SBOM of ${arch}`).toBe(sbom);
    }
  });

  it('the Instrumentation written after --push references name:tag@<the digest the registry serves>', async () => {
    const index = await fetchIndex(registry.host, repository, tag);
    expect(index.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const docs = parseAllDocuments(instrumentations).map((d) => d.toJS() as Record<string, any>).filter(Boolean);
    const imageOf = (name: string) => docs.find((d) => d.metadata.name === name)?.spec.nodejs.image;
    expect(imageOf('nodejs-20')).toBe(`${registry.host}/${repository}:${tag}@${index.digest}`);
    // The universal image of the same build: its own index, pinned the same way.
    const universal = await fetchIndex(registry.host, repository, packageVersion());
    expect(universal.manifests.map((m) => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64', 'linux/ppc64le', 'linux/s390x']);
    expect(imageOf('nodejs')).toBe(`${registry.host}/${repository}:${packageVersion()}@${universal.digest}`);
    expect(instrumentations.split('\n')[0]).toMatch(/^# Images pinned by digest/);
    expect(run.stdout).toContain('(2 Instrumentations, by digest)');
  });

  it('without --push, the Instrumentations use the tag and say so in a comment', () => {
    requireBuild();
    const generated = built.generatedInstrumentations ?? '';
    expect(generated.split('\n')[0]).toMatch(/^# Images by tag: they were not pushed/);
    const docs = parseAllDocuments(generated).map((d) => d.toJS() as Record<string, any>).filter(Boolean);
    expect(docs.map((d) => d.spec.nodejs.image)).toEqual([built.universalImage, ...built.majors.map((m) => built.images[m])]);
    for (const doc of docs) expect(doc.spec.nodejs.image).not.toContain('@sha256:');
  });
});

describe('the SBOM', () => {
  it('names every npm package esbuild put into the tree, with the version installed, and nothing the lockfile lacks', async () => {
    requireBuild();
    const deps = await installDependencySet({ major: 20, outDir: '', offline: true });
    const work = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-sbom-'));
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'tools/bundle/bundle.mjs'), '--major', '20', '--deps', deps, '--out', join(work, 'tree'), '--sbom', join(work, 'sbom.json'), '--metafiles', join(work, 'meta')], { stdio: 'pipe' });
      // Same inputs, same tree and SBOM as the staging the images are compared with.
      expect(readFileSync(join(work, 'sbom.json'), 'utf8')).toBe(readFileSync(join(built.stageDir, 'node20.cdx.json'), 'utf8'));
      // esbuild's own account of which input files put bytes into which output.
      const bundled = new Set<string>();
      const esBuilds = new Set<string>();
      for (const file of readdirSync(join(work, 'meta'))) {
        const metafile = JSON.parse(readFileSync(join(work, 'meta', file), 'utf8')) as { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
        for (const output of Object.values(metafile.outputs)) {
          for (const [input, info] of Object.entries(output.inputs)) {
            const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/@][^/]*)\//.exec(input);
            if (info.bytesInOutput > 0 && match && !input.includes(':') && !input.includes('.custom-otel-entries')) bundled.add(match[1]!);
            if (/\/build\/(esm|esnext)\//.test(input)) esBuilds.add(input.replace(/^.*node_modules\//, ''));
          }
        }
      }
      // The files Node's require loads (the packages' CommonJS builds), not the ES builds the `module` condition would pick.
      expect([...esBuilds], 'ES builds in the tree').toEqual([]);
      const packages = new Set([...bundled].map((dir) => {
        const manifest = JSON.parse(readFileSync(join(dir.startsWith('/') ? dir : join(process.cwd(), dir), 'package.json'), 'utf8')) as { name: string; version: string };
        return `${manifest.name}@${manifest.version}`;
      }));
      const sbom = JSON.parse(readFileSync(join(work, 'sbom.json'), 'utf8')) as { bomFormat: string; specVersion: string; components: Array<{ group?: string; name: string; version: string; purl: string; hashes: unknown[] }> };
      expect(sbom.bomFormat).toBe('CycloneDX');
      const listed = new Set(sbom.components.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`));
      expect(packages.size, 'esbuild reported no package inputs').toBeGreaterThan(30);
      expect([...packages].filter((p) => !listed.has(p)), 'bundled but not in the SBOM').toEqual([]);
      expect([...listed].filter((p) => !packages.has(p)), 'in the SBOM but not bundled').toEqual([]);
      const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'node-versions/20/package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
      const locked = new Set(Object.entries(lock.packages).map(([path, entry]) => `${path.replace(/^.*node_modules\//, '')}@${entry.version}`));
      expect([...listed].filter((p) => !locked.has(p)), 'in the SBOM but not in the lockfile').toEqual([]);
      for (const component of sbom.components) expect(component.hashes.length, `${component.purl} has no hash`).toBeGreaterThan(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 5 * 60_000);
});

