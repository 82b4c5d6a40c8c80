/**
 * The user's `kubectl apply -k k8s/` (through cluster/overlay, which only renames
 * the database image) on a real API server with the real operator: every object
 * is accepted, the operator's webhook defaults our Instrumentation, a pod of the
 * test app's Deployment is mutated by the real pod webhook, and the operator
 * turns k8s/collector.yaml into a collector Deployment running our collector
 * image. What the node runs is the user-flow test's part.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadYaml } from '@kubernetes/client-node';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../scripts/child-process';
import { REPO_ROOT } from '../../scripts/repository';
import { kubectl, kubectlChecked } from '../../cluster/kubectl';
import { COLLECTOR_IMAGE } from '../../cluster/collector-image';
import { createDryRun, getJson, waitForDefaultServiceAccounts, type KubeObject } from './support/cluster-objects';

const OVERLAY = 'cluster/overlay';
const NAMESPACE = 'otel-demo';
const ours = loadYaml<KubeObject>(readFileSync(join(REPO_ROOT, 'k8s', 'instrumentations', 'nodejs.yaml'), 'utf8'));

async function poll<T>(what: string, attempt: () => Promise<T | undefined>, tries = 240): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await attempt();
    if (value !== undefined) return value;
    await sleep(500);
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe('kubectl apply -k k8s/ (cluster/overlay) on the real API server and operator', () => {
  let applied = '';

  beforeAll(async () => {
    const result = await kubectl(['apply', '-k', OVERLAY]);
    applied = `${result.stdout}${result.stderr}`;
    if (result.exitCode !== 0) throw new Error(`kubectl apply -k ${OVERLAY} was refused:\n${applied}`);
  });

  afterAll(async () => {
    await kubectl(['delete', '-k', OVERLAY, '--wait=false', '--ignore-not-found']);
  });

  it('accepts every object of k8s/', async () => {
    const rendered = (await kubectlChecked(['kustomize', OVERLAY])).stdout;
    const objects = rendered.split(/^---$/m).map((doc) => loadYaml<KubeObject>(doc)).filter(Boolean);
    expect(objects.length).toBeGreaterThan(5);
    for (const object of objects) {
      const args = object.metadata.namespace ? ['-n', object.metadata.namespace] : [];
      const kind = object.apiVersion.includes('/') ? `${object.kind}.${object.apiVersion.split('/')[0]}` : object.kind;
      const stored = await getJson([...args, kind.toLowerCase(), object.metadata.name]);
      expect(stored.metadata.uid, `${object.kind} ${object.metadata.name}`).toBeTruthy();
    }
  });

  it("is defaulted by the operator's Instrumentation webhook, our values kept", async () => {
    const stored = await getJson(['-n', NAMESPACE, 'instrumentation.opentelemetry.io', 'nodejs']);
    expect(stored.spec.nodejs).toMatchObject(ours.spec.nodejs);
    expect(stored.spec.exporter).toEqual(ours.spec.exporter);
    // The webhook fills in what we leave out (the other languages' images, their resources).
    expect(stored.spec.java?.image).toMatch(/autoinstrumentation-java:/);
    expect(stored.spec.python?.resourceRequirements?.limits).toBeDefined();
  });

  it("gives the test app's pods our init container, NODE_OPTIONS, OTEL_* and the volume", async () => {
    await waitForDefaultServiceAccounts([NAMESPACE]);
    const deployment = await getJson(['-n', NAMESPACE, 'deployment', 'test-app']);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...deployment.spec.template.metadata, generateName: 'test-app-', namespace: NAMESPACE }, spec: deployment.spec.template.spec };
    // The operator reads Instrumentations from its cache: the one just applied shows up there shortly.
    const admitted = await poll('the pod webhook to inject the nodejs Instrumentation', async () => {
      const result = await createDryRun(pod);
      return (result.spec.initContainers ?? []).length > 0 ? result : undefined;
    });
    const init = (admitted.spec.initContainers as KubeObject[]).find((c) => c.name === 'opentelemetry-auto-instrumentation-nodejs');
    expect(init?.image).toBe(ours.spec.nodejs.image);
    const app = (admitted.spec.containers as KubeObject[]).find((c) => c.name === 'test-app') as KubeObject;
    const env = Object.fromEntries((app.env as KubeObject[]).map((e) => [e.name, e.value ?? e.valueFrom]));
    expect(env.NODE_OPTIONS).toBe(' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js');
    expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(ours.spec.exporter.endpoint);
    expect(env.OTEL_SERVICE_NAME).toBe('test-app');
    expect(app.volumeMounts).toContainEqual({ name: 'opentelemetry-auto-instrumentation-nodejs', mountPath: '/otel-auto-instrumentation-nodejs' });
    expect((admitted.spec.volumes as KubeObject[]).map((v) => v.name)).toContain('opentelemetry-auto-instrumentation-nodejs');
  });

  it('makes the collector of k8s/collector.yaml a Deployment of our collector image', async () => {
    const deployment = await poll('the operator to create deployment otel-collector', async () => {
      const result = await kubectl(['get', '-n', NAMESPACE, 'deployment', 'otel-collector', '-o', 'json']);
      return result.exitCode === 0 ? (JSON.parse(result.stdout) as KubeObject) : undefined;
    });
    expect((deployment.spec.template.spec.containers as KubeObject[]).map((c) => c.image)).toContain(COLLECTOR_IMAGE);
  });

  it('gives our collector a configuration it accepts (the ConfigMap the operator wrote, validated by the collector itself)', async () => {
    const deployment = await getJson(['-n', NAMESPACE, 'deployment', 'otel-collector']);
    const container = (deployment.spec.template.spec.containers as KubeObject[]).find((c) => c.image === COLLECTOR_IMAGE) as KubeObject;
    const volume = (deployment.spec.template.spec.volumes as KubeObject[]).find((v) => v.configMap) as KubeObject;
    const configMap = await getJson(['-n', NAMESPACE, 'configmap', volume.configMap.name]);
    const key = volume.configMap.items?.[0]?.key ?? Object.keys(configMap.data)[0];
    const scratch = mkdtempSync(join(tmpdir(), 'cluster-collector-config-'));
    try {
      writeFileSync(join(scratch, key), configMap.data[key], { mode: 0o644 });
      chmodSync(scratch, 0o755);
      const mount = (container.volumeMounts as KubeObject[]).find((m) => m.name === volume.name) as KubeObject;
      // The operator's own arguments (--config=/conf/...), with validate: no port is opened.
      const result = await runCommand('docker', ['run', '--rm', '--network', 'none', '-v', `${scratch}:${mount.mountPath}:ro`, COLLECTOR_IMAGE, 'validate', ...(container.args as string[])]);
      expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(configMap.data[key]).toMatch(/debug:/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
