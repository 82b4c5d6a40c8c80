/**
 * The HTTP server golden test (test/support/http-server-golden.ts) on the
 * host's Node, under the tree the global set-up staged for its major. The
 * other majors run it under their own runtimes in
 * test/matrix/http-server-golden.test.ts.
 */
import { describe } from 'vitest';
import { versionEntryFor } from '../../scripts/versions';
import { compareHttpServerPaths } from '../support/http-server-golden';
import { stagedEntry } from '../support/staged-tree';

describe("HTTP server spans: the diagnostics_channel path (default) against instrumentation-http's (upstream)", () => {
  compareHttpServerPaths(versionEntryFor(Number(process.versions.node.split('.')[0])).sdkLine, async () => ({ entry: stagedEntry(), version: process.versions.node }));
});
