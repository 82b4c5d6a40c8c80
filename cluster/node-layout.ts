/**
 * Where the node keeps its state: everything under <stateDir>/node, so that
 * `stopNode` knows each directory it made and a second cluster checkout never
 * shares a path with this one (containerd, runc, CNI and the kubelet all get
 * their own roots; the Docker engine's containerd is never touched).
 */
import { join } from 'node:path';

export interface NodeLayout {
  root: string;
  containerdConfig: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  /** containerd's registry hosts (hosts.toml per registry; _default for all). */
  registryConfigDir: string;
  runcRoot: string;
  cniConfDir: string;
  cniDataDir: string;
  kubeletRoot: string;
  kubeletConfig: string;
  kubeletKubeconfig: string;
  staticPodDir: string;
  podLogDir: string;
  kubeProxyConfig: string;
  kubeProxyKubeconfig: string;
  /** The resolv.conf the kubelet hands to pods with dnsPolicy Default: no outside resolver. */
  resolvConf: string;
  corednsDir: string;
  logDir: string;
  runDir: string;
}

export function nodeLayout(stateDir: string): NodeLayout {
  const root = join(stateDir, 'node');
  const containerd = join(root, 'containerd');
  const kubelet = join(root, 'kubelet');
  return {
    root,
    containerdConfig: join(containerd, 'config.toml'),
    containerdRoot: join(containerd, 'root'),
    containerdState: join(containerd, 'state'),
    containerdSocket: join(containerd, 'containerd.sock'),
    registryConfigDir: join(containerd, 'registries'),
    runcRoot: join(containerd, 'runc'),
    cniConfDir: join(root, 'cni', 'net.d'),
    cniDataDir: join(root, 'cni', 'data'),
    kubeletRoot: kubelet,
    kubeletConfig: join(root, 'kubelet-config.yaml'),
    kubeletKubeconfig: join(root, 'kubelet.kubeconfig'),
    staticPodDir: join(root, 'manifests'),
    podLogDir: join(root, 'pod-logs'),
    kubeProxyConfig: join(root, 'kube-proxy-config.yaml'),
    kubeProxyKubeconfig: join(root, 'kube-proxy.kubeconfig'),
    resolvConf: join(root, 'resolv.conf'),
    corednsDir: join(root, 'coredns'),
    logDir: join(root, 'logs'),
    runDir: join(root, 'run'),
  };
}
