/**
 * Every major's staged tree under the real Node runtimes of that major (the
 * oldest supported release and the newest), with the operator's environment
 * and a real OTLP/gRPC receiver; and each tree under a runtime it does not
 * support, where the version guard must leave the app serving. Then the same
 * apps on the same runtimes under the universal tree assembled from those
 * trees, and that tree under Node 8 and 12 and under a Node it holds no tree for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readVersions, type VersionEntry } from '../../scripts/versions';
import { ensureBareNodeRuntime, ensureNodeRuntime, resolveNodeVersion } from '../../scripts/node-runtimes';
import { REPO, stageMajor } from '../../scripts/stage';
import { assembleUniversalTree } from '../../scripts/build/universal';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { ensureMariaDb, ensureTestAppDependencies, MARIADB_PORT, TEST_APP_DIR } from '../support/test-app-prerequisites';

const FIXTURE = join(__dirname, '../fixtures/express-app');
/** Serves on Node 8 and up: the express fixture's syntax needs Node 14. */
const PLAIN_FIXTURE = join(__dirname, '../fixtures/plain-http-app');
const STAGE = join(REPO, '.stage', 'matrix');
const versions = readVersions();
const requested = process.env.MATRIX_MAJORS?.split(',').map(Number);
const majors = requested ? versions.filter((v) => requested.includes(v.major)) : versions;

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await OtlpReceiver.start();
});
afterAll(async () => {
  await receiver?.close();
});

type Which = 'oldest' | 'newest';
const runtimeCache = new Map<string, Promise<string>>();
function runtimeOf(major: number, which: Which): Promise<string> {
  const key = `${major}-${which}`;
  if (!runtimeCache.has(key)) runtimeCache.set(key, resolveNodeVersion(major, which).then(ensureNodeRuntime));
  return runtimeCache.get(key)!;
}

/** Each major is staged once per run (installed under its oldest release, so an engine mismatch fails here). */
const staging = new Map<number, Promise<string>>();
function stagedTree(major: number): Promise<string> {
  if (!staging.has(major)) {
    staging.set(major, runtimeOf(major, 'oldest').then((runtimeDir) => stageMajor({ major, outDir: join(STAGE, `node${major}`), runtimeDir })));
  }
  return staging.get(major)!;
}

const casesOf = (entry: VersionEntry) =>
  (['oldest', 'newest'] as const).flatMap((which) => (entry.esm ? ['server.cjs', 'server.mjs'] : ['server.cjs']).map((script) => ({ which, script })));

/** The fixture app on a real runtime under `entryFile`: the route's server span arrives with the custom attributes, from the tree of `entry`. */
async function expectInstrumented(entryFile: string, entry: VersionEntry, which: Which, script: string, service: string): Promise<void> {
  const runtime = await runtimeOf(entry.major, which);
  const app = await startApp(
    join(FIXTURE, script),
    operatorEnv(entryFile, receiver.grpcUrl, { OTEL_SERVICE_NAME: service, FIXTURE_LOGGER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }),
    { node: join(runtime, 'bin', 'node'), cwd: FIXTURE },
  );
  try {
    expect((await get(app.port, '/hello')).status).toBe(200);
    const spans = await receiver.waitForSpans(
      (all) => all.some((s) => s.resource['service.name'] === service && s.kind === 'SERVER' && s.attributes['http.route'] === '/hello'),
      20_000,
      `the /hello server span of ${service}`,
    );
    const span = spans.find((s) => s.resource['service.name'] === service && s.kind === 'SERVER')!;
    expect(span.attributes['custom.processed']).toBe(true);
    expect(span.attributes['custom.processor.version']).toBe('1.0.0');
    expect(span.resource['k8s.pod.name']).toBe('fixture-app-5d8f-abcde');
    expect(span.resource['process.runtime.version']).toBe(join(runtime).match(/node-v([\d.]+)-/)![1]);
    // Express itself is instrumented (for ESM: through the loader hook the
    // entry registered): only it knows the route that names the server span.
    expect(span.name).toBe('GET /hello');
  } finally {
    await app.stop();
  }
  expect(app.stderr()).toMatch(new RegExp(`started custom-otel-autoinstrumentation-nodejs .*node${entry.major} image, SDK ${entry.sdkLine.replace('.', '\\.')}`));
}

/** An app that our entry cannot instrument on this runtime: it serves, and stderr has exactly one line of ours, returned. */
async function expectServedUninstrumented(entryFile: string, node: string, app: { dir: string; script: string }): Promise<string> {
  const started = await startApp(join(app.dir, app.script), operatorEnv(entryFile, receiver.grpcUrl, { FIXTURE_LOGGER: 'none' }), { node, cwd: app.dir });
  try {
    expect((await get(started.port, app.dir === FIXTURE ? '/hello' : '/')).status).toBe(200);
  } finally {
    await started.stop();
  }
  const ours = started.stderr().split('\n').filter((line) => line.startsWith('[custom-otel]'));
  expect(ours, started.stderr()).toHaveLength(1);
  expect(started.stderr()).not.toContain('info: started');
  return ours[0]!;
}

/** A runtime this major's image must refuse: the newest release of a neighbouring major. */
function foreignMajor(entry: VersionEntry): number {
  const index = versions.indexOf(entry);
  return (versions[index + 1] ?? versions[index - 1]!).major;
}

describe.each(majors)('node$major image (SDK $sdkLine, Node $nodeRange)', (entry) => {
  const tree = join(STAGE, `node${entry.major}`);

  beforeAll(async () => {
    await runtimeOf(entry.major, 'newest');
    await stagedTree(entry.major);
  }, 600_000);

  it.each(casesOf(entry))('$script on the $which Node of the major sends spans with the custom attributes', async ({ which, script }) => {
    await expectInstrumented(join(tree, 'autoinstrumentation.js'), entry, which, script, `matrix-${entry.major}-${which}-${script.replace('.', '-')}`);
  });

  it('doctor.js on the oldest Node of the major exports its test span (this SDK line) and exits 0', async () => {
    const service = `matrix-doctor-${entry.major}`;
    const result = await runNode(await runtimeOf(entry.major, 'oldest'), [join(tree, 'doctor.js'), '--json'], operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { OTEL_SERVICE_NAME: service }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.tree).toMatchObject({ major: entry.major, sdkLine: entry.sdkLine });
    expect(report.instrumentations.active).toEqual(expect.arrayContaining(['http', 'mysql2', 'mysql2-pool-metrics']));
    await receiver.waitForSpans((all) => all.some((s) => s.resource['service.name'] === service && s.name === 'custom-otel doctor test span'), 10_000, `the doctor test span of ${service}`);
  });

  it("instrument.js on the oldest Node of the major runs the app with its flags and exits with the app's code", async () => {
    const service = `matrix-launcher-${entry.major}`;
    const result = await runNode(
      await runtimeOf(entry.major, 'oldest'),
      [join(tree, 'instrument.js'), '--service_name', service, '--exporter_otlp_endpoint', receiver.grpcUrl, '--metrics_exporter', 'none', '--logs_exporter', 'none', '--', join(await runtimeOf(entry.major, 'oldest'), 'bin', 'node'), '-e',
        "require('http').get('http://127.0.0.1:1/', () => {}).on('error', () => setTimeout(() => process.exit(3), 1500))"],
      {},
    );
    expect(result.code, result.stderr).toBe(3);
    await receiver.waitForSpans((all) => all.some((s) => s.resource['service.name'] === service && s.kind === 'CLIENT'), 10_000, `the client span of ${service}`);
  });

  it('the test app on the oldest Node of the major reports its mysql2 pool (MariaDB)', async () => {
    await ensureTestAppDependencies();
    await ensureMariaDb();
    const service = `matrix-pool-${entry.major}`;
    // Tests of a file run one after another: only this app's metrics are judged.
    receiver.clear();
    const app = await startApp(
      join(TEST_APP_DIR, 'server.cjs'),
      operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { OTEL_SERVICE_NAME: service, OTEL_METRIC_EXPORT_INTERVAL: '200', OTEL_TRACES_EXPORTER: 'none', PORT: '0', HOST: '127.0.0.1', DB_PORT: String(MARIADB_PORT) }),
      { node: join(await runtimeOf(entry.major, 'oldest'), 'bin', 'node'), cwd: TEST_APP_DIR, ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs: 60_000 },
    );
    try {
      expect((await get(app.port, '/db/wait?ms=10')).status).toBe(200);
      const idle = () => receiver.metricPoints('db.client.connection.count').filter((p) => p.attributes['db.client.connection.state'] === 'idle' && p.value >= 1);
      await receiver.waitFor(() => idle().length > 0 && receiver.metricPoints('db.client.connection.max').some((p) => p.value === 10), 20_000, `the pool metrics of ${service}`);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('under a Node it does not support, the guard leaves the app serving and says which image to use', async () => {
    const other = foreignMajor(entry);
    const runtime = await ensureNodeRuntime(await resolveNodeVersion(other, 'newest'));
    const app = await startApp(
      join(FIXTURE, 'server.cjs'),
      operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { FIXTURE_LOGGER: 'none' }),
      { node: join(runtime, 'bin', 'node'), cwd: FIXTURE },
    );
    try {
      expect((await get(app.port, '/hello')).status).toBe(200);
    } finally {
      await app.stop();
    }
    expect(app.stderr()).toContain(`this is the custom-otel-autoinstrumentation-nodejs node${entry.major} image, for Node ${entry.nodeRange}`);
    expect(app.stderr()).toContain(`use the node${other} image instead (Instrumentation nodejs-${other})`);
    expect(app.stderr()).not.toContain('info: started');
  });
});

describe('universal tree: every staged major in one, the tree picked at start-up', () => {
  const universal = join(REPO, '.stage', 'matrix-universal', 'all');
  const universalEntry = join(universal, 'autoinstrumentation.js');
  const newest = majors[majors.length - 1]!;
  // Staged as a universal image built without the newest major (`--versions` leaving it out).
  const withoutNewest = join(REPO, '.stage', 'matrix-universal', `without-${newest.major}`);
  const heldMajors = majors.map((e) => e.major).join(', ');

  beforeAll(async () => {
    for (const entry of majors) await stagedTree(entry.major);
    await assembleUniversalTree(STAGE, majors.map((e) => e.major), universal);
    if (majors.length > 1) await assembleUniversalTree(STAGE, majors.slice(0, -1).map((e) => e.major), withoutNewest);
  }, 30 * 60_000);

  it('holds every tree byte for byte, each identical file stored once (hard links)', () => {
    const inodes = new Set<number>();
    let files = 0;
    for (const entry of majors) {
      const walk = (dir: string, prefix: string): void => {
        for (const item of readdirSync(join(dir, prefix), { withFileTypes: true })) {
          const path = join(prefix, item.name);
          if (item.isDirectory()) walk(dir, path);
          else {
            files++;
            expect(readFileSync(join(universal, `node${entry.major}`, path)).equals(readFileSync(join(STAGE, `node${entry.major}`, path))), `node${entry.major}/${path}`).toBe(true);
            inodes.add(statSync(join(universal, `node${entry.major}`, path)).ino);
          }
        }
      };
      walk(join(STAGE, `node${entry.major}`), '');
    }
    if (majors.length > 1) expect(inodes.size).toBeLessThan(files);
    expect(JSON.parse(readFileSync(join(universal, 'package.json'), 'utf8')).trees).toEqual(Object.fromEntries(majors.map((e) => [`node${e.major}`, e.nodeRange])));
  });

  describe.each(majors)('on Node $major', (entry) => {
    it.each(casesOf(entry))('$script on the $which Node of the major loads the node$major tree and sends spans with the custom attributes', async ({ which, script }) => {
      await expectInstrumented(universalEntry, entry, which, script, `matrix-universal-${entry.major}-${which}-${script.replace('.', '-')}`);
    });
  });

  it('under Node 12 the app serves and one line says to move to a supported Node', async () => {
    const node = join(await ensureBareNodeRuntime('12.22.12'), 'bin', 'node');
    const line = await expectServedUninstrumented(universalEntry, node, { dir: PLAIN_FIXTURE, script: 'server.cjs' });
    expect(line).toContain(`holding trees for Node ${heldMajors}`);
    expect(line).toContain('loaded by Node 12.22.12; the app runs uninstrumented');
    expect(line).toContain(`run the app on Node ${majors[0]!.oldestNode} or newer`);
  });

  it('under Node 8 its entry still parses: the app serves and one line names Node 8', async () => {
    const node = join(await ensureBareNodeRuntime('8.17.0'), 'bin', 'node');
    const line = await expectServedUninstrumented(universalEntry, node, { dir: PLAIN_FIXTURE, script: 'server.cjs' });
    expect(line).toContain('loaded by Node 8.17.0; the app runs uninstrumented');
  });

  it('under a major the image holds no tree for (built without the newest), the app serves and one line says what to use', async () => {
    if (majors.length < 2) throw new Error('this case needs at least two majors in MATRIX_MAJORS');
    const runtime = await runtimeOf(newest.major, 'newest');
    const line = await expectServedUninstrumented(join(withoutNewest, 'autoinstrumentation.js'), join(runtime, 'bin', 'node'), { dir: FIXTURE, script: 'server.cjs' });
    expect(line).toContain(`holding trees for Node ${majors.slice(0, -1).map((e) => e.major).join(', ')}`);
    expect(line).toContain(`rebuild the universal image with ${newest.major} in --versions, or use the node${newest.major} image (Instrumentation nodejs-${newest.major})`);
  });
});

function runNode(runtimeDir: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(runtimeDir, 'bin', 'node'), args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}
