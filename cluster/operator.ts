/**
 * The OpenTelemetry Operator's manager on this cluster, as its release runs it
 * but without cert-manager: its CRDs installed, its webhook serving certificate
 * (signed by the cluster's CA) in controller-runtime's default cert dir, its
 * webhook configurations registered with a url on 127.0.0.1 and the caBundle.
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpYaml, loadYaml } from '@kubernetes/client-node';
import { runChecked } from '../scripts/child-process';
import type { BuiltComponent } from './build';
import { COMPONENTS } from './components';
import { COLLECTOR_IMAGE } from './collector-image';
import { kubectlChecked } from './kubectl';
import { KUBECONFIG, STATE_DIR } from './layout';
import { LOOPBACK, PORTS } from './network';
import { crdFilesOf, webhookConfigurations, withConversionWebhook, type WebhookTarget } from './operator-manifests';
import { caBundle, issueCertificate } from './pki';
import { startProcess } from './processes';
import { waitUntilHealthy } from './readiness';
import { CLUSTER_VERSIONS } from './versions';

export const OPERATOR_PROCESS = 'opentelemetry-operator';
/** What the operator puts into an Instrumentation that names no Node.js image (its config.go default). */
export const OPERATOR_DEFAULT_NODEJS_IMAGE = `ghcr.io/open-telemetry/opentelemetry-operator/autoinstrumentation-nodejs:${CLUSTER_VERSIONS.operator.defaultNodejsInstrumentation}`;

/** The pinned operator module's files (its config/ holds the CRDs and webhook manifests). */
export async function operatorModuleDir(): Promise<string> {
  const { module, version } = CLUSTER_VERSIONS.operator;
  const result = await runChecked('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: COMPONENTS.operator.dir });
  return (JSON.parse(result.stdout) as { Dir: string }).Dir;
}

function webhookTarget(): WebhookTarget {
  return { baseUrl: `https://${LOOPBACK}:${PORTS.operatorWebhook}`, caBundle: caBundle() };
}

async function installCrds(moduleDir: string, target: WebhookTarget): Promise<void> {
  const crdDir = join(moduleDir, 'config', 'crd');
  const conversionPatch = loadYaml<Record<string, any>>(readFileSync(join(crdDir, 'patches', 'webhook_in_opentelemetrycollectors.yaml'), 'utf8'));
  const crds = crdFilesOf(readFileSync(join(crdDir, 'kustomization.yaml'), 'utf8')).map((file) =>
    withConversionWebhook(loadYaml<Record<string, any>>(readFileSync(join(crdDir, file), 'utf8')), conversionPatch, target),
  );
  // Server-side: the collector CRD is too large for client-side apply's annotation.
  await kubectlChecked(['apply', '--server-side', '--force-conflicts', '--field-manager=custom-otel-cluster', '-f', '-'], {
    input: crds.map((crd) => dumpYaml(crd)).join('---\n'),
  });
  await kubectlChecked(['wait', '--for=condition=Established', '--timeout=120s', ...crds.map((crd) => `crd/${crd.metadata.name}`)]);
}

export async function startOperator(operator: BuiltComponent): Promise<void> {
  const moduleDir = await operatorModuleDir();
  const serving = await issueCertificate({ name: 'operator-webhook', commonName: 'opentelemetry-operator-webhook', ipAddresses: [LOOPBACK], dnsNames: ['localhost'] });
  // controller-runtime's webhook server reads $TMPDIR/k8s-webhook-server/serving-certs/tls.{crt,key}.
  const tmpDir = join(STATE_DIR, 'operator-tmp');
  const certDir = join(tmpDir, 'k8s-webhook-server', 'serving-certs');
  mkdirSync(certDir, { recursive: true });
  copyFileSync(serving.cert, join(certDir, 'tls.crt'));
  copyFileSync(serving.key, join(certDir, 'tls.key'));

  const target = webhookTarget();
  await installCrds(moduleDir, target);
  await startProcess(
    OPERATOR_PROCESS,
    operator.binaries['opentelemetry-operator'] as string,
    [
      `--webhook-port=${PORTS.operatorWebhook}`,
      `--health-probe-addr=${LOOPBACK}:${PORTS.operatorHealth}`,
      '--metrics-addr=0',
      `--collector-image=${COLLECTOR_IMAGE}`,
      '--zap-log-level=info',
    ],
    { env: { ...process.env, KUBECONFIG, TMPDIR: tmpDir } },
  );
  await waitUntilHealthy(OPERATOR_PROCESS, { url: `http://${LOOPBACK}:${PORTS.operatorHealth}/readyz` });
  const configurations = webhookConfigurations(readFileSync(join(moduleDir, 'config', 'webhook', 'manifests.yaml'), 'utf8'), target);
  await kubectlChecked(['apply', '--server-side', '--force-conflicts', '--field-manager=custom-otel-cluster', '-f', '-'], {
    input: configurations.map((c) => dumpYaml(c)).join('---\n'),
  });
}
