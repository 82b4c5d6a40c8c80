/**
 * The node's Go components: for each, its go.mod directory under
 * cluster/components, the packages of its one `go build`, the binaries that come
 * out, the link-time version stamps and the build's environment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../scripts/repository';
import { kubernetesVersionFlags } from './components';

export interface NodeVersions {
  kubernetes: { module: string; version: string; stagingVersion: string };
  containerd: { module: string; version: string };
  coredns: { module: string; version: string };
  runc: { debianPackage: string };
  cniPlugins: { debianPackage: string; binDir: string; plugins: string[] };
}

export const COMPONENTS_DIR = join(REPO_ROOT, 'cluster', 'components');
export const NODE_VERSIONS = (JSON.parse(readFileSync(join(REPO_ROOT, 'cluster', 'versions.json'), 'utf8')) as { node: NodeVersions }).node;

export type NodeComponentName = 'node' | 'containerd' | 'coredns';

export interface NodeGoComponent {
  name: NodeComponentName;
  dir: string;
  /** The module whose version versions.json pins; its go.mod must require exactly that. */
  pinned: { module: string; version: string };
  packages: string[];
  binaries: string[];
  ldflags: string[];
  tags?: string[];
  env?: Record<string, string>;
}

const { kubernetes, containerd, coredns } = NODE_VERSIONS;

export const NODE_COMPONENTS: Record<NodeComponentName, NodeGoComponent> = {
  node: {
    name: 'node',
    dir: join(COMPONENTS_DIR, 'node'),
    pinned: kubernetes,
    packages: ['kubelet', 'kube-proxy'].map((c) => `${kubernetes.module}/cmd/${c}`),
    binaries: ['kubelet', 'kube-proxy'],
    ldflags: kubernetesVersionFlags(kubernetes.version),
  },
  containerd: {
    name: 'containerd',
    dir: join(COMPONENTS_DIR, 'containerd'),
    pinned: containerd,
    packages: ['containerd', 'containerd-shim-runc-v2', 'ctr'].map((c) => `${containerd.module}/cmd/${c}`),
    binaries: ['containerd', 'containerd-shim-runc-v2', 'ctr'],
    ldflags: [`-X ${containerd.module}/version.Version=${containerd.version}`],
    // Static, and without the btrfs/devmapper/zfs snapshotters (overlayfs is the node's).
    tags: ['no_btrfs', 'no_devmapper', 'no_zfs'],
    env: { CGO_ENABLED: '0' },
  },
  coredns: {
    name: 'coredns',
    dir: join(COMPONENTS_DIR, 'coredns'),
    pinned: coredns,
    packages: ['.'],
    binaries: ['coredns'],
    ldflags: [],
    // It runs in an image of its own binary alone.
    env: { CGO_ENABLED: '0' },
  },
};
