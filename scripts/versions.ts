/**
 * node-versions/versions.json: the one list of supported Node majors, the SDK
 * line each image carries, and the Node/npm versions used to build and test it.
 * Read in one place, tools/bundle/repository.mjs (plain JavaScript, because the
 * bundler runs it inside the image build).
 */
export { parseVersions, readVersions, versionEntryFor, VERSIONS_FILE, type SdkLine, type VersionEntry } from './repository';
