/**
 * The HTTP server golden test (test/support/http-server-golden.ts) on the
 * majors other than the host's (every line takes the diagnostics_channel
 * path by default), each under its own staged tree and a real runtime of
 * that major: the integration project runs it on the host's Node only.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readVersions, versionEntryFor } from '../../scripts/versions';
import { resolveNodeVersion } from '../../scripts/node-runtimes';
import { compareHttpServerPaths } from '../support/http-server-golden';
import { nodeOf, runtimeOf, stagedTreeOf, type Which } from './support/staged-majors';

const MAJORS: Array<{ major: number; which: Which; why: string }> = [
  { major: 14, which: 'oldest', why: 'the oldest supported release, the 1.x line' },
  { major: 16, which: 'oldest', why: 'the 1.x line, its first release of 16' },
  { major: 18, which: 'oldest', why: 'the oldest release of the 2.x line' },
  { major: 22, which: 'oldest', why: 'the 3.x line, context in async_hooks' },
  { major: 24, which: 'newest', why: 'AsyncContextFrame on by default' },
  { major: 26, which: 'oldest', why: 'the newest major, its first release' },
];
const requested = process.env.MATRIX_MAJORS?.split(',').map(Number);
const RUN = MAJORS.filter((m) => !requested || requested.includes(m.major));

it("covers, with the host's major (the integration project's), every major (each line takes the channel path)", () => {
  const channelMajors = readVersions().map((v) => v.major);
  const host = Number(process.versions.node.split('.')[0]);
  expect([...new Set([host, ...MAJORS.map((m) => m.major)])].sort((a, b) => a - b)).toEqual(channelMajors);
});

// A loop, not describe.each: its titles quote and cut the values.
for (const { major, which, why } of RUN) {
  describe(`node${major} tree on the ${which} Node ${major} (${why})`, () => {
    compareHttpServerPaths(versionEntryFor(major).sdkLine, async () => {
      const version = await resolveNodeVersion(major, which);
      const [tree, runtime] = await Promise.all([stagedTreeOf('http-server-golden', major), runtimeOf(version)]);
      return { entry: join(tree, 'autoinstrumentation.js'), node: nodeOf(runtime), version };
    });
  });
}
