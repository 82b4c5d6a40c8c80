/**
 * kube-proxy's KubeProxyConfiguration: iptables mode, Services' NodePorts only on
 * the node's bridge address, health and metrics on 127.0.0.1, and no conntrack
 * table resizing (the VM's sysctls are left as they are).
 */
import { POD_CIDR } from './network';
import { BRIDGE_IP, NODE_NAME, NODE_PORTS } from './node-network';

export function kubeProxyConfiguration(kubeconfig: string): string {
  const config = {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig },
    mode: 'iptables',
    hostnameOverride: NODE_NAME,
    bindAddress: BRIDGE_IP,
    clusterCIDR: POD_CIDR,
    detectLocalMode: 'ClusterCIDR',
    healthzBindAddress: `127.0.0.1:${NODE_PORTS.kubeProxyHealthz}`,
    metricsBindAddress: `127.0.0.1:${NODE_PORTS.kubeProxyMetrics}`,
    nodePortAddresses: [`${BRIDGE_IP}/32`],
    conntrack: { maxPerCore: 0 },
    // No CAP_SYS_RESOURCE here to lower it (default -999).
    oomScoreAdj: 0,
    iptables: { syncPeriod: '10s', minSyncPeriod: '1s' },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
