/**
 * Lists a directory on the host in the same shape as readTarEntries lists an
 * archive, so a staged tree, a copied volume and an image can be compared
 * entry by entry.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { EntryType, TreeEntry } from './tar-entries';

export function readDirectoryEntries(root: string, prefix = ''): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const walk = (relative: string) => {
    for (const name of readdirSync(join(root, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const absolute = join(root, path);
      const stat = lstatSync(absolute);
      const type: EntryType = stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : stat.isSymbolicLink() ? 'symlink' : 'other';
      const entry: TreeEntry = { path: prefix + path, type, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid, size: type === 'file' ? stat.size : 0 };
      if (type === 'file') entry.sha256 = createHash('sha256').update(readFileSync(absolute)).digest('hex');
      if (type === 'symlink') entry.linkTarget = readlinkSync(absolute);
      entries.push(entry);
      if (type === 'directory') walk(path);
    }
  };
  walk('');
  return entries;
}

/** "type path sha256" lines, sorted: what two trees must share to be the same tree (owners and modes aside). */
export function contentFingerprint(entries: readonly TreeEntry[]): string[] {
  return entries.map((e) => `${e.type} ${e.path}${e.sha256 ? ` ${e.sha256}` : ''}${e.linkTarget ? ` -> ${e.linkTarget}` : ''}`).sort();
}

/** Entries under `prefix/` with that prefix removed (the prefix directory itself left out). */
export function entriesUnder(entries: readonly TreeEntry[], prefix: string): TreeEntry[] {
  const start = `${prefix}/`;
  return entries.filter((e) => e.path.startsWith(start)).map((e) => ({ ...e, path: e.path.slice(start.length) }));
}
