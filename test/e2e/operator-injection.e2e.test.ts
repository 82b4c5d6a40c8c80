/**
 * The images under the operator's contract, for real: the init container's
 * copy into an emptyDir-like volume, then the test app's container of the
 * same Node major started with what the operator and the kubelet would give
 * it (env computed by tools/k8s from k8s/test-app.yaml and the generated
 * Instrumentation), MariaDB on 127.0.0.1 and a real OTLP/gRPC receiver in
 * this process. Judged on the spans that arrive.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver';
import { NODEJS_VOLUME_NAME } from '../../tools/k8s/operator/nodejs-init-container';
import { startAppContainer, type AppContainer } from './support/app-container';
import { describeRun } from './support/build-script';
import { containerRunArgs } from './support/container-run-args';
import { contentFingerprint, readDirectoryEntries } from './support/directory-entries';
import { dockerRun, runCommand } from './support/docker';
import { freePort } from '../support/free-port';
import { inspectImage } from './support/image-inspection';
import { emulatePod, NODE_NAME, POD_TEMPLATE_HASH, TEST_APP_NAMESPACE, type EmulatedPod } from './support/operator-pod';
import { E2E_MAJORS, packageVersion, REPO_ROOT } from './support/repo';
import { buildTestAppImage } from './support/test-app-image';

const built = inject('e2eBuild');
const MOUNT = '/otel-auto-instrumentation-nodejs';
const TEST_APP_MANIFEST = readFileSync(join(REPO_ROOT, 'k8s/test-app.yaml'), 'utf8');
// Distinctive values that must never leave the app: a query token, an Authorization header, a user's name and email.
const SECRET_TOKEN = 'tok-e2e-5c1d9a7f3b';
const SECRET_AUTHORIZATION = 'Bearer auth-e2e-0d6b2c8e44';
const USER_NAME = 'Ada E2e-7731 Lovelace';
const USER_EMAIL = 'ada.e2e-7731@example.invalid';

const scratch = mkdtempSync(join(tmpdir(), 'custom-otel-e2e-injection-'));

/** A directory like the kubelet's emptyDir: world-writable, so any pod user can fill it. */
function emptyDir(name: string): string {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  chmodSync(dir, 0o777);
  return dir;
}

function requireImages(): void {
  if (built.build.exitCode !== 0) throw new Error(`the image build failed, so there is no image to run:\n${describeRun(built.build)}`);
  if (!built.generatedInstrumentations) throw new Error('the build wrote no k8s/generated/instrumentations.yaml');
}

beforeAll(async () => {
  requireImages();
  // Idempotent: installs and starts the private MariaDB on 127.0.0.1:3306 when it is not running.
  const mariadb = await runCommand('bash', [join(REPO_ROOT, 'scripts/mariadb.sh')], { timeoutMs: 10 * 60_000 });
  if (mariadb.exitCode !== 0) throw new Error(`MariaDB is needed on 127.0.0.1:3306 and scripts/mariadb.sh failed (exit ${mariadb.exitCode}):\n${mariadb.stdout}\n${mariadb.stderr}`);
}, 15 * 60_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(E2E_MAJORS)('init container of Node %i, as the operator runs it', (major) => {
  it('copies /autoinstrumentation into the volume as uid 65532, read-only root, no capabilities, 64 MiB', async () => {
    const volume = emptyDir(`init-${major}`);
    const result = await dockerRun([
      '--rm', '--network', 'none', '--user', '65532:65532', '--memory', '64m', '--read-only', '--cap-drop', 'ALL',
      '--security-opt', 'no-new-privileges', '--volume', `${volume}:${MOUNT}`,
      built.images[major]!, 'cp', '-r', '/autoinstrumentation/.', MOUNT,
    ]);
    expect(result.exitCode, `the copy failed: ${result.stderr}`).toBe(0);
    const copied = readDirectoryEntries(volume);
    expect(contentFingerprint(copied)).toEqual(contentFingerprint(readDirectoryEntries(join(built.stageDir, `node${major}`))));
    // cp -r (not -a): the files belong to whoever ran the copy.
    expect(copied.filter((e) => e.uid !== 65532).map((e) => e.path)).toEqual([]);
  }, 120_000);
});

const serverSpan = (spans: readonly ReceivedSpan[], method: string, route: string) =>
  spans.find((s) => s.kind === 'SERVER' && s.attributes['http.route'] === route && (s.attributes['http.request.method'] ?? s.attributes['http.method']) === method);
const statementOf = (span: ReceivedSpan) => String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '');
const mysqlSpans = (spans: readonly ReceivedSpan[]) => spans.filter((s) => s.scope.includes('mysql2'));
const ROUTES: Array<[string, string]> = [
  ['GET', '/'],
  ['GET', '/slow'],
  ['GET', '/error'],
  ['GET', '/users'],
  ['POST', '/users'],
  ['GET', '/outbound'],
];

const testAppImages = new Map<number, Promise<string>>();
const testAppImage = (major: number) => {
  if (!testAppImages.has(major)) testAppImages.set(major, buildTestAppImage(major));
  return testAppImages.get(major)!;
};

describe.each([
  { major: 18, variant: 'cjs' },
  { major: 18, variant: 'esm' },
  { major: 20, variant: 'cjs' },
  { major: 20, variant: 'esm' },
  { major: 22, variant: 'cjs' },
  { major: 22, variant: 'esm' },
])('test app on Node $major ($variant) in the pod the operator makes', ({ major, variant }) => {
  let receiver: OtlpReceiver;
  let pod: EmulatedPod;
  let app: AppContainer | undefined;
  let port: number;
  let spans: ReceivedSpan[];
  const containerName = `custom-otel-e2e-test-app-${major}-${variant}-${process.pid}`;

  beforeAll(async () => {
    requireImages();
    const appImage = await testAppImage(major);
    receiver = await OtlpReceiver.start();
    port = await freePort();
    pod = emulatePod(TEST_APP_MANIFEST, built.generatedInstrumentations!, {
      major,
      port,
      endpoint: receiver.grpcUrl,
      // The app's owners ask for the Authorization header to be recorded: the distribution must redact it.
      extraEnv: [{ name: 'CUSTOM_OTEL_HTTP_CAPTURE_HEADERS', value: 'authorization' }],
      command: variant === 'esm' ? ['node', 'server.mjs'] : undefined,
    });
    const volume = emptyDir(`pod-${major}-${variant}`);

    // The init container exactly as the mutated pod describes it (the app's securityContext, the Instrumentation's limits).
    const init = await dockerRun([
      '--rm',
      ...containerRunArgs(pod.initContainer, {
        name: `${containerName}-init`,
        network: 'none',
        volumes: { [NODEJS_VOLUME_NAME]: volume },
        imageUser: (await inspectImage(pod.initContainer.image!)).user,
      }),
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

    const base = app.baseUrl;
    const call = async (path: string, init?: RequestInit) => {
      const response = await fetch(`${base}${path}`, init);
      return { status: response.status, body: await response.text() };
    };
    for (let i = 0; i < 3; i++) expect((await call('/health')).status).toBe(200);
    expect((await call('/')).status).toBe(200);
    expect((await call('/slow?ms=150')).status).toBe(200);
    expect((await call('/error')).status).toBe(500);
    expect((await call(`/users?after=0&token=${SECRET_TOKEN}`, { headers: { authorization: SECRET_AUTHORIZATION } })).status).toBe(200);
    const created = await call('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: USER_NAME, email: USER_EMAIL }) });
    expect(created.status, created.body).toBe(201);
    expect((await call('/outbound')).status).toBe(200);

    try {
      spans = await receiver.waitForSpans(
        (all) =>
          ROUTES.every(([method, route]) => serverSpan(all, method, route)) &&
          mysqlSpans(all).some((s) => statementOf(s).startsWith('INSERT')) &&
          all.some((s) => s.kind === 'CLIENT' && s.traceId === serverSpan(all, 'GET', '/outbound')?.traceId),
        30_000,
        'a server span per route, the MySQL INSERT and the outbound client span',
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await app.logs()}`);
    }
  }, 10 * 60_000);

  afterAll(async () => {
    await app?.stop(5);
    await receiver?.close();
  });

  it('gets the operator env: NODE_OPTIONS --require of the mounted entry, gRPC endpoint of the receiver, service name of the Deployment', () => {
    expect(pod.appEnv.NODE_OPTIONS).toBe(` --require ${MOUNT}/autoinstrumentation.js`);
    expect(pod.appEnv.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(receiver.grpcUrl);
    expect(pod.appEnv.OTEL_SERVICE_NAME).toBe('test-app');
    expect(pod.appEnv.OTEL_RESOURCE_ATTRIBUTES).toContain(`k8s.pod.name=${pod.podName}`);
    expect(pod.appEnv.OTEL_RESOURCE_ATTRIBUTES).not.toContain('$(');
  });

  it('exports a server span for each route, carrying the custom.* attributes', () => {
    for (const [method, route] of ROUTES) {
      const span = serverSpan(spans, method, route)!;
      expect(span.attributes['custom.processed'], `${method} ${route}`).toBe(true);
      expect(span.attributes['custom.processor.version'], `${method} ${route}`).toBe(packageVersion());
      expect(span.attributes['deployment.environment'], `${method} ${route}`).toBe('demo');
    }
    expect(serverSpan(spans, 'GET', '/slow')!.attributes['custom.slow_operation']).toBe(true);
    const failed = serverSpan(spans, 'GET', '/error')!;
    expect(failed.status.code).toBe('ERROR');
    expect(failed.attributes['custom.error_processed']).toBe(true);
  });

  it('exports MySQL spans with the statement, in the request trace, and no parameter values', () => {
    const insert = mysqlSpans(spans).find((s) => statementOf(s).startsWith('INSERT'));
    expect(insert, 'the INSERT span').toBeDefined();
    expect(statementOf(insert!)).toBe('INSERT INTO users (name, email) VALUES (?, ?)');
    expect(insert!.traceId).toBe(serverSpan(spans, 'POST', '/users')!.traceId);
    const select = mysqlSpans(spans).find((s) => statementOf(s).startsWith('SELECT id, name, email, created_at FROM users'));
    expect(select, 'the SELECT span of GET /users').toBeDefined();
    expect(select!.traceId).toBe(serverSpan(spans, 'GET', '/users')!.traceId);
    for (const value of [USER_NAME, USER_EMAIL]) {
      expect(JSON.stringify(spans), `"${value}" in a span`).not.toContain(value);
      expect(receiver.rawContains(value), `"${value}" in the exported bytes`).toBe(false);
    }
  });

  it('puts the /outbound client span in the trace of its server span, parent of the call it made', () => {
    const outbound = serverSpan(spans, 'GET', '/outbound')!;
    const client = spans.find((s) => s.kind === 'CLIENT' && s.traceId === outbound.traceId && String(s.attributes['url.full'] ?? s.attributes['http.url']).includes(`127.0.0.1:${port}/`));
    expect(client, 'the client span of /outbound').toBeDefined();
    const inner = spans.find((s) => s.kind === 'SERVER' && s.parentSpanId === client!.spanId);
    expect(inner?.attributes['http.route']).toBe('/');
    expect(inner!.traceId).toBe(outbound.traceId);
  });

  it('exports nothing for /health', () => {
    expect(spans.filter((s) => s.name.includes('/health') || JSON.stringify(s.attributes).includes('/health')).map((s) => `${s.kind} ${s.name}`)).toEqual([]);
  });

  it('exports no Authorization value or token anywhere, and shows it redacted the captured header', () => {
    const users = serverSpan(spans, 'GET', '/users')!;
    expect(users.attributes['http.request.header.authorization']).toEqual(['[REDACTED]']);
    expect(Object.values(users.attributes).some((v) => String(v).includes('token=[REDACTED]'))).toBe(true);
    expect(receiver.rawContains(SECRET_TOKEN)).toBe(false);
    expect(receiver.rawContains(SECRET_AUTHORIZATION.split(' ')[1]!)).toBe(false);
  });

  it("describes the resource with the Deployment's service name and the k8s.* attributes the operator sets", () => {
    const resource = serverSpan(spans, 'GET', '/')!.resource;
    expect(resource['service.name']).toBe('test-app');
    expect(resource['service.version']).toBe(`node${major}`);
    expect(resource['service.namespace']).toBe(TEST_APP_NAMESPACE);
    expect(resource['service.instance.id']).toBe(`${TEST_APP_NAMESPACE}.${pod.podName}.test-app`);
    expect(resource['k8s.pod.name']).toBe(pod.podName);
    expect(pod.podName).toBe(`test-app-${POD_TEMPLATE_HASH}-x7k2p`);
    expect(resource['k8s.namespace.name']).toBe(TEST_APP_NAMESPACE);
    expect(resource['k8s.deployment.name']).toBe('test-app');
    expect(resource['k8s.replicaset.name']).toBe(`test-app-${POD_TEMPLATE_HASH}`);
    expect(resource['k8s.container.name']).toBe('test-app');
    expect(resource['k8s.node.name']).toBe(NODE_NAME);
    expect(resource['deployment.environment.name']).toBe('demo');
  });

  it('stops on SIGTERM within the grace period, exit code 0', async () => {
    // docker stop sends SIGKILL when the grace period ends (exit code 137):
    // exit code 0 is the proof it stopped within it.
    const stopped = await app!.stop(10);
    app = undefined;
    expect(stopped.exitCode, stopped.logs).toBe(0);
  }, 60_000);
});
