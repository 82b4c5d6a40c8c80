/** Which tree the universal image's entry loads, and what it says when none fits (src/entry/tree-selection.ts). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseTree, inRange, type UniversalBuildInfo } from '../../src/entry/tree-selection';
import { satisfiesRange } from '../../src/entry/version-guard';

const VERSIONS: Array<{ major: number; nodeRange: string; oldestNode: string; newestNode: string }> = JSON.parse(
  readFileSync(join(__dirname, '../../node-versions/versions.json'), 'utf8'),
);
const IMAGES = VERSIONS.map(({ major, nodeRange }) => ({ major, nodeRange }));
const info = (majors: number[]): UniversalBuildInfo => ({
  distributionVersion: '1.0.0',
  imageName: 'custom-otel-autoinstrumentation-nodejs',
  trees: IMAGES.filter((image) => majors.includes(image.major)),
  images: IMAGES,
});
const ALL = info(VERSIONS.map((v) => v.major));

describe('chooseTree', () => {
  it.each(VERSIONS)('picks node$major for its oldest and newest Node', (entry) => {
    expect(chooseTree(entry.oldestNode, ALL)).toEqual({ tree: `node${entry.major}` });
    expect(chooseTree(entry.newestNode, ALL)).toEqual({ tree: `node${entry.major}` });
    expect(chooseTree(`v${entry.newestNode}`, ALL)).toEqual({ tree: `node${entry.major}` });
  });

  it('names the Node, the trees held, that the app runs uninstrumented, and to move up, below every tree', () => {
    expect(chooseTree('12.22.12', ALL)).toEqual({
      message:
        'this is the custom-otel-autoinstrumentation-nodejs universal image 1.0.0, holding trees for Node 14, 16, 18, 20, 22, 24, 26 ' +
        `(${IMAGES.map((i) => `node${i.major} ${i.nodeRange}`).join('; ')}), but it was loaded by Node 12.22.12; ` +
        'the app runs uninstrumented: run the app on Node 14.18.0 or newer (Node 12 is not supported by any image of this release)',
    });
    expect(chooseTree('8.17.0', ALL)).toMatchObject({ message: expect.stringContaining('loaded by Node 8.17.0; the app runs uninstrumented: run the app on Node 14.18.0 or newer') });
  });

  it('for a Node another image of the release supports: rebuild with that major, or use its image', () => {
    const choice = chooseTree('26.1.0', info([14, 16, 18, 20, 22, 24]));
    expect(choice).toMatchObject({ message: expect.stringContaining('holding trees for Node 14, 16, 18, 20, 22, 24 (') });
    expect(choice).toMatchObject({ message: expect.stringContaining('rebuild the universal image with 26 in --versions, or use the node26 image (Instrumentation nodejs-26)') });
  });

  it('for a major newer than the release knows: a newer release', () => {
    expect(chooseTree('28.0.0', ALL)).toMatchObject({
      message: expect.stringContaining('loaded by Node 28.0.0; the app runs uninstrumented: use a newer release of custom-otel-autoinstrumentation-nodejs, one with a tree for Node 28 (this release knows up to node26)'),
    });
  });

  it('between ranges (odd majors, releases before a floor): lists the ranges', () => {
    expect(chooseTree('21.7.0', ALL)).toMatchObject({ message: expect.stringContaining('run the app on a Node version one of the trees supports: node14 >=14.18.0 <15;') });
    expect(chooseTree('18.18.2', ALL)).toMatchObject({ message: expect.stringContaining('loaded by Node 18.18.2') });
  });
});

describe('inRange (the regex-free reading of `>=A.B.C <D`)', () => {
  const versions = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27].flatMap((major) =>
    [0, 1, 5, 6, 14, 15, 17, 18, 19, 20, 99].flatMap((minor) => [0, 1, 3].map((patch) => `${major}.${minor}.${patch}`)),
  );
  const ranges = [...VERSIONS.map((v) => v.nodeRange), '^18.19.0 || >=20.6.0', '>=22.15.0', '>=14.18.0 <15.1.0', '>=20.6 <21'];

  it.each(ranges)('agrees with satisfiesRange on %s for every version tried', (range) => {
    for (const version of [...versions, ...versions.map((v) => `v${v}`), '20.6', 'x.y.z']) {
      expect(inRange(version, range), `${version} in ${range}`).toBe(satisfiesRange(version, range));
    }
  });
});
