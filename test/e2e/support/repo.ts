/** Where the repository is, and the facts of it the e2e tests compare against (each from its one home). */
import { defaultImage, DISTRIBUTION_VERSION, IMAGE_NAME, readVersions, versionEntryFor, type VersionEntry } from '../../../scripts/repository';

export { REPO_ROOT, IMAGE_NAME as IMAGE_REPOSITORY } from '../../../scripts/repository';

/** The Node majors the e2e tests build and run. */
export const E2E_MAJORS = [18, 20, 22] as const;

export function packageVersion(): string {
  return DISTRIBUTION_VERSION;
}

/** The reference build-multi-version.ts gives a major's image by default. */
export function defaultImageReference(major: number): string {
  return defaultImage(major);
}

/** The reference build-multi-version.ts gives the universal image by default. */
export function defaultUniversalReference(): string {
  return `${IMAGE_NAME}:${packageVersion()}`;
}

export function versionEntry(major: number): VersionEntry {
  return versionEntryFor(major);
}

export function supportedMajors(): number[] {
  return readVersions().map((v) => v.major);
}
