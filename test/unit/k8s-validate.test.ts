import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifestText, readManifestFile, yamlFilesUnder } from '../../tools/k8s/manifest-documents';
import { REPO_ROOT } from '../../scripts/repository';
import { indexCrds, rejectUnknownFields, type SchemaIndex } from '../../tools/k8s/validation/crd-schemas';
import { kustomizationProblems, ManifestValidator } from '../../tools/k8s/validation/manifest-validation';
import { OPERATOR_CRD_DIR, operatorCrdFiles } from '../../tools/k8s/validation/operator-crds';

// Against the real CRDs of the operator, held in tools/k8s/operator/crds/.

const root = REPO_ROOT;
let validator: ManifestValidator;
let schemas: SchemaIndex;

beforeAll(() => {
  schemas = indexCrds(operatorCrdFiles(root).flatMap(readManifestFile).map((d) => d.content));
  validator = new ManifestValidator(schemas);
});

async function problems(yaml: string): Promise<string[]> {
  const [document] = parseManifestText(yaml, 'inline.yaml');
  if (!document) throw new Error('no document');
  return (await validator.validate(document)).errors;
}

const INSTRUMENTATION = `apiVersion: opentelemetry.io/v1alpha1
kind: Instrumentation
metadata:
  name: nodejs-20
  namespace: otel-demo
spec:
  exporter:
    endpoint: http://otel-collector.otel-demo.svc.cluster.local:4317
  sampler:
    type: parentbased_traceidratio
    argument: "1"
  nodejs:
    image: custom-otel-autoinstrumentation-nodejs:1.0.0-node20
`;

describe('the manifests in k8s/', () => {
  it('all validate against the operator CRDs and the Kubernetes API types', async () => {
    const files = yamlFilesUnder(join(root, 'k8s'));
    expect(files.length).toBeGreaterThan(3);
    const failures: string[] = [];
    for (const file of files) {
      for (const document of readManifestFile(file)) {
        if (document.content.kind === 'Kustomization' || document.content.kind === 'Component') {
          failures.push(...kustomizationProblems(document.content, (p) => existsSync(join(file, '..', p))).map((p) => `${file}: ${p}`));
          continue;
        }
        const verdict = await validator.validate(document);
        failures.push(...verdict.errors.map((e) => `${file}:${document.line} ${verdict.title}: ${e}`));
      }
    }
    expect(failures).toEqual([]);
  }, 60_000); // compiling the collector CRD schema takes seconds on a busy 2-core machine

  it('include the kinds the demo needs', () => {
    const kinds = yamlFilesUnder(join(root, 'k8s'))
      .flatMap(readManifestFile)
      .map((d) => `${String(d.content.kind)} ${String((d.content.metadata as { name?: string } | undefined)?.name)}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'OpenTelemetryCollector otel',
        'Instrumentation nodejs',
        'Instrumentation nodejs-20',
        'Component undefined',
        'Namespace otel-demo',
        'Deployment test-app',
        'Service test-app',
        'Deployment mysql',
        'Service mysql',
        'Secret mysql-credentials',
        'Kustomization undefined',
      ]),
    );
  });
});

describe('custom resources', () => {
  it('a valid Instrumentation passes', async () => {
    expect(await problems(INSTRUMENTATION)).toEqual([]);
  });

  it('an unknown field is rejected, naming it (a cluster would prune it silently)', async () => {
    const errors = await problems(INSTRUMENTATION.replace('    image:', '    resources:\n      limits:\n        cpu: 100m\n    image:'));
    expect(errors).toEqual(['spec.nodejs.resources: unknown field (not in the schema; a cluster would drop it silently)']);
  });

  it('a bad sampler type is rejected, naming the field and the allowed values', async () => {
    const errors = await problems(INSTRUMENTATION.replace('type: parentbased_traceidratio', 'type: sometimes'));
    expect(errors[0]).toBe(
      'spec.sampler.type: must be one of: always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio, jaeger_remote, xray (got "sometimes")',
    );
  });

  it('a bad propagator and a bad quantity are rejected', async () => {
    const errors = await problems(`${INSTRUMENTATION}    volumeLimitSize: lots\n  propagators: [tracecontext, w3c]\n`);
    expect(errors.join('\n')).toContain('spec.propagators[1]: must be one of: tracecontext, baggage');
    expect(errors.join('\n')).toContain('spec.nodejs.volumeLimitSize: must match');
  });

  it('what the operator webhook refuses is an error too', async () => {
    const errors = await problems(INSTRUMENTATION.replace('argument: "1"', 'argument: "1.5"'));
    expect(errors).toEqual(['operator webhook: spec.sampler.argument should be in rage [0..1]: 1.5']);
  });

  it('a version the CRDs do not define is named', async () => {
    const errors = await problems(INSTRUMENTATION.replace('v1alpha1', 'v1beta1'));
    expect(errors[0]).toContain('opentelemetry.io/v1beta1 Instrumentation: not defined by the CRDs given');
  });

  it('the collector: unknown field and bad mode; config stays free-form', async () => {
    const errors = await problems(`apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata: {name: c}
spec:
  mode: sometimes
  replica: 2
  config:
    receivers: {otlp: {protocols: {grpc: {anything: goes}}}}
    exporters: {debug: {}}
    service: {pipelines: {traces: {receivers: [otlp], exporters: [debug]}}}
`);
    expect(errors.sort()).toEqual([
      'spec.mode: must be one of: daemonset, deployment, sidecar, statefulset (got "sometimes")',
      'spec.replica: unknown field (not in the schema; a cluster would drop it silently)',
    ]);
  });

  it('metadata is checked like a built-in object', async () => {
    const errors = await problems(INSTRUMENTATION.replace('  name: nodejs-20', '  name: Nodejs_20\n  lables: {a: b}'));
    expect(errors).toEqual([
      'metadata.lables: unknown field (not in V1ObjectMeta; kubectl apply would refuse it)',
      'metadata.name: "Nodejs_20" is not a valid name (lowercase letters, digits, "-" and ".", at most 253 characters)',
    ]);
  });

  it('only schemas with properties, not preserving unknown fields, get additionalProperties: false', () => {
    expect(rejectUnknownFields({ type: 'object', properties: { a: { type: 'object', properties: { b: {} } } } })).toEqual({
      type: 'object',
      properties: { a: { type: 'object', properties: { b: {} }, additionalProperties: false } },
      additionalProperties: false,
    });
    expect(rejectUnknownFields({ type: 'object', properties: { a: {} }, 'x-kubernetes-preserve-unknown-fields': true })).not.toHaveProperty('additionalProperties');
    expect(rejectUnknownFields({ type: 'object', additionalProperties: { type: 'string' } })).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });
});

describe('built-in kinds', () => {
  const deployment = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - ${container}
`;

  it('a valid Deployment passes', async () => {
    expect(await problems(deployment('{name: web, image: "web:1", ports: [{containerPort: 8080}]}'))).toEqual([]);
  });

  it('an unknown field is rejected, naming it', async () => {
    expect(await problems(deployment('{name: web, image: "web:1", imagePullPolicy: Always, resource: {}}'))).toEqual([
      'spec.template.spec.containers[0].resource: unknown field (not in V1Container; kubectl apply would refuse it)',
    ]);
  });

  it('wrong types, bad enums and missing required fields are rejected', async () => {
    const errors = await problems(deployment('{image: "web:1", imagePullPolicy: Sometimes, ports: [{containerPort: "8080"}]}'));
    expect(errors).toEqual(
      expect.arrayContaining([
        'spec.template.spec.containers[0].name: is required',
        'spec.template.spec.containers[0].imagePullPolicy: must be one of: Always, IfNotPresent, Never (got "Sometimes")',
        'spec.template.spec.containers[0].ports[0].containerPort: must be integer (got "8080")',
      ]),
    );
  });

  it('an unknown kind is named', async () => {
    expect(await problems('apiVersion: v1\nkind: Deploymnet\nmetadata: {name: x}\n')).toEqual([
      'v1 Deploymnet: neither a built-in Kubernetes kind nor defined by the CRDs given',
    ]);
  });

  it('a label value that YAML reads as a number must be quoted', async () => {
    expect(await problems('apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {tier: 1}}\n')).toContain(
      'metadata.labels["tier"]: must be a string (got 1); quote it in YAML',
    );
  });
});

describe('the CLI', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8s-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (args: string[]) => {
    try {
      return { code: 0, output: execFileSync(join(root, 'node_modules/.bin/tsx'), ['tools/k8s/validate.ts', ...args], { cwd: root, stdio: 'pipe' }).toString() };
    } catch (error) {
      const failed = error as { status: number; stdout: Buffer; stderr: Buffer };
      return { code: failed.status, output: String(failed.stdout) + String(failed.stderr) };
    }
  };

  it('passes on k8s/ with the default CRDs', () => {
    const { code, output } = run([]);
    expect(output).toContain('instrumentations.opentelemetry.io (v1alpha1)');
    expect(output).not.toContain('FAIL');
    expect(code).toBe(0);
  });

  it('fails on a bad manifest, naming file, document and field; takes CRD files as arguments', () => {
    writeFileSync(join(dir, 'bad.yaml'), INSTRUMENTATION.replace('type: parentbased_traceidratio', 'type: sometimes'));
    const { code, output } = run(['--manifests', dir, join(root, OPERATOR_CRD_DIR, 'opentelemetry.io_instrumentations.yaml')]);
    expect(code).toBe(1);
    expect(output).toMatch(/FAIL .*bad\.yaml:1 Instrumentation otel-demo\/nodejs-20/);
    expect(output).toContain('error: spec.sampler.type: must be one of');
  });

  it('says what is missing when the CRD file does not exist', () => {
    const { code, output } = run([join(dir, 'no-such-crds.yaml')]);
    expect(code).toBe(1);
    expect(output).toContain(`cannot read ${join(dir, 'no-such-crds.yaml')}: ENOENT`);
  });
});
