/** Where the repository is, and the facts of it the e2e tests compare against. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVersions, type VersionEntry } from '../../../scripts/versions';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The Node majors the e2e tests build and run. */
export const E2E_MAJORS = [18, 20, 22] as const;

export const IMAGE_REPOSITORY = 'custom-otel-autoinstrumentation-nodejs';

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The reference build-multi-version.ts gives a major's image by default. */
export function defaultImageReference(major: number): string {
  return `${IMAGE_REPOSITORY}:${packageVersion()}-node${major}`;
}

/** The reference build-multi-version.ts gives the universal image by default. */
export function defaultUniversalReference(): string {
  return `${IMAGE_REPOSITORY}:${packageVersion()}`;
}

export function versionEntry(major: number): VersionEntry {
  const entry = readVersions().find((v) => v.major === major);
  if (!entry) throw new Error(`node-versions/versions.json has no entry for Node ${major}`);
  return entry;
}

export function supportedMajors(): number[] {
  return readVersions().map((v) => v.major);
}
