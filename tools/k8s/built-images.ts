// Which auto-instrumentation images a release has: the universal one (every
// major's tree) and one per entry of node-versions/versions.json, named as
// the build names them by default.
import { defaultImage as perMajorImage, DISTRIBUTION_VERSION, IMAGE_NAME, readVersions } from '../../scripts/repository';

export { IMAGE_NAME } from '../../scripts/repository';

/** The universal image: every major's tree, the one for the running Node picked at start-up. */
export const UNIVERSAL = 'universal';

export interface InstrumentationImage {
  /** The Node major the image is built for, or UNIVERSAL. */
  major: number | typeof UNIVERSAL;
  image: string;
}

/** custom-otel-autoinstrumentation-nodejs:1.0.0-node20, or custom-otel-autoinstrumentation-nodejs:1.0.0 for the universal image. */
export function defaultImage(major: number | typeof UNIVERSAL, version: string = DISTRIBUTION_VERSION): string {
  return major === UNIVERSAL ? `${IMAGE_NAME}:${version}` : perMajorImage(major, version);
}

/** The universal image first, then one per major. */
export function releaseImages(): InstrumentationImage[] {
  return [{ major: UNIVERSAL, image: defaultImage(UNIVERSAL) }, ...readVersions().map(({ major }) => ({ major, image: defaultImage(major) }))];
}
