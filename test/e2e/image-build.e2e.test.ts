/**
 * The real image build: `./build-multi-version.ts --versions 18,20,22 --offline`
 * (run once by support/global-setup.ts), judged on what it printed and wrote,
 * and on what each image really holds: a non-root user, nothing but
 * /autoinstrumentation and bin/cp, safe permissions, the OCI labels, and a
 * tree equal byte for byte to what --stage-only stages for that major.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { describeRun, parseSummaryTable } from './support/build-script';
import { runCommand } from './support/docker';
import { contentFingerprint, entriesUnder, readDirectoryEntries } from './support/directory-entries';
import {
  COPY_TOOL,
  SBOM_FILE,
  IMAGE_TREE_ROOT,
  isImageOwn,
  nonEmptyRuntimeEntries,
  permissionProblems,
  unexpectedEntries,
} from './support/image-filesystem-policy';
import { exportImageFilesystem, inspectImage, type ImageFacts } from './support/image-inspection';
import { E2E_MAJORS, packageVersion, REPO_ROOT, versionEntry } from './support/repo';
import type { TreeEntry } from './support/tar-entries';

const built = inject('e2eBuild');

function requireBuild(): void {
  if (built.build.exitCode !== 0) throw new Error(`the image build failed, so there is no image to check:\n${describeRun(built.build)}`);
}

describe('./build-multi-version.ts --versions 18,20,22 --offline', () => {
  it('exits 0 and prints the summary table with one ok row per major', () => {
    expect(built.build.exitCode, describeRun(built.build)).toBe(0);
    const rows = parseSummaryTable(built.build.stdout);
    expect(rows, `no summary table in the output:\n${describeRun(built.build)}`).toBeDefined();
    expect(rows!.map((row) => row.major)).toEqual(built.majors);
    for (const row of rows!) {
      expect(row.result, `row of node ${row.major}`).toBe('ok');
      expect(row.reference).toBe(built.images[row.major]);
      expect(row.size).toMatch(/^\d+\.\d MB$/);
      expect(Number(row.files)).toBeGreaterThan(0);
    }
  });

  it('writes k8s/generated/instrumentations.yaml with one Instrumentation per built image', () => {
    expect(built.generatedWrittenByBuild, 'k8s/generated/instrumentations.yaml was not (re)written by the build').toBe(true);
    expect(built.build.stdout).toContain('wrote k8s/generated/instrumentations.yaml (4 Instrumentations, by tag, not pushed)');
    const documents = parseAllDocuments(built.generatedInstrumentations ?? '').map((d) => d.toJS() as Record<string, any>).filter(Boolean);
    expect(documents).toHaveLength(4);
    // The universal image's first, then one per major.
    expect(documents[0]!.metadata.name).toBe('nodejs');
    expect(documents[0]!.spec.nodejs.image).toBe(built.universalImage);
    for (const [index, major] of built.majors.entries()) {
      const doc = documents[index + 1]!;
      expect(doc.apiVersion).toBe('opentelemetry.io/v1alpha1');
      expect(doc.kind).toBe('Instrumentation');
      expect(doc.metadata.name).toBe(`nodejs-${major}`);
      expect(doc.spec.nodejs.image).toBe(built.images[major]);
    }
  });
});

describe.each(E2E_MAJORS)('image of Node %i', (major) => {
  let facts: ImageFacts;
  let filesystem: TreeEntry[];

  beforeAll(async () => {
    requireBuild();
    facts = await inspectImage(built.images[major]!);
    filesystem = await exportImageFilesystem(built.images[major]!);
  }, 180_000);

  it('runs as uid 65532 and sets no command of its own (the operator gives it)', () => {
    expect(facts.user).toBe('65532:65532');
    expect(facts.entrypoint).toBeNull();
    expect(facts.cmd).toBeNull();
  });

  it('holds only /autoinstrumentation, bin/cp and the SBOM beside them, besides the empty entries the engine adds to every container', () => {
    expect(unexpectedEntries(filesystem)).toEqual([]);
    expect(nonEmptyRuntimeEntries(filesystem)).toEqual([]);
    const own = filesystem.filter((e) => isImageOwn(e.path)).map((e) => e.path);
    expect(own).toContain(COPY_TOOL);
    expect(own).toContain(SBOM_FILE);
    expect(own).toContain(`${IMAGE_TREE_ROOT}/autoinstrumentation.js`);
  });

  it('has every file readable by any uid, none writable by group or others, no setuid/setgid', () => {
    expect(permissionProblems(filesystem)).toEqual([]);
  });

  it('carries the OCI and distribution labels', async () => {
    const entry = versionEntry(major);
    const labels = facts.labels;
    expect(labels['org.opencontainers.image.version']).toBe(packageVersion());
    expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\/\S+$/);
    const revision = labels['org.opencontainers.image.revision'] ?? '';
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
    // The source date (the commit time of the revision built), not the build's clock: a rebuild gives the same image.
    const committed = (await runCommand('git', ['-C', REPO_ROOT, 'log', '-1', '--format=%ct', revision])).stdout.trim();
    expect(labels['org.opencontainers.image.created']).toBe(new Date(Number(committed) * 1000).toISOString().replace('.000Z', 'Z'));
    expect(labels['io.custom-otel.node.major']).toBe(String(major));
    expect(labels['io.custom-otel.node.range']).toBe(entry.nodeRange);
    expect(labels['io.custom-otel.sdk.line']).toBe(entry.sdkLine);
    expect(labels['io.custom-otel.sdk.version']).toBe(entry.sdkNodeVersion);
    expect(labels['io.custom-otel.auto-instrumentations.version']).toBe(entry.autoInstrumentationsVersion);
    // Others may commit while the build runs: the label must be HEAD as of some instant of the build.
    const notBefore = await runCommand('git', ['-C', REPO_ROOT, 'merge-base', '--is-ancestor', built.headAtBuild, revision]);
    expect(notBefore.exitCode, `revision ${revision} is not ${built.headAtBuild} (HEAD when the build started) or a later commit`).toBe(0);
    const notAfter = await runCommand('git', ['-C', REPO_ROOT, 'merge-base', '--is-ancestor', revision, 'HEAD']);
    expect(notAfter.exitCode, `revision ${revision} is not a commit of this branch`).toBe(0);
  });

  it('holds under /autoinstrumentation exactly the tree --stage-only stages for this major, byte for byte', () => {
    if (built.inputsAfterBuild !== built.inputsBeforeStaging) {
      throw new Error('src/, tools/bundle/, node-versions/ or the Dockerfile changed between staging and the end of the build (someone edited them meanwhile): the comparison would say nothing; run again');
    }
    const staged = readDirectoryEntries(join(built.stageDir, `node${major}`));
    expect(staged.length, 'the staged tree is empty').toBeGreaterThan(0);
    const inImage = entriesUnder(filesystem, IMAGE_TREE_ROOT);
    expect(contentFingerprint(inImage)).toEqual(contentFingerprint(staged));
  });

  it('carries at /sbom the SBOM --stage-only writes beside the tree, byte for byte, and the summary names it', () => {
    const sbom = filesystem.find((e) => e.path === SBOM_FILE);
    expect(sbom?.type).toBe('file');
    const staged = readDirectoryEntries(built.stageDir).find((e) => e.path === `node${major}.cdx.json`);
    expect(staged, 'no SBOM beside the staged tree').toBeDefined();
    expect(sbom!.sha256).toBe(staged!.sha256);
    expect(parseSummaryTable(built.build.stdout)?.find((row) => row.major === major)?.sbom).toBe(`/${SBOM_FILE}`);
  });
});
