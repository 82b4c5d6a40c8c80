import { describe, expect, it } from 'vitest';
import { mutatePodForNodejs } from '../../tools/k8s/operator-mutation';
import { operatorMinor, releaseBehaviour } from '../../tools/k8s/operator/operator-release';

const request = (version?: string) => ({
  namespace: { name: 'shop' },
  pod: { metadata: { name: 'web', annotations: { 'instrumentation.opentelemetry.io/inject-nodejs': 'true' } }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
  instrumentations: [{ apiVersion: 'opentelemetry.io/v1alpha1', kind: 'Instrumentation', metadata: { name: 'nodejs', namespace: 'shop' }, spec: { nodejs: { image: 'i:1' } } }],
  operator: { version },
});
const envNames = (version?: string) => {
  const result = mutatePodForNodejs(request(version));
  if (!result.injected) throw new Error(result.reason);
  return { names: (result.podSpec.containers[0]?.env ?? []).map((e) => e.name), warnings: result.warnings };
};

describe('the operator release the preview answers for', () => {
  it('reads releases with or without the v', () => {
    expect(operatorMinor('v0.153.0')).toBe(153);
    expect(operatorMinor('0.158.1')).toBe(158);
    expect(operatorMinor('1.2')).toBeUndefined();
    expect(() => releaseBehaviour('latest')).toThrow(/not a release/);
  });

  it('sets OTEL_METRICS_EXPORTER=otlp from v0.158 (the default), not in v0.153 (as the real v0.153.0 does)', () => {
    expect(envNames().names).toContain('OTEL_METRICS_EXPORTER');
    expect(envNames('v0.158.0').names).toContain('OTEL_METRICS_EXPORTER');
    expect(envNames('v0.153.0').names).not.toContain('OTEL_METRICS_EXPORTER');
    expect(envNames('v0.153.0').warnings.join('\n')).not.toMatch(/OTEL_METRICS_EXPORTER/);
  });

  it('says so for the releases between, which it cannot tell apart', () => {
    const between = envNames('v0.156.0');
    expect(between.names).toContain('OTEL_METRICS_EXPORTER');
    expect(between.warnings.join('\n')).toMatch(/v0\.156\.0: OTEL_METRICS_EXPORTER=otlp is set by v0\.158\.0 and not by v0\.153\.0/);
  });
});
