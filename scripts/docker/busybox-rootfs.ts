/**
 * The root filesystem `busybox:stable` is imported from: Debian's static
 * busybox (package busybox-static) at /bin/busybox, a /bin link for each of
 * its applets (cp, sh, ls, id, ...), and just enough of /etc for `id` and a
 * shell to work for root, nobody and arbitrary uids.
 */
import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { capture, run } from './run-command';

const here = __dirname;

export const BUSYBOX_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
export const BUSYBOX_GROUP = 'root:x:0:\nnogroup:x:65534:\n';

/** Applet names from `busybox --list`, one per line; the multiplexer itself is not one. */
export function appletNames(listOutput: string): string[] {
  const names = listOutput
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && line !== 'busybox');
  for (const name of names) {
    if (!/^[A-Za-z0-9_.[\]-]+$/.test(name)) throw new Error(`busybox --list printed an unexpected applet name: ${JSON.stringify(name)}`);
  }
  return names;
}

/** Makes the rootfs tar inside workDir (which must be empty) and returns its path. */
export function makeBusyboxRootfsTar(workDir: string): string {
  const debs = join(workDir, 'debs');
  const deb = capture('bash', [join(here, 'download-debian-package.sh'), 'busybox-static', debs]).trim();
  const extracted = join(workDir, 'extracted');
  run('dpkg-deb', ['-x', deb, extracted]);
  const rootfs = join(workDir, 'rootfs');
  for (const dir of ['bin', 'etc', 'root', 'home', 'tmp', 'var', 'proc', 'sys', 'dev']) {
    mkdirSync(join(rootfs, dir), { recursive: true });
  }
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  chmodSync(join(rootfs, 'root'), 0o700);
  const busybox = join(rootfs, 'bin', 'busybox');
  copyFileSync(join(extracted, 'bin', 'busybox'), busybox);
  chmodSync(busybox, 0o755);
  const applets = appletNames(capture(busybox, ['--list']));
  for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
  writeFileSync(join(rootfs, 'etc', 'passwd'), BUSYBOX_PASSWD);
  writeFileSync(join(rootfs, 'etc', 'group'), BUSYBOX_GROUP);
  if (readdirSync(join(rootfs, 'bin')).length < 10) throw new Error(`busybox in ${deb} lists almost no applets`);
  const tar = join(workDir, 'busybox-rootfs.tar');
  run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', tar, '.']);
  return tar;
}
