/**
 * The Debian bookworm root filesystem that `debian:bookworm-slim` is imported
 * from: `debootstrap --variant=minbase` from the machine's own Debian mirror,
 * made slim like Docker Hub's image (no docs, man pages or locales), packed as
 * a tar and cached, because debootstrap takes a while and needs root.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { customOtelCacheDir } from './cache-dir';
import { capture, run } from './run-command';

const here = __dirname;

export function debianRootfsTarPath(cacheDir: string = customOtelCacheDir()): string {
  return join(cacheDir, 'debian-bookworm-minbase-rootfs.tar');
}

/** Paths dpkg skips when installing into the image, as in Docker Hub's slim images. */
export const SLIM_DPKG_EXCLUDES = `# Slim image: no documentation, manuals or translations (copyright files stay).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
`;

/**
 * apt settings that keep image layers small: no package caches (80 MB after an
 * `apt-get update`), no downloaded .debs kept, no translated descriptions.
 */
export const SLIM_APT_CONFIG = `// Slim image: apt keeps no caches in layers.
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb || true"; };
Acquire::Languages "none";
`;

/** The image's apt sources: the same mirrors this machine uses. */
export function aptSources(mirror: string, securityMirror: string | undefined): string {
  const lines = [`deb ${mirror} bookworm main`, `deb ${mirror} bookworm-updates main`];
  if (securityMirror) lines.push(`deb ${securityMirror} bookworm-security main`);
  return lines.join('\n') + '\n';
}

function mirrorFor(suite: string): string {
  return capture('bash', [join(here, 'debian-mirror.sh'), suite]).trim();
}

function optionalMirrorFor(suite: string): string | undefined {
  try {
    return mirrorFor(suite);
  } catch {
    process.stderr.write(`note: no apt source for ${suite} on this machine; the image's apt will not use it\n`);
    return undefined;
  }
}

/** Returns the cached rootfs tar, making it first if it is missing. */
export function ensureDebianRootfsTar(cacheDir: string = customOtelCacheDir()): string {
  const tar = debianRootfsTarPath(cacheDir);
  if (existsSync(tar)) return tar;
  if (process.getuid?.() !== 0) {
    throw new Error(`${tar} is missing and making it runs debootstrap, which needs root: run as root`);
  }
  run('bash', [join(here, 'ensure-debian-packages.sh'), 'debootstrap']);
  const mirror = mirrorFor('bookworm');
  const securityMirror = optionalMirrorFor('bookworm-security');
  mkdirSync(cacheDir, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'debootstrap-'));
  try {
    const rootfs = join(work, 'rootfs');
    process.stderr.write(`debootstrap --variant=minbase bookworm from ${mirror} (about 30 s)\n`);
    run('debootstrap', ['--variant=minbase', 'bookworm', rootfs, mirror]);
    writeFileSync(join(rootfs, 'etc/dpkg/dpkg.cfg.d/slim-image'), SLIM_DPKG_EXCLUDES);
    writeFileSync(join(rootfs, 'etc/apt/sources.list'), aptSources(mirror, securityMirror));
    writeFileSync(join(rootfs, 'etc/apt/apt.conf.d/90slim-image'), SLIM_APT_CONFIG);
    // What debootstrap already installed gets the same treatment as later installs.
    run('bash', [
      '-c',
      'cd "$1" && find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete ' +
        '&& find usr/share/doc -mindepth 1 -type d -empty -delete ' +
        '&& rm -rf usr/share/man/* usr/share/info/* usr/share/lintian/* usr/share/groff/* ' +
        '&& find usr/share/locale -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + ' +
        '&& rm -rf var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/log/*.log',
      'slim',
      rootfs,
    ]);
    const partial = `${tar}.partial`;
    run('tar', ['--numeric-owner', '-C', rootfs, '-cf', partial, '.']);
    renameSync(partial, tar);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return tar;
}
