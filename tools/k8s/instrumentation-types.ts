import type {
  V1EnvVar,
  V1ObjectMeta,
  V1PersistentVolumeClaimTemplate,
  V1ResourceRequirements,
  V1SecurityContext,
} from '@kubernetes/client-node';

// The fields of an opentelemetry.io/v1alpha1 Instrumentation that the operator's
// Node.js injection reads (names as in the CRD schema, tools/k8s/operator/crds).
// @kubernetes/client-node has no model for this custom resource, so it is typed here.

export const INSTRUMENTATION_API_VERSION = 'opentelemetry.io/v1alpha1';
export const INSTRUMENTATION_KIND = 'Instrumentation';

/** spec.propagators items, in the CRD's enum order. */
export const PROPAGATORS = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'xray', 'ottrace', 'none'] as const;
export type Propagator = (typeof PROPAGATORS)[number];

/** spec.sampler.type values, in the CRD's enum order. */
export const SAMPLER_TYPES = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'jaeger_remote',
  'xray',
] as const;
export type SamplerType = (typeof SAMPLER_TYPES)[number];

export interface ExporterTls {
  secretName?: string;
  configMapName?: string;
  ca_file?: string;
  cert_file?: string;
  key_file?: string;
}

export interface NodeJsSpec {
  image?: string;
  env?: V1EnvVar[];
  /** The init container's resources (the CRD calls it resourceRequirements, not resources). */
  resourceRequirements?: V1ResourceRequirements;
  /** A Kubernetes quantity, e.g. "50Mi". */
  volumeLimitSize?: string | number;
  volumeClaimTemplate?: V1PersistentVolumeClaimTemplate;
}

export interface InstrumentationSpec {
  exporter?: { endpoint?: string; tls?: ExporterTls };
  propagators?: string[];
  sampler?: { type?: string; argument?: string };
  resource?: { addK8sUIDAttributes?: boolean; resourceAttributes?: Record<string, string> };
  defaults?: { useLabelsForResourceAttributes?: boolean };
  env?: V1EnvVar[];
  imagePullPolicy?: string;
  initContainerSecurityContext?: V1SecurityContext;
  nodejs?: NodeJsSpec;
}

export interface Instrumentation {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
  spec: InstrumentationSpec;
}

export function isInstrumentation(doc: unknown): doc is Instrumentation {
  const candidate = doc as Partial<Instrumentation> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.apiVersion === INSTRUMENTATION_API_VERSION &&
    candidate.kind === INSTRUMENTATION_KIND
  );
}

/** "namespace/name", the form the inject-nodejs annotation uses. */
export function instrumentationKey(inst: Instrumentation): string {
  return `${inst.metadata.namespace ?? ''}/${inst.metadata.name ?? ''}`;
}
