/**
 * The user's flow on the real node (item 2 of issue 20): `kubectl apply -k`
 * of k8s/ (cluster/overlay), pods mutated by the real webhook run on the
 * kubelet, the test app's HTTP and MySQL spans with custom.* reach the real
 * collector, the doctor exits 0 under `kubectl exec`, `kubectl logs` shows our
 * start-up line. Once with the universal Instrumentation, once per Node major
 * with its per-major Instrumentation on an app image of that major.
 *
 * Needs the node (cluster/node.ts) and the images of support/flow-images.ts
 * in the local Docker engine (the set-up builds those missing); without either
 * it fails saying which is missing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectl, kubectlChecked } from '../../cluster/kubectl';
import { clusterContext, loadNode, NO_NODE } from '../../cluster/node-interface';
import { apply, getJson, type KubeObject } from './support/cluster-objects';
import { appImage, FLOW_MAJORS, flowImages, majorImage, missingImages } from './support/flow-images';

const NAMESPACE = 'otel-demo';
const MAJORS = FLOW_MAJORS;
const NEEDED_IMAGES = flowImages();

async function rollout(deployment: string): Promise<void> {
  const result = await kubectl(['rollout', 'status', '-n', NAMESPACE, `deployment/${deployment}`, '--timeout=300s']);
  if (result.exitCode !== 0) {
    const pods = await kubectl(['get', 'pods', '-n', NAMESPACE, '-o', 'wide']);
    const events = await kubectl(['get', 'events', '-n', NAMESPACE, '--sort-by=.lastTimestamp']);
    throw new Error(`deployment ${deployment} did not become available: ${result.stderr}\n${pods.stdout}\n${events.stdout.split('\n').slice(-20).join('\n')}`);
  }
}

async function podOf(app: string): Promise<KubeObject> {
  const list = await getJson(['pods', '-n', NAMESPACE, '-l', `app.kubernetes.io/name=${app}`, '--field-selector=status.phase=Running']);
  // A pod of the replaced ReplicaSet stays Running while it terminates: not the one to look at.
  const pod = (list.items as KubeObject[]).find((p) => !p.metadata.deletionTimestamp);
  if (!pod) throw new Error(`no running pod of ${app}`);
  return pod;
}

/** Requests from inside the pod (its own loopback): GET /users reads MySQL. node:http, which Node 14 and 16 have (fetch they lack). */
async function drive(pod: string): Promise<void> {
  const script =
    "const get = (p) => new Promise((ok, fail) => require('http').get('http://127.0.0.1:8080' + p, (r) => { r.resume(); r.on('end', () => (r.statusCode < 500 ? ok() : fail(new Error(p + ': ' + r.statusCode)))); }).on('error', fail));" +
    " Promise.all(['/', '/users', '/slow'].map(get)).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); })";
  await kubectlChecked(['exec', '-n', NAMESPACE, pod, '-c', 'test-app', '--', 'node', '-e', script], { timeoutMs: 60_000 });
}

/** The debug exporter's detailed output, polled until it shows what the app's requests make. */
async function collectorSees(patterns: RegExp[]): Promise<string> {
  let logs = '';
  for (let attempt = 0; attempt < 120; attempt++) {
    logs = (await kubectl(['logs', '-n', NAMESPACE, 'deployment/otel-collector', '--tail=-1'])).stdout;
    if (patterns.every((p) => p.test(logs))) return logs;
    await sleep(1000);
  }
  throw new Error(`the collector's output lacks ${patterns.filter((p) => !p.test(logs)).join(', ')}; its last lines:\n${logs.split('\n').slice(-40).join('\n')}`);
}

/**
 * The doctor of the tree the pod runs: at the mount's root in a per-major
 * image, under node<major>/ in the universal one (one tree per major).
 */
async function runDoctor(pod: string, tree: 'root' | 'per-major-dir'): Promise<void> {
  let path = '/otel-auto-instrumentation-nodejs/doctor.js';
  if (tree === 'per-major-dir') {
    const major = (await kubectlChecked(['exec', '-n', NAMESPACE, pod, '-c', 'test-app', '--', 'node', '-p', "process.versions.node.split('.')[0]"])).stdout.trim();
    path = `/otel-auto-instrumentation-nodejs/node${major}/doctor.js`;
  }
  const doctor = await kubectl(['exec', '-n', NAMESPACE, pod, '-c', 'test-app', '--', 'node', path], { timeoutMs: 120_000 });
  expect(doctor.exitCode, `${path}:\n${doctor.stdout}\n${doctor.stderr}`).toBe(0);
  expect(doctor.stdout).toContain('custom-otel doctor');
}

const SPAN_PATTERNS = [/http\.route: Str\(\/users\)/, /custom\.processed: Bool\(true\)/, /InstrumentationScope @opentelemetry\/instrumentation-mysql2/];

/** Why the flow cannot run here (no node, missing images): every test fails with it, none is skipped. */
let unmet: Error | undefined;
function requireFlow(): void {
  if (unmet) throw unmet;
}

async function setUpFlow(): Promise<void> {
  const node = await loadNode();
  if (!node) throw new Error(`the user flow needs a node: ${NO_NODE}`);
  const missing = await missingImages(NEEDED_IMAGES);
  if (missing.length) throw new Error(`the user flow needs these images in the local Docker engine (the project's set-up builds them; its output says why it could not): ${missing.join(', ')}`);
  if (!node.loadImages) throw new Error('cluster/node.ts has no loadImages: the images cannot reach the node');
  await node.loadImages(clusterContext(console.log), NEEDED_IMAGES);
  // The Instrumentations and the collector before the app, as k8s/README.md says: apply, then restart the app.
  await kubectlChecked(['apply', '-k', 'cluster/overlay']);
  await rollout('mysql');
  await rollout('otel-collector');
  await kubectlChecked(['rollout', 'restart', '-n', NAMESPACE, 'deployment/test-app']);
  await rollout('test-app');
}

describe('the user flow on the real node', () => {
  beforeAll(async () => {
    unmet = await setUpFlow().then(() => undefined, (error: Error) => error);
  }, 15 * 60_000);

  afterAll(async () => {
    await kubectl(['delete', '-k', 'cluster/overlay-per-major', '--ignore-not-found', '--timeout=120s']);
  });

  it('runs the test app with the init container, NODE_OPTIONS, OTEL_* and the volume the webhook added', async () => {
    requireFlow();
    const pod = await podOf('test-app');
    expect((pod.spec.initContainers as KubeObject[]).map((c) => c.name)).toContain('opentelemetry-auto-instrumentation-nodejs');
    const env = Object.fromEntries(((pod.spec.containers as KubeObject[])[0]!.env as KubeObject[]).map((e) => [e.name, e.value]));
    expect(env.NODE_OPTIONS).toContain('--require /otel-auto-instrumentation-nodejs/autoinstrumentation.js');
    expect(env.OTEL_SERVICE_NAME).toBe('test-app');
    expect((pod.status.initContainerStatuses as KubeObject[])[0]!.state.terminated.exitCode).toBe(0);
  });

  it("sends the app's HTTP and MySQL spans with custom.* to the real collector", async () => {
    requireFlow();
    await drive((await podOf('test-app')).metadata.name);
    await collectorSees(SPAN_PATTERNS);
  });

  it('logs our one start-up line, and the doctor exits 0 under kubectl exec', async () => {
    requireFlow();
    const name = (await podOf('test-app')).metadata.name;
    const logs = (await kubectlChecked(['logs', '-n', NAMESPACE, name, '-c', 'test-app'])).stdout + '';
    expect(logs.match(/started custom-otel-autoinstrumentation-nodejs/g) ?? []).toHaveLength(1);
    await runDoctor(name, 'per-major-dir');
  });

  describe.each(MAJORS)('Node %i with its per-major Instrumentation', (major) => {
    const name = `test-app-node${major}`;

    it(`runs ${appImage(major)} with ${majorImage(major)} and its spans reach the collector`, async () => {
      requireFlow();
      await kubectlChecked(['apply', '-k', 'cluster/overlay-per-major']);
      const template = await getJson(['-n', NAMESPACE, 'deployment', 'test-app']);
      const deployment = structuredClone(template);
      deployment.metadata = { name, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': name } };
      deployment.spec.selector = { matchLabels: { 'app.kubernetes.io/name': name } };
      deployment.spec.template.metadata.labels = { 'app.kubernetes.io/name': name };
      deployment.spec.template.metadata.annotations = { 'instrumentation.opentelemetry.io/inject-nodejs': `${NAMESPACE}/nodejs-${major}` };
      deployment.spec.template.spec.containers[0].image = appImage(major);
      delete deployment.status;
      await apply([deployment]);
      await rollout(name);
      const pod = await podOf(name);
      expect((pod.spec.initContainers as KubeObject[]).find((c) => c.name === 'opentelemetry-auto-instrumentation-nodejs')?.image).toBe(majorImage(major));
      await drive(pod.metadata.name);
      await collectorSees([...SPAN_PATTERNS, new RegExp(`service\\.name: Str\\(${name}\\)`)]);
      await runDoctor(pod.metadata.name, 'root');
    });
  });
});
