/**
 * A plain start says one thing: the start-up line. No warning about what
 * nobody configured, on every SDK line, inside a container (where the
 * container detector finds an id) and outside one (where it finds none: here
 * a private mount namespace hides /proc/self/cgroup and /proc/self/mountinfo,
 * as on a host or a VM without cgroup paths).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readVersions } from '../../scripts/versions';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { nodeOf, runtimeOf, stagedTreeOf } from './support/staged-majors';

const FIXTURE = join(__dirname, '../fixtures/plain-http-app');
const requested = process.env.MATRIX_MAJORS?.split(',').map(Number);
const majors = readVersions().filter((v) => !requested || requested.includes(v.major));

let receiver: OtlpReceiver;
let empty: string;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  empty = join(mkdtempSync(join(tmpdir(), 'plain-start-')), 'empty');
  writeFileSync(empty, '');
  try {
    execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `mount --bind ${empty} /proc/$$/cgroup`], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`this test needs 'unshare' (util-linux) and the right to bind-mount in a private mount namespace (root, CAP_SYS_ADMIN): ${(error as Error).message}`);
  }
});
afterAll(async () => {
  await receiver?.close();
});

/** `node` wrapped so that the process sees no cgroup paths, as outside any container. */
function outsideContainer(node: string): { node: string; args: string[] } {
  const hide = `mount --bind ${empty} /proc/$$/cgroup && mount --bind ${empty} /proc/$$/mountinfo && `;
  return { node: 'unshare', args: ['--mount', '--propagation', 'private', 'sh', '-c', `${hide}exec "$0" "$@"`, node] };
}

describe.each(majors)('node$major: a plain start', (entry) => {
  let tree: string;
  let runtime: string;
  // Staging (an npm install when the cache is cold) belongs to the set-up's time, not the test's.
  beforeAll(async () => {
    [tree, runtime] = await Promise.all([stagedTreeOf('plain-start', entry.major), runtimeOf(entry.major, 'newest')]);
  });

  it.each(['inside a container', 'outside a container'] as const)('%s prints exactly the start-up line and no warning', async (where) => {
    const service = `plain-start-${entry.major}-${where.split(' ')[0]}`;
    const launch = where === 'outside a container' ? outsideContainer(nodeOf(runtime)) : { node: nodeOf(runtime), args: [] };
    const app = await startApp(join(FIXTURE, 'server.cjs'), operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { OTEL_SERVICE_NAME: service }), {
      ...launch,
      cwd: FIXTURE,
      timeoutMs: 60_000,
    });
    try {
      expect((await get(app.port, '/plain')).status).toBe(200);
      // The export reads the resource, where the detectors' answers are judged.
      const mine = (s: { resource: Record<string, unknown>; kind: string }) => s.resource['service.name'] === service && s.kind === 'SERVER';
      const span = (await receiver.waitForSpans((spans) => spans.some(mine), 30_000, `${service}'s server span`)).find(mine)!;
      if (where === 'outside a container') expect(span.resource['container.id']).toBeUndefined();
    } finally {
      await app.stop();
    }
    const ours = app.stderr().split('\n').filter((line) => line.startsWith('[custom-otel]'));
    expect(ours, app.stderr()).toHaveLength(1);
    expect(ours[0]).toMatch(/^\[custom-otel\] info: started /);
  });
});
