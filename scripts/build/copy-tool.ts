/**
 * The copy tool (`/bin/cp`) of platforms other than this machine's: the
 * static busybox of Debian's busybox-static for that architecture, fetched
 * from this machine's Debian mirror through a private apt configuration (the
 * machine's own apt sources and architectures stay untouched) and kept in the
 * project's cache. Nothing of it runs here, so no emulation is needed.
 * This machine's platform takes the busybox base image instead (see base-images.ts).
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { customOtelCacheDir } from '../docker/cache-dir';
import { capture, run } from '../docker/run-command';
import { REPO } from '../stage';
import { PLATFORMS, type Platform } from './platforms';

/** The directory used as build context `copy-tool`: it holds bin/busybox. */
export function copyToolDir(platform: Platform, cacheDir: string = customOtelCacheDir()): string {
  return join(cacheDir, 'copy-tool', platform.debianArch);
}

/** e_machine of an ELF file, or undefined when it is not one. */
export function elfMachine(bytes: Buffer): number | undefined {
  if (bytes.length < 20 || bytes.readUInt32BE(0) !== 0x7f454c46) return undefined;
  const littleEndian = bytes[5] === 1;
  return littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
}

export function prefetchCommand(platforms: readonly Platform[]): string {
  return `./build-multi-version --prefetch --platform ${platforms.map((p) => p.name).join(',')}`;
}

/** The copy tool's directory; throws naming what is missing and how to get it when it is not cached. */
export function cachedCopyTool(platform: Platform): string {
  const dir = copyToolDir(platform);
  if (!existsSync(join(dir, 'bin', 'busybox'))) {
    throw new Error(
      `--offline: the copy tool of ${platform.name} (Debian's busybox-static, ${platform.debianArch}) is not in ${dir}; ` +
        `fetch it while connected with \`${prefetchCommand([platform])}\``,
    );
  }
  return dir;
}

function aptOptions(dir: string, platforms: readonly Platform[]): string[] {
  return [
    '-o', `Dir::Etc::SourceList=${join(dir, 'sources.list')}`, '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${join(dir, 'lists')}`, '-o', `Dir::Cache=${join(dir, 'cache')}`,
    '-o', 'APT::Sandbox::User=root',
    ...platforms.flatMap((p) => ['-o', `APT::Architectures::=${p.debianArch}`]),
  ];
}

/** Fetches (when not cached) the copy tool of each platform; returns their directories. */
export function fetchCopyTools(platforms: readonly Platform[], log: (line: string) => void): string[] {
  const wanted = platforms.filter((p) => !existsSync(join(copyToolDir(p), 'bin', 'busybox')));
  if (wanted.length > 0) {
    const apt = join(customOtelCacheDir(), 'apt-foreign');
    for (const sub of ['lists/partial', 'cache/archives/partial']) mkdirSync(join(apt, sub), { recursive: true });
    const mirror = capture('bash', [join(REPO, 'scripts/docker/debian-mirror.sh'), 'bookworm']).trim();
    const arches = PLATFORMS.map((p) => p.debianArch).join(',');
    writeFileSync(join(apt, 'sources.list'), `deb [arch=${arches} signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror} bookworm main\n`);
    const options = aptOptions(apt, PLATFORMS);
    log(`apt-get update for ${arches} (private lists in ${apt})`);
    run('apt-get', [...options, 'update', '-qq']);
    const work = mkdtempSync(join(apt, 'download-'));
    try {
      log(`apt-get download ${wanted.map((p) => `busybox-static:${p.debianArch}`).join(' ')}`);
      run('apt-get', [...options, 'download', '-qq', ...wanted.map((p) => `busybox-static:${p.debianArch}`)], { cwd: work });
      for (const platform of wanted) {
        const deb = readdirSync(work).find((f) => f.startsWith('busybox-static_') && f.endsWith(`_${platform.debianArch}.deb`));
        if (!deb) throw new Error(`apt-get download busybox-static:${platform.debianArch} left no .deb in ${work}`);
        const extracted = join(work, platform.debianArch);
        run('dpkg-deb', ['-x', join(work, deb), extracted]);
        const busybox = join(extracted, 'bin', 'busybox');
        const machine = elfMachine(readFileSync(busybox));
        if (machine !== platform.elfMachine) throw new Error(`${deb}: bin/busybox has ELF machine ${machine}, not ${platform.elfMachine} (${platform.name})`);
        const target = join(copyToolDir(platform), 'bin');
        mkdirSync(target, { recursive: true });
        copyFileSync(busybox, join(target, 'busybox'));
        chmodSync(join(target, 'busybox'), 0o755);
        writeFileSync(join(copyToolDir(platform), 'SOURCE'), `${deb} from ${mirror}\n`);
        log(`copy tool of ${platform.name}: ${deb}`);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return platforms.map((p) => copyToolDir(p));
}
