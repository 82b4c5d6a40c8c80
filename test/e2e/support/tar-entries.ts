/**
 * Reads the entries of a tar archive (as `docker export` writes it: ustar
 * headers, with PAX or GNU records for long names) into a listing with
 * modes, owners and a sha256 of each regular file. Pure: bytes in, listing
 * out, so the image checks can be tested without Docker.
 */
import { createHash } from 'node:crypto';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface TreeEntry {
  /** Relative path, no leading "./" or "/", no trailing "/". */
  path: string;
  type: EntryType;
  /** Permission bits including setuid/setgid/sticky (mode & 0o7777). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** sha256 (hex) of the content, for regular files only. */
  sha256?: string;
  /** Target of a symlink or hard link. */
  linkTarget?: string;
}

const BLOCK = 512;

function text(header: Buffer, offset: number, length: number): string {
  const field = header.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? field.length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number, what: string): number {
  // A leading 0x80 byte marks GNU base-256 numbers: only for values no ustar field can hold.
  if ((header[offset]! & 0x80) !== 0) throw new Error(`tar: ${what} uses base-256 encoding, which this reader does not handle`);
  const raw = text(header, offset, length).trim();
  if (raw === '') return 0;
  if (!/^[0-7]+$/.test(raw)) throw new Error(`tar: ${what} field "${raw}" is not an octal number`);
  return parseInt(raw, 8);
}

/** PAX extended header records: "<length> <key>=<value>\n" repeated. */
export function parsePaxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let position = 0;
  while (position < data.length) {
    const space = data.indexOf(0x20, position);
    if (space === -1) break;
    const length = Number(data.subarray(position, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) throw new Error(`tar: malformed PAX record at byte ${position}`);
    const record = data.subarray(space + 1, position + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records[record.slice(0, equals)] = record.slice(equals + 1);
    position += length;
  }
  return records;
}

function typeOf(flag: string): EntryType {
  if (flag === '0' || flag === '' || flag === '7') return 'file';
  if (flag === '5') return 'directory';
  if (flag === '2') return 'symlink';
  if (flag === '1') return 'hardlink';
  return 'other';
}

function normalise(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
}

export function readTarEntries(archive: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let offset = 0;
  let pax: Record<string, string> = {};
  let globalPax: Record<string, string> = {};
  let gnuLongName: string | undefined;
  let gnuLongLink: string | undefined;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    const flag = text(header, 156, 1);
    // A PAX size record (for sizes a ustar field cannot hold) applies to the entry after it.
    const paxSize = flag === 'x' || flag === 'g' ? undefined : ({ ...globalPax, ...pax }).size;
    const size = paxSize !== undefined ? Number(paxSize) : octal(header, 124, 12, 'size');
    const dataStart = offset + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new Error(`tar: entry at byte ${offset} is truncated (${data.length} of ${size} bytes)`);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (flag === 'x') {
      pax = parsePaxRecords(data);
      continue;
    }
    if (flag === 'g') {
      globalPax = { ...globalPax, ...parsePaxRecords(data) };
      continue;
    }
    if (flag === 'L') {
      gnuLongName = text(data, 0, data.length);
      continue;
    }
    if (flag === 'K') {
      gnuLongLink = text(data, 0, data.length);
      continue;
    }
    const magic = text(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? text(header, 345, 155) : '';
    const headerName = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
    const records = { ...globalPax, ...pax };
    const path = normalise(records.path ?? gnuLongName ?? headerName);
    const type = typeOf(flag);
    const entry: TreeEntry = {
      path,
      type,
      mode: octal(header, 100, 8, 'mode') & 0o7777,
      uid: records.uid !== undefined ? Number(records.uid) : octal(header, 108, 8, 'uid'),
      gid: records.gid !== undefined ? Number(records.gid) : octal(header, 116, 8, 'gid'),
      size,
    };
    if (type === 'file') entry.sha256 = createHash('sha256').update(data).digest('hex');
    if (type === 'symlink' || type === 'hardlink') entry.linkTarget = records.linkpath ?? gnuLongLink ?? text(header, 157, 100);
    if (path !== '') entries.push(entry);
    pax = {};
    gnuLongName = undefined;
    gnuLongLink = undefined;
  }
  return entries;
}
