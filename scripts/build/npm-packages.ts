/**
 * The npm packages an image build installs, read from the lockfiles the
 * Dockerfile installs (a major's dependency set, production only, and the
 * bundler's), and whether the local npm cache holds each of them.
 *
 * npm reads a package whose lockfile entry has an integrity from its cache by
 * that digest (cacache content-v2/<algorithm>/<hex>), so the presence of that
 * file is exactly what an `npm ci --offline` needs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../stage';

export interface LockedPackage {
  name: string;
  version: string;
  integrity: string | undefined;
  resolved: string | undefined;
  license: string | undefined;
  /** Path of the package inside node_modules, e.g. "node_modules/@grpc/grpc-js". */
  path: string;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  os?: string[];
  cpu?: string[];
  name?: string;
}

/** Whether a package restricted to some os/cpu installs on this platform (npm's "!x" negations included). */
function fits(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const positive = list.filter((v) => !v.startsWith('!'));
  return positive.length === 0 || positive.includes(value);
}

/** The packages `npm ci` installs from a lockfile (v2/v3) on a platform. */
export function lockedPackages(lock: { packages?: Record<string, LockEntry> }, options: { production: boolean; os?: string; cpu?: string }): LockedPackage[] {
  const os = options.os ?? 'linux';
  const cpu = options.cpu ?? process.arch;
  const result: LockedPackage[] = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (path === '' || entry.link) continue;
    if (options.production && entry.dev) continue;
    if (!fits(entry.os, os) || !fits(entry.cpu, cpu)) continue;
    const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    result.push({ name, version: entry.version ?? '', integrity: entry.integrity, resolved: entry.resolved, license: entry.license, path });
  }
  return result;
}

/** The lockfiles an image build of these majors installs from. */
export function buildLockfiles(majors: readonly number[]): Array<{ dir: string; production: boolean }> {
  return [...majors.map((major) => ({ dir: `node-versions/${major}`, production: true })), { dir: 'tools/bundle', production: false }];
}

export function readLock(dir: string): { packages?: Record<string, LockEntry> } {
  return JSON.parse(readFileSync(join(REPO, dir, 'package-lock.json'), 'utf8'));
}

/** cacache's content path of an SRI integrity ("sha512-<base64>"), the strongest hash first. */
export function cacheContentPath(cacheDir: string, integrity: string): string {
  const hashes = integrity.trim().split(/\s+/).map((sri) => /^(sha\d+)-(.+)$/.exec(sri)).filter((m): m is RegExpExecArray => m !== null);
  const best = hashes.find((m) => m[1] === 'sha512') ?? hashes[0];
  if (!best) throw new Error(`"${integrity}" is not an integrity (algorithm-base64)`);
  const hex = Buffer.from(best[2]!, 'base64').toString('hex');
  return join(cacheDir, '_cacache', 'content-v2', best[1]!, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

export interface MissingPackage {
  lockfile: string;
  name: string;
  version: string;
}

/** The packages of these lockfiles the npm cache lacks (each listed once). */
export function missingFromNpmCache(cacheDir: string, majors: readonly number[]): MissingPackage[] {
  const missing = new Map<string, MissingPackage>();
  for (const { dir, production } of buildLockfiles(majors)) {
    for (const pkg of lockedPackages(readLock(dir), { production })) {
      const key = `${pkg.name}@${pkg.version}`;
      if (missing.has(key)) continue;
      if (!pkg.integrity || !existsSync(cacheContentPath(cacheDir, pkg.integrity))) missing.set(key, { lockfile: `${dir}/package-lock.json`, name: pkg.name, version: pkg.version });
    }
  }
  return [...missing.values()];
}
