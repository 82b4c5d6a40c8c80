/**
 * Every entry Node itself runs as an ES module is traced: an `import http
 * from 'node:http'` server is seen only through the ESM loader hook (nothing
 * ever requires http), so a server span at the receiver proves the hook was
 * registered. Each case on the runtimes where Node runs it as ESM (checked on
 * the real runtimes: syntax detection from 20.19 and 22.7, type stripping
 * from 22.18 and 24), with the operator's NODE_OPTIONS; the tsx case adds the
 * app's own `--import tsx` on the command line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { ensureLockedDependencies } from '../support/test-app-prerequisites';
import { nodeOf, runtimeOf, stagedTreeOf } from './support/staged-majors';

const FIXTURE = join(__dirname, '../fixtures/esm-entries');

interface Case {
  name: string;
  dir: string;
  script: string;
  args?: string[];
  why: RegExp;
}
const CASES: Record<string, Case> = {
  detected: { name: 'a .js with ES-module syntax and no "type"', dir: 'detected', script: 'server.js', why: /ES-module syntax, detected as Node does/ },
  typeModule: { name: 'a .js under "type": "module"', dir: 'module-type', script: 'server.js', why: /"type": "module"/ },
  strippedTs: { name: 'a .ts run by type stripping', dir: 'typed', script: 'server.ts', why: /ES-module syntax, detected as Node does/ },
  strippedMts: { name: 'a .mts run by type stripping', dir: 'typed', script: 'server.mts', why: /\.mts entry/ },
  tsx: { name: 'a .ts run with the app\'s own --import tsx', dir: 'tsx-app', script: 'server.ts', args: ['--import', 'tsx'], why: /an --import or --loader/ },
};
const RUNTIMES: Array<{ major: number; cases: Array<keyof typeof CASES> }> = [
  { major: 20, cases: ['detected', 'typeModule', 'tsx'] },
  { major: 22, cases: ['detected', 'typeModule', 'strippedTs', 'strippedMts', 'tsx'] },
  { major: 24, cases: ['detected', 'typeModule', 'strippedTs', 'strippedMts', 'tsx'] },
  { major: 26, cases: ['detected', 'typeModule', 'strippedTs', 'strippedMts', 'tsx'] },
];
const requested = process.env.MATRIX_MAJORS?.split(',').map(Number);

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
  await ensureLockedDependencies(FIXTURE);
});
afterAll(async () => {
  await receiver?.close();
});

describe.each(RUNTIMES.filter((r) => !requested || requested.includes(r.major)))('node$major (newest): ESM entries as Node decides', ({ major, cases }) => {
  let tree: string;
  let node: string;
  beforeAll(async () => {
    const [treeDir, runtime] = await Promise.all([stagedTreeOf('esm-entries', major), runtimeOf(major, 'newest')]);
    tree = treeDir;
    node = nodeOf(runtime);
  });

  it.each(cases.map((key) => ({ key, ...CASES[key]! })))('$name: the ESM hook is registered and the server span arrives', async ({ key, dir, script, args, why }) => {
    const service = `esm-entry-${major}-${key}`;
    const cwd = join(FIXTURE, dir);
    const app = await startApp(join(cwd, script), operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { OTEL_SERVICE_NAME: service }), {
      node,
      cwd,
      args,
      timeoutMs: 60_000,
    });
    try {
      expect(await get(app.port, '/hello')).toEqual({ status: 200, body: 'ok' });
      await receiver.waitForSpans((spans) => spans.some((s) => s.resource['service.name'] === service && s.kind === 'SERVER'), 30_000, `${service}'s server span`);
    } finally {
      await app.stop();
    }
    const started = app.stderr().split('\n').find((line) => line.includes('] info: started '));
    expect(started, app.stderr()).toMatch(/ESM hook registered \((in-thread hooks|loader thread)\)/);
    expect(started).toMatch(why);
  });
});
