/** The universal tree made of staged trees (tools/bundle/universal.mjs through scripts/universal.ts), on small trees made here. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleUniversalTree, universalTag, unionRange } from '../../scripts/build/universal';
import { readVersions } from '../../scripts/versions';

const work = mkdtempSync(join(tmpdir(), 'universal-assembly-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hostMajor = Number(process.versions.node.split('.')[0]);
const otherMajor = hostMajor === 18 ? 20 : 18;

function fakeTree(major: number, range: string): void {
  const dir = join(work, 'trees', `node${major}`);
  mkdirSync(join(dir, 'lib', 'instrumentations'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'custom-otel-autoinstrumentation-nodejs', engines: { node: range } }));
  // The entry of a tree says which one it is; the chunk is the same in both trees.
  writeFileSync(join(dir, 'autoinstrumentation.js'), `process.stdout.write('loaded node${major} tree\\n');\n`);
  writeFileSync(join(dir, 'lib', 'instrumentations', 'http.js'), 'module.exports = "the same chunk";\n');
}

describe('assembleUniversalTree', () => {
  fakeTree(hostMajor, `>=${hostMajor}.0.0 <${hostMajor + 1}`);
  fakeTree(otherMajor, `>=${otherMajor}.0.0 <${otherMajor + 1}`);
  fakeTree(hostMajor + 100, `>=${hostMajor + 100}.0.0`); // not chosen: must be left out
  const out = join(work, 'universal');

  it('holds the chosen trees, identical files as one inode, and the ranges in package.json', async () => {
    const said = await assembleUniversalTree(join(work, 'trees'), [otherMajor, hostMajor], out);
    expect(said).toMatch(/6 tree files, 1 of them hard links to an identical file/);
    const chunk = (major: number) => statSync(join(out, `node${major}`, 'lib', 'instrumentations', 'http.js'));
    expect(chunk(hostMajor).ino).toBe(chunk(otherMajor).ino);
    expect(statSync(join(out, `node${hostMajor}`, 'autoinstrumentation.js')).ino).not.toBe(statSync(join(out, `node${otherMajor}`, 'autoinstrumentation.js')).ino);
    const manifest = JSON.parse(readFileSync(join(out, 'package.json'), 'utf8'));
    const sorted = [hostMajor, otherMajor].sort((a, b) => a - b);
    expect(Object.keys(manifest.trees)).toEqual(sorted.map((m) => `node${m}`));
    expect(manifest.engines.node).toBe(sorted.map((m) => `>=${m}.0.0 <${m + 1}`).join(' || '));
  });

  it("its entry loads the tree of the running Node's range", () => {
    const output = execFileSync(process.execPath, ['--require', join(out, 'autoinstrumentation.js'), '-e', ''], { encoding: 'utf8' });
    expect(output).toBe(`loaded node${hostMajor} tree\n`);
  });

  it('refuses a directory without trees, saying so', async () => {
    mkdirSync(join(work, 'empty'));
    await expect(assembleUniversalTree(join(work, 'empty'), [], join(work, 'none'))).rejects.toThrow('holds no node<major>/ tree');
  });
});

describe('universal image naming', () => {
  it('tags it with the version alone, or the per-major tag without its major', () => {
    expect(universalTag(undefined, '1.0.0')).toBe('1.0.0');
    expect(universalTag('2.1-node{major}', '1.0.0')).toBe('2.1');
    expect(universalTag('{major}', '1.0.0')).toBe('1.0.0');
    expect(universalTag('nightly', '1.0.0')).toBe('nightly');
  });

  it('labels every range it accepts', () => {
    const versions = readVersions().filter((v) => v.major === 18 || v.major === 20);
    expect(unionRange(versions)).toBe('>=18.19.0 <19 || >=20.6.0 <21');
  });
});

describe('the SBOM of the universal tree', () => {
  const component = (name: string, version: string) => ({ type: 'library', 'bom-ref': `pkg:npm/${name}@${version}`, name, version, purl: `pkg:npm/${name}@${version}`, hashes: [{ alg: 'SHA-512', content: 'ab' }], properties: [{ name: 'custom-otel:lockfile-path', value: `node_modules/${name}` }] });
  const treeSbom = (major: number, components: object[]) => ({ bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, metadata: { tools: { components: [{ type: 'application', name: 'esbuild', version: '0.25.0' }] }, component: { name: 'custom-otel-autoinstrumentation-nodejs', version: `1.0.0-node${major}` } }, components });
  const trees = join(work, 'sbom-trees');
  const out = join(work, 'sbom-universal');

  for (const major of [hostMajor, otherMajor]) {
    const dir = join(trees, `node${major}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'custom-otel-autoinstrumentation-nodejs', engines: { node: `>=${major}.0.0 <${major + 1}` } }));
    writeFileSync(join(dir, 'autoinstrumentation.js'), '\n');
    const only = major === hostMajor ? [component('semver', '7.6.0')] : [component('semver', '7.5.4'), component('shimmer', '1.2.1')];
    writeFileSync(join(trees, `node${major}.cdx.json`), JSON.stringify(treeSbom(major, only)));
  }

  it('lists every package of every tree once per tree, with its version and the tree it lies in, the same bytes on every run', async () => {
    const said = await assembleUniversalTree(trees, [hostMajor, otherMajor], out, join(work, 'universal.cdx.json'));
    expect(said).toContain('SBOM of the universal tree: 3 packages of 2 trees');
    const first = readFileSync(join(work, 'universal.cdx.json'), 'utf8');
    const sbom = JSON.parse(first);
    expect(sbom.bomFormat).toBe('CycloneDX');
    expect(sbom.metadata.component.name).toBe('custom-otel-autoinstrumentation-nodejs');
    const listed = sbom.components.map((c: any) => `${c.properties.find((p: any) => p.name === 'custom-otel:tree-path').value} ${c.purl}`).sort();
    expect(listed).toEqual(
      [`/autoinstrumentation/node${hostMajor} pkg:npm/semver@7.6.0`, `/autoinstrumentation/node${otherMajor} pkg:npm/semver@7.5.4`, `/autoinstrumentation/node${otherMajor} pkg:npm/shimmer@1.2.1`].sort(),
    );
    expect(new Set(sbom.components.map((c: any) => c['bom-ref'])).size).toBe(3);
    await assembleUniversalTree(trees, [otherMajor, hostMajor], out, join(work, 'universal.cdx.json'));
    expect(readFileSync(join(work, 'universal.cdx.json'), 'utf8')).toBe(first);
  });

  it('refuses a tree whose SBOM is not beside it, naming the file', async () => {
    rmSync(join(trees, `node${otherMajor}.cdx.json`));
    await expect(assembleUniversalTree(trees, [hostMajor, otherMajor], join(work, 'none'), join(work, 'none.cdx.json'))).rejects.toThrow(`node${otherMajor}.cdx.json`);
  });
});
