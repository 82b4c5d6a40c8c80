/**
 * The node's configuration as the pure functions render it: the pins of each
 * go.mod, the settings these machines need (cgroupfs, cgroup v1, no
 * CAP_SYS_RESOURCE), the pods' routes, and the iptables rule parsing stopNode
 * relies on. The node running on them is tested in test/node and test/cluster.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cniConflist } from '../../cluster/cni-config';
import { containerdConfig, defaultRegistryHosts, NO_REGISTRY } from '../../cluster/containerd-config';
import { kubeletConfiguration } from '../../cluster/kubelet-config';
import { requiredVersion } from '../../cluster/build';
import { splitRule } from '../../cluster/node-chains';
import { NODE_COMPONENTS, NODE_VERSIONS } from '../../cluster/node-components';
import { CLUSTER_DISK_NEED, diskPressureProblem, filesystemRoom } from '../../cluster/node-disk';
import { nodeLayout } from '../../cluster/node-layout';
import { BRIDGE, BRIDGE_IP, POD_ROUTES, POD_SUBNET } from '../../cluster/node-network';

const layout = nodeLayout('/state');

describe('the node components', () => {
  it.each(Object.values(NODE_COMPONENTS))('$name: go.mod requires the version versions.json pins', (component) => {
    const goMod = readFileSync(join(component.dir, 'go.mod'), 'utf8');
    expect(requiredVersion(goMod, component.pinned.module)).toBe(component.pinned.version);
  });

  it("replaces every k8s.io staging module by the control plane's staging release", () => {
    const goMod = readFileSync(join(NODE_COMPONENTS.node.dir, 'go.mod'), 'utf8');
    const replaces = [...goMod.matchAll(/^\s*(k8s\.io\/\S+) => (k8s\.io\/\S+) (v\S+)$/gm)];
    expect(replaces.length).toBeGreaterThan(20);
    for (const [, from, to, version] of replaces) {
      expect(to).toBe(from);
      expect(version).toBe(NODE_VERSIONS.kubernetes.stagingVersion);
    }
  });
});

describe("the node's configuration", () => {
  it('containerd: own paths, cgroupfs, oom_score_adj kept at its own, CNI from our conf dir', () => {
    const config = containerdConfig({ layout, runc: '/usr/sbin/runc', cniBinDir: '/usr/lib/cni', sandboxImage: 'pause:x' });
    expect(config).toContain('root = "/state/node/containerd/root"');
    expect(config).toContain('address = "/state/node/containerd/containerd.sock"');
    expect(config).toContain('SystemdCgroup = false');
    expect(config).toContain('restrict_oom_score_adj = true');
    expect(config).toContain('conf_dir = "/state/node/cni/net.d"');
    expect(config).toContain('sandbox = "pause:x"');
    expect(config).toContain('config_path = "/state/node/containerd/registries"');
    expect(defaultRegistryHosts()).toContain(`server = "${NO_REGISTRY}"`);
  });

  it('kubelet: cgroupfs on cgroup v1 with swap allowed, no lowered oom_score_adj, serving on the bridge in a cluster', () => {
    const cluster = JSON.parse(kubeletConfiguration(layout, { kind: 'cluster', caFile: 'ca', servingCert: 'c', servingKey: 'k' })) as Record<string, unknown>;
    expect(cluster).toMatchObject({ cgroupDriver: 'cgroupfs', failSwapOn: false, failCgroupV1: false, oomScoreAdj: 0, address: BRIDGE_IP, readOnlyPort: 0 });
    expect(cluster.authorization).toEqual({ mode: 'Webhook' });
    const standalone = JSON.parse(kubeletConfiguration(layout, { kind: 'standalone' })) as Record<string, unknown>;
    expect(standalone.address).toBe('127.0.0.1');
  });

  it("CNI: the bridge, the node's subnet, routes to the cluster's ranges only, nothing masqueraded", () => {
    const conflist = JSON.parse(cniConflist('/data')) as { plugins: Array<Record<string, any>> };
    const bridge = conflist.plugins[0]!;
    expect(bridge).toMatchObject({ type: 'bridge', bridge: BRIDGE, ipMasq: false, isDefaultGateway: false });
    expect(bridge.ipam.ranges).toEqual([[{ subnet: POD_SUBNET, gateway: BRIDGE_IP }]]);
    expect(bridge.ipam.routes.map((r: { dst: string }) => r.dst)).toEqual([...POD_ROUTES]);
    expect(conflist.plugins.map((p) => p.type)).toEqual(['bridge', 'portmap']);
  });

  it('reads iptables -S rules back into arguments, quoted comments whole', () => {
    expect(splitRule('OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES')).toEqual([
      'OUTPUT', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES',
    ]);
  });
});

describe("the node's disk room", () => {
  const GIB = 1024 ** 3;
  const room = { path: '/state/node', totalBytes: 200 * GIB, availableBytes: 100 * GIB, totalInodes: 10_000_000, freeInodes: 5_000_000 };
  // evictionHard nodefs.available 1% of 200 GiB
  const evictBelow = 2 * GIB;

  it('has room when free space stays above the eviction threshold with the cluster on it', () => {
    expect(diskPressureProblem(room)).toBeUndefined();
    expect(diskPressureProblem({ ...room, availableBytes: evictBelow + CLUSTER_DISK_NEED.bytes })).toBeUndefined();
  });

  it('refuses, naming the filesystem, what is free and what to free, when the cluster would take the node under the threshold', () => {
    const problem = diskPressureProblem({ ...room, availableBytes: evictBelow + CLUSTER_DISK_NEED.bytes - GIB });
    expect(problem).toMatch(/^cluster: the node cannot start, its filesystem \(\/state\/node\) has 6\.0 GiB free of 200\.0 GiB/);
    expect(problem).toContain('below 2.0 GiB (evictionHard nodefs.available 1%)');
    expect(problem).toContain('Free at least 1.0 GiB');
  });

  it('a node already holding its images needs only to stay above the threshold', () => {
    expect(diskPressureProblem({ ...room, availableBytes: evictBelow + GIB }, { bytes: 0, inodes: 0 })).toBeUndefined();
    expect(diskPressureProblem({ ...room, availableBytes: evictBelow - GIB }, { bytes: 0, inodes: 0 })).toContain('1.0 GiB free');
  });

  it('refuses when inodes would run out, and takes a filesystem that counts none as having room', () => {
    expect(diskPressureProblem({ ...room, freeInodes: 100_000 + CLUSTER_DISK_NEED.inodes - 1 })).toMatch(/has 499999 of 10000000 inodes free; the kubelet taints the node below 100000/);
    expect(diskPressureProblem({ ...room, totalInodes: 0, freeInodes: 0 })).toBeUndefined();
  });

  it("reads this machine's filesystem", () => {
    const here = filesystemRoom(process.cwd());
    expect(here.totalBytes).toBeGreaterThan(0);
    expect(here.availableBytes).toBeLessThanOrEqual(here.totalBytes);
    expect(here.path).toBe(process.cwd());
  });
});
