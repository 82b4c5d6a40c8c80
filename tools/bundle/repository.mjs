/**
 * Facts of the repository that the scripts, the tools, the tests and the
 * image build all need, each read in one place: where the repository is, its
 * package (whose name is the image name, whose version the image version),
 * and node-versions/versions.json, the one list of supported Node majors.
 * Plain JavaScript so that tools/bundle/bundle.mjs can use it inside the image
 * build, where there is no TypeScript; scripts/versions.ts gives it types.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VERSIONS_FILE = join(REPO_ROOT, 'node-versions', 'versions.json');

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));

/** The image repository of every major: the package's name. */
export const IMAGE_NAME = manifest.name;
/** The distribution's version, which every image tag starts with. */
export const DISTRIBUTION_VERSION = manifest.version;

/** The image a build names by default: custom-otel-autoinstrumentation-nodejs:1.0.0-node20. */
export function defaultImage(major, version = DISTRIBUTION_VERSION) {
  return `${IMAGE_NAME}:${version}-node${major}`;
}

const EXACT_VERSION = /^\d+\.\d+\.\d+$/;
const SDK_LINES = ['1.x', '2.x', '3.x'];

/** Reads and checks versions.json; throws naming the file, the entry and the field at fault. */
export function readVersions(file = VERSIONS_FILE) {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${file}: ${error.message}`);
  }
  return parseVersions(parsed, file);
}

/** Pure validation of the parsed JSON, separate from I/O so it can be tested directly. */
export function parseVersions(parsed, source) {
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`${source}: expected a non-empty array of entries, one per Node major`);
  }
  const seen = new Set();
  return parsed.map((raw, index) => {
    const where = `${source}: entry ${index}`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${where}: expected an object, got ${JSON.stringify(raw)}`);
    const field = (name, ok, expected) => {
      const value = raw[name];
      if (!ok(value)) throw new Error(`${where}: field "${name}" must be ${expected}, got ${JSON.stringify(value)}`);
      return value;
    };
    const isExact = (value) => typeof value === 'string' && EXACT_VERSION.test(value);
    const isText = (value) => typeof value === 'string' && value.length > 0;
    const major = field('major', (v) => Number.isInteger(v) && v > 0, 'a positive integer');
    if (seen.has(major)) throw new Error(`${where}: major ${major} is listed twice`);
    seen.add(major);
    const version = {
      major,
      nodeRange: field('nodeRange', isText, 'a semver range string'),
      oldestNode: field('oldestNode', isExact, 'an exact version like "20.6.0"'),
      newestNode: field('newestNode', isExact, 'an exact version like "20.20.2"'),
      sdkLine: field('sdkLine', (v) => SDK_LINES.includes(v), `one of ${SDK_LINES.join(', ')}`),
      sdkNodeVersion: field('sdkNodeVersion', isExact, 'an exact version'),
      sdkCoreVersion: field('sdkCoreVersion', isExact, 'an exact version'),
      autoInstrumentationsVersion: field('autoInstrumentationsVersion', isExact, 'an exact version'),
      esm: field('esm', (v) => typeof v === 'boolean', 'true or false'),
      npmVersion: field('npmVersion', isExact, 'an exact npm version'),
      baseImage: field('baseImage', isText, 'an image reference'),
    };
    for (const name of ['oldestNode', 'newestNode']) {
      if (Number(version[name].split('.')[0]) !== major) {
        throw new Error(`${where}: field "${name}" is ${version[name]}, which is not a Node ${major} version`);
      }
    }
    return version;
  });
}

/** The entry for one major, or an error that lists the majors we do support. */
export function versionEntryFor(major, versions = readVersions()) {
  const entry = versions.find((candidate) => candidate.major === major);
  if (!entry) {
    const known = versions.map((candidate) => candidate.major).join(', ');
    throw new Error(`Node major ${major} is not in node-versions/versions.json (supported majors: ${known})`);
  }
  return entry;
}
