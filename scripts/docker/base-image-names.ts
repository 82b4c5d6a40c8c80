/**
 * Names of the local base images, spelled exactly like Docker Hub's so that a
 * registry-mirror prefix (`--registry mirror/`) resolves to the same images
 * for users who pull instead of building them here.
 */
import { versionEntryFor } from '../versions';

export const DEBIAN_IMAGE = 'debian:bookworm-slim';
export const BUSYBOX_IMAGE = 'busybox:stable';

/** A major's Node base image: its one spelling is "baseImage" in node-versions/versions.json. */
export function nodeImageName(major: number): string {
  return versionEntryFor(major).baseImage;
}

/**
 * Turns command-line arguments into Node majors. No arguments means every
 * supported major; anything else must be a supported major.
 */
export function requestedMajors(args: readonly string[], supported: readonly number[]): number[] {
  if (args.length === 0) return [...supported];
  return args.map((arg) => {
    const major = /^\d+$/.test(arg) ? Number(arg) : NaN;
    if (!supported.includes(major)) {
      throw new Error(
        `"${arg}" is not a supported Node major; supported (node-versions/versions.json): ${supported.join(', ')}`,
      );
    }
    return major;
  });
}
