/**
 * The pure decisions the e2e tests rest on, checked on their own (no Docker):
 * the tar reader, the image filesystem policy, the pod-to-docker
 * translation, the summary-table parser and the operator emulation of the
 * test app's pod. A wrong helper would make the image tests pass or fail
 * for the wrong reason.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { declaredFlags, parseSummaryTable } from './support/build-script';
import { containerRunArgs, cpuQuantityToCores, memoryQuantityToBytes, securityArgs } from './support/container-run-args';
import { contentFingerprint, readDirectoryEntries } from './support/directory-entries';
import { nonEmptyRuntimeEntries, permissionProblems, unexpectedEntries } from './support/image-filesystem-policy';
import { emulatePod } from './support/operator-pod';
import { REPO_ROOT } from './support/repo';
import { readTarEntries, type TreeEntry } from './support/tar-entries';

const scratch = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-support-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('readTarEntries', () => {
  /** A tree with a plain file, a setuid file, a symlink and (optionally) a path too long for a ustar header. */
  const makeTree = (name: string, longName: boolean) => {
    const tree = join(scratch, name);
    mkdirSync(tree);
    if (longName) {
      const longDir = `deep/${'d'.repeat(90)}/${'e'.repeat(60)}`;
      mkdirSync(join(tree, longDir), { recursive: true });
      writeFileSync(join(tree, longDir, `${'f'.repeat(80)}.js`), 'long name\n');
    }
    writeFileSync(join(tree, 'plain.txt'), 'plain\n');
    writeFileSync(join(tree, 'setuid'), '');
    chmodSync(join(tree, 'setuid'), 0o4755);
    symlinkSync('/proc/mounts', join(tree, 'link'));
    return tree;
  };

  it.each(['pax', 'gnu', 'ustar'])('reads a %s archive like the directory it came from (paths, types, modes, content)', (format) => {
    const tree = makeTree(format, format !== 'ustar'); // ustar cannot hold the long path
    const archive = execFileSync('tar', [`--format=${format}`, '-C', tree, '-cf', '-', '.']);
    const fromTar = readTarEntries(archive);
    const fromDisk = readDirectoryEntries(tree);
    expect(contentFingerprint(fromTar)).toEqual(contentFingerprint(fromDisk));
    const modes = (entries: TreeEntry[]) => Object.fromEntries(entries.map((e) => [e.path, e.mode]));
    expect(modes(fromTar)).toEqual(modes(fromDisk));
    expect(fromTar.find((e) => e.path === 'setuid')!.mode).toBe(0o4755);
    expect(fromTar.find((e) => e.path === 'link')).toMatchObject({ type: 'symlink', linkTarget: '/proc/mounts' });
  });

  it('refuses a truncated archive', () => {
    const tree = makeTree('truncated', false);
    writeFileSync(join(tree, 'big.bin'), Buffer.alloc(2000, 1));
    const archive = execFileSync('tar', ['-C', tree, '-cf', '-', 'big.bin']);
    expect(() => readTarEntries(archive.subarray(0, 600))).toThrow(/truncated/);
  });
});

describe('image filesystem policy', () => {
  const entry = (path: string, type: TreeEntry['type'], mode: number, extra: Partial<TreeEntry> = {}): TreeEntry => ({ path, type, mode, uid: 0, gid: 0, size: 0, ...extra });
  const good = [
    entry('autoinstrumentation', 'directory', 0o755),
    entry('autoinstrumentation/autoinstrumentation.js', 'file', 0o644, { size: 10 }),
    entry('bin', 'directory', 0o755),
    entry('bin/cp', 'file', 0o755, { size: 10 }),
    entry('.dockerenv', 'file', 0o755),
    entry('etc/mtab', 'symlink', 0o777, { linkTarget: '/proc/mounts' }),
  ];

  it('accepts the tree, bin/cp and the empty engine entries', () => {
    expect(unexpectedEntries(good)).toEqual([]);
    expect(nonEmptyRuntimeEntries(good)).toEqual([]);
    expect(permissionProblems(good)).toEqual([]);
  });

  it('names anything else, content hidden under an engine entry, and each unsafe mode', () => {
    expect(unexpectedEntries([...good, entry('bin/sh', 'file', 0o755), entry('usr', 'directory', 0o755)])).toEqual(['bin/sh', 'usr']);
    expect(nonEmptyRuntimeEntries([entry('etc/hosts', 'file', 0o644, { size: 5 })])).toHaveLength(1);
    const problems = permissionProblems([
      entry('autoinstrumentation/private.js', 'file', 0o640),
      entry('autoinstrumentation/shared.js', 'file', 0o666),
      entry('autoinstrumentation/lib', 'directory', 0o744),
      entry('bin/cp', 'file', 0o4755),
      entry('autoinstrumentation/mine.js', 'file', 0o644, { uid: 65532 }),
    ]);
    expect(problems.join('\n')).toMatch(/private\.js.*not readable/);
    expect(problems.join('\n')).toMatch(/shared\.js.*writable by group or others/);
    expect(problems.join('\n')).toMatch(/lib.*not searchable/);
    expect(problems.join('\n')).toMatch(/bin\/cp.*setuid/);
    expect(problems.join('\n')).toMatch(/mine\.js.*not owned by root/);
  });

  it("accepts a hard link to one of the image's own files, not one to anything else", () => {
    const link = (target: string) => entry('autoinstrumentation/node22/lib/a.js', 'hardlink', 0o644, { linkTarget: target });
    expect(permissionProblems([link('autoinstrumentation/node20/lib/a.js')])).toEqual([]);
    expect(permissionProblems([link('etc/shadow')]).join('\n')).toMatch(/a\.js \(hardlink.*only regular files and directories belong in the image/);
  });
});

describe('container spec to docker run arguments', () => {
  it('converts Kubernetes quantities', () => {
    expect(memoryQuantityToBytes('64Mi')).toBe(64 * 2 ** 20);
    expect(memoryQuantityToBytes('128M')).toBe(128e6);
    expect(cpuQuantityToCores('200m')).toBe(0.2);
    expect(cpuQuantityToCores('1')).toBe(1);
    expect(() => memoryQuantityToBytes('lots')).toThrow(/memory quantity "lots"/);
  });

  it('enforces runAsNonRoot as the kubelet does', () => {
    expect(securityArgs({ runAsNonRoot: true }, '65532:65532', 'init')).toEqual([]);
    expect(() => securityArgs({ runAsNonRoot: true }, '', 'init')).toThrow(/non-numeric user/);
    expect(() => securityArgs({ runAsNonRoot: true, runAsUser: 0 }, '65532', 'init')).toThrow(/will run as root/);
  });

  it("translates the operator's init container: user, limits, no-new-privileges, capabilities, mount, command", () => {
    const args = containerRunArgs(
      {
        name: 'opentelemetry-auto-instrumentation-nodejs',
        image: 'img:1',
        command: ['cp', '-r', '/autoinstrumentation/.', '/otel-auto-instrumentation-nodejs'],
        resources: { limits: { cpu: '200m', memory: '64Mi' } },
        volumeMounts: [{ name: 'vol', mountPath: '/otel-auto-instrumentation-nodejs' }],
        securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      },
      { name: 'c', network: 'none', volumes: { vol: '/tmp/v' }, imageUser: '65532:65532' },
    );
    expect(args.join(' ')).toBe(
      '--name c --network none --user 1000:1000 --security-opt no-new-privileges --cap-drop ALL --memory 67108864 --cpus 0.2 ' +
        '--volume /tmp/v:/otel-auto-instrumentation-nodejs --entrypoint cp img:1 -r /autoinstrumentation/. /otel-auto-instrumentation-nodejs',
    );
  });

  it('refuses a mount it has no directory for', () => {
    expect(() => containerRunArgs({ name: 'app', image: 'i', volumeMounts: [{ name: 'x', mountPath: '/x' }] }, { name: 'a', network: 'host', volumes: {}, imageUser: '' })).toThrow(/volume x/);
  });
});

describe('build script output', () => {
  it('parses the summary table', () => {
    const output =
      'noise\n| major | image:tag | size   | files | seconds | result | sbom | platforms |\n| 18    | img:1-node18 | 3.4 MB | 10 | 18.3 | ok | /sbom/a.json | linux/amd64 |\n| 20 | img:1-node20 | - | - | 1.0 | FAILED: boom | - | - |\n';
    expect(parseSummaryTable(output)).toEqual([
      { major: 18, reference: 'img:1-node18', size: '3.4 MB', files: '10', seconds: '18.3', result: 'ok', sbom: '/sbom/a.json', platforms: 'linux/amd64' },
      { major: 20, reference: 'img:1-node20', size: '-', files: '-', seconds: '1.0', result: 'FAILED: boom', sbom: '-', platforms: '-' },
    ]);
    expect(parseSummaryTable('no table')).toBeUndefined();
  });

  it('reads the flags build-multi-version declares', () => {
    const flags = declaredFlags(readFileSync(join(REPO_ROOT, 'scripts/build/options.ts'), 'utf8'));
    expect(flags).toEqual(expect.arrayContaining(['versions', 'retry-delay', 'help']));
  });
});

describe('the test app pod, as the operator emulation makes it', () => {
  const manifest = readFileSync(join(REPO_ROOT, 'k8s/test-app.yaml'), 'utf8');
  const generated = readFileSync(join(REPO_ROOT, 'k8s/components/per-major/nodejs-22.yaml'), 'utf8');
  const pod = emulatePod(manifest, generated, { major: 22, port: 18080, endpoint: 'http://127.0.0.1:4317', command: ['node', 'server.mjs'] });

  it('picks nodejs-22, reaches MariaDB and the receiver on 127.0.0.1, and keeps the secret-sourced DB credentials', () => {
    expect(pod.instrumentation.metadata.name).toBe('nodejs-22');
    expect(pod.appEnv).toMatchObject({ DB_HOST: '127.0.0.1', PORT: '18080', DB_USER: 'testapp', DB_PASSWORD: 'testapp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' });
    expect(pod.appContainer.command).toEqual(['node', 'server.mjs']);
    expect(pod.appContainer.image).toBe('custom-otel-test-app:node22');
  });

  it('fills the downward-API values into the resource attributes', () => {
    expect(pod.appEnv.OTEL_RESOURCE_ATTRIBUTES).toContain(`k8s.pod.name=${pod.podName}`);
    expect(pod.appEnv.OTEL_RESOURCE_ATTRIBUTES).toContain('k8s.node.name=e2e-node-1');
    expect(pod.appEnv.OTEL_RESOURCE_ATTRIBUTES).not.toMatch(/\$\(|</);
  });

  it('gives the init container the image of that major, the copy command and the app securityContext', () => {
    expect(pod.initContainer.image).toBe(pod.instrumentation.spec.nodejs?.image);
    expect(pod.initContainer.command).toEqual(['cp', '-r', '/autoinstrumentation/.', '/otel-auto-instrumentation-nodejs']);
    expect(pod.initContainer.securityContext?.runAsUser).toBe(1000);
  });
});
