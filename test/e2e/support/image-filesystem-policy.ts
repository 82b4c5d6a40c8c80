/**
 * What the filesystem of a container made from an auto-instrumentation image
 * may hold, as `docker export` lists it, and the permissions its own files
 * must have for the operator's init container (`cp -r` as any uid).
 */
import type { TreeEntry } from './tar-entries';

/** The image's own content: the tree it delivers, and the one tool the operator's command needs. */
export const IMAGE_TREE_ROOT = 'autoinstrumentation';
export const COPY_TOOL = 'bin/cp';
/** The SBOM of the tree, beside it (the operator copies only the tree). */
export const SBOM_FILE = 'sbom/autoinstrumentation.cdx.json';

/**
 * Added by the engine to every container, whatever its image, and empty in
 * the export: the marker file .dockerenv, the mount points of /dev, /proc and
 * /sys (and /dev/console, /dev/pts, /dev/shm), the files it bind-mounts over
 * (/etc/hostname, /etc/hosts, /etc/resolv.conf), the /etc/mtab link to
 * /proc/mounts, and the directories holding them. Nothing else is allowed.
 */
export const CONTAINER_RUNTIME_ENTRIES: ReadonlySet<string> = new Set([
  '.dockerenv',
  'dev',
  'dev/console',
  'dev/pts',
  'dev/shm',
  'etc',
  'etc/hostname',
  'etc/hosts',
  'etc/mtab',
  'etc/resolv.conf',
  'proc',
  'sys',
]);

export function isImageOwn(path: string): boolean {
  return path === IMAGE_TREE_ROOT || path.startsWith(`${IMAGE_TREE_ROOT}/`) || path === 'bin' || path === COPY_TOOL || path === 'sbom' || path === SBOM_FILE;
}

/** Paths that are neither the image's own content nor the engine's additions. */
export function unexpectedEntries(entries: readonly TreeEntry[]): string[] {
  return entries.filter((e) => !isImageOwn(e.path) && !CONTAINER_RUNTIME_ENTRIES.has(e.path)).map((e) => e.path);
}

/** The engine's additions must carry nothing (a file there would come from the image, hidden under a known name). */
export function nonEmptyRuntimeEntries(entries: readonly TreeEntry[]): string[] {
  return entries
    .filter((e) => CONTAINER_RUNTIME_ENTRIES.has(e.path))
    .filter((e) => (e.type === 'file' && e.size > 0) || (e.type === 'symlink' && e.linkTarget !== '/proc/mounts') || e.type === 'other' || e.type === 'hardlink')
    .map((e) => `${e.path} (${e.type}, ${e.size} bytes${e.linkTarget ? ` -> ${e.linkTarget}` : ''})`);
}

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

/**
 * Permission problems of the image's own entries: each must be readable by
 * any uid (directories also searchable, bin/cp executable), writable by no
 * one but its owner, owned by root (so the pod's user cannot change it), and
 * carry no setuid/setgid bit.
 */
export function permissionProblems(entries: readonly TreeEntry[]): string[] {
  const problems: string[] = [];
  for (const entry of entries.filter((e) => isImageOwn(e.path))) {
    const where = `${entry.path} (${entry.type}, mode ${octal(entry.mode)}, owner ${entry.uid}:${entry.gid})`;
    if ((entry.mode & 0o044) !== 0o044) problems.push(`${where}: not readable by group and others`);
    if (entry.type === 'directory' && (entry.mode & 0o011) !== 0o011) problems.push(`${where}: directory not searchable by group and others`);
    if (entry.path === COPY_TOOL && (entry.mode & 0o011) !== 0o011) problems.push(`${where}: not executable by group and others`);
    if ((entry.mode & 0o022) !== 0) problems.push(`${where}: writable by group or others`);
    if ((entry.mode & 0o6000) !== 0) problems.push(`${where}: setuid or setgid bit set`);
    if (entry.uid !== 0 || entry.gid !== 0) problems.push(`${where}: not owned by root`);
    // A hard link is a second name of one of the image's own files (the universal image stores identical files of its trees once).
    const ownHardLink = entry.type === 'hardlink' && entry.linkTarget !== undefined && isImageOwn(entry.linkTarget.replace(/^\/+/, ''));
    if (entry.type !== 'file' && entry.type !== 'directory' && !ownHardLink) problems.push(`${where}: only regular files and directories belong in the image`);
  }
  return problems;
}
