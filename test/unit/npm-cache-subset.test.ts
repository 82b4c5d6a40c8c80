import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesForMajors, indexBucketPath, makeSubset, subsetDir } from '../../scripts/build/npm-cache-subset';
import { cacheContentPath, lockedPackages, readLock } from '../../scripts/build/npm-packages';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'npm-subset-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe('the npm cache subset of an offline image build', () => {
  it("finds an index bucket where npm's cacache keeps it (the bucket npm wrote for esbuild's packument)", () => {
    expect(indexBucketPath('/c', 'make-fetch-happen:request-cache:https://registry.npmjs.org/esbuild')).toBe(
      '/c/_cacache/index-v5/80/3a/4a5732c282b178c7db04d066e1bf72f3e188eb895364b06eb795a5f7e87b',
    );
  });

  it("takes each locked package's tarball, and its packument's and tarball URL's index entries with the contents they name", () => {
    const cache = join(dir, 'cache');
    const bundler = lockedPackages(readLock('tools/bundle'), { production: false });
    const esbuild = bundler.find((p) => p.name === 'esbuild')!;
    const packumentIntegrity = 'sha512-' + Buffer.alloc(64, 7).toString('base64');
    const bucket = indexBucketPath(cache, 'make-fetch-happen:request-cache:https://registry.npmjs.org/esbuild');
    put(bucket, `0123\t${JSON.stringify({ key: 'k', integrity: packumentIntegrity })}\n`);
    const tarballBucket = indexBucketPath(cache, `make-fetch-happen:request-cache:https://registry.npmjs.org/esbuild/-/esbuild-${esbuild.version}.tgz`);
    put(tarballBucket, `4567\t${JSON.stringify({ key: 'k', integrity: esbuild.integrity })}\n`);

    const files = filesForMajors(cache, [20]);
    const rel = (p: string) => p.slice(cache.length + 1);
    expect(files).toContain(rel(bucket));
    expect(files).toContain(rel(tarballBucket));
    expect(files).toContain(rel(cacheContentPath(cache, packumentIntegrity)));
    expect(files).toContain(rel(cacheContentPath(cache, esbuild.integrity!)));
    // Without index entries in the cache: one tarball per locked package of node-versions/20 and tools/bundle.
    const tarballs = new Set([...lockedPackages(readLock('node-versions/20'), { production: true }), ...bundler].filter((p) => p.integrity).map((p) => cacheContentPath('', p.integrity!)));
    expect(filesForMajors(join(dir, 'empty'), [20])).toHaveLength(tarballs.size);
    expect(files).toEqual([...files].sort());
  });

  it('hard-links the contents and copies the index buckets into a directory named by them, leaves out what the cache lacks, reuses a complete one, and makes another when a bucket grows', () => {
    const cache = join(dir, 'cache');
    const root = join(dir, 'subsets');
    put(join(cache, '_cacache/content-v2/sha512/aa/bb/cc'), 'tarball');
    put(join(cache, '_cacache/index-v5/11/22/33'), 'entry 1\n');
    const files = ['_cacache/content-v2/sha512/aa/bb/cc', '_cacache/content-v2/sha512/dd/ee/ff', '_cacache/index-v5/11/22/33'];
    const out = makeSubset(cache, files, root);
    expect(out).toBe(subsetDir(cache, files, root));
    expect(statSync(join(out, files[0]!)).ino).toBe(statSync(join(cache, files[0]!)).ino);
    expect(() => statSync(join(out, files[1]!))).toThrow();
    expect(statSync(join(out, files[2]!)).ino).not.toBe(statSync(join(cache, files[2]!)).ino);
    writeFileSync(join(out, 'marker'), 'kept');
    expect(makeSubset(cache, files, root)).toBe(out);
    expect(readFileSync(join(out, 'marker'), 'utf8')).toBe('kept');
    expect(subsetDir(cache, [files[0]!], root)).not.toBe(out);
    writeFileSync(join(cache, files[2]!), 'entry 1\nentry 2\n');
    const grown = makeSubset(cache, files, root);
    expect(grown).not.toBe(out);
    expect(readFileSync(join(grown, files[2]!), 'utf8')).toBe('entry 1\nentry 2\n');
    expect(readFileSync(join(out, files[2]!), 'utf8')).toBe('entry 1\n');
  });
});
