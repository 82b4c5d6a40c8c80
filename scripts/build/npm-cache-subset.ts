/**
 * The part of the npm cache an offline image build reads, as a directory of
 * its own: for each package the build's lockfiles install, its tarball
 * (cacache content-v2, by integrity) and the index-v5 entries of its packument
 * and tarball URLs with the contents they name (our lockfiles record no
 * download addresses, so npm resolves each package from its packument, then
 * asks for the tarball by URL), the contents hard-linked from the npm cache
 * (copied where it lies on another filesystem), the index entries copied. It is the build context
 * `npm-cache` instead of the whole cache: BuildKit keeps what each build was
 * sent, and the whole cache (hundreds of MB once the suite has run) per build
 * filled tens of GB of build cache in one test run.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { buildLockfiles, cacheContentPath, lockedPackages, readLock } from './npm-packages';

/** Where the subsets live, one directory per set of files (reused while the lockfiles stay). */
export const SUBSET_ROOT = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'custom-otel-build', 'npm-cache');
const COMPLETE_MARKER = '.complete';

/** The registry the image build's npm asks (NPM_REGISTRY empty: npm's default). */
const REGISTRY = 'https://registry.npmjs.org/';

/** cacache's index bucket of a key: index-v5/<sha256 of the key, split 2/2/rest>. */
export function indexBucketPath(cacheDir: string, key: string): string {
  const hash = createHash('sha256').update(key).digest('hex');
  return join(cacheDir, '_cacache', 'index-v5', hash.slice(0, 2), hash.slice(2, 4), hash.slice(4));
}

/** An index bucket of a registry URL and the contents its entries name, where the cache has them. */
function requestCacheFiles(cacheDir: string, url: string): string[] {
  const bucket = indexBucketPath(cacheDir, `make-fetch-happen:request-cache:${url}`);
  if (!existsSync(bucket)) return [];
  const files = [bucket];
  for (const line of readFileSync(bucket, 'utf8').split('\n')) {
    const entry = line.slice(line.indexOf('\t') + 1);
    try {
      const { integrity } = JSON.parse(entry) as { integrity?: string };
      if (integrity) files.push(cacheContentPath(cacheDir, integrity));
    } catch {
      // A torn line (cacache appends): npm skips it as well.
    }
  }
  return files;
}

/** The cache's files an offline build of these majors reads, relative to the cache, sorted. */
export function filesForMajors(cacheDir: string, majors: readonly number[]): string[] {
  const files = new Set<string>();
  for (const { dir, production } of buildLockfiles(majors)) {
    for (const pkg of lockedPackages(readLock(dir), { production })) {
      if (pkg.integrity) files.add(relative(cacheDir, cacheContentPath(cacheDir, pkg.integrity)));
      // npm asks for the packument, then the tarball by its URL (the registry's layout).
      const urls = [`${REGISTRY}${pkg.name.replace('/', '%2f')}`, `${REGISTRY}${pkg.name}/-/${pkg.name.split('/').pop()}-${pkg.version}.tgz`];
      for (const url of urls) for (const file of requestCacheFiles(cacheDir, url)) files.add(relative(cacheDir, file));
    }
  }
  return [...files].sort();
}

/** Index buckets grow (npm appends an entry when it fetches again); contents never change. */
const isIndexBucket = (file: string) => file.startsWith(join('_cacache', 'index-v5'));

/**
 * The subset's directory for these files: named by them and by what the index
 * buckets among them hold now, so equal lockfiles share one until npm adds to a bucket.
 */
export function subsetDir(cacheDir: string, files: readonly string[], root = SUBSET_ROOT): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\n`);
    if (isIndexBucket(file) && existsSync(join(cacheDir, file))) hash.update(readFileSync(join(cacheDir, file)));
  }
  return join(root, hash.digest('hex').slice(0, 16));
}

/**
 * Makes the subset once (a complete one is reused) and returns its directory.
 * A file the cache lacks is left out: the build's preflight has named it
 * already, and npm names it again.
 */
export function makeSubset(cacheDir: string, files: readonly string[], root = SUBSET_ROOT): string {
  const out = subsetDir(cacheDir, files, root);
  if (existsSync(join(out, COMPLETE_MARKER))) return out;
  const partial = `${out}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  for (const file of files) {
    const from = join(cacheDir, file);
    if (!existsSync(from)) continue;
    const to = join(partial, file);
    mkdirSync(dirname(to), { recursive: true });
    // A bucket is copied: linked, npm's next append to the cache's would change this one too.
    if (isIndexBucket(file)) copyFileSync(from, to);
    else {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
    }
  }
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, COMPLETE_MARKER), '');
  rmSync(out, { recursive: true, force: true });
  renameSync(partial, out);
  return out;
}
