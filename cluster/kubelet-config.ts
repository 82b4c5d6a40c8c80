/**
 * The kubelet's KubeletConfiguration and command line. The settings that let a
 * current kubelet run on these machines: cgroupfs (cgroup v1, no systemd),
 * failSwapOn false, failCgroupV1 false (from 1.35 the kubelet refuses cgroup v1
 * unless told). Images are never garbage-collected (they come from `load`, and
 * no registry could give them back), and pods with dnsPolicy Default get a
 * resolv.conf with no outside resolver.
 */
import { CLUSTER_DNS_IP, CLUSTER_DOMAIN } from './network';
import type { NodeLayout } from './node-layout';
import { BRIDGE_IP, NODE_NAME, NODE_PORTS } from './node-network';

/**
 * Below these the kubelet evicts pods and taints the node. Low, for a shared
 * 2-core VM with a busy disk; cluster/node-disk.ts refuses to start a node
 * that a test run would take below them. The node's filesystem is also its
 * image filesystem (containerd's root is under the node's directory).
 */
export const EVICTION_HARD = { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' } as const;

/** standalone: static pods only, no API server (used to prove the runtime before the control plane). */
export type KubeletMode = { kind: 'standalone' } | { kind: 'cluster'; caFile: string; servingCert: string; servingKey: string };

export function kubeletConfiguration(layout: NodeLayout, mode: KubeletMode): string {
  const config = {
    kind: 'KubeletConfiguration',
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    // On the node's bridge address: the API server reaches it there for logs and exec.
    address: mode.kind === 'cluster' ? BRIDGE_IP : '127.0.0.1',
    port: NODE_PORTS.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: NODE_PORTS.kubeletHealthz,
    containerRuntimeEndpoint: `unix://${layout.containerdSocket}`,
    cgroupDriver: 'cgroupfs',
    failSwapOn: false,
    failCgroupV1: false,
    staticPodPath: layout.staticPodDir,
    podLogsDir: layout.podLogDir,
    resolvConf: layout.resolvConf,
    clusterDNS: [CLUSTER_DNS_IP],
    clusterDomain: CLUSTER_DOMAIN,
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: EVICTION_HARD,
    serializeImagePulls: false,
    protectKernelDefaults: false,
    // No CAP_SYS_RESOURCE here: the kubelet cannot lower its own oom_score_adj (default -999).
    oomScoreAdj: 0,
    ...(mode.kind === 'cluster'
      ? {
          tlsCertFile: mode.servingCert,
          tlsPrivateKeyFile: mode.servingKey,
          authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: mode.caFile } },
          authorization: { mode: 'Webhook' },
        }
      : {
          authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
          authorization: { mode: 'AlwaysAllow' },
        }),
  };
  // JSON is YAML: the kubelet reads it as its config file.
  return `${JSON.stringify(config, null, 2)}\n`;
}

export function kubeletArgs(layout: NodeLayout, mode: KubeletMode): string[] {
  return [
    `--config=${layout.kubeletConfig}`,
    `--root-dir=${layout.kubeletRoot}`,
    `--cert-dir=${layout.kubeletRoot}/pki`,
    `--hostname-override=${NODE_NAME}`,
    `--node-ip=${BRIDGE_IP}`,
    '--v=1',
    ...(mode.kind === 'cluster' ? [`--kubeconfig=${layout.kubeletKubeconfig}`] : []),
  ];
}

/** What pods with dnsPolicy Default resolve with: nothing outside the cluster. */
export function podResolvConf(): string {
  return `# custom-otel-cluster: pods are never given a resolver outside the cluster\nnameserver ${CLUSTER_DNS_IP}\nsearch ${CLUSTER_DOMAIN}\noptions ndots:5\n`;
}
