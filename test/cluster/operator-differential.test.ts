/**
 * The preview (npm run k8s:preview, tools/k8s) against the real OpenTelemetry
 * Operator: each pod shape of the corpus is admitted by the operator's webhook
 * (kubectl create --dry-run=server) and given to the preview with the same
 * namespace, Instrumentations and Secrets; the pods must be the same.
 *
 * Both pods pass the API server's own defaulting: the preview's pod is
 * dry-run created in a namespace with no Instrumentation and without the
 * instrumentation.opentelemetry.io/ annotations, so the operator leaves it
 * alone, and the ServiceAccount token volume (its name is random) is left out
 * of both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/repository';
import { type ManifestDocument } from '../../tools/k8s/manifest-documents';
import { previewDocuments } from '../../tools/k8s/preview-report';
import { CLUSTER_VERSIONS } from '../../cluster/versions';
import { OPERATOR_DEFAULT_NODEJS_IMAGE } from '../../cluster/operator';
import { apply, createDryRun, deleteNamespaces, waitForDefaultServiceAccounts, type KubeObject } from './support/cluster-objects';
import { IMAGE, instrumentationObject, POD_SHAPES, SHARED_INSTRUMENTATIONS, SHARED_NAMESPACE, type PodShape } from './support/pod-shapes';
import { checkedAgainstLine } from './support/checked-against';

const run = Date.now().toString(36).slice(-5);
const namespaceOf = (shape: PodShape) => `diff-${run}-${shape.name}`.slice(0, 63).replace(/-+$/, '');
const SHARED = `${SHARED_NAMESPACE}-${run}`;
const DEFAULTS = `diff-${run}-defaults`;
const SENTINEL = `diff-${run}-sentinel`;

function namespaceObject(name: string, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(annotations ? { annotations } : {}) } };
}

function secretObject(name: string, namespace: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', stringData: { 'ca.crt': 'not a real certificate' } };
}

/** The shape's annotations with the shared namespace's name of this run. */
function podAnnotations(shape: PodShape): Record<string, string> | undefined {
  if (!shape.pod.annotations) return undefined;
  return Object.fromEntries(Object.entries(shape.pod.annotations).map(([k, v]) => [k, v.replace(`${SHARED_NAMESPACE}/`, `${SHARED}/`)]));
}

function podObject(shape: PodShape, namespace: string): KubeObject {
  const annotations = podAnnotations(shape);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: shape.name, namespace, ...(annotations ? { annotations } : {}), ...(shape.pod.labels ? { labels: shape.pod.labels } : {}) },
    spec: { containers: shape.pod.containers, ...(shape.pod.initContainers ? { initContainers: shape.pod.initContainers } : {}), ...(shape.pod.volumes ? { volumes: shape.pod.volumes } : {}) },
  };
}

function shapeObjects(shape: PodShape): KubeObject[] {
  const namespace = namespaceOf(shape);
  return [
    namespaceObject(namespace, shape.namespaceAnnotations),
    ...(shape.secrets ?? []).map((s) => secretObject(s, namespace)),
    ...Object.entries(shape.instrumentations ?? {}).map(([name, spec]) => instrumentationObject(name, namespace, spec)),
  ];
}

const sharedObjects = (): KubeObject[] => [
  namespaceObject(SHARED),
  ...Object.entries(SHARED_INSTRUMENTATIONS).map(([name, spec]) => instrumentationObject(name, SHARED, spec)),
];

const TOKEN_VOLUME = /^kube-api-access-[a-z0-9]+$/;

/** The spec without the ServiceAccount token volume the API server adds with a random name. */
function comparable(spec: KubeObject): KubeObject {
  const withoutTokenMount = (c: KubeObject) => {
    const mounts = ((c.volumeMounts ?? []) as KubeObject[]).filter((m) => !TOKEN_VOLUME.test(m.name));
    const { volumeMounts: _, ...rest } = c;
    return mounts.length ? { ...rest, volumeMounts: mounts } : rest;
  };
  const volumes = ((spec.volumes ?? []) as KubeObject[]).filter((v) => !TOKEN_VOLUME.test(v.name));
  const { volumes: _, ...rest } = spec;
  return {
    ...rest,
    ...(volumes.length ? { volumes } : {}),
    containers: (spec.containers as KubeObject[]).map(withoutTokenMount),
    ...(spec.initContainers ? { initContainers: (spec.initContainers as KubeObject[]).map(withoutTokenMount) } : {}),
  };
}

/** The preview's pod for the shape, through the API server's defaulting only. */
async function previewPod(shape: PodShape): Promise<{ spec: KubeObject; text: string }> {
  const namespace = namespaceOf(shape);
  const documents: ManifestDocument[] = [...sharedObjects(), ...shapeObjects(shape), podObject(shape, namespace)].map((content, index) => ({
    content,
    file: 'corpus',
    index: index + 1,
    line: 1,
  }));
  const [preview] = previewDocuments(documents, {
    defaultNamespace: namespace,
    operatorVersion: CLUSTER_VERSIONS.operator.version,
    operatorNodejsImage: OPERATOR_DEFAULT_NODEJS_IMAGE,
  });
  if (!preview) throw new Error(`the preview returned nothing for ${shape.name}`);
  const spec = preview.result.podSpec ?? podObject(shape, namespace).spec;
  const unannotated = Object.fromEntries(Object.entries(podAnnotations(shape) ?? {}).filter(([k]) => !k.startsWith('instrumentation.opentelemetry.io/')));
  const defaulted = await createDryRun({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: shape.name, namespace: DEFAULTS, annotations: unannotated, ...(shape.pod.labels ? { labels: shape.pod.labels } : {}) },
    spec,
  });
  return { spec: comparable(defaulted.spec), text: preview.text };
}

describe(`the preview agrees with OpenTelemetry Operator ${CLUSTER_VERSIONS.operator.version} on ${POD_SHAPES.length} pod shapes`, () => {
  const namespaces = [SHARED, DEFAULTS, SENTINEL, ...POD_SHAPES.map(namespaceOf)];

  beforeAll(async () => {
    expect(new Set(POD_SHAPES.map(namespaceOf)).size).toBe(POD_SHAPES.length);
    const objects = [...sharedObjects(), namespaceObject(DEFAULTS), ...POD_SHAPES.flatMap(shapeObjects)];
    // Namespaces first: the other objects are created in them.
    await apply(objects.filter((o) => o.kind === 'Namespace'));
    await apply(objects.filter((o) => o.kind !== 'Namespace'));
    // The operator reads Instrumentations from its informer cache, which sees them in creation order:
    // once an Instrumentation created after all the others injects, the others are visible too.
    await apply([namespaceObject(SENTINEL), instrumentationObject('nodejs', SENTINEL, { nodejs: { image: IMAGE } })]);
    await waitForDefaultServiceAccounts(namespaces);
    const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe', namespace: SENTINEL, annotations: { 'instrumentation.opentelemetry.io/inject-nodejs': 'true' } }, spec: { containers: [{ name: 'app', image: IMAGE }] } };
    for (let attempt = 0; ; attempt++) {
      const admitted = await createDryRun(probe);
      if ((admitted.spec.initContainers ?? []).length > 0) break;
      if (attempt === 120) throw new Error(`the operator never injected into a pod in ${SENTINEL}: its cache does not see Instrumentations`);
      await sleep(500);
    }
  });

  afterAll(async () => {
    await deleteNamespaces(namespaces);
  });

  it.each(POD_SHAPES.map((shape) => [shape.name, shape] as const))('%s', async (_name, shape) => {
    const admitted = await createDryRun(podObject(shape, namespaceOf(shape)));
    const preview = await previewPod(shape);
    expect(preview.spec, `the preview said:\n${preview.text}`).toEqual(comparable(admitted.spec));
    // The operator changes the pod's spec only, never its metadata.
    expect(admitted.metadata.annotations ?? {}).toEqual(podAnnotations(shape) ?? {});
  });

  it("k8s/README.md's checked-against line is the one this test proves", () => {
    const readme = readFileSync(join(REPO_ROOT, 'k8s', 'README.md'), 'utf8');
    const line = checkedAgainstLine(CLUSTER_VERSIONS.operator.version, POD_SHAPES.length);
    expect(readme, `k8s/README.md must say, as the differential test proves:\n${line}`).toContain(line);
  });
});
