/** Which Node versions an image accepts, and what it says otherwise (src/entry/version-guard.ts). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkNodeVersion, satisfiesRange } from '../../src/entry/version-guard';

interface VersionEntry {
  major: number;
  nodeRange: string;
  oldestNode: string;
  newestNode: string;
}

const VERSIONS: VersionEntry[] = JSON.parse(readFileSync(join(__dirname, '../../node-versions/versions.json'), 'utf8'));
const IMAGES = VERSIONS.map(({ major, nodeRange }) => ({ major, nodeRange }));

function previousPatch(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  if (patch > 0) return `${major}.${minor}.${patch - 1}`;
  if (minor > 0) return `${major}.${minor - 1}.99`;
  return `${major - 1}.99.99`;
}

describe('satisfiesRange for the ranges of node-versions/versions.json', () => {
  it('has ranges to test', () => {
    const majors = VERSIONS.map((v) => v.major);
    expect(majors.length).toBeGreaterThan(1);
    expect(majors).toEqual([...majors].sort((a, b) => a - b));
  });

  it.each(VERSIONS)('node$major ($nodeRange) accepts its oldest and newest Node, rejects the one before and the next major', (entry) => {
    expect(satisfiesRange(entry.oldestNode, entry.nodeRange)).toBe(true);
    expect(satisfiesRange(`v${entry.newestNode}`, entry.nodeRange)).toBe(true);
    expect(satisfiesRange(previousPatch(entry.oldestNode), entry.nodeRange)).toBe(false);
    expect(satisfiesRange(`${entry.major + 1}.0.0`, entry.nodeRange)).toBe(false);
    expect(satisfiesRange(`${entry.major - 1}.99.99`, entry.nodeRange)).toBe(false);
  });

  it('gives every Node version at most one image', () => {
    for (const entry of VERSIONS) {
      const fitting = VERSIONS.filter((other) => satisfiesRange(entry.newestNode, other.nodeRange) || satisfiesRange(entry.oldestNode, other.nodeRange));
      expect(fitting.map((f) => f.major)).toEqual([entry.major]);
    }
  });
});

describe('satisfiesRange forms', () => {
  it.each([
    ['18.19.0', '^18.19.0 || >=20.6.0', true],
    ['18.18.2', '^18.19.0 || >=20.6.0', false],
    ['19.0.0', '^18.19.0 || >=20.6.0', false],
    ['20.5.1', '^18.19.0 || >=20.6.0', false],
    ['20.6.0', '^18.19.0 || >=20.6.0', true],
    ['26.1.0', '^18.19.0 || >=20.6.0', true],
    ['22.15.0', '>=22.15.0', true],
    ['22.14.9', '>=22.15.0', false],
    ['20.1.0', '>20.0.0', true],
    ['20.0.0', '>20.0.0', false],
    ['20.0.0', '<=20.0.0', true],
    ['20.0.0', '=20.0.0', true],
    ['20.0.1', '20.0.0', false],
    ['20', '>=20.0.0 <21', true],
    ['v20.6', '>=20.6.0', true],
    ['20.6.0-nightly2023', '>=20.6.0 <21', true],
    [' v20.6.0 ', '>=20.6.0', true],
  ])('%j in %j: %s', (version, range, expected) => {
    expect(satisfiesRange(version, range)).toBe(expected);
  });

  it('rejects what it cannot read', () => {
    expect(satisfiesRange('banana', '>=14.0.0')).toBe(false);
    expect(satisfiesRange('', '>=14.0.0')).toBe(false);
    expect(satisfiesRange('20.0.0', '>=x')).toBe(false);
    expect(satisfiesRange('20.0.0', '~20.0.0')).toBe(false);
  });
});

describe('checkNodeVersion', () => {
  const image = 'custom-otel-autoinstrumentation-nodejs';
  const node20 = VERSIONS.find((v) => v.major === 20)!;

  it('accepts a Node in the range without a message', () => {
    expect(checkNodeVersion('20.20.2', image, 20, node20.nodeRange, IMAGES)).toEqual({ supported: true });
  });

  it('names the image, its range, the Node found and the image to use instead', () => {
    expect(checkNodeVersion('18.20.8', image, 20, node20.nodeRange, IMAGES)).toEqual({
      supported: false,
      message: `this is the ${image} node20 image, for Node ${node20.nodeRange}, but it was loaded by Node 18.20.8; the app runs uninstrumented: use the node18 image instead (Instrumentation nodejs-18)`,
    });
    expect(checkNodeVersion('24.3.0', image, 14, '>=14.18.0 <15', IMAGES).message).toMatch(/node14 image, for Node >=14\.18\.0 <15, but it was loaded by Node 24\.3\.0; .*use the node24 image instead \(Instrumentation nodejs-24\)$/);
  });

  it('lists the supported ranges when no image fits', () => {
    const result = checkNodeVersion('19.9.0', image, 20, node20.nodeRange, IMAGES);
    expect(result.supported).toBe(false);
    expect(result.message).toContain('but it was loaded by Node 19.9.0');
    expect(result.message).toContain(`no image of this release supports it (supported: ${VERSIONS.map((v) => `node${v.major} ${v.nodeRange}`).join('; ')})`);
    // Too old for the node20 image, and no other image takes it either.
    expect(checkNodeVersion('20.5.0', image, 20, node20.nodeRange, IMAGES).message).toContain('no image of this release supports it');
  });
});
