/**
 * The cluster's one fixed set of addresses and ports. The control plane and the
 * operator listen on 127.0.0.1 only; Services get addresses from SERVICE_CIDR and
 * pods from POD_CIDR (the node's business), nothing else is ever addressed.
 */
export const LOOPBACK = '127.0.0.1';
export const SERVICE_CIDR = '10.96.0.0/16';
/** The `kubernetes` Service's address: the first of SERVICE_CIDR (in the API server's certificate). */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
export const CLUSTER_DNS_IP = '10.96.0.10';
export const POD_CIDR = '10.244.0.0/16';
export const CLUSTER_DOMAIN = 'cluster.local';

export const PORTS = {
  etcdClient: 23790,
  etcdPeer: 23800,
  apiServer: 16443,
  controllerManager: 10257,
  scheduler: 10259,
  operatorWebhook: 19443,
  operatorHealth: 18081,
} as const;

export const API_SERVER_URL = `https://${LOOPBACK}:${PORTS.apiServer}`;
