/**
 * etcd, kube-apiserver, kube-controller-manager and kube-scheduler on
 * 127.0.0.1: RBAC on, service-account tokens signed by a key made here,
 * Services from SERVICE_CIDR.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BuiltComponent } from './build';
import { writeKubeconfig } from './kubeconfig';
import { DATA_DIR, KUBECONFIG, PKI_DIR, STATE_DIR } from './layout';
import { API_SERVER_URL, CLUSTER_DOMAIN, KUBERNETES_SERVICE_IP, LOOPBACK, POD_CIDR, PORTS, SERVICE_CIDR } from './network';
import { CA, ensureServiceAccountKeys, issueCertificate, SERVICE_ACCOUNT_KEY, SERVICE_ACCOUNT_PUBLIC_KEY, type CertificateFiles } from './pki';
import { startProcess } from './processes';
import { waitUntilHealthy } from './readiness';

export const COMPONENT_KUBECONFIG = (name: string) => join(STATE_DIR, 'kubeconfigs', `${name}.kubeconfig`);

/** The admin's client certificate (group system:masters), used by kubectl, the tests and the operator. */
export function adminCredentials(): Promise<CertificateFiles> {
  return issueCertificate({ name: 'admin', commonName: 'custom-otel-admin', organization: 'system:masters' });
}

export async function startEtcd(etcd: BuiltComponent): Promise<void> {
  const dataDir = join(DATA_DIR, 'etcd');
  mkdirSync(dataDir, { recursive: true });
  await startProcess('etcd', etcd.binaries.etcd as string, [
    '--name=custom-otel-cluster',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://${LOOPBACK}:${PORTS.etcdClient}`,
    `--advertise-client-urls=http://${LOOPBACK}:${PORTS.etcdClient}`,
    `--listen-peer-urls=http://${LOOPBACK}:${PORTS.etcdPeer}`,
    `--initial-advertise-peer-urls=http://${LOOPBACK}:${PORTS.etcdPeer}`,
    `--initial-cluster=custom-otel-cluster=http://${LOOPBACK}:${PORTS.etcdPeer}`,
    '--listen-metrics-urls=',
    // A test cluster on a busy disk: no fsync stalls turning into leader loss.
    '--unsafe-no-fsync',
  ]);
  await waitUntilHealthy('etcd', { url: `http://${LOOPBACK}:${PORTS.etcdClient}/health` });
}

export async function startApiServer(controlPlane: BuiltComponent): Promise<void> {
  await ensureServiceAccountKeys();
  const serving = await issueCertificate({
    name: 'kube-apiserver',
    commonName: 'kube-apiserver',
    ipAddresses: [LOOPBACK, KUBERNETES_SERVICE_IP],
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${CLUSTER_DOMAIN}`],
  });
  // What the API server presents to kubelets for logs and exec.
  const kubeletClient = await issueCertificate({ name: 'kube-apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters' });
  await startProcess('kube-apiserver', controlPlane.binaries['kube-apiserver'] as string, [
    `--etcd-servers=http://${LOOPBACK}:${PORTS.etcdClient}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${PORTS.apiServer}`,
    `--tls-cert-file=${serving.cert}`,
    `--tls-private-key-file=${serving.key}`,
    `--client-ca-file=${CA.cert}`,
    `--kubelet-client-certificate=${kubeletClient.cert}`,
    `--kubelet-client-key=${kubeletClient.key}`,
    `--kubelet-certificate-authority=${CA.cert}`,
    // The node's Hostname address resolves nowhere: logs and exec go to its InternalIP.
    '--kubelet-preferred-address-types=InternalIP',
    `--service-account-key-file=${SERVICE_ACCOUNT_PUBLIC_KEY}`,
    `--service-account-signing-key-file=${SERVICE_ACCOUNT_KEY}`,
    `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    '--profiling=false',
    `--cert-dir=${join(PKI_DIR, 'kube-apiserver-generated')}`,
    // It listens on loopback only, which an Endpoints address may not be: the `kubernetes` Service has none.
    '--endpoint-reconciler-type=none',
  ]);
  const admin = await adminCredentials();
  writeKubeconfig(KUBECONFIG, 'admin', admin);
  await waitUntilHealthy('kube-apiserver', { url: `${API_SERVER_URL}/readyz`, ca: CA.cert, client: admin });
}

async function componentKubeconfig(name: string, commonName: string): Promise<string> {
  const credentials = await issueCertificate({ name, commonName });
  const path = COMPONENT_KUBECONFIG(name);
  writeKubeconfig(path, commonName, credentials);
  return path;
}

export async function startControllerManager(controlPlane: BuiltComponent): Promise<void> {
  const kubeconfig = await componentKubeconfig('kube-controller-manager', 'system:kube-controller-manager');
  await startProcess('kube-controller-manager', controlPlane.binaries['kube-controller-manager'] as string, [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${PORTS.controllerManager}`,
    `--cert-dir=${join(PKI_DIR, 'kube-controller-manager-generated')}`,
    `--service-account-private-key-file=${SERVICE_ACCOUNT_KEY}`,
    `--root-ca-file=${CA.cert}`,
    `--cluster-signing-cert-file=${CA.cert}`,
    `--cluster-signing-key-file=${CA.key}`,
    '--use-service-account-credentials=true',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    `--cluster-cidr=${POD_CIDR}`,
    '--allocate-node-cidrs=true',
    '--leader-elect=false',
    '--profiling=false',
  ]);
  await waitUntilHealthy('kube-controller-manager', { url: `https://${LOOPBACK}:${PORTS.controllerManager}/healthz` });
}

export async function startScheduler(controlPlane: BuiltComponent): Promise<void> {
  const kubeconfig = await componentKubeconfig('kube-scheduler', 'system:kube-scheduler');
  await startProcess('kube-scheduler', controlPlane.binaries['kube-scheduler'] as string, [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${PORTS.scheduler}`,
    `--cert-dir=${join(PKI_DIR, 'kube-scheduler-generated')}`,
    '--leader-elect=false',
    '--profiling=false',
  ]);
  await waitUntilHealthy('kube-scheduler', { url: `https://${LOOPBACK}:${PORTS.scheduler}/healthz` });
}
