/**
 * The node's slice of the cluster's fixed ranges (cluster/network.ts holds the
 * cluster-wide ones): its pods get addresses from POD_SUBNET on one Linux bridge
 * that the node makes itself, and the bridge's own address is the node's
 * address (the kubelet and hostNetwork pods such as CoreDNS listen there). Pods
 * are given routes to the cluster's ranges only, never a default route.
 */
import { POD_CIDR, SERVICE_CIDR } from './network';

export const NODE_NAME = 'custom-otel-node';
export const BRIDGE = 'cotel0';
/** The node's pod subnet: the first /24 of POD_CIDR, as the controller-manager allocates it to the first node. */
export const POD_SUBNET = '10.244.0.0/24';
export const BRIDGE_IP = '10.244.0.1';
export const BRIDGE_PREFIX = 24;
/** Where a pod may send packets: the routes CNI gives every pod. */
export const POD_ROUTES = [POD_CIDR, SERVICE_CIDR] as const;

export const NODE_PORTS = {
  kubelet: 10250,
  kubeletHealthz: 10248,
  kubeProxyHealthz: 10256,
  kubeProxyMetrics: 10249,
  corednsHealth: 18080,
  corednsReady: 18181,
} as const;
