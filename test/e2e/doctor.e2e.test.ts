/**
 * doctor.js as a person runs it in an injected pod: `docker exec` (kubectl
 * exec) into the test app's container made as the operator makes it (the
 * init container's copy of the image, the operator's env), on each major's
 * image, with a real OTLP receiver up, then gone.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver';
import { NODEJS_MOUNT_PATH, NODEJS_VOLUME_NAME } from '../../tools/k8s/operator/nodejs-init-container';
import { startAppContainer, type AppContainer } from './support/app-container';
import { describeRun } from './support/build-script';
import { containerRunArgs } from './support/container-run-args';
import { dockerRun, runCommand } from './support/docker';
import { freePort } from '../support/free-port';
import { inspectImage } from './support/image-inspection';
import { emulatePod } from './support/operator-pod';
import { REPO_ROOT } from './support/repo';
import { buildTestAppImage } from './support/test-app-image';

const built = inject('e2eBuild');
const TEST_APP_MANIFEST = readFileSync(join(REPO_ROOT, 'k8s/test-app.yaml'), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-doctor-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each([18, 20, 22])('doctor.js in the Node %i pod the operator makes', (major) => {
  let receiver: OtlpReceiver | undefined;
  let app: AppContainer | undefined;
  let endpoint: string;
  const containerName = `custom-otel-e2e-doctor-${major}-${process.pid}`;
  const doctor = (extra: string[] = [], env: string[] = []) =>
    runCommand('docker', ['exec', ...env, containerName, 'node', `${NODEJS_MOUNT_PATH}/doctor.js`, ...extra], { timeoutMs: 60_000 });

  beforeAll(async () => {
    if (built.build.exitCode !== 0) throw new Error(`the image build failed, so there is no image to run:\n${describeRun(built.build)}`);
    if (!built.generatedInstrumentations) throw new Error('the build wrote no k8s/generated/instrumentations.yaml');
    const mariadb = await runCommand('bash', [join(REPO_ROOT, 'scripts/mariadb.sh')], { timeoutMs: 10 * 60_000 });
    if (mariadb.exitCode !== 0) throw new Error(`MariaDB is needed on 127.0.0.1:3306 and scripts/mariadb.sh failed:\n${mariadb.stdout}\n${mariadb.stderr}`);
    const appImage = await buildTestAppImage(major);
    receiver = await OtlpReceiver.start();
    endpoint = receiver.grpcUrl;
    const port = await freePort();
    const pod = emulatePod(TEST_APP_MANIFEST, built.generatedInstrumentations, { major, port, endpoint });
    const volume = mkdtempSync(join(scratch, `pod-${major}-`));
    chmodSync(volume, 0o777);
    const init = await dockerRun([
      '--rm',
      ...containerRunArgs(pod.initContainer, { name: `${containerName}-init`, network: 'none', volumes: { [NODEJS_VOLUME_NAME]: volume }, imageUser: (await inspectImage(pod.initContainer.image!)).user }),
    ]);
    if (init.exitCode !== 0) throw new Error(`the init container failed (exit ${init.exitCode}):\n${init.stdout}\n${init.stderr}`);
    app = await startAppContainer(
      containerRunArgs(pod.appContainer, {
        name: containerName,
        network: 'host',
        volumes: { [NODEJS_VOLUME_NAME]: volume },
        readOnlyVolumes: [NODEJS_VOLUME_NAME],
        env: pod.appEnv,
        imageUser: (await inspectImage(appImage)).user,
        detach: true,
      }),
      containerName,
      port,
      '/health',
    );
  }, 15 * 60_000);

  afterAll(async () => {
    await app?.stop(5);
    await receiver?.close();
  });

  it('collector up: exit 0, this tree in NODE_OPTIONS, the app (pid 1) would be instrumented, the test span arrives', async () => {
    const result = await doctor();
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toContain(`node${major} tree`);
    expect(lines[0]).toContain(`at ${NODEJS_MOUNT_PATH}`);
    expect(result.stdout).toContain("ok    NODE_OPTIONS requires this tree's autoinstrumentation.js");
    expect(result.stdout).toMatch(/ok {4}would start in the app \(pid 1: node .*server\.cjs\)/);
    expect(result.stdout).toContain('service "test-app"');
    expect(result.stdout).toContain(`OTLP endpoint ${endpoint} (grpc) accepted a test span`);
    expect(lines.at(-1)).toBe('=> telemetry would flow');
    await receiver!.waitForSpans((spans) => spans.some((s) => s.name === 'custom-otel doctor test span' && s.resource['service.name'] === 'test-app'), 10_000, 'the doctor test span');
    console.log(`doctor.js in the node${major} pod:\n${result.stdout}`);
  });

  it('entry missing from NODE_OPTIONS: says so, exit 1', async () => {
    const result = await doctor([], ['--env', 'NODE_OPTIONS=--max-old-space-size=128']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('FAIL  NODE_OPTIONS does not require autoinstrumentation.js (NODE_OPTIONS="--max-old-space-size=128")');
  });

  it('collector gone: exit 1 within its limit, naming the endpoint and the error', async () => {
    await receiver!.close();
    receiver = undefined;
    const result = await doctor(['--timeout-ms', '2000']);
    expect(result.exitCode, result.stdout).toBe(1);
    const line = result.stdout.split('\n').find((l) => l.startsWith('FAIL'));
    expect(line).toContain(`FAIL  OTLP endpoint ${endpoint} (grpc) did not accept a test span`);
    expect(line).toMatch(/ECONNREFUSED|UNAVAILABLE/);
  });
});
