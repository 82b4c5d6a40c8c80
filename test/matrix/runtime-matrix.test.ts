/**
 * Every major's staged tree under the real Node runtimes of that major (the
 * oldest supported release and the newest), with the operator's environment
 * and a real OTLP/gRPC receiver; and each tree under a runtime it does not
 * support, where the version guard must leave the app serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readVersions, type VersionEntry } from '../../scripts/versions';
import { ensureNodeRuntime, resolveNodeVersion } from '../../scripts/node-runtimes';
import { REPO, stageMajor } from '../../scripts/stage';
import { OtlpReceiver } from '../support/otlp-receiver';
import { get, operatorEnv, startApp } from '../support/app-process';
import { ensureMariaDb, ensureTestAppDependencies, MARIADB_PORT, TEST_APP_DIR } from '../support/test-app-prerequisites';

const FIXTURE = join(__dirname, '../fixtures/express-app');
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

/** A runtime this major's image must refuse: the newest release of a neighbouring major. */
function foreignMajor(entry: VersionEntry): number {
  const index = versions.indexOf(entry);
  return (versions[index + 1] ?? versions[index - 1]!).major;
}

describe.each(majors)('node$major image (SDK $sdkLine, Node $nodeRange)', (entry) => {
  const tree = join(REPO, '.stage', 'matrix', `node${entry.major}`);
  const runtimes: Record<'oldest' | 'newest', string> = { oldest: '', newest: '' };

  beforeAll(async () => {
    for (const which of ['oldest', 'newest'] as const) {
      runtimes[which] = await ensureNodeRuntime(await resolveNodeVersion(entry.major, which));
    }
    // Installed under the oldest release, so an engine mismatch fails here.
    await stageMajor({ major: entry.major, outDir: tree, runtimeDir: runtimes.oldest });
  }, 600_000);

  const cases = (['oldest', 'newest'] as const).flatMap((which) =>
    (entry.esm ? ['server.cjs', 'server.mjs'] : ['server.cjs']).map((script) => ({ which, script })),
  );

  it.each(cases)('$script on the $which Node of the major sends spans with the custom attributes', async ({ which, script }) => {
    const service = `matrix-${entry.major}-${which}-${script.replace('.', '-')}`;
    const app = await startApp(
      join(FIXTURE, script),
      operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { OTEL_SERVICE_NAME: service, FIXTURE_LOGGER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' }),
      { node: join(runtimes[which], 'bin', 'node'), cwd: FIXTURE },
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
      expect(span.resource['process.runtime.version']).toBe(join(runtimes[which]).match(/node-v([\d.]+)-/)![1]);
      // Express itself is instrumented (for ESM: through the loader hook the
      // entry registered): only it knows the route that names the server span.
      expect(span.name).toBe('GET /hello');
    } finally {
      await app.stop();
    }
    expect(app.stderr()).toMatch(new RegExp(`started custom-otel-autoinstrumentation-nodejs .*node${entry.major} image, SDK ${entry.sdkLine.replace('.', '\\.')}`));
  });

  it('doctor.js on the oldest Node of the major exports its test span (this SDK line) and exits 0', async () => {
    const service = `matrix-doctor-${entry.major}`;
    const result = await runNode(runtimes.oldest, [join(tree, 'doctor.js'), '--json'], operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl, { OTEL_SERVICE_NAME: service }));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.tree).toMatchObject({ major: entry.major, sdkLine: entry.sdkLine });
    expect(report.instrumentations.active).toEqual(expect.arrayContaining(['http', 'mysql2', 'mysql2-pool-metrics']));
    await receiver.waitForSpans((all) => all.some((s) => s.resource['service.name'] === service && s.name === 'custom-otel doctor test span'), 10_000, `the doctor test span of ${service}`);
  });

  it("instrument.js on the oldest Node of the major runs the app with its flags and exits with the app's code", async () => {
    const service = `matrix-launcher-${entry.major}`;
    const result = await runNode(
      runtimes.oldest,
      [join(tree, 'instrument.js'), '--service_name', service, '--exporter_otlp_endpoint', receiver.grpcUrl, '--metrics_exporter', 'none', '--logs_exporter', 'none', '--', join(runtimes.oldest, 'bin', 'node'), '-e',
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
      { node: join(runtimes.oldest, 'bin', 'node'), cwd: TEST_APP_DIR, ready: /listening on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs: 60_000 },
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
    // The doctor says the same, and that telemetry would not flow.
    const doctor = await runNode(runtime, [join(tree, 'doctor.js')], operatorEnv(join(tree, 'autoinstrumentation.js'), receiver.grpcUrl));
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain(`FAIL  this is the custom-otel-autoinstrumentation-nodejs node${entry.major} image`);
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
