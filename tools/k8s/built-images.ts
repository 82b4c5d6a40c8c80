// Which auto-instrumentation images a release has: one per entry of
// node-versions/versions.json, named as the build names them by default.
import { defaultImage, readVersions } from '../../scripts/repository';

export { defaultImage, IMAGE_NAME } from '../../scripts/repository';

export interface InstrumentationImage {
  major: number;
  image: string;
}

export function releaseImages(): InstrumentationImage[] {
  return readVersions().map(({ major }) => ({ major, image: defaultImage(major) }));
}
