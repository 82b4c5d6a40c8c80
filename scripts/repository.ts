/**
 * The repository's facts for TypeScript: its root, the image name and
 * distribution version (from package.json), and node-versions/versions.json.
 * One implementation, tools/bundle/repository.mjs, which the bundler uses
 * inside the image build too.
 */
export {
  defaultImage, DISTRIBUTION_VERSION, IMAGE_NAME, parseVersions, readVersions, REPO_ROOT, versionEntryFor, VERSIONS_FILE,
  type SdkLine, type VersionEntry,
} from '../tools/bundle/repository.mjs';
