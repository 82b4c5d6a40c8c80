import { describe, expect, it } from 'vitest';
import type { V1EnvVar } from '@kubernetes/client-node';
import { expandReferences, mutatePodForNodejs, resolvePodEnv, type DownwardValues } from '../../tools/k8s/operator-mutation';

const downward: DownwardValues = {
  podName: 'web-5d8f-x7k2p',
  podUID: '3f6c2a1e-0000-4000-8000-000000000001',
  nodeName: 'node-1',
  hostIP: '192.0.2.10',
  podIP: '198.51.100.20',
  namespace: 'ns',
  labels: { app: 'web' },
};

describe('$(VAR) expansion, as Kubernetes does it', () => {
  const known = (name: string) => ({ A: 'a', EMPTY: '' })[name];

  it.each([
    ['$(A)', 'a'],
    ['x-$(A)-$(A)-y', 'x-a-a-y'],
    ['$(EMPTY)|', '|'],
    ['$(UNDEFINED)', '$(UNDEFINED)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['cost: $5', 'cost: $5'],
    ['$(A', '$(A'],
    ['$()', '$()'],
    ['trailing $', 'trailing $'],
    ['$$$(A)', '$a'],
  ])('%s → %s', (input, expected) => {
    expect(expandReferences(input, known)).toBe(expected);
  });
});

describe('resolvePodEnv', () => {
  it('fills downward-API fields and expands only references to earlier variables', () => {
    const env: V1EnvVar[] = [
      { name: 'EARLY', value: 'uses $(POD) before it exists' },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'LATE', value: '$(POD)@$(NODE)' },
      { name: 'ESCAPED', value: '$$(POD)' },
    ];
    expect(resolvePodEnv(env, downward)).toEqual({
      EARLY: 'uses $(POD) before it exists',
      POD: 'web-5d8f-x7k2p',
      NODE: 'node-1',
      UID: '3f6c2a1e-0000-4000-8000-000000000001',
      HOST: '192.0.2.10',
      IP: '198.51.100.20',
      NS: 'ns',
      APP: 'web',
      LATE: 'web-5d8f-x7k2p@node-1',
      ESCAPED: '$(POD)',
    });
  });

  it('a later definition of a name replaces the earlier one', () => {
    expect(resolvePodEnv([{ name: 'X', value: '1' }, { name: 'X', value: '$(X)2' }], downward)).toEqual({ X: '12' });
  });

  it('reads secretKeyRef / configMapKeyRef from what it is given; skips optional ones it cannot find', () => {
    const env: V1EnvVar[] = [
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } },
      { name: 'MAYBE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'absent', optional: true } } },
    ];
    const resolved = resolvePodEnv(env, { ...downward, secrets: { db: { password: 's3cret' } }, configMaps: { cfg: { mode: 'fast' } } });
    expect(resolved).toEqual({ PASSWORD: 's3cret', MODE: 'fast' });
  });

  it('refuses, naming the variable, what it cannot resolve', () => {
    expect(() => resolvePodEnv([{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }], downward)).toThrow(
      'env PASSWORD: secret db key password is not in the secrets given to resolvePodEnv',
    );
    expect(() => resolvePodEnv([{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }], downward)).toThrow(
      'env X: fieldRef.fieldPath "status.phase" is not a downward-API field',
    );
    expect(() => resolvePodEnv([{ name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }], downward)).toThrow('env CPU');
  });

  it('turns the operator-mutated container env into what the app process sees', () => {
    const result = mutatePodForNodejs({
      namespace: { name: 'ns' },
      pod: {
        metadata: {
          annotations: { 'instrumentation.opentelemetry.io/inject-nodejs': 'nodejs-20' },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', uid: '' }],
        },
        spec: { containers: [{ name: 'app', image: 'web:1.2.3', env: [{ name: 'NODE_OPTIONS', value: '--enable-source-maps' }] }] },
      },
      ownerObjects: [{ kind: 'ReplicaSet', metadata: { name: 'web-5d8f', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: '' }] } }],
      instrumentations: [
        {
          apiVersion: 'opentelemetry.io/v1alpha1',
          kind: 'Instrumentation',
          metadata: { name: 'nodejs-20', namespace: 'ns' },
          spec: { exporter: { endpoint: 'http://127.0.0.1:4317' }, nodejs: { image: 'img:1.0.0-node20' } },
        },
      ],
    });
    if (!result.injected) throw new Error(result.reason);
    const env = resolvePodEnv(result.podSpec.containers[0]?.env, downward);
    expect(env.NODE_OPTIONS).toBe('--enable-source-maps --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js');
    expect(env.OTEL_SERVICE_NAME).toBe('web');
    expect(env.OTEL_NODE_IP).toBe('192.0.2.10');
    expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe(
      'k8s.container.name=app,k8s.deployment.name=web,k8s.namespace.name=ns,k8s.node.name=node-1,k8s.pod.name=web-5d8f-x7k2p,k8s.replicaset.name=web-5d8f,service.instance.id=ns.web-5d8f-x7k2p.app,service.namespace=ns,service.version=1.2.3',
    );
  });
});
