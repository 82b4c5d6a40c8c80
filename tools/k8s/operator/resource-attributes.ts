import type { V1Container, V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX } from './annotations';
import { indexOfEnv } from './env-list';
import { serviceVersionFromImage } from './image-reference';
import type { InstrumentationSpec } from '../instrumentation-types';

// OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME as the operator computes them
// (sdk.go createResourceMap, chooseServiceName, chooseServiceVersion,
// createServiceInstanceId, addParentResourceLabels, resourceMapToStr).

export const ENV_POD_NAME = 'OTEL_RESOURCE_ATTRIBUTES_POD_NAME';
export const ENV_POD_UID = 'OTEL_RESOURCE_ATTRIBUTES_POD_UID';
export const ENV_NODE_NAME = 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME';
export const ENV_RESOURCE_ATTRIBUTES = 'OTEL_RESOURCE_ATTRIBUTES';

export const reference = (envName: string) => `$(${envName})`;

// Labels read only with spec.defaults.useLabelsForResourceAttributes.
const LABELS_APP_NAME = ['app.kubernetes.io/instance', 'app.kubernetes.io/name'];
const LABELS_APP_VERSION = ['app.kubernetes.io/version'];

/** What the operator knows about the pod at admission time. */
export interface PodFacts {
  metadata: V1ObjectMeta;
  nodeName?: string;
  namespace: string;
  /** The owner objects the operator would read (ReplicaSets and Jobs), to walk up to Deployments and CronJobs. */
  ownerObjects: readonly OwnerObject[];
}

export interface OwnerObject {
  kind: string;
  metadata: V1ObjectMeta;
}

export type ResourceMap = Map<string, string>;

function annotationOrLabel(meta: V1ObjectMeta, useLabels: boolean, attribute: string, labelKeys: readonly string[]): string {
  const annotated = meta.annotations?.[RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX + attribute] ?? '';
  if (annotated !== '') return annotated;
  if (useLabels) {
    for (const key of labelKeys) {
      const labelled = meta.labels?.[key] ?? '';
      if (labelled !== '') return labelled;
    }
  }
  return '';
}

/** Keys already in the container's own OTEL_RESOURCE_ATTRIBUTES: never overwritten. */
export function existingResourceKeys(container: V1Container): Set<string> {
  const keys = new Set<string>();
  const env = container.env ?? [];
  const index = indexOfEnv(env, ENV_RESOURCE_ATTRIBUTES);
  if (index === -1) return keys;
  for (const pair of (env[index]?.value ?? '').split(',')) {
    const parts = pair.trim().split('=');
    if (parts.length === 2) keys.add(parts[0] ?? '');
  }
  return keys;
}

/** k8s.<kind>.name (and .uid) from the owner references, walking ReplicaSet → Deployment and Job → CronJob. */
export function ownerAttributes(owners: readonly V1OwnerReference[] | undefined, facts: PodFacts, withUids: boolean): Map<string, string> {
  const attributes = new Map<string, string>();
  const walk = (refs: readonly V1OwnerReference[] | undefined, depth: number) => {
    for (const owner of refs ?? []) {
      const kind = owner.kind.toLowerCase();
      if (!['replicaset', 'deployment', 'statefulset', 'daemonset', 'job', 'cronjob'].includes(kind)) continue;
      attributes.set(`k8s.${kind}.name`, owner.name);
      if (withUids) attributes.set(`k8s.${kind}.uid`, owner.uid ?? '');
      // The operator reads the ReplicaSet / Job to find its own owner; a missing
      // object is logged and the walk stops there.
      if ((kind === 'replicaset' || kind === 'job') && depth < 8) {
        const parent = facts.ownerObjects.find((o) => o.kind.toLowerCase() === kind && o.metadata.name === owner.name);
        walk(parent?.metadata.ownerReferences, depth + 1);
      }
    }
  };
  walk(owners, 0);
  return attributes;
}

export function serviceInstanceId(meta: V1ObjectMeta, namespace: string, podName: string, containerName: string): string {
  const annotated = annotationOrLabel(meta, false, 'service.instance.id', []);
  if (annotated !== '') return annotated;
  return namespace !== '' && podName !== '' && containerName !== '' ? `${namespace}.${podName}.${containerName}` : '';
}

/** The attribute map before the pod-name / node-name / uid references are filled in. */
export function createResourceMap(spec: InstrumentationSpec, facts: PodFacts, container: V1Container): ResourceMap {
  const existing = existingResourceKeys(container);
  const useLabels = spec.defaults?.useLabelsForResourceAttributes === true;
  const withUids = spec.resource?.addK8sUIDAttributes === true;
  const result: ResourceMap = new Map();

  // Lowest precedence: the Instrumentation's resourceAttributes.
  for (const [key, value] of Object.entries(spec.resource?.resourceAttributes ?? {})) {
    if (!existing.has(key)) result.set(key, value);
  }

  const k8s = new Map<string, string>([
    ['k8s.namespace.name', facts.namespace],
    ['k8s.container.name', container.name],
    ['k8s.pod.name', facts.metadata.name ?? ''],
    ['k8s.pod.uid', facts.metadata.uid ?? ''],
    ['k8s.node.name', facts.nodeName ?? ''],
    ['service.instance.id', serviceInstanceId(facts.metadata, facts.namespace, reference(ENV_POD_NAME), container.name)],
  ]);
  for (const [key, value] of ownerAttributes(facts.metadata.ownerReferences, facts, withUids)) k8s.set(key, value);
  for (const [key, value] of k8s) {
    if (!existing.has(key) && value !== '') result.set(key, value);
  }

  // Pod annotations resource.opentelemetry.io/<key> win over both (service.name goes to OTEL_SERVICE_NAME instead).
  for (const [annotation, value] of Object.entries(facts.metadata.annotations ?? {})) {
    if (!annotation.startsWith(RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX)) continue;
    const key = annotation.slice(RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX.length);
    if (!existing.has(key) && key !== 'service.name') result.set(key, value);
  }

  const serviceNamespace = annotationOrLabel(facts.metadata, useLabels, 'service.namespace', []) || facts.namespace;
  if (serviceNamespace !== '' && !existing.has('service.namespace')) result.set('service.namespace', serviceNamespace);
  return result;
}

export interface ServiceName {
  value: string;
  source: string;
}

const SERVICE_NAME_SOURCES: ReadonlyArray<[string, string]> = [
  ['k8s.deployment.name', 'Deployment'],
  ['k8s.replicaset.name', 'ReplicaSet'],
  ['k8s.statefulset.name', 'StatefulSet'],
  ['k8s.daemonset.name', 'DaemonSet'],
  ['k8s.cronjob.name', 'CronJob'],
  ['k8s.job.name', 'Job'],
  ['k8s.pod.name', 'pod name'],
];

export function chooseServiceName(spec: InstrumentationSpec, meta: V1ObjectMeta, resources: ResourceMap, container: V1Container): ServiceName {
  const useLabels = spec.defaults?.useLabelsForResourceAttributes === true;
  const annotated = annotationOrLabel(meta, useLabels, 'service.name', LABELS_APP_NAME);
  if (annotated !== '') return { value: annotated, source: `annotation ${RESOURCE_ATTRIBUTE_ANNOTATION_PREFIX}service.name${useLabels ? ' or app labels' : ''}` };
  for (const [key, what] of SERVICE_NAME_SOURCES) {
    const value = resources.get(key) ?? '';
    if (value !== '') return { value, source: what };
  }
  return { value: container.name, source: 'container name' };
}

export function chooseServiceVersion(spec: InstrumentationSpec, meta: V1ObjectMeta, container: V1Container): ServiceName | undefined {
  const useLabels = spec.defaults?.useLabelsForResourceAttributes === true;
  const annotated = annotationOrLabel(meta, useLabels, 'service.version', LABELS_APP_VERSION);
  if (annotated !== '') return { value: annotated, source: 'annotation or label' };
  const fromImage = serviceVersionFromImage(container.image);
  return fromImage === undefined ? undefined : { value: fromImage, source: `image ${container.image}` };
}

/** key=value pairs, keys sorted, comma-joined. */
export function resourceMapToString(resources: ResourceMap): string {
  return [...resources.keys()]
    .sort()
    .map((key) => `${key}=${resources.get(key)}`)
    .join(',');
}
