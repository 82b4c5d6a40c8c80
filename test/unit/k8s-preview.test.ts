import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifestText, readManifestFile } from '../../tools/k8s/manifest-documents';
import { previewDocuments } from '../../tools/k8s/preview-report';
import { REPO_ROOT } from '../../scripts/repository';

const root = REPO_ROOT;
const demo = () => [...readManifestFile(join(root, 'k8s/test-app.yaml')), ...readManifestFile(join(root, 'k8s/instrumentations/nodejs.yaml'))];
const PER_MAJOR_20 = 'k8s/components/per-major/nodejs-20.yaml';

describe('previewDocuments on the demo manifests', () => {
  it('instruments the annotated test app and explains why; leaves MySQL alone, saying why', () => {
    const previews = previewDocuments(demo(), { defaultNamespace: 'default' });
    expect(previews.map((p) => p.workload)).toEqual(['Deployment otel-demo/mysql', 'Deployment otel-demo/test-app']);
    const [mysql, app] = previews;
    expect(mysql?.result).toMatchObject({ injected: false, reason: 'no inject-nodejs annotation on the pod or its namespace' });
    expect(app?.result.injected).toBe(true);
    expect(app?.text).toContain('Injected: Instrumentation otel-demo/nodejs into test-app');
    expect(app?.text).toContain('"true" picks the only Instrumentation in namespace otel-demo');
    expect(app?.text).toContain('Tree loaded:\n  - test-app runs Node 20 (image custom-otel-test-app:node20): the universal image loads its node20 tree if its Node is in >=20.6.0 <21');
    expect(app?.text).toContain('test-app: OTEL_SERVICE_NAME=test-app (from Deployment)');
    expect(app?.text).toContain('volume opentelemetry-auto-instrumentation-nodejs: emptyDir, sizeLimit 50Mi (spec.nodejs.volumeLimitSize)');
    expect(app?.text).toContain('init container securityContext: copied from container test-app');
    expect(app?.text).toContain("value: ' --require /otel-auto-instrumentation-nodejs/autoinstrumentation.js'");
    // The only warning: the Instrumentation webhook's, on the volumeLimitSize our Instrumentations set.
    expect(app?.text).toContain('Warnings:\n  - Instrumentation otel-demo/nodejs: spec.nodejs.volumeSizeLimit is deprecated and will be removed in a future release; use spec.nodejs.volume.size instead\nTree loaded:');
  });

  it('resolves the environment the app sees, Secret values included', () => {
    const [, app] = previewDocuments(demo(), { defaultNamespace: 'default', resolveEnv: true });
    expect(app?.text).toContain('  - DB_PASSWORD=testapp');
    expect(app?.text).toContain('  - OTEL_RESOURCE_ATTRIBUTES_NODE_NAME=node-1');
    expect(app?.text).toMatch(/OTEL_RESOURCE_ATTRIBUTES=.*k8s\.node\.name=node-1,/);
  });

  it('warns when the workload runs another Node major than the Instrumentation image', () => {
    const workload = parseManifestText(
      `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: otel-demo}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {instrumentation.opentelemetry.io/inject-nodejs: otel-demo/nodejs-20}
        spec:
          restartPolicy: Never
          containers: [{name: job, image: "node:18-slim"}]
`,
      'cronjob.yaml',
    );
    const [preview] = previewDocuments([...workload, ...readManifestFile(join(root, PER_MAJOR_20))], { defaultNamespace: 'default' });
    expect(preview?.text).toContain('job: OTEL_SERVICE_NAME=nightly (from CronJob)');
    expect(preview?.text).toContain('container job runs Node 18 (image node:18-slim) but the Instrumentation image');
    expect(preview?.text).toContain('use the Instrumentation for Node 18');
    expect(preview?.text).not.toContain('Tree loaded:');
  });

  it('says which tree of the universal image a workload loads, from the Node its image tag names', () => {
    const cronJob = (image: string) =>
      parseManifestText(
        `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: otel-demo}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations: {instrumentation.opentelemetry.io/inject-nodejs: "true"}
        spec:
          restartPolicy: Never
          containers: [{name: job, image: "${image}"}]
`,
        'cronjob.yaml',
      );
    const preview = (image: string) => previewDocuments([...cronJob(image), ...readManifestFile(join(root, 'k8s/instrumentations/nodejs.yaml'))], { defaultNamespace: 'default' })[0]!.text;
    expect(preview('node:22.15.0-slim')).toContain('job runs Node 22.15.0 (image node:22.15.0-slim): the universal image loads its node22 tree\n');
    expect(preview('node:22.14.0-slim')).toContain('job runs Node 22.14.0 (image node:22.14.0-slim): the universal image holds no tree for it (trees: node14 >=14.18.0 <15;');
    expect(preview('node:12-alpine')).toContain('the app will run uninstrumented, saying so in one line');
    expect(preview('registry.example.com/shop/api:3.1')).toContain('job: the image registry.example.com/shop/api:3.1 does not say its Node version; the universal image picks the tree at start-up');
    // The universal image holds every major: no Node-major mismatch to warn about.
    expect(preview('node:18')).not.toContain('but the Instrumentation image');
  });

  it('names a missing workload', () => {
    expect(() => previewDocuments(demo(), { defaultNamespace: 'default', workload: 'nope' })).toThrow('no workload named nope in the given files');
  });
});

describe('npm run k8s:preview', { timeout: 60_000 }, () => {
  const run = (args: string[]) => {
    try {
      return { code: 0, output: execFileSync('npm', ['run', '--silent', 'k8s:preview', '--', ...args], { cwd: root, stdio: 'pipe' }).toString() };
    } catch (error) {
      const failed = error as { status: number; stdout: Buffer; stderr: Buffer };
      return { code: failed.status, output: String(failed.stdout) + String(failed.stderr) };
    }
  };

  it('prints the mutated pod spec and the decisions', () => {
    const { code, output } = run(['k8s/test-app.yaml', 'k8s/instrumentations/nodejs.yaml', '--workload', 'test-app']);
    expect(code).toBe(0);
    expect(output).toContain('=== Deployment otel-demo/test-app ===');
    expect(output).toContain('Decisions:');
    expect(output).toContain('name: opentelemetry-auto-instrumentation-nodejs');
    expect(output).toContain('- /otel-auto-instrumentation-nodejs');
    expect(output).toContain('the universal image loads its node20 tree');
  });

  it('says which file it cannot read', () => {
    const { code, output } = run(['k8s/no-such.yaml']);
    expect(code).toBe(1);
    expect(output).toContain('k8s:preview: cannot read k8s/no-such.yaml: ENOENT');
  });
});

describe('previewDocuments: edges where the operator differs from a plain reading', () => {
  const tlsDocuments = (extra = '') =>
    parseManifestText(
      `apiVersion: opentelemetry.io/v1alpha1
kind: Instrumentation
metadata: {name: nodejs-20, namespace: shop}
spec:
  exporter:
    endpoint: https://collector:4317
    tls: {secretName: client-certs, configMapName: ca-bundle, ca_file: ca.crt, cert_file: tls.crt, key_file: tls.key}
  nodejs: {image: custom-otel-autoinstrumentation-nodejs:1.0.0-node20, volumeLimitSize: 0.5Gi, resourceRequirements: {limits: {cpu: "0.5", memory: 0.25Gi}, requests: {cpu: 50m, memory: 128Mi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {instrumentation.opentelemetry.io/inject-nodejs: "true"}}
    spec: {containers: [{name: web, image: "node:20"}]}
${extra}`,
      'tls.yaml',
    );

  it('says "Not injected" when the TLS Secret or ConfigMap is not among the given files, naming them', () => {
    const [web] = previewDocuments(tlsDocuments(), { defaultNamespace: 'default' });
    expect(web?.result.injected).toBe(false);
    expect(web?.text).toContain('Not injected: the operator logs an error and admits the pod unchanged: secret shop/client-certs with certificates does not exist; configmap shop/ca-bundle with CA certificate does not exist');
    expect(web?.text).not.toContain('Injected: Instrumentation');
  });

  it('injects when both are given, in the pod\'s namespace (another namespace does not count)', () => {
    const elsewhere = `---\napiVersion: v1\nkind: Secret\nmetadata: {name: client-certs, namespace: other}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca-bundle, namespace: shop}\n`;
    expect(previewDocuments(tlsDocuments(elsewhere), { defaultNamespace: 'default' })[0]?.text).toContain('Not injected: the operator logs an error and admits the pod unchanged: secret shop/client-certs with certificates does not exist (');
    const both = `---\napiVersion: v1\nkind: Secret\nmetadata: {name: client-certs, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca-bundle, namespace: shop}\n`;
    const [web] = previewDocuments(tlsDocuments(both), { defaultNamespace: 'default' });
    expect(web?.text).toContain('Injected: Instrumentation shop/nodejs-20 into web');
  });

  it('prints quantities as the operator stores them (0.5Gi as 512Mi) and says so, with the deprecation warning', () => {
    const both = `---\napiVersion: v1\nkind: Secret\nmetadata: {name: client-certs, namespace: shop}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ca-bundle, namespace: shop}\n`;
    const [web] = previewDocuments(tlsDocuments(both), { defaultNamespace: 'default' });
    const text = web!.text;
    expect(text).toContain('spec.nodejs.volumeLimitSize 0.5Gi is stored as 512Mi');
    expect(text).toContain('volume opentelemetry-auto-instrumentation-nodejs: emptyDir, sizeLimit 512Mi (spec.nodejs.volumeLimitSize)');
    expect(text).toContain('sizeLimit: 512Mi');
    expect(text).not.toContain('0.5Gi\n');
    expect(text).toMatch(/limits:\n\s+cpu: 500m\n\s+memory: 256Mi/);
    expect(text).toContain('spec.nodejs.volumeSizeLimit is deprecated and will be removed in a future release; use spec.nodejs.volume.size instead');
  });
});
