/**
 * The universal image, built once by the same run as the per-major images
 * (support/global-setup.ts): what it holds, then the operator's contract with
 * one copy. Its init container copies /autoinstrumentation once, as uid
 * 65532 with a read-only root, no capabilities and 64 MiB, into one volume;
 * app containers of Node 18, 20 and 22, each in the pod the operator makes of
 * k8s/test-app.yaml with Instrumentation `nodejs` ("true"), all run at the
 * same time from that one copy and all export spans, each from its own tree.
 */
import { hostPlatform } from '../../scripts/build/platforms';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { NODEJS_VOLUME_NAME } from '../../tools/k8s/operator/nodejs-init-container';
import { startAppContainer, type AppContainer } from './support/app-container';
import { describeRun, parseSummaryTable } from './support/build-script';
import { containerRunArgs } from './support/container-run-args';
import { contentFingerprint, entriesUnder, readDirectoryEntries } from './support/directory-entries';
import { dockerRun, runCommand } from './support/docker';
import { freePort } from '../support/free-port';
import { COPY_TOOL, IMAGE_TREE_ROOT, isImageOwn, permissionProblems, SBOM_FILE, unexpectedEntries } from './support/image-filesystem-policy';
import { exportImageFilesystem, inspectImage, readImageFile, type ImageFacts } from './support/image-inspection';
import { emulatePod, type EmulatedPod } from './support/operator-pod';
import { IMAGE_REPOSITORY, packageVersion, REPO_ROOT, versionEntry } from './support/repo';
import type { TreeEntry } from './support/tar-entries';
import { buildTestAppImage } from './support/test-app-image';

const built = inject('e2eBuild');
const MOUNT = '/otel-auto-instrumentation-nodejs';
const TEST_APP_MANIFEST = readFileSync(join(REPO_ROOT, 'k8s/test-app.yaml'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-universal-'));

function requireUniversalImage(): void {
  if (built.build.exitCode !== 0) throw new Error(`the image build failed, so there is no universal image:\n${describeRun(built.build)}`);
  if (!built.generatedInstrumentations) throw new Error('the build wrote no k8s/generated/instrumentations.yaml');
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the universal image', () => {
  let facts: ImageFacts;
  let filesystem: TreeEntry[];

  beforeAll(async () => {
    requireUniversalImage();
    facts = await inspectImage(built.universalImage);
    filesystem = await exportImageFilesystem(built.universalImage);
  }, 180_000);

  it('is in the summary, after the per-major rows', () => {
    const universalRow = built.build.stdout.split('\n').find((line) => line.startsWith('| universal '));
    expect(universalRow, describeRun(built.build)).toContain(`| ${built.universalImage} `);
    // Columns: name, image, size, files, seconds, result, sbom (its own, of every tree), platforms.
    const cells = universalRow!.slice(1, -1).split('|').map((cell) => cell.trim());
    expect(cells.slice(5)).toEqual(['ok', `/${SBOM_FILE}`, hostPlatform().name]);
    const lines = built.build.stdout.split('\n');
    const lastMajorRow = Math.max(...built.majors.map((major) => lines.findIndex((line) => line.startsWith(`| ${major} `))));
    expect(lines.indexOf(universalRow!)).toBeGreaterThan(lastMajorRow);
    expect(parseSummaryTable(built.build.stdout)?.map((row) => row.major)).toEqual(built.majors);
  });

  it('runs as uid 65532, holds only /autoinstrumentation, bin/cp and its SBOM, every file readable by all and writable by root only', () => {
    expect(facts.user).toBe('65532:65532');
    expect(unexpectedEntries(filesystem)).toEqual([]);
    expect(permissionProblems(filesystem)).toEqual([]);
    expect(filesystem.filter((e) => isImageOwn(e.path)).map((e) => e.path)).toEqual(expect.arrayContaining([COPY_TOOL, SBOM_FILE]));
  });

  it('labels the majors it holds and their ranges', () => {
    expect(facts.labels['org.opencontainers.image.version']).toBe(packageVersion());
    expect(facts.labels['io.custom-otel.node.majors']).toBe(built.majors.join(','));
    expect(facts.labels['io.custom-otel.node.range']).toBe(built.majors.map((major) => versionEntry(major).nodeRange).join(' || '));
  });

  it('holds each major tree exactly as that major image does, identical files stored once (hard links in the layer)', () => {
    const tree = entriesUnder(filesystem, IMAGE_TREE_ROOT);
    // A hard link's content is its target's: read it through the target for the comparison.
    const byPath = new Map(tree.map((e) => [e.path, e]));
    const resolved = tree.map((e) => (e.type === 'hardlink' ? { ...byPath.get(e.linkTarget!.replace(`${IMAGE_TREE_ROOT}/`, ''))!, path: e.path } : e));
    for (const major of built.majors) {
      expect(contentFingerprint(entriesUnder(resolved, `node${major}`)), `node${major}/`).toEqual(contentFingerprint(readDirectoryEntries(join(built.stageDir, `node${major}`))));
    }
    expect(contentFingerprint(resolved)).toEqual(contentFingerprint(readDirectoryEntries(join(built.stageDir, 'universal'))));
    const links = tree.filter((e) => e.type === 'hardlink');
    const files = tree.filter((e) => e.type === 'file');
    expect(links.length, 'identical files of the trees are hard links').toBeGreaterThan(0);
    // Whatever is stored once holds no content twice.
    expect(new Set(files.map((e) => e.sha256)).size).toBe(files.length);
  });
});

describe('the SBOM of the universal image, read out of it as a scanner does', () => {
  interface Component { group?: string; name: string; version: string; purl: string; properties?: Array<{ name: string; value: string }> }
  interface Bom { bomFormat: string; specVersion: string; metadata: { component: { name: string; version: string } }; components: Component[] }
  const packageOf = (c: Component) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`;
  let text: string;
  let universal: Bom;
  const perMajor = new Map<number, Bom>();

  beforeAll(async () => {
    requireUniversalImage();
    text = await readImageFile(built.universalImage, `/${SBOM_FILE}`);
    universal = JSON.parse(text) as Bom;
    for (const major of built.majors) perMajor.set(major, JSON.parse(await readImageFile(built.images[major]!, `/${SBOM_FILE}`)) as Bom);
  }, 180_000);

  it('is a CycloneDX document naming the universal image', () => {
    expect(universal.bomFormat).toBe('CycloneDX');
    expect(universal.specVersion).toBe('1.5');
    expect(universal.metadata.component).toMatchObject({ name: IMAGE_REPOSITORY, version: packageVersion() });
  });

  it('lists, for each tree it holds, every bundled package of that tree with its version: those of the major image', () => {
    const treeOf = (c: Component) => c.properties?.find((p) => p.name === 'custom-otel:tree-path')?.value;
    expect(new Set(universal.components.map(treeOf))).toEqual(new Set(built.majors.map((major) => `/${IMAGE_TREE_ROOT}/node${major}`)));
    for (const major of built.majors) {
      const listed = universal.components.filter((c) => treeOf(c) === `/${IMAGE_TREE_ROOT}/node${major}`);
      const own = perMajor.get(major)!.components;
      expect(own.length, `the node${major} image lists too few packages`).toBeGreaterThan(30);
      expect(listed.map(packageOf).sort(), `packages of node${major}/`).toEqual(own.map(packageOf).sort());
      expect(listed.map((c) => c.purl).sort()).toEqual(own.map((c) => c.purl).sort());
      for (const c of listed) expect(c.version, `${c.purl} without a version`).toMatch(/^\d+\.\d+\.\d+/);
    }
    // The SDK lines differ between the trees, and the document says which tree holds which.
    const versionsOf = (name: string) => new Set(universal.components.filter((c) => packageOf(c).startsWith(`${name}@`)).map((c) => c.version));
    expect(versionsOf('@opentelemetry/core').size).toBeGreaterThan(1);
  });

  it('is the very file --stage-only writes beside the universal tree (deterministic: no time, no random serial)', () => {
    expect(text).toBe(readFileSync(join(built.stageDir, 'universal.cdx.json'), 'utf8'));
    expect(text).not.toMatch(/"(timestamp|serialNumber)"/);
  });
});

describe('one copy of the universal image feeds apps of Node 18, 20 and 22 at once', () => {
  const APP_MAJORS = [18, 20, 22];
  const volume = mkdtempSync(join(scratch, 'volume-'));
  let receiver: OtlpReceiver;
  const pods = new Map<number, EmulatedPod>();
  const apps = new Map<number, AppContainer>();
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    requireUniversalImage();
    if (APP_MAJORS.some((major) => !built.majors.includes(major))) throw new Error(`the e2e build holds ${built.majors.join(', ')}; this test needs ${APP_MAJORS.join(', ')}`);
    const mariadb = await runCommand('bash', [join(REPO_ROOT, 'scripts/mariadb.sh')], { timeoutMs: 10 * 60_000 });
    if (mariadb.exitCode !== 0) throw new Error(`MariaDB is needed on 127.0.0.1:3306 and scripts/mariadb.sh failed (exit ${mariadb.exitCode}):\n${mariadb.stdout}\n${mariadb.stderr}`);
    receiver = await OtlpReceiver.start();
    // The volume the kubelet makes: world-writable, so any pod user can fill it.
    chmodSync(volume, 0o777);
    for (const major of APP_MAJORS) {
      pods.set(major, emulatePod(TEST_APP_MANIFEST, built.generatedInstrumentations!, { major, universal: true, port: await freePort(), endpoint: receiver.grpcUrl }));
    }
  }, 15 * 60_000);

  afterAll(async () => {
    for (const app of apps.values()) await app.stop(5);
    await receiver?.close();
  });

  it('the operator picks Instrumentation nodejs ("true") with the universal image for every pod', () => {
    for (const [major, pod] of pods) {
      expect(pod.instrumentation.metadata.name, `Node ${major}`).toBe('nodejs');
      expect(pod.initContainer.image).toBe(built.universalImage);
      expect(pod.initContainer.command).toEqual(['cp', '-r', '/autoinstrumentation/.', MOUNT]);
      expect(pod.appEnv.NODE_OPTIONS).toBe(` --require ${MOUNT}/autoinstrumentation.js`);
    }
  });

  it('the copy runs as uid 65532 with a read-only root, no capabilities and 64 MiB, and gives the image tree', async () => {
    const result = await dockerRun([
      '--rm', '--network', 'none', '--user', '65532:65532', '--memory', '64m', '--read-only', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges', '--volume', `${volume}:${MOUNT}`,
      built.universalImage, ...pods.get(APP_MAJORS[0]!)!.initContainer.command!,
    ]);
    expect(result.exitCode, `the copy failed: ${result.stderr}`).toBe(0);
    const copied = readDirectoryEntries(volume);
    expect(contentFingerprint(copied)).toEqual(contentFingerprint(readDirectoryEntries(join(built.stageDir, 'universal'))));
    expect(copied.filter((e) => e.uid !== 65532).map((e) => e.path)).toEqual([]);
  }, 120_000);

  it('each app, started from that copy, exports its route spans with custom.* from the tree of its own Node', async () => {
    for (const major of APP_MAJORS) {
      const pod = pods.get(major)!;
      const appImage = await buildTestAppImage(major);
      const name = `custom-otel-e2e-universal-${major}-${process.pid}`;
      apps.set(
        major,
        await startAppContainer(
          containerRunArgs(pod.appContainer, {
            name,
            network: 'host',
            volumes: { [NODEJS_VOLUME_NAME]: volume },
            readOnlyVolumes: [NODEJS_VOLUME_NAME],
            env: pod.appEnv,
            imageUser: (await inspectImage(appImage)).user,
            detach: true,
          }),
          name,
          Number(pod.appEnv.PORT),
          '/health',
        ),
      );
    }
    // All three serve at once, from the one copy.
    for (const [major, app] of apps) {
      const response = await fetch(`${app.baseUrl}/users?after=0`);
      expect(response.status, `Node ${major}`).toBe(200);
    }
    const serverSpanOf = (all: readonly ReceivedSpan[], major: number) =>
      all.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === '/users' && s.resource['service.version'] === `node${major}`);
    try {
      spans = await receiver.waitForSpans((all) => APP_MAJORS.every((major) => serverSpanOf(all, major)), 30_000, 'a GET /users server span from each app');
    } catch (error) {
      const logs = await Promise.all([...apps.values()].map((app) => app.logs()));
      throw new Error(`${(error as Error).message}\n${logs.join('\n')}`);
    }
    for (const major of APP_MAJORS) {
      const span = serverSpanOf(spans, major)!;
      expect(span.attributes['custom.processed'], `Node ${major}`).toBe(true);
      expect(span.attributes['custom.processor.version']).toBe(packageVersion());
      expect(String(span.resource['process.runtime.version'])).toMatch(new RegExp(`^${major}\\.`));
      expect(spans.some((s) => s.traceId === span.traceId && s.scope.includes('mysql2')), `the MySQL span of Node ${major}'s request`).toBe(true);
      const logs = await apps.get(major)!.logs();
      expect(logs).toMatch(new RegExp(`started custom-otel-autoinstrumentation-nodejs \\S+ \\(node${major} image, SDK ${versionEntry(major).sdkLine.replace('.', '\\.')}\\)`));
    }
  }, 15 * 60_000);
});
