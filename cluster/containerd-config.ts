/**
 * containerd's config.toml (version 3, containerd 2.x) for the node: its own
 * root, state and sockets, the runc shim calling Debian's runc with cgroupfs
 * (the machines are on cgroup v1, with no systemd to delegate to), CNI from our
 * conf dir, network namespaces under its own state dir, and the sandbox image
 * we build locally (no registry is reachable, so registry.k8s.io/pause is not).
 */
import type { NodeLayout } from './node-layout';

export interface ContainerdSettings {
  layout: NodeLayout;
  runc: string;
  cniBinDir: string;
  sandboxImage: string;
}

const toml = (value: string): string => JSON.stringify(value);

/** Where every pull goes: a closed port on the loopback, so no pull ever asks a registry (or a resolver) elsewhere. */
export const NO_REGISTRY = 'http://127.0.0.1:9';

/** hosts.toml for every registry (containerd's _default): the loopback's closed port only, no fallback upstream. */
export function defaultRegistryHosts(): string {
  return `# Images come from \`npm run cluster -- load\`; a pull must fail here, never reach out.\nserver = "${NO_REGISTRY}"\n\n[host."${NO_REGISTRY}"]\n  capabilities = ["pull", "resolve"]\n`;
}

export function containerdConfig({ layout, runc, cniBinDir, sandboxImage }: ContainerdSettings): string {
  return `version = 3
root = ${toml(layout.containerdRoot)}
state = ${toml(layout.containerdState)}
# Nothing but the CRI and the image/content services we use: no TCP listener, no metrics port.
disabled_plugins = ["io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp", "io.containerd.snapshotter.v1.blockfile"]

[grpc]
  address = ${toml(layout.containerdSocket)}

[ttrpc]
  address = ${toml(`${layout.containerdSocket}.ttrpc`)}

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.cri.v1.images"]
  snapshotter = "overlayfs"
  # Images come only from \`load\`: keep them all, never ask a registry.
  [plugins."io.containerd.cri.v1.images".pinned_images]
    sandbox = ${toml(sandboxImage)}
  [plugins."io.containerd.cri.v1.images".registry]
    config_path = ${toml(layout.registryConfigDir)}

[plugins."io.containerd.cri.v1.runtime"]
  netns_mounts_under_state_dir = true
  # These machines deny CAP_SYS_RESOURCE, so no process may lower its oom_score_adj
  # (the kubelet asks -998 for every sandbox): keep it at containerd's own.
  restrict_oom_score_adj = true
  [plugins."io.containerd.cri.v1.runtime".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options]
        BinaryName = ${toml(runc)}
        Root = ${toml(layout.runcRoot)}
        SystemdCgroup = false
  [plugins."io.containerd.cri.v1.runtime".cni]
    bin_dirs = [${toml(cniBinDir)}]
    conf_dir = ${toml(layout.cniConfDir)}
    max_conf_num = 1

[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  # The kubelet's exec/attach/port-forward streams: on the loopback only.
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
`;
}
