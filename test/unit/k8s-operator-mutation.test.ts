import { describe, expect, it } from 'vitest';
import type { V1Container, V1EnvVar, V1ObjectMeta, V1PodSpec } from '@kubernetes/client-node';
import { mutatePodForNodejs, NODE_REQUIRE_ARGUMENT, type AdmissionRequest, type MutationResult } from '../../tools/k8s/operator-mutation';
import { effectiveAnnotation } from '../../tools/k8s/operator/annotations';
import type { Instrumentation, InstrumentationSpec } from '../../tools/k8s/instrumentation-types';
import type { OwnerObject } from '../../tools/k8s/operator/resource-attributes';

// Every rule of docs/operator-contract.md, against the pure emulation.

const REQUIRE = ' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js';
const INJECT = 'instrumentation.opentelemetry.io/inject-nodejs';

function instrumentation(name: string, namespace: string, spec: InstrumentationSpec = {}): Instrumentation {
  return {
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'Instrumentation',
    metadata: { name, namespace },
    spec: { exporter: { endpoint: 'http://collector:4317' }, nodejs: { image: 'custom-otel-autoinstrumentation-nodejs:1.0.0-node20' }, ...spec },
  };
}

interface RequestParts {
  namespace?: string;
  namespaceAnnotations?: Record<string, string>;
  metadata?: V1ObjectMeta;
  spec?: Partial<V1PodSpec>;
  containers?: V1Container[];
  instrumentations?: Instrumentation[];
  ownerObjects?: OwnerObject[];
}

function request(parts: RequestParts = {}): AdmissionRequest {
  const namespace = parts.namespace ?? 'ns';
  return {
    namespace: { name: namespace, annotations: parts.namespaceAnnotations },
    pod: {
      metadata: parts.metadata ?? { annotations: { [INJECT]: 'true' } },
      spec: { containers: parts.containers ?? [{ name: 'app', image: 'web:1.2.3' }], ...parts.spec },
    },
    ownerObjects: parts.ownerObjects,
    instrumentations: parts.instrumentations ?? [instrumentation('nodejs-20', namespace)],
  };
}

function injected(result: MutationResult) {
  if (!result.injected) throw new Error(`expected an injection, got: ${result.reason}`);
  return result;
}

function container(result: MutationResult, name = 'app'): V1Container {
  const found = injected(result).podSpec.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
}

const envNames = (c: V1Container) => (c.env ?? []).map((e) => e.name);
const envValue = (c: V1Container, name: string) => (c.env ?? []).find((e) => e.name === name)?.value;

describe('inject-nodejs annotation: pod over namespace', () => {
  // The table of the operator's annotationValue().
  it.each([
    [undefined, undefined, ''],
    [undefined, 'true', 'true'],
    ['nodejs-20', undefined, 'nodejs-20'],
    ['false', 'true', 'false'],
    ['nodejs-20', 'nodejs-22', 'nodejs-20'],
    ['true', 'false', 'true'],
    ['true', 'nodejs-22', 'nodejs-22'],
    ['TRUE', 'ns/x', 'ns/x'],
    ['true', 'true', 'true'],
  ])('pod %s, namespace %s → %s', (pod, namespace, expected) => {
    const annotations = (value: string | undefined) => (value === undefined ? undefined : { [INJECT]: value });
    expect(effectiveAnnotation(annotations(namespace), annotations(pod), INJECT).value).toBe(expected);
  });

  it('a namespace annotation alone instruments the pod', () => {
    const result = mutatePodForNodejs(request({ metadata: {}, namespaceAnnotations: { [INJECT]: 'nodejs-20' } }));
    expect(injected(result).instrumentation).toBe('ns/nodejs-20');
  });

  it('"true" with exactly one Instrumentation in the namespace selects it', () => {
    expect(injected(mutatePodForNodejs(request())).instrumentation).toBe('ns/nodejs-20');
  });

  it('"true" with none in the namespace is the operator error', () => {
    const result = mutatePodForNodejs(request({ instrumentations: [instrumentation('nodejs-20', 'elsewhere')] }));
    expect(result.injected).toBe(false);
    expect(!result.injected && result.reason).toContain('no OpenTelemetry Instrumentation instances available');
    expect(result.podSpec).toBeUndefined();
  });

  it('"true" with several in the namespace is the operator error', () => {
    const result = mutatePodForNodejs(request({ instrumentations: [instrumentation('nodejs-20', 'ns'), instrumentation('nodejs-22', 'ns')] }));
    expect(!result.injected && result.reason).toContain(
      'multiple OpenTelemetry Instrumentation instances available, cannot determine which one to select',
    );
  });

  it('"name" is looked up in the pod namespace, "ns/name" in the named one', () => {
    const insts = [instrumentation('nodejs-20', 'ns'), instrumentation('nodejs-22', 'ns'), instrumentation('nodejs-22', 'shared')];
    const byName = mutatePodForNodejs(request({ metadata: { annotations: { [INJECT]: 'nodejs-22' } }, instrumentations: insts }));
    expect(injected(byName).instrumentation).toBe('ns/nodejs-22');
    const qualified = mutatePodForNodejs(request({ metadata: { annotations: { [INJECT]: 'shared/nodejs-22' } }, instrumentations: insts }));
    expect(injected(qualified).instrumentation).toBe('shared/nodejs-22');
  });

  it('a name that does not exist is a NotFound error, and the pod is left alone', () => {
    const result = mutatePodForNodejs(request({ metadata: { annotations: { [INJECT]: 'other/nodejs-99' } } }));
    expect(!result.injected && result.reason).toContain('instrumentations.opentelemetry.io "nodejs-99" not found (namespace other)');
  });

  it('"false" and no annotation inject nothing', () => {
    const off = mutatePodForNodejs(request({ metadata: { annotations: { [INJECT]: 'false' } } }));
    expect(off).toMatchObject({ injected: false, reason: 'inject-nodejs is "false"' });
    const none = mutatePodForNodejs(request({ metadata: {} }));
    expect(none).toMatchObject({ injected: false, reason: 'no inject-nodejs annotation on the pod or its namespace' });
  });

  it('a pod already carrying the init container, or the node-name variable, is skipped entirely', () => {
    const withInit = mutatePodForNodejs(request({ spec: { initContainers: [{ name: 'opentelemetry-auto-instrumentation-nodejs' }] } }));
    expect(!withInit.injected && withInit.reason).toContain('already instrumented');
    const withEnv = mutatePodForNodejs(request({ containers: [{ name: 'app', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME', value: 'n' }] }] }));
    expect(!withEnv.injected && withEnv.reason).toContain('sets OTEL_RESOURCE_ATTRIBUTES_NODE_NAME');
  });
});

describe('container selection', () => {
  const three: V1Container[] = [
    { name: 'app', image: 'web:1' },
    { name: 'sidecar', image: 'proxy:1' },
    { name: 'worker', image: 'web:1' },
  ];
  const names = (result: MutationResult) => injected(result).containers;

  it('by default only the first container', () => {
    const result = mutatePodForNodejs(request({ containers: three }));
    expect(names(result)).toEqual(['app']);
    expect(container(result, 'sidecar').env).toBeUndefined();
    expect(container(result, 'worker').volumeMounts).toBeUndefined();
  });

  it('container-names picks the listed ones; nodejs-container-names adds to it', () => {
    const annotations = {
      [INJECT]: 'true',
      'instrumentation.opentelemetry.io/container-names': 'worker',
      'instrumentation.opentelemetry.io/nodejs-container-names': 'app',
    };
    const result = mutatePodForNodejs(request({ containers: three, metadata: { annotations } }));
    expect(names(result)).toEqual(['worker', 'app']);
    expect(envNames(container(result, 'worker'))).toContain('NODE_OPTIONS');
    expect(container(result, 'sidecar').env).toBeUndefined();
  });

  it('a listed init container is instrumented first and gets the copy before it', () => {
    const annotations = { [INJECT]: 'true', 'instrumentation.opentelemetry.io/container-names': 'app,migrate' };
    const result = mutatePodForNodejs(
      request({ containers: three, metadata: { annotations }, spec: { initContainers: [{ name: 'setup' }, { name: 'migrate', image: 'web:1' }] } }),
    );
    expect(names(result)).toEqual(['migrate', 'app']);
    expect((injected(result).podSpec.initContainers ?? []).map((c) => c.name)).toEqual([
      'setup',
      'opentelemetry-auto-instrumentation-nodejs',
      'migrate',
    ]);
  });

  it('a name that matches no container is dropped with a warning', () => {
    const annotations = { [INJECT]: 'true', 'instrumentation.opentelemetry.io/container-names': 'app,nope' };
    const result = injected(mutatePodForNodejs(request({ containers: three, metadata: { annotations } })));
    expect(result.containers).toEqual(['app']);
    expect(result.warnings.join('\n')).toContain('"nope", which is not a container of this pod');
  });

  it('names that match nothing: not injected, saying so', () => {
    const annotations = { [INJECT]: 'true', 'instrumentation.opentelemetry.io/container-names': 'nope' };
    const result = mutatePodForNodejs(request({ containers: three, metadata: { annotations } }));
    expect(!result.injected && result.reason).toBe('no container of the pod matches the container-names annotation (nope)');
  });

  it('invalid characters are the operator error', () => {
    const annotations = { [INJECT]: 'true', 'instrumentation.opentelemetry.io/container-names': 'app_1' };
    const result = mutatePodForNodejs(request({ metadata: { annotations } }));
    expect(!result.injected && result.reason).toContain('not valid characters included in the instrumentation container annotation app_1');
  });

  it('a container named twice makes the operator skip the pod', () => {
    const annotations = {
      [INJECT]: 'true',
      'instrumentation.opentelemetry.io/container-names': 'app',
      'instrumentation.opentelemetry.io/nodejs-container-names': 'app',
    };
    const result = mutatePodForNodejs(request({ metadata: { annotations } }));
    expect(!result.injected && result.reason).toContain('duplicated container names detected: [app]');
  });
});

describe('NODE_OPTIONS', () => {
  it('unset: the require argument with its leading space', () => {
    expect(NODE_REQUIRE_ARGUMENT).toBe(REQUIRE);
    expect(envValue(container(mutatePodForNodejs(request())), 'NODE_OPTIONS')).toBe(' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js');
  });

  it('plain value: the argument appended, in place', () => {
    const result = mutatePodForNodejs(request({ containers: [{ name: 'app', env: [{ name: 'A', value: '1' }, { name: 'NODE_OPTIONS', value: '--max-old-space-size=512' }, { name: 'B', value: '2' }] }] }));
    const app = container(result);
    expect(envValue(app, 'NODE_OPTIONS')).toBe('--max-old-space-size=512 --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js');
    expect(envNames(app).slice(0, 5)).toEqual(['OTEL_NODE_IP', 'OTEL_POD_IP', 'A', 'NODE_OPTIONS', 'B']);
  });

  it('from spec.nodejs.env: appended to like the container own value', () => {
    const inst = instrumentation('nodejs-20', 'ns', { nodejs: { image: 'i:node20', env: [{ name: 'NODE_OPTIONS', value: '--enable-source-maps' }] } });
    expect(envValue(container(mutatePodForNodejs(request({ instrumentations: [inst] }))), 'NODE_OPTIONS')).toBe('--enable-source-maps' + REQUIRE);
  });

  it('valueFrom: the container is not instrumented, with the operator reason; the init container is still added', () => {
    const env: V1EnvVar[] = [{ name: 'NODE_OPTIONS', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'opts' } } }];
    const result = mutatePodForNodejs(request({ containers: [{ name: 'app', env }] }));
    expect(result.injected).toBe(false);
    expect(!result.injected && result.reason).toBe('app: the container defines env var value via ValueFrom, envVar: NODE_OPTIONS');
    const app = result.podSpec?.containers[0];
    expect(app?.env).toEqual(env);
    expect(app?.volumeMounts).toBeUndefined();
    expect(result.podSpec?.initContainers?.[0]?.name).toBe('opentelemetry-auto-instrumentation-nodejs');
  });

  it('valueFrom on one of two containers: the other is still instrumented', () => {
    const annotations = { [INJECT]: 'true', 'instrumentation.opentelemetry.io/container-names': 'a,b' };
    const result = injected(
      mutatePodForNodejs(
        request({
          metadata: { annotations },
          containers: [
            { name: 'a', env: [{ name: 'NODE_OPTIONS', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] },
            { name: 'b' },
          ],
        }),
      ),
    );
    expect(result.containers).toEqual(['b']);
    expect(result.skippedContainers).toEqual([{ name: 'a', reason: 'the container defines env var value via ValueFrom, envVar: NODE_OPTIONS' }]);
  });
});

describe('environment variables', () => {
  const spec: InstrumentationSpec = {
    exporter: { endpoint: 'http://otel-collector.ns.svc.cluster.local:4317' },
    propagators: ['tracecontext', 'baggage'],
    sampler: { type: 'parentbased_traceidratio', argument: '0.5' },
    resource: { addK8sUIDAttributes: true },
    env: [
      { name: 'OTEL_LOG_LEVEL', value: 'info' },
      { name: 'LANG_AND_COMMON', value: 'from-spec-env' },
    ],
    nodejs: {
      image: 'custom-otel-autoinstrumentation-nodejs:1.0.0-node20',
      env: [
        { name: 'CUSTOM_OTEL_SLOW_THRESHOLD_MS', value: '100' },
        { name: 'LANG_AND_COMMON', value: 'from-nodejs-env' },
      ],
    },
  };

  it('come in the operator order', () => {
    const app = container(
      mutatePodForNodejs(request({ instrumentations: [instrumentation('nodejs-20', 'ns', spec)], containers: [{ name: 'app', image: 'web:1.2.3', env: [{ name: 'PORT', value: '8080' }] }] })),
    );
    expect(envNames(app)).toEqual([
      'OTEL_NODE_IP',
      'OTEL_POD_IP',
      'PORT',
      'CUSTOM_OTEL_SLOW_THRESHOLD_MS',
      'LANG_AND_COMMON',
      'OTEL_LOG_LEVEL',
      'NODE_OPTIONS',
      'OTEL_METRICS_EXPORTER',
      'OTEL_SERVICE_NAME',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_RESOURCE_ATTRIBUTES_POD_NAME',
      'OTEL_RESOURCE_ATTRIBUTES_POD_UID',
      'OTEL_RESOURCE_ATTRIBUTES_NODE_NAME',
      'OTEL_PROPAGATORS',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
      'OTEL_RESOURCE_ATTRIBUTES',
    ]);
    expect(envValue(app, 'LANG_AND_COMMON')).toBe('from-nodejs-env');
    expect(envValue(app, 'OTEL_METRICS_EXPORTER')).toBe('otlp');
    expect(envValue(app, 'OTEL_EXPORTER_OTLP_ENDPOINT')).toBe('http://otel-collector.ns.svc.cluster.local:4317');
    expect(envValue(app, 'OTEL_PROPAGATORS')).toBe('tracecontext,baggage');
    expect(envValue(app, 'OTEL_TRACES_SAMPLER')).toBe('parentbased_traceidratio');
    expect(envValue(app, 'OTEL_TRACES_SAMPLER_ARG')).toBe('0.5');
    expect(envValue(app, 'OTEL_EXPORTER_OTLP_PROTOCOL')).toBeUndefined();
  });

  it('downward-API ones use valueFrom fieldRef', () => {
    const app = container(mutatePodForNodejs(request({ instrumentations: [instrumentation('nodejs-20', 'ns', spec)] })));
    const fieldPath = (name: string) => (app.env ?? []).find((e) => e.name === name)?.valueFrom?.fieldRef?.fieldPath;
    expect(fieldPath('OTEL_NODE_IP')).toBe('status.hostIP');
    expect(fieldPath('OTEL_POD_IP')).toBe('status.podIP');
    expect(fieldPath('OTEL_RESOURCE_ATTRIBUTES_POD_NAME')).toBe('metadata.name');
    expect(fieldPath('OTEL_RESOURCE_ATTRIBUTES_POD_UID')).toBe('metadata.uid');
    expect(fieldPath('OTEL_RESOURCE_ATTRIBUTES_NODE_NAME')).toBe('spec.nodeName');
  });

  it('are added only when not already set: the container own values win', () => {
    const own: V1EnvVar[] = [
      { name: 'OTEL_SERVICE_NAME', value: 'mine' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://mine:4317' },
      { name: 'OTEL_PROPAGATORS', value: 'b3' },
      { name: 'OTEL_METRICS_EXPORTER', value: 'none' },
      { name: 'CUSTOM_OTEL_SLOW_THRESHOLD_MS', value: '5' },
      { name: 'OTEL_LOG_LEVEL', value: 'debug' },
      { name: 'OTEL_NODE_IP', value: '1.2.3.4' },
    ];
    const app = container(mutatePodForNodejs(request({ instrumentations: [instrumentation('nodejs-20', 'ns', spec)], containers: [{ name: 'app', env: own }] })));
    for (const { name, value } of own) {
      expect(envValue(app, name)).toBe(value);
      expect(envNames(app).filter((n) => n === name)).toHaveLength(1);
    }
    expect(envNames(app)[0]).toBe('OTEL_POD_IP');
  });

  it('OTEL_TRACES_SAMPLER_ARG set by the container suppresses the whole sampler', () => {
    const app = container(
      mutatePodForNodejs(request({ instrumentations: [instrumentation('nodejs-20', 'ns', spec)], containers: [{ name: 'app', env: [{ name: 'OTEL_TRACES_SAMPLER_ARG', value: '0.1' }] }] })),
    );
    expect(envNames(app)).not.toContain('OTEL_TRACES_SAMPLER');
    expect(envValue(app, 'OTEL_TRACES_SAMPLER_ARG')).toBe('0.1');
  });

  it('no propagators or sampler in the spec: none set', () => {
    const app = container(mutatePodForNodejs(request()));
    expect(envNames(app)).not.toContain('OTEL_PROPAGATORS');
    expect(envNames(app)).not.toContain('OTEL_TRACES_SAMPLER');
    expect(envNames(app)).not.toContain('OTEL_RESOURCE_ATTRIBUTES_POD_UID');
  });
});

describe('OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME', () => {
  const deploymentPod = (extra: Partial<V1ObjectMeta> = {}): RequestParts => ({
    metadata: {
      generateName: 'web-5d8f-',
      annotations: { [INJECT]: 'true' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: 'rs-uid' }],
      ...extra,
    },
    ownerObjects: [
      { kind: 'ReplicaSet', metadata: { name: 'web-5d8f', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'deploy-uid' }] } },
    ],
    containers: [{ name: 'app', image: 'registry.example.com/web:1.2.3' }],
  });

  it('matches the contract example exactly, $(VAR) references included', () => {
    const app = container(mutatePodForNodejs(request(deploymentPod())));
    expect(envValue(app, 'OTEL_RESOURCE_ATTRIBUTES')).toBe(
      'k8s.container.name=app,k8s.deployment.name=web,k8s.namespace.name=ns,k8s.node.name=$(OTEL_RESOURCE_ATTRIBUTES_NODE_NAME),k8s.pod.name=$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME),k8s.replicaset.name=web-5d8f,service.instance.id=ns.$(OTEL_RESOURCE_ATTRIBUTES_POD_NAME).app,service.namespace=ns,service.version=1.2.3',
    );
    expect(envValue(app, 'OTEL_SERVICE_NAME')).toBe('web');
    expect(envNames(app).at(-1)).toBe('OTEL_RESOURCE_ATTRIBUTES');
  });

  it('addK8sUIDAttributes adds the owner uids and the pod uid reference', () => {
    const inst = instrumentation('nodejs-20', 'ns', { resource: { addK8sUIDAttributes: true } });
    const value = envValue(container(mutatePodForNodejs(request({ ...deploymentPod(), instrumentations: [inst] }))), 'OTEL_RESOURCE_ATTRIBUTES');
    expect(value).toContain('k8s.deployment.uid=deploy-uid');
    expect(value).toContain('k8s.replicaset.uid=rs-uid');
    expect(value).toContain('k8s.pod.uid=$(OTEL_RESOURCE_ATTRIBUTES_POD_UID)');
  });

  it('Instrumentation attributes are lowest, pod annotations highest, the container own keys untouched', () => {
    const inst = instrumentation('nodejs-20', 'ns', { resource: { resourceAttributes: { 'deployment.environment.name': 'demo', 'k8s.namespace.name': 'lost', team: 'a' } } });
    const parts = deploymentPod({ annotations: { [INJECT]: 'true', 'resource.opentelemetry.io/team': 'b', 'resource.opentelemetry.io/service.namespace': 'shop' } });
    parts.containers = [{ name: 'app', image: 'web:1.2.3', env: [{ name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'service.version=9,k8s.container.name=mine' }] }];
    const value = envValue(container(mutatePodForNodejs(request({ ...parts, instrumentations: [inst] }))), 'OTEL_RESOURCE_ATTRIBUTES');
    expect(value?.startsWith('service.version=9,k8s.container.name=mine,')).toBe(true);
    const added = (value ?? '').split(',').slice(2);
    expect(added).toContain('deployment.environment.name=demo');
    expect(added).toContain('k8s.namespace.name=ns');
    expect(added).toContain('team=b');
    expect(added).toContain('service.namespace=shop');
    expect(added.some((kv) => kv.startsWith('k8s.container.name='))).toBe(false);
    expect(added.some((kv) => kv.startsWith('service.version='))).toBe(false);
  });

  it.each<[string, RequestParts, string]>([
    ['the service.name annotation', { metadata: { name: 'p', annotations: { [INJECT]: 'true', 'resource.opentelemetry.io/service.name': 'checkout' } } }, 'checkout'],
    ['a Deployment (through its ReplicaSet)', deploymentPod(), 'web'],
    [
      'a bare ReplicaSet',
      { metadata: { annotations: { [INJECT]: 'true' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: '' }] } },
      'rs',
    ],
    [
      'a StatefulSet',
      { metadata: { name: 'db-0', annotations: { [INJECT]: 'true' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: '' }] } },
      'db',
    ],
    [
      'a DaemonSet',
      { metadata: { annotations: { [INJECT]: 'true' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: '' }] } },
      'agent',
    ],
    [
      'a CronJob (through its Job)',
      {
        metadata: { annotations: { [INJECT]: 'true' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-29000000', uid: '' }] },
        ownerObjects: [{ kind: 'Job', metadata: { name: 'nightly-29000000', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: '' }] } }],
      },
      'nightly',
    ],
    [
      'a Job',
      { metadata: { annotations: { [INJECT]: 'true' }, ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'once', uid: '' }] } },
      'once',
    ],
    ['the pod name', { metadata: { name: 'solo', annotations: { [INJECT]: 'true' } } }, 'solo'],
    ['the container name when nothing else is known', { metadata: { generateName: 'x-', annotations: { [INJECT]: 'true' } } }, 'app'],
  ])('OTEL_SERVICE_NAME from %s', (_what, parts, expected) => {
    expect(envValue(container(mutatePodForNodejs(request(parts))), 'OTEL_SERVICE_NAME')).toBe(expected);
  });

  it('service.version from the image: tag, tag@digest, or nothing', () => {
    const digest = 'sha256:' + 'a'.repeat(64);
    const version = (image: string) =>
      /service\.version=([^,]*)/.exec(envValue(container(mutatePodForNodejs(request({ containers: [{ name: 'app', image }] }))), 'OTEL_RESOURCE_ATTRIBUTES') ?? '')?.[1];
    expect(version('node:18-alpine')).toBe('18-alpine');
    expect(version(`registry.example.com:5000/team/web:2.0@${digest}`)).toBe(`2.0@${digest}`);
    expect(version(`web@${digest}`)).toBe(digest);
    expect(version('web')).toBeUndefined();
  });
});

describe('exporter TLS', () => {
  it('sets the certificate variables and mounts the Secret and ConfigMap read-only', () => {
    const inst = instrumentation('nodejs-20', 'ns', {
      exporter: { endpoint: 'https://collector:4317', tls: { secretName: 'client-certs', configMapName: 'ca', ca_file: 'ca.crt', cert_file: 'tls.crt', key_file: '/abs/tls.key' } },
    });
    const result = injected(mutatePodForNodejs(request({ instrumentations: [inst] })));
    const app = container(result);
    expect(envValue(app, 'OTEL_EXPORTER_OTLP_CERTIFICATE')).toBe('/otel-auto-instrumentation-configmap-ca/ca.crt');
    expect(envValue(app, 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE')).toBe('/otel-auto-instrumentation-secret-client-certs/tls.crt');
    expect(envValue(app, 'OTEL_EXPORTER_OTLP_CLIENT_KEY')).toBe('/abs/tls.key');
    expect(app.volumeMounts).toEqual([
      { name: 'opentelemetry-auto-instrumentation-nodejs', mountPath: '/otel-auto-instrumentation-nodejs' },
      { name: 'otel-auto-secret-client-certs', mountPath: '/otel-auto-instrumentation-secret-client-certs', readOnly: true },
      { name: 'otel-auto-configmap-ca', mountPath: '/otel-auto-instrumentation-configmap-ca', readOnly: true },
    ]);
    expect(result.podSpec.volumes).toEqual([
      { name: 'otel-auto-secret-client-certs', secret: { secretName: 'client-certs' } },
      { name: 'otel-auto-configmap-ca', configMap: { name: 'ca' } },
      { name: 'opentelemetry-auto-instrumentation-nodejs', emptyDir: { sizeLimit: '200Mi' } },
    ]);
  });
});

describe('init container and volume', () => {
  const resources = { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '64Mi' } };

  it('copies /autoinstrumentation into the shared emptyDir, with the spec resources and pull policy', () => {
    const inst = instrumentation('nodejs-20', 'ns', {
      imagePullPolicy: 'IfNotPresent',
      nodejs: { image: 'img:1.0.0-node20', resourceRequirements: resources, volumeLimitSize: '50Mi' },
    });
    const result = injected(mutatePodForNodejs(request({ instrumentations: [inst] })));
    expect(result.podSpec.initContainers).toEqual([
      {
        name: 'opentelemetry-auto-instrumentation-nodejs',
        image: 'img:1.0.0-node20',
        command: ['cp', '-r', '/autoinstrumentation/.', '/otel-auto-instrumentation-nodejs'],
        resources,
        volumeMounts: [{ name: 'opentelemetry-auto-instrumentation-nodejs', mountPath: '/otel-auto-instrumentation-nodejs' }],
        imagePullPolicy: 'IfNotPresent',
      },
    ]);
    expect(result.podSpec.volumes).toEqual([{ name: 'opentelemetry-auto-instrumentation-nodejs', emptyDir: { sizeLimit: '50Mi' } }]);
    expect(container(result).volumeMounts).toEqual([{ name: 'opentelemetry-auto-instrumentation-nodejs', mountPath: '/otel-auto-instrumentation-nodejs' }]);
  });

  it('without resourceRequirements: the webhook defaults; without volumeLimitSize: 200Mi', () => {
    const result = injected(mutatePodForNodejs(request()));
    expect(result.podSpec.initContainers?.[0]?.resources).toEqual({
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '50m', memory: '128Mi' },
    });
    expect(result.podSpec.volumes?.[0]?.emptyDir?.sizeLimit).toBe('200Mi');
    expect(result.podSpec.initContainers?.[0]?.imagePullPolicy).toBeUndefined();
  });

  it('volumeClaimTemplate: an ephemeral volume instead', () => {
    const template = { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } } };
    const inst = instrumentation('nodejs-20', 'ns', { nodejs: { image: 'i:node20', volumeClaimTemplate: template } });
    const result = injected(mutatePodForNodejs(request({ instrumentations: [inst] })));
    expect(result.podSpec.volumes).toEqual([{ name: 'opentelemetry-auto-instrumentation-nodejs', ephemeral: { volumeClaimTemplate: template } }]);
  });

  it('securityContext: copied from the first instrumented container', () => {
    const securityContext = { runAsNonRoot: true, runAsUser: 1000, allowPrivilegeEscalation: false };
    const result = injected(mutatePodForNodejs(request({ containers: [{ name: 'app', securityContext }] })));
    expect(result.podSpec.initContainers?.[0]?.securityContext).toEqual(securityContext);
  });

  it('securityContext: spec.initContainerSecurityContext wins', () => {
    const own = { runAsUser: 65532, readOnlyRootFilesystem: true };
    const inst = instrumentation('nodejs-20', 'ns', { initContainerSecurityContext: own });
    const result = injected(mutatePodForNodejs(request({ instrumentations: [inst], containers: [{ name: 'app', securityContext: { runAsUser: 1 } }] })));
    expect(result.podSpec.initContainers?.[0]?.securityContext).toEqual(own);
  });

  it('securityContext: none when the container has none', () => {
    expect(injected(mutatePodForNodejs(request())).podSpec.initContainers?.[0]).not.toHaveProperty('securityContext');
  });

  it('existing init containers stay first when only regular containers are instrumented', () => {
    const result = injected(mutatePodForNodejs(request({ spec: { initContainers: [{ name: 'wait-for-db' }] } })));
    expect(result.podSpec.initContainers?.map((c) => c.name)).toEqual(['wait-for-db', 'opentelemetry-auto-instrumentation-nodejs']);
  });
});

describe('checks around the injection', () => {
  it('an Instrumentation the operator webhook refuses cannot be used', () => {
    const inst = instrumentation('nodejs-20', 'ns', { sampler: { type: 'traceidratio', argument: '1.5' } });
    const result = mutatePodForNodejs(request({ instrumentations: [inst] }));
    expect(!result.injected && result.reason).toContain('spec.sampler.argument should be in rage [0..1]: 1.5');
  });

  it('warns when the Instrumentation image is for another Node major than the app image', () => {
    const mismatch = injected(mutatePodForNodejs(request({ containers: [{ name: 'app', image: 'node:18-alpine' }] })));
    expect(mismatch.warnings.join('\n')).toContain('container app runs Node 18 (image node:18-alpine) but the Instrumentation image');
    const other = injected(mutatePodForNodejs(request({ containers: [{ name: 'app', image: 'custom-otel-test-app:node18' }] })));
    expect(other.warnings.join('\n')).toContain('is built for Node 20');
    const same = injected(mutatePodForNodejs(request({ containers: [{ name: 'app', image: 'custom-otel-test-app:node20' }] })));
    expect(same.warnings.filter((w) => w.includes('Node'))).toEqual([]);
    expect(same.warnings).toContain('Instrumentation ns/nodejs-20: sampler type not set');
  });

  it('warns that envFrom values (a NODE_OPTIONS from a ConfigMap) get overridden', () => {
    const result = injected(mutatePodForNodejs(request({ containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'app-config' } }] }] })));
    expect(result.warnings.join('\n')).toContain("app: uses envFrom; if it provides NODE_OPTIONS or OTEL_* variables, the operator's env entries override them silently");
    expect(envValue(container(result), 'NODE_OPTIONS')).toBe(REQUIRE);
  });

  it('does not touch the input', () => {
    const req = request({ containers: [{ name: 'app', env: [{ name: 'NODE_OPTIONS', value: '--x' }] }] });
    const before = JSON.stringify(req);
    mutatePodForNodejs(req);
    expect(JSON.stringify(req)).toBe(before);
  });
});
