/**
 * The differential corpus: pod shapes, each with the namespace it is admitted
 * in (annotations, Instrumentations, Secrets), given both to the preview
 * (tools/k8s) and to the real operator's webhook.
 */
import type { V1Container, V1Volume } from '@kubernetes/client-node';
import type { Instrumentation, InstrumentationSpec } from '../../../tools/k8s/instrumentation-types';

export const IMAGE = 'custom-otel-autoinstrumentation-nodejs:1.0.0';
const INJECT = 'instrumentation.opentelemetry.io/inject-nodejs';
const CONTAINER_NAMES = 'instrumentation.opentelemetry.io/container-names';
const NODEJS_CONTAINER_NAMES = 'instrumentation.opentelemetry.io/nodejs-container-names';

export interface PodShape {
  name: string;
  namespaceAnnotations?: Record<string, string>;
  /** Instrumentations in the shape's namespace (name → spec). */
  instrumentations?: Record<string, InstrumentationSpec>;
  /** Secrets in the shape's namespace (for spec.exporter.tls). */
  secrets?: string[];
  pod: { annotations?: Record<string, string>; labels?: Record<string, string>; containers: V1Container[]; initContainers?: V1Container[]; volumes?: V1Volume[] };
}

/** Instrumentation `nodejs` in diff-shared, named across namespaces by one shape. */
export const SHARED_NAMESPACE = 'diff-shared';

const basic: InstrumentationSpec = {
  exporter: { endpoint: 'http://otel-collector.otel-demo.svc.cluster.local:4317' },
  propagators: ['tracecontext', 'baggage'],
  nodejs: { image: IMAGE },
};
export const SHARED_INSTRUMENTATIONS: Record<string, InstrumentationSpec> = { nodejs: basic };

const app = (extra: Partial<V1Container> = {}): V1Container => ({ name: 'app', image: 'custom-otel-test-app:node20', ...extra });
const worker = (extra: Partial<V1Container> = {}): V1Container => ({ name: 'worker', image: 'custom-otel-test-app:node22', ...extra });
const inject = (value = 'true', more: Record<string, string> = {}) => ({ [INJECT]: value, ...more });

export const POD_SHAPES: PodShape[] = [
  { name: 'one-container', instrumentations: { nodejs: basic }, pod: { annotations: inject(), containers: [app()] } },
  { name: 'true-zero-instrumentations', pod: { annotations: inject(), containers: [app()] } },
  { name: 'true-two-instrumentations', instrumentations: { a: basic, b: basic }, pod: { annotations: inject(), containers: [app()] } },
  { name: 'named-instrumentation', instrumentations: { a: basic, b: { ...basic, propagators: ['b3'] } }, pod: { annotations: inject('b'), containers: [app()] } },
  { name: 'other-namespace-instrumentation', pod: { annotations: inject(`${SHARED_NAMESPACE}/nodejs`), containers: [app()] } },
  { name: 'missing-named-instrumentation', instrumentations: { nodejs: basic }, pod: { annotations: inject('absent'), containers: [app()] } },
  { name: 'inject-false', instrumentations: { nodejs: basic }, pod: { annotations: inject('false'), containers: [app()] } },
  { name: 'no-annotation', instrumentations: { nodejs: basic }, pod: { containers: [app()] } },
  { name: 'namespace-true', namespaceAnnotations: inject(), instrumentations: { nodejs: basic }, pod: { containers: [app()] } },
  { name: 'namespace-true-pod-false', namespaceAnnotations: inject(), instrumentations: { nodejs: basic }, pod: { annotations: inject('false'), containers: [app()] } },
  { name: 'namespace-false-pod-true', namespaceAnnotations: inject('false'), instrumentations: { nodejs: basic }, pod: { annotations: inject(), containers: [app()] } },
  { name: 'namespace-names-pod-true', namespaceAnnotations: inject('b'), instrumentations: { a: basic, b: basic }, pod: { annotations: inject(), containers: [app()] } },
  { name: 'two-containers-first-only', instrumentations: { nodejs: basic }, pod: { annotations: inject(), containers: [app(), worker()] } },
  { name: 'container-names-both', instrumentations: { nodejs: basic }, pod: { annotations: inject('true', { [CONTAINER_NAMES]: 'app,worker' }), containers: [app(), worker()] } },
  { name: 'container-names-second', instrumentations: { nodejs: basic }, pod: { annotations: inject('true', { [CONTAINER_NAMES]: 'worker' }), containers: [app(), worker()] } },
  { name: 'container-names-unknown', instrumentations: { nodejs: basic }, pod: { annotations: inject('true', { [CONTAINER_NAMES]: 'worker,ghost' }), containers: [app(), worker()] } },
  { name: 'nodejs-container-names', instrumentations: { nodejs: basic }, pod: { annotations: inject('true', { [NODEJS_CONTAINER_NAMES]: 'worker' }), containers: [app(), worker()] } },
  { name: 'existing-node-options', instrumentations: { nodejs: basic }, pod: { annotations: inject(), containers: [app({ env: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=512' }] })] } },
  {
    name: 'node-options-value-from',
    instrumentations: { nodejs: basic },
    pod: { annotations: inject(), containers: [app({ env: [{ name: 'NODE_OPTIONS', valueFrom: { configMapKeyRef: { name: 'node', key: 'options' } } }] })] },
  },
  {
    name: 'env-value-from',
    instrumentations: { nodejs: basic },
    pod: {
      annotations: inject(),
      containers: [app({ env: [
        { name: 'MY_NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'MEMORY', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
      ] })],
    },
  },
  { name: 'own-service-name', instrumentations: { nodejs: basic }, pod: { annotations: inject(), containers: [app({ env: [{ name: 'OTEL_SERVICE_NAME', value: 'checkout' }] })] } },
  {
    name: 'own-resource-attributes',
    instrumentations: { nodejs: basic },
    pod: { annotations: inject(), containers: [app({ env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'team=payments,service.version=9' }] })] },
  },
  {
    name: 'security-context',
    instrumentations: { nodejs: basic },
    pod: { annotations: inject(), containers: [app({ securityContext: { runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } })] },
  },
  {
    name: 'resource-limits',
    instrumentations: { nodejs: { ...basic, nodejs: { image: IMAGE, resourceRequirements: { limits: { cpu: '1', memory: '0.5Gi' }, requests: { cpu: '100m', memory: '64Mi' } } } } },
    pod: { annotations: inject(), containers: [app({ resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '250m', memory: '256Mi' } } })] },
  },
  { name: 'volume-size', instrumentations: { nodejs: { ...basic, nodejs: { image: IMAGE, volumeLimitSize: '300Mi' } } }, pod: { annotations: inject(), containers: [app()] } },
  {
    name: 'tls-with-secret',
    secrets: ['otel-tls'],
    instrumentations: { nodejs: { ...basic, exporter: { endpoint: 'https://otel-collector:4317', tls: { secretName: 'otel-tls', ca_file: 'ca.crt', cert_file: 'tls.crt', key_file: 'tls.key' } } } },
    pod: { annotations: inject(), containers: [app()] },
  },
  {
    name: 'tls-without-secret',
    instrumentations: { nodejs: { ...basic, exporter: { endpoint: 'https://otel-collector:4317', tls: { secretName: 'otel-tls', ca_file: 'ca.crt' } } } },
    pod: { annotations: inject(), containers: [app()] },
  },
  {
    name: 'already-instrumented',
    instrumentations: { nodejs: basic },
    pod: {
      annotations: inject(),
      initContainers: [{ name: 'opentelemetry-auto-instrumentation-nodejs', image: IMAGE, command: ['cp', '-r', '/autoinstrumentation/.', '/otel-auto-instrumentation-nodejs'] }],
      containers: [app()],
    },
  },
  {
    name: 'existing-init-container',
    instrumentations: { nodejs: basic },
    pod: { annotations: inject(), initContainers: [{ name: 'migrate', image: 'custom-otel-test-app:node20', command: ['node', 'migrate.js'] }], containers: [app()] },
  },
  {
    name: 'app-labels',
    instrumentations: { nodejs: basic },
    pod: { annotations: inject(), labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/version': '2.4.1', 'app.kubernetes.io/part-of': 'store' }, containers: [app()] },
  },
  {
    name: 'resource-annotations',
    instrumentations: { nodejs: basic },
    pod: { annotations: inject('true', { 'resource.opentelemetry.io/service.name': 'billing', 'resource.opentelemetry.io/deployment.environment': 'staging' }), containers: [app()] },
  },
  {
    name: 'sampler-env-resource',
    instrumentations: {
      nodejs: {
        ...basic,
        sampler: { type: 'parentbased_traceidratio', argument: '0.25' },
        env: [{ name: 'OTEL_LOG_LEVEL', value: 'info' }],
        resource: { addK8sUIDAttributes: true, resourceAttributes: { 'deployment.environment': 'prod' } },
        nodejs: { image: IMAGE, env: [{ name: 'CUSTOM_OTEL_EXPRESS_SPANS', value: 'handlers' }] },
      },
    },
    pod: { annotations: inject(), containers: [app()] },
  },
  { name: 'own-sampler-arg', instrumentations: { nodejs: { ...basic, sampler: { type: 'traceidratio', argument: '0.5' } } }, pod: { annotations: inject(), containers: [app({ env: [{ name: 'OTEL_TRACES_SAMPLER_ARG', value: '0.1' }] })] } },
  { name: 'env-from', instrumentations: { nodejs: basic }, pod: { annotations: inject(), containers: [app({ envFrom: [{ configMapRef: { name: 'app-settings' } }] })] } },
  {
    name: 'existing-volumes',
    instrumentations: { nodejs: basic },
    pod: {
      annotations: inject(),
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [app({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
    },
  },
  {
    name: 'labels-for-resource-attributes',
    instrumentations: { nodejs: { ...basic, defaults: { useLabelsForResourceAttributes: true } } },
    pod: { annotations: inject(), labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/version': '2.4.1' }, containers: [app()] },
  },
  { name: 'no-nodejs-image', instrumentations: { nodejs: { exporter: basic.exporter } }, pod: { annotations: inject(), containers: [app()] } },
];

export function instrumentationObject(name: string, namespace: string, spec: InstrumentationSpec): Instrumentation {
  return { apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name, namespace }, spec };
}
