/**
 * The node (kubelet on containerd, kube-proxy, CoreDNS) is built and run by
 * cluster/node.ts, written apart. `up`, `down`, `status` and `load` call it
 * through this interface when it is there; without it the cluster is a control
 * plane with the operator, and whatever needs a node says that it is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLUSTER_SOURCE_DIR, KUBECONFIG, KUBECTL_LINK, PKI_DIR, STATE_DIR } from './layout';
import * as network from './network';
import { CA, issueCertificate } from './pki';

/** What the node gets from the control plane's side. */
export interface ClusterContext {
  stateDir: string;
  pkiDir: string;
  ca: typeof CA;
  /** Certificates signed by the cluster's CA (the kubelet's client and serving ones). */
  issueCertificate: typeof issueCertificate;
  kubeconfig: string;
  kubectl: string;
  network: typeof network;
  log: (line: string) => void;
}

export interface ClusterNode {
  /** Builds (cached) and starts the node; idempotent; resolves once the Node is Ready. */
  startNode(ctx: ClusterContext): Promise<void>;
  /** Stops every process and removes every container, network, mount and iptables rule the node made. */
  stopNode(ctx: ClusterContext): Promise<void>;
  /** One line per part of the node, for `status`. */
  nodeStatus?(ctx: ClusterContext): Promise<string[]>;
  /** Puts images of the local Docker engine into the node's runtime (`kind load docker-image`). */
  loadImages?(ctx: ClusterContext, images: readonly string[]): Promise<void>;
}

export const NODE_MODULE = join(CLUSTER_SOURCE_DIR, 'node.ts');

export function clusterContext(log: (line: string) => void): ClusterContext {
  return { stateDir: STATE_DIR, pkiDir: PKI_DIR, ca: CA, issueCertificate, kubeconfig: KUBECONFIG, kubectl: KUBECTL_LINK, network, log };
}

/** The node module, or undefined when cluster/node.ts is not in this checkout. */
export async function loadNode(): Promise<ClusterNode | undefined> {
  if (!existsSync(NODE_MODULE)) return undefined;
  const loaded = (await import(pathToFileURL(NODE_MODULE).href)) as Partial<ClusterNode> & { default?: Partial<ClusterNode> };
  const node = typeof loaded.startNode === 'function' ? loaded : loaded.default;
  if (typeof node?.startNode !== 'function' || typeof node.stopNode !== 'function') {
    throw new Error(`cluster: ${NODE_MODULE} must export startNode(ctx) and stopNode(ctx)`);
  }
  return node as ClusterNode;
}

export const NO_NODE = `no node: cluster/node.ts (the kubelet, containerd, kube-proxy and CoreDNS) is not in this checkout`;
