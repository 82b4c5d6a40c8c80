import type { V1ObjectMeta, V1OwnerReference, V1PodSpec, V1PodTemplateSpec } from '@kubernetes/client-node';
import type { OwnerObject } from './operator/resource-attributes';

// The pod the operator's webhook sees when a workload's controller creates one:
// the template's labels, annotations and spec, a generated name, and owner
// references (ReplicaSet → Deployment, Job → CronJob) the operator walks to name
// the service. Names a controller invents (hashes, schedule times) are shown as
// <placeholders>, since they are only known in a cluster.

export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface Workload {
  apiVersion?: string;
  kind: string;
  metadata?: V1ObjectMeta;
  spec?: {
    template?: V1PodTemplateSpec;
    jobTemplate?: { spec?: { template?: V1PodTemplateSpec } };
  } & Partial<V1PodSpec>;
}

export interface AdmittedPod {
  namespace: string;
  metadata: V1ObjectMeta;
  spec: V1PodSpec;
  ownerObjects: OwnerObject[];
  /** What was invented, for the explanation. */
  notes: string[];
}

export function isWorkload(doc: unknown): doc is Workload {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

const ownerRef = (apiVersion: string, kind: string, name: string): V1OwnerReference => ({
  apiVersion,
  kind,
  name,
  uid: `<uid of ${kind} ${name}>`,
  controller: true,
  blockOwnerDeletion: true,
});

function templateOf(workload: Workload): V1PodTemplateSpec {
  const template = workload.kind === 'CronJob' ? workload.spec?.jobTemplate?.spec?.template : workload.spec?.template;
  const name = workload.metadata?.name ?? '(unnamed)';
  if (!template?.spec?.containers) {
    throw new Error(`${workload.kind} ${name}: no pod template with containers (spec${workload.kind === 'CronJob' ? '.jobTemplate.spec' : ''}.template.spec.containers)`);
  }
  return template;
}

export function admittedPod(workload: Workload, defaultNamespace: string): AdmittedPod {
  const name = workload.metadata?.name ?? '';
  const namespace = workload.metadata?.namespace ?? defaultNamespace;
  const notes: string[] = [];
  if (!workload.metadata?.namespace) notes.push(`${workload.kind} ${name} has no namespace: assuming ${namespace}`);

  if (workload.kind === 'Pod') {
    const spec = workload.spec as V1PodSpec | undefined;
    if (!spec?.containers) throw new Error(`Pod ${name}: spec.containers is missing`);
    return { namespace, metadata: { ...workload.metadata, namespace }, spec, ownerObjects: [], notes };
  }

  const template = templateOf(workload);
  const base: V1ObjectMeta = {
    namespace,
    labels: template.metadata?.labels,
    annotations: template.metadata?.annotations,
  };
  const admitted = (metadata: V1ObjectMeta, ownerObjects: OwnerObject[]): AdmittedPod => ({
    namespace,
    metadata: { ...base, ...metadata },
    spec: template.spec as V1PodSpec,
    ownerObjects,
    notes,
  });

  switch (workload.kind as WorkloadKind) {
    case 'Deployment': {
      const replicaSet = `${name}-<pod-template-hash>`;
      notes.push(`the Deployment's ReplicaSet is named ${replicaSet} in a cluster, with a hash of the pod template`);
      return admitted({ generateName: `${replicaSet}-`, ownerReferences: [ownerRef('apps/v1', 'ReplicaSet', replicaSet)] }, [
        { kind: 'ReplicaSet', metadata: { name: replicaSet, namespace, ownerReferences: [ownerRef('apps/v1', 'Deployment', name)] } },
      ]);
    }
    case 'ReplicaSet':
      return admitted({ generateName: `${name}-`, ownerReferences: [ownerRef('apps/v1', 'ReplicaSet', name)] }, [
        { kind: 'ReplicaSet', metadata: { name, namespace } },
      ]);
    case 'StatefulSet':
      // The StatefulSet controller names its pods itself, so the webhook sees the name.
      return admitted({ name: `${name}-0`, ownerReferences: [ownerRef('apps/v1', 'StatefulSet', name)] }, []);
    case 'DaemonSet':
      return admitted({ generateName: `${name}-`, ownerReferences: [ownerRef('apps/v1', 'DaemonSet', name)] }, []);
    case 'Job':
      return admitted({ generateName: `${name}-`, ownerReferences: [ownerRef('batch/v1', 'Job', name)] }, [{ kind: 'Job', metadata: { name, namespace } }]);
    case 'CronJob': {
      const job = `${name}-<schedule-time>`;
      notes.push(`the CronJob's Jobs are named ${job} in a cluster, after the scheduled minute`);
      return admitted({ generateName: `${job}-`, ownerReferences: [ownerRef('batch/v1', 'Job', job)] }, [
        { kind: 'Job', metadata: { name: job, namespace, ownerReferences: [ownerRef('batch/v1', 'CronJob', name)] } },
      ]);
    }
    default:
      throw new Error(`kind ${workload.kind} is not a workload this preview knows (${WORKLOAD_KINDS.join(', ')})`);
  }
}
