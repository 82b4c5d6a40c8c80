/**
 * The test app's pod as the OpenTelemetry Operator and the kubelet would
 * make it, computed with the repository's own emulation
 * (tools/k8s/operator-mutation.ts, kubelet-env.ts) from the committed
 * k8s/test-app.yaml and the Instrumentations the build generated. Pure:
 * manifest texts in, containers and their resolved environment out.
 *
 * The Deployment is changed only where a cluster differs from this machine:
 * its major (image tag and inject-nodejs annotation), MariaDB on 127.0.0.1
 * instead of the `mysql` Service, a free port, and the collector endpoint is
 * the test's receiver.
 */
import type { V1Container, V1EnvVar } from '@kubernetes/client-node';
import { parseManifestText } from '../../../tools/k8s/manifest-documents';
import { isInstrumentation, type Instrumentation } from '../../../tools/k8s/instrumentation-types';
import { mutatePodForNodejs, resolvePodEnv, type DownwardValues } from '../../../tools/k8s/operator-mutation';
import { NODEJS_INIT_CONTAINER_NAME } from '../../../tools/k8s/operator/nodejs-init-container';
import { admittedPod, type Workload } from '../../../tools/k8s/workload-pod';

export const TEST_APP_DEPLOYMENT = 'test-app';
export const TEST_APP_NAMESPACE = 'otel-demo';
/** What the ReplicaSet controller would name things; a cluster invents these. */
export const POD_TEMPLATE_HASH = '7d4b9c6f5d';
export const POD_NAME_SUFFIX = 'x7k2p';
export const NODE_NAME = 'e2e-node-1';

export const testAppImage = (major: number) => `custom-otel-test-app:node${major}`;

export interface PodSettings {
  major: number;
  /** Port the app listens on (host network). */
  port: number;
  /** OTLP/gRPC endpoint of the test receiver, e.g. http://127.0.0.1:4317. */
  endpoint: string;
  /** Extra env of the app container, as its owners would add it to the Deployment. */
  extraEnv?: V1EnvVar[];
  /** The app container's command, when not the image's (e.g. node server.mjs for the ESM entry). */
  command?: string[];
  /**
   * Through the universal image's Instrumentation `nodejs`, annotated "true" as
   * the committed manifest is, instead of the major's own `nodejs-<major>`.
   */
  universal?: boolean;
}

/** The Instrumentation a pod of these settings is injected with. */
export const instrumentationNameFor = (settings: Pick<PodSettings, 'major' | 'universal'>) => (settings.universal ? 'nodejs' : `nodejs-${settings.major}`);

export interface EmulatedPod {
  podName: string;
  instrumentation: Instrumentation;
  initContainer: V1Container;
  appContainer: V1Container;
  /** The app container's environment as the process sees it. */
  appEnv: Record<string, string>;
  decisions: string[];
  warnings: string[];
}

function setEnv(env: readonly V1EnvVar[], name: string, value: string): V1EnvVar[] {
  return env.some((e) => e.name === name) ? env.map((e) => (e.name === name ? { name, value } : e)) : [...env, { name, value }];
}

/** The test-app Deployment of k8s/test-app.yaml, set up for one major on this machine. */
export function testAppWorkload(manifest: string, settings: PodSettings): Workload {
  const documents = parseManifestText(manifest, 'k8s/test-app.yaml').map((d) => d.content);
  const deployment = documents.find((d) => d.kind === 'Deployment' && (d.metadata as { name?: string })?.name === TEST_APP_DEPLOYMENT);
  if (!deployment) throw new Error(`k8s/test-app.yaml has no Deployment ${TEST_APP_DEPLOYMENT}`);
  const workload = structuredClone(deployment) as unknown as Workload;
  const template = workload.spec?.template;
  const container = template?.spec?.containers[0];
  if (!template?.metadata || !container) throw new Error(`Deployment ${TEST_APP_DEPLOYMENT} has no pod template with a container`);
  template.metadata.annotations = {
    ...template.metadata.annotations,
    'instrumentation.opentelemetry.io/inject-nodejs': settings.universal ? 'true' : `${TEST_APP_NAMESPACE}/nodejs-${settings.major}`,
  };
  container.image = testAppImage(settings.major);
  let env = setEnv(container.env ?? [], 'DB_HOST', '127.0.0.1');
  env = setEnv(env, 'PORT', String(settings.port));
  for (const extra of settings.extraEnv ?? []) env = setEnv(env, extra.name, extra.value ?? '');
  container.env = env;
  if (settings.command) container.command = settings.command;
  return workload;
}

/** Secret contents of the manifest, by name then key (stringData and base64 data). */
export function secretsIn(manifest: string): Record<string, Record<string, string>> {
  const secrets: Record<string, Record<string, string>> = {};
  for (const { content } of parseManifestText(manifest, 'k8s/test-app.yaml')) {
    if (content.kind !== 'Secret') continue;
    const name = String((content.metadata as { name?: string }).name);
    const data = Object.fromEntries(Object.entries((content.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    secrets[name] = { ...data, ...((content.stringData ?? {}) as Record<string, string>) };
  }
  return secrets;
}

/** The generated Instrumentation of that name (nodejs-<major>, or nodejs for the universal image), exporting to `endpoint`. */
export function instrumentationFor(generated: string, name: string, endpoint: string): Instrumentation {
  const found = parseManifestText(generated, 'k8s/generated/instrumentations.yaml')
    .map((d): unknown => d.content)
    .filter(isInstrumentation)
    .find((inst) => inst.metadata.name === name);
  if (!found) throw new Error(`k8s/generated/instrumentations.yaml has no Instrumentation ${name}`);
  const inst = structuredClone(found);
  inst.spec.exporter = { ...inst.spec.exporter, endpoint };
  return inst;
}

export function emulatePod(testAppManifest: string, generatedInstrumentations: string, settings: PodSettings): EmulatedPod {
  const workload = testAppWorkload(testAppManifest, settings);
  // Only the one Instrumentation is in the namespace, so "true" picks it.
  const instrumentation = instrumentationFor(generatedInstrumentations, instrumentationNameFor(settings), settings.endpoint);
  // admittedPod writes the names a controller invents as <placeholders>; give them values, as a cluster would.
  const admitted = JSON.parse(JSON.stringify(admittedPod(workload, TEST_APP_NAMESPACE)).replaceAll('<pod-template-hash>', POD_TEMPLATE_HASH)) as ReturnType<typeof admittedPod>;
  const result = mutatePodForNodejs({
    namespace: { name: admitted.namespace },
    pod: { metadata: admitted.metadata, spec: admitted.spec },
    ownerObjects: admitted.ownerObjects,
    instrumentations: [instrumentation],
  });
  if (!result.injected) throw new Error(`the operator would not instrument the test app: ${result.reason}\n${result.decisions.join('\n')}`);
  const podName = `${admitted.metadata.generateName ?? `${TEST_APP_DEPLOYMENT}-`}${POD_NAME_SUFFIX}`;
  const initContainer = (result.podSpec.initContainers ?? []).find((c) => c.name === NODEJS_INIT_CONTAINER_NAME);
  const appContainer = result.podSpec.containers.find((c) => c.name === result.containers[0]);
  if (!initContainer || !appContainer) throw new Error('the mutated pod lacks the init container or the instrumented container');
  const downward: DownwardValues = {
    podName,
    podUID: '0e2e0000-0000-4000-8000-00000000e2e1',
    nodeName: NODE_NAME,
    // Host network: the pod's and the node's address are this machine's loopback.
    hostIP: '127.0.0.1',
    podIP: '127.0.0.1',
    namespace: admitted.namespace,
    labels: admitted.metadata.labels,
    annotations: admitted.metadata.annotations,
    secrets: secretsIn(testAppManifest),
  };
  return {
    podName,
    instrumentation,
    initContainer,
    appContainer,
    appEnv: resolvePodEnv(appContainer.env, downward),
    decisions: result.decisions,
    warnings: result.warnings,
  };
}
