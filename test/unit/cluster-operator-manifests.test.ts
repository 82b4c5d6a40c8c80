import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { crdFilesOf, webhookConfigurations, withConversionWebhook } from '../../cluster/operator-manifests';
import { requiredVersion } from '../../cluster/build';
import { COMPONENTS } from '../../cluster/components';

// The operator's own config/ from the pinned module (the Go module proxy is one of this machine's sources).
const moduleDir = (JSON.parse(
  execFileSync('go', ['mod', 'download', '-json', `${COMPONENTS.operator.pinned.module}@${COMPONENTS.operator.pinned.version}`], { cwd: COMPONENTS.operator.dir, encoding: 'utf8' }),
) as { Dir: string }).Dir;
const target = { baseUrl: 'https://127.0.0.1:19443', caBundle: 'Q0E=' };

describe("the operator's manifests, pointed at the manager on 127.0.0.1", () => {
  const configurations = webhookConfigurations(readFileSync(join(moduleDir, 'config', 'webhook', 'manifests.yaml'), 'utf8'), target);
  const hooks = configurations.flatMap((c) => c.webhooks as Record<string, any>[]);

  it('keeps every webhook of the release, each with a url on 127.0.0.1 and the caBundle instead of a Service', () => {
    expect(configurations.map((c) => c.kind).sort()).toEqual(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    expect(hooks.length).toBeGreaterThan(5);
    for (const hook of hooks) {
      expect(hook.clientConfig.service).toBeUndefined();
      expect(hook.clientConfig.url).toMatch(/^https:\/\/127\.0\.0\.1:19443\/(mutate|validate)-/);
      expect(hook.clientConfig.caBundle).toBe('Q0E=');
    }
    const pod = hooks.find((h) => h.name === 'mpod.kb.io');
    expect(pod?.clientConfig.url).toBe('https://127.0.0.1:19443/mutate-v1-pod');
  });

  it('fails closed except for the DELETE-only validations', () => {
    for (const hook of hooks) {
      const deleteOnly = hook.rules.every((r: { operations: string[] }) => r.operations.every((op) => op === 'DELETE'));
      expect([hook.name, hook.failurePolicy]).toEqual([hook.name, deleteOnly ? 'Ignore' : 'Fail']);
    }
  });

  it('installs the CRDs the release lists, the collector CRD converting through the manager', () => {
    const files = crdFilesOf(readFileSync(join(moduleDir, 'config', 'crd', 'kustomization.yaml'), 'utf8'));
    expect(files).toContain('bases/opentelemetry.io_instrumentations.yaml');
    const crd = { metadata: { name: 'opentelemetrycollectors.opentelemetry.io' }, spec: { group: 'opentelemetry.io' } };
    const patch = { metadata: { name: 'opentelemetrycollectors.opentelemetry.io' }, spec: { conversion: { strategy: 'Webhook', webhook: { clientConfig: { service: { path: '/convert' } }, conversionReviewVersions: ['v1alpha1', 'v1beta1'] } } } };
    expect(withConversionWebhook(crd, patch, target).spec.conversion).toEqual({
      strategy: 'Webhook',
      webhook: { conversionReviewVersions: ['v1alpha1', 'v1beta1'], clientConfig: { url: 'https://127.0.0.1:19443/convert', caBundle: 'Q0E=' } },
    });
    expect(withConversionWebhook({ metadata: { name: 'instrumentations.opentelemetry.io' } }, patch, target)).toEqual({ metadata: { name: 'instrumentations.opentelemetry.io' } });
  });
});

describe('each go.mod requires the release cluster/versions.json pins', () => {
  it.each(Object.values(COMPONENTS).map((c) => [c.name, c] as const))('%s', (_name, component) => {
    const goMod = readFileSync(join(component.dir, 'go.mod'), 'utf8');
    expect(requiredVersion(goMod, component.pinned.module)).toBe(component.pinned.version);
  });

  it('reads a require line alone and one in a block', () => {
    expect(requiredVersion('require k8s.io/kubernetes v1.35.4\n', 'k8s.io/kubernetes')).toBe('v1.35.4');
    expect(requiredVersion('require (\n\tgo.opentelemetry.io/collector/otelcol v0.161.0\n)\n', 'go.opentelemetry.io/collector/otelcol')).toBe('v0.161.0');
    expect(requiredVersion('require k8s.io/kubernetes-extra v1.0.0\n', 'k8s.io/kubernetes')).toBeUndefined();
  });
});

describe('the images k8s/ needs', () => {
  it('are every image: of the rendered documents, Instrumentations included', async () => {
    const { imagesIn } = await import('../../cluster/workload-images');
    expect(
      imagesIn([
        { kind: 'Deployment', spec: { template: { spec: { containers: [{ image: 'app:1' }], initContainers: [{ image: 'init:1' }] } } } },
        { kind: 'Instrumentation', spec: { nodejs: { image: 'inst:1' } } },
        { kind: 'Deployment', spec: { template: { spec: { containers: [{ image: 'app:1' }] } } } },
      ]),
    ).toEqual(['app:1', 'init:1', 'inst:1']);
  });
});
